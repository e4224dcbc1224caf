"""Danger signs that reach someone (issue 19): two reminder kinds, an alert to the midwives the
moment a red danger sign reaches the server and an escalation when nobody acknowledges it in time,
a recipient for escalations (a coordinator or the puskesmas contact, a user), and the settings of
when to escalate, seeded as a default marked as a proposal. Going back removes the seeded rows."""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


ALERT_RULES = [
    {
        "kind": "danger_sign_alert",
        "recipient_role": "midwife",
        "offset_minutes": 0,
        "stale_after_minutes": 24 * 60,
        "respects_quiet_hours": False,
        "message_id": (
            "TANDA BAHAYA ({severity}) pada ibu {mother_code}, {posyandu}: {signs}. Catatan "
            "kader: {note}. Telepon kader {cadre} sekarang: {cadre_phone} {call}. Lalu buka "
            "rujukannya di kaderasi."
        ),
        "message_en": (
            "DANGER SIGN ({severity}) in mother {mother_code}, {posyandu}: {signs}. Cadre's "
            "note: {note}. Call cadre {cadre} now: {cadre_phone} {call}. Then open the referral "
            "in kaderasi."
        ),
        "whatsapp_template": "kaderasi_danger_sign_alert",
        "whatsapp_parameters": "severity,mother_code,posyandu,signs,note,cadre,cadre_phone",
        "source": (
            "Issue 19: a red danger sign (emergency or same day) notifies the midwives covering "
            "the mother's village at once, at any hour (no quiet hours), through the message "
            "gateway. Sent only while the referral is not acknowledged. Proposal [S]."
        ),
    },
    {
        "kind": "danger_sign_escalation",
        "recipient_role": "escalation",
        "offset_minutes": 0,
        "stale_after_minutes": 24 * 60,
        "respects_quiet_hours": False,
        "message_id": (
            "Belum ditanggapi bidan dalam {waited} menit: TANDA BAHAYA ({severity}) pada ibu "
            "{mother_code}, {posyandu}: {signs}. Bidan: {midwives}. Kader {cadre}: "
            "{cadre_phone} {call}. Mohon pastikan ibu atau bayi segera ditangani."
        ),
        "message_en": (
            "Not acknowledged by a midwife within {waited} minutes: DANGER SIGN ({severity}) in "
            "mother {mother_code}, {posyandu}: {signs}. Midwives: {midwives}. Cadre {cadre}: "
            "{cadre_phone} {call}. Please make sure the mother or baby is seen now."
        ),
        "whatsapp_template": "kaderasi_danger_sign_escalation",
        "whatsapp_parameters": "waited,severity,mother_code,posyandu,signs,midwives,cadre,cadre_phone",
        "source": (
            "Issue 19: when no midwife acknowledges the referral of a red danger sign within the "
            "programme's time (danger-sign alert settings), the programme's coordinators and the "
            "puskesmas contact are told, once. Proposal [S]."
        ),
    },
]


def seed(apps, schema_editor):
    rule = apps.get_model("reminders", "ReminderRule")
    for values in ALERT_RULES:
        rule.objects.get_or_create(
            programme=None,
            kind=values["kind"],
            recipient_role=values["recipient_role"],
            defaults=values,
        )
    apps.get_model("reminders", "DangerAlertSettings").objects.get_or_create(programme=None)


def unseed(apps, schema_editor):
    for values in ALERT_RULES:
        apps.get_model("reminders", "ReminderRule").objects.filter(
            programme=None, kind=values["kind"], recipient_role=values["recipient_role"]
        ).delete()
    apps.get_model("reminders", "DangerAlertSettings").objects.filter(programme=None).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0001_initial"),
        ("reminders", "0002_default_rules_and_time_zones"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DangerAlertSettings",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "public_id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, unique=True, verbose_name="public id"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                (
                    "emergency_acknowledge_minutes",
                    models.PositiveIntegerField(
                        default=60,
                        verbose_name="emergency: escalate when not acknowledged within (minutes)",
                    ),
                ),
                (
                    "same_day_acknowledge_minutes",
                    models.PositiveIntegerField(
                        default=240,
                        verbose_name="same-day sign: escalate when not acknowledged within (minutes)",
                    ),
                ),
                (
                    "escalate_to_coordinators",
                    models.BooleanField(
                        default=True,
                        help_text="The coordinators on the programme's team, with a phone number.",
                        verbose_name="escalate to the programme's coordinators",
                    ),
                ),
                (
                    "history_after_hours",
                    models.PositiveIntegerField(
                        default=168,
                        help_text="A check that reaches the server this long after it was observed is history (an import): it is flagged, but nobody is alerted.",
                        verbose_name="no alert for a check older than (hours)",
                    ),
                ),
                (
                    "source",
                    models.TextField(
                        default="Proposal [S] (issue 19), for the programme midwife's and the puskesmas's sign-off: an emergency danger sign (Buku KIA; WHO 2022 postnatal care: refer urgently) should reach a midwife who answers within 60 minutes, a same-day sign within 4 hours; otherwise the programme's coordinators and the puskesmas contact are told. Numbers are not from a guideline.",
                        verbose_name="source",
                    ),
                ),
            ],
            options={
                "verbose_name": "danger-sign alert settings",
                "verbose_name_plural": "danger-sign alert settings",
                "ordering": ["programme__slug"],
            },
        ),
        migrations.RemoveConstraint(
            model_name="reminder",
            name="reminder_recipient_matches_role",
        ),
        migrations.RemoveConstraint(
            model_name="reminderrule",
            name="reminder_rule_kind_is_known",
        ),
        migrations.RemoveConstraint(
            model_name="reminderrule",
            name="reminder_rule_recipient_is_known",
        ),
        migrations.AlterField(
            model_name="reminder",
            name="kind",
            field=models.CharField(
                choices=[
                    ("antenatal_education", "Antenatal education (weekly from 36 weeks)"),
                    ("session_due", "Massage session coming up"),
                    ("baseline_measurement", "Baseline milk volume due"),
                    ("follow_up_measurement", "Follow-up milk volume due"),
                    ("feeding_guidance", "Feeding guidance (8–12 feeds a day)"),
                    ("missed_session", "Missed session, escalated"),
                    ("certificate_refresher", "Certificate refresher"),
                    ("morning_digest", "Morning digest of the day's tasks"),
                    ("danger_sign_alert", "Danger sign: the midwife alerted at once"),
                    ("danger_sign_escalation", "Danger sign not acknowledged in time: escalated"),
                ],
                max_length=32,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="reminder",
            name="recipient_role",
            field=models.CharField(
                choices=[
                    ("mother", "Mother"),
                    ("family", "Family member who massages (else the mother)"),
                    ("cadre", "Cadre"),
                    ("midwife", "Midwife"),
                    ("escalation", "Coordinator or puskesmas contact (escalation)"),
                ],
                max_length=10,
                verbose_name="recipient",
            ),
        ),
        migrations.AlterField(
            model_name="reminderrule",
            name="kind",
            field=models.CharField(
                choices=[
                    ("antenatal_education", "Antenatal education (weekly from 36 weeks)"),
                    ("session_due", "Massage session coming up"),
                    ("baseline_measurement", "Baseline milk volume due"),
                    ("follow_up_measurement", "Follow-up milk volume due"),
                    ("feeding_guidance", "Feeding guidance (8–12 feeds a day)"),
                    ("missed_session", "Missed session, escalated"),
                    ("certificate_refresher", "Certificate refresher"),
                    ("morning_digest", "Morning digest of the day's tasks"),
                    ("danger_sign_alert", "Danger sign: the midwife alerted at once"),
                    ("danger_sign_escalation", "Danger sign not acknowledged in time: escalated"),
                ],
                max_length=32,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="reminderrule",
            name="recipient_role",
            field=models.CharField(
                choices=[
                    ("mother", "Mother"),
                    ("family", "Family member who massages (else the mother)"),
                    ("cadre", "Cadre"),
                    ("midwife", "Midwife"),
                    ("escalation", "Coordinator or puskesmas contact (escalation)"),
                ],
                max_length=10,
                verbose_name="recipient",
            ),
        ),
        migrations.AddConstraint(
            model_name="reminder",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("recipient_role", "mother"),
                        ("mother__isnull", False),
                        ("family_member__isnull", True),
                        ("cadre__isnull", True),
                        ("user__isnull", True),
                    ),
                    models.Q(
                        ("recipient_role", "family"),
                        ("mother__isnull", False),
                        ("family_member__isnull", False),
                        ("cadre__isnull", True),
                        ("user__isnull", True),
                    ),
                    models.Q(
                        ("recipient_role", "cadre"),
                        ("family_member__isnull", True),
                        ("cadre__isnull", False),
                        ("user__isnull", True),
                    ),
                    models.Q(
                        ("recipient_role__in", ["midwife", "escalation"]),
                        ("family_member__isnull", True),
                        ("cadre__isnull", True),
                        ("user__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="reminder_recipient_matches_role",
            ),
        ),
        migrations.AddConstraint(
            model_name="reminderrule",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "kind__in",
                        [
                            "antenatal_education",
                            "session_due",
                            "baseline_measurement",
                            "follow_up_measurement",
                            "feeding_guidance",
                            "missed_session",
                            "certificate_refresher",
                            "morning_digest",
                            "danger_sign_alert",
                            "danger_sign_escalation",
                        ],
                    )
                ),
                name="reminder_rule_kind_is_known",
            ),
        ),
        migrations.AddConstraint(
            model_name="reminderrule",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("recipient_role__in", ["mother", "family", "cadre", "midwife", "escalation"])
                ),
                name="reminder_rule_recipient_is_known",
            ),
        ),
        migrations.AddField(
            model_name="dangeralertsettings",
            name="escalation_contact",
            field=models.ForeignKey(
                blank=True,
                help_text="A user (e.g. the puskesmas's coordinating midwife) who also receives it.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="puskesmas contact",
            ),
        ),
        migrations.AddField(
            model_name="dangeralertsettings",
            name="programme",
            field=models.OneToOneField(
                blank=True,
                help_text="Empty: the default for every programme.",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="danger_alert_settings",
                to="programmes.programme",
                verbose_name="programme",
            ),
        ),
        migrations.AddConstraint(
            model_name="dangeralertsettings",
            constraint=models.UniqueConstraint(
                condition=models.Q(("programme__isnull", True)),
                fields=("programme",),
                name="danger_alert_settings_one_default",
                violation_error_message="There are already default danger-sign alert settings.",
            ),
        ),
        migrations.AddConstraint(
            model_name="dangeralertsettings",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("emergency_acknowledge_minutes__gte", 1),
                    ("same_day_acknowledge_minutes__gte", 1),
                ),
                name="danger_alert_settings_positive_delays",
                violation_error_message="The time to acknowledge must be at least a minute.",
            ),
        ),
        migrations.RunPython(seed, unseed),
    ]
