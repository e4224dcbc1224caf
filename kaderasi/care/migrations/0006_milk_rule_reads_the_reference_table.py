"""The milk-volume flag rule names the days it judges; its lower references are read from the
milk-volume reference table (the one the mother's chart draws) instead of a copy of their own."""

from django.db import migrations

CODE = "milk_volume_below_reference"


def to_days(apps, schema_editor):
    rule = apps.get_model("care", "FlagRule").objects.filter(code=CODE).first()
    if rule is None or "days" in (rule.parameters or {}):
        return
    old = (rule.parameters or {}).get("lower_ml_by_day") or {"3": 100, "5": 450}
    rule.parameters = {"days": sorted(int(day) for day in old if str(day).isdigit())}
    rule.save(update_fields=["parameters"])


def to_volumes(apps, schema_editor):
    rule = apps.get_model("care", "FlagRule").objects.filter(code=CODE).first()
    if rule is None:
        return
    days = (rule.parameters or {}).get("days") or [3, 5]
    shipped = {3: 100, 5: 450}
    rule.parameters = {"lower_ml_by_day": {str(day): shipped.get(day, 0) for day in days}}
    rule.save(update_fields=["parameters"])


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0005_load_the_care_catalogue"),
        ("evaluation", "0002_seed_milk_volume_references"),
    ]

    operations = [migrations.RunPython(to_days, to_volumes)]
