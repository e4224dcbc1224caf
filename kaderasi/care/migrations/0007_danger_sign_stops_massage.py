from django.db import migrations, models

# The stop-and-refer questions asked before a massage stop it until the midwife has seen the
# mother (domain reference §1.3); declining is her right, not a reason to refer.
STOPPING = [
    "back_wound",
    "back_injury",
    "severe_back_pain",
    "fever_or_unwell",
    "bleeding_or_danger_sign",
    "very_high_blood_pressure",
]


def mark_stopping_signs(apps, schema_editor):
    apps.get_model("care", "DangerSign").objects.filter(code__in=STOPPING).update(
        stops_massage=True
    )


class Migration(migrations.Migration):
    dependencies = [("care", "0006_milk_rule_reads_the_reference_table")]

    operations = [
        migrations.AddField(
            model_name="dangersign",
            name="stops_massage",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "While a referral raised by this sign is open, no massage is done or "
                    "recorded for the mother until the midwife closes it."
                ),
                verbose_name="stops the massage",
            ),
        ),
        migrations.RunPython(mark_stopping_signs, migrations.RunPython.noop),
    ]
