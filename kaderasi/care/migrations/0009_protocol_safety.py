import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from kaderasi.care.catalogue import PROTOCOL_SAFETY_RULES, flag_rules_ensure


def add_rules(apps, schema_editor):
    flag_rules_ensure(apps, codes=PROTOCOL_SAFETY_RULES)


def remove_rules(apps, schema_editor):
    apps.get_model("care", "FlagRule").objects.filter(code__in=PROTOCOL_SAFETY_RULES).delete()


class Migration(migrations.Migration):
    """Issue 19: the first postnatal check and the gestational age the first massage and the
    LBW/preterm rule read; a birth outcome that stops the schedule; milk coming in; a session
    skipped with its reason (a refusal is recorded, not referred); why a session was cancelled;
    the new rules as data."""

    dependencies = [
        ("care", "0008_danger_sign_severity"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="delivery",
            name="birth_outcome",
            field=models.CharField(
                blank=True,
                choices=[
                    ("stillbirth", "Stillbirth"),
                    ("neonatal_death", "Death of the baby"),
                    ("intensive_care", "Baby in intensive care (NICU/perinatology)"),
                ],
                max_length=20,
                verbose_name="birth outcome",
            ),
        ),
        migrations.AddField(
            model_name="delivery",
            name="birth_outcome_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="birth outcome known at"
            ),
        ),
        migrations.AddField(
            model_name="delivery",
            name="first_postnatal_check_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="midwife's first postnatal check (KF1)"
            ),
        ),
        migrations.AddField(
            model_name="delivery",
            name="gestational_age_weeks",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text=(
                    "As the midwife assessed it; when empty it is derived from the HPHT or HPL."
                ),
                null=True,
                verbose_name="gestational age at birth (completed weeks)",
            ),
        ),
        migrations.AddField(
            model_name="delivery",
            name="milk_came_in_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="milk came in (breasts full, milk leaking)"
            ),
        ),
        migrations.AddField(
            model_name="delivery",
            name="milk_not_in_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="last asked: milk not yet come in"
            ),
        ),
        migrations.AddField(
            model_name="scheduledsession",
            name="cancel_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("rescheduled", "Rescheduled (delivery time or protocol changed)"),
                    ("consent_withdrawn", "Consent withdrawn"),
                    ("birth_outcome", "Birth outcome stops the massage"),
                ],
                max_length=20,
                verbose_name="reason for cancelling",
            ),
        ),
        migrations.AddField(
            model_name="scheduledsession",
            name="skip_note",
            field=models.TextField(blank=True, verbose_name="note on skipping"),
        ),
        migrations.AddField(
            model_name="scheduledsession",
            name="skip_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("mother_declines", "The mother declines"),
                    ("mother_unwell", "The mother is unwell"),
                    ("other", "Other"),
                ],
                max_length=20,
                verbose_name="reason for skipping",
            ),
        ),
        migrations.AddField(
            model_name="scheduledsession",
            name="skipped_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="skipped at"),
        ),
        migrations.AddField(
            model_name="scheduledsession",
            name="skipped_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="skipped by",
            ),
        ),
        migrations.AddConstraint(
            model_name="delivery",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("gestational_age_weeks__isnull", True),
                    models.Q(
                        ("gestational_age_weeks__gte", 22), ("gestational_age_weeks__lte", 44)
                    ),
                    _connector="OR",
                ),
                name="delivery_gestational_age_22_to_44_weeks",
                violation_error_message="A gestational age at birth must be 22 to 44 weeks.",
            ),
        ),
        migrations.AddConstraint(
            model_name="delivery",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("birth_outcome", ""), ("birth_outcome_at__isnull", True)),
                    models.Q(
                        ("birth_outcome__in", ["stillbirth", "neonatal_death", "intensive_care"]),
                        ("birth_outcome_at__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="delivery_birth_outcome_with_time",
                violation_error_message="A birth outcome needs the time it became known.",
            ),
        ),
        migrations.AddConstraint(
            model_name="scheduledsession",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("skipped_at__isnull", True), ("skip_reason", "")),
                    models.Q(
                        ("skipped_at__isnull", False),
                        ("skip_reason__in", ["mother_declines", "mother_unwell", "other"]),
                    ),
                    _connector="OR",
                ),
                name="scheduled_session_skipped_with_reason",
                violation_error_message="A skipped session needs its reason.",
            ),
        ),
        migrations.AddConstraint(
            model_name="scheduledsession",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("skip_reason", "other"), _negated=True),
                    models.Q(("skip_note", ""), _negated=True),
                    _connector="OR",
                ),
                name="scheduled_session_other_skip_has_note",
                violation_error_message="Describe why the session was skipped.",
            ),
        ),
        migrations.RunPython(add_rules, remove_rules),
    ]
