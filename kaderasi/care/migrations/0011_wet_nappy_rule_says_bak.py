from django.db import migrations

# Many families use cloth nappies or none: the rule is read as urinations (BAK), not nappies
# (issue 19). A title a coordinator has already edited is left as it is.
OLD = "Popok basah lebih sedikit dari umur bayi (hari)"
NEW = "BAK bayi lebih jarang dari umur bayi (hari)"


def forwards(apps, schema_editor):
    apps.get_model("care", "FlagRule").objects.filter(
        code="wet_nappies_below_day_of_life", title_id=OLD
    ).update(title_id=NEW)


def backwards(apps, schema_editor):
    apps.get_model("care", "FlagRule").objects.filter(
        code="wet_nappies_below_day_of_life", title_id=NEW
    ).update(title_id=OLD)


class Migration(migrations.Migration):
    dependencies = [("care", "0010_massage_step_wording")]

    operations = [migrations.RunPython(forwards, backwards)]
