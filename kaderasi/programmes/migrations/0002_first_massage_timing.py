import django.db.models
from django.db import migrations, models

import kaderasi.programmes.models


class Migration(migrations.Migration):
    """The first massage waits a configurable time after the birth and, optionally, the midwife's
    first postnatal check (issue 19); the postnatal visits the cadre hands the mother over to."""

    dependencies = [("programmes", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="programme",
            name="first_massage_min_hours",
            field=models.PositiveSmallIntegerField(
                default=6,
                help_text=(
                    "Proposed default 6 hours: the fourth stage of labour and early initiation "
                    "of breastfeeding come first (WHO 2022 postnatal care). No window of the "
                    "schedule opens earlier."
                ),
                verbose_name="first massage at the earliest (hours after the birth)",
            ),
        ),
        migrations.AddField(
            model_name="programme",
            name="first_massage_after_postnatal_check",
            field=models.BooleanField(
                default=True,
                help_text=(
                    "When on, the first massage also waits until the midwife has recorded her "
                    "first postnatal check; until then the schedule says it is waiting for it."
                ),
                verbose_name="first massage only after the midwife's first postnatal check (KF1)",
            ),
        ),
        migrations.AddField(
            model_name="programme",
            name="first_massage_timing_source",
            field=models.TextField(
                default=kaderasi.programmes.models.FIRST_MASSAGE_TIMING_SOURCE,
                verbose_name="source of the first-massage timing",
            ),
        ),
        migrations.AddField(
            model_name="programme",
            name="postnatal_visits",
            field=models.JSONField(
                blank=True,
                default=kaderasi.programmes.models.default_postnatal_visits,
                help_text=(
                    "The midwife's visits the mother is handed over to when the massage days "
                    'end: a list of {"code": "KF2", "subject": "mother" or "infant", '
                    '"from_day": 3, "to_day": 7}.'
                ),
                verbose_name="postnatal visits after the protocol",
            ),
        ),
        migrations.AddField(
            model_name="programme",
            name="postnatal_visits_source",
            field=models.TextField(
                default=kaderasi.programmes.models.POSTNATAL_VISITS_SOURCE,
                verbose_name="source of the postnatal visits",
            ),
        ),
        migrations.AddConstraint(
            model_name="programme",
            constraint=models.CheckConstraint(
                condition=django.db.models.Q(("first_massage_min_hours__lte", 72)),
                name="programme_first_massage_within_72_hours",
                violation_error_message=(
                    "The first massage cannot be asked to wait more than 72 hours after the birth."
                ),
            ),
        ),
    ]
