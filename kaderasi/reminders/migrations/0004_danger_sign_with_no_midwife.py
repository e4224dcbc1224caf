"""A red danger sign about a mother whom no reachable midwife covers (no midwife for her village, or
none with a number) reached nobody for the time to acknowledge: the escalation waited for an
acknowledgement nobody could give. A third danger-sign kind tells the escalation contacts at once,
in its own words, and replaces the escalation after the wait for such a sign. The default rule is
seeded as a proposal; going back removes it."""

from django.db import migrations, models

UNCOVERED_RULE = {
    "kind": "danger_sign_uncovered",
    "recipient_role": "escalation",
    "offset_minutes": 0,
    "stale_after_minutes": 24 * 60,
    "respects_quiet_hours": False,
    "message_id": (
        "TANDA BAHAYA ({severity}) pada ibu {mother_code}, {posyandu}, dan TIDAK ADA BIDAN di "
        "kaderasi yang bisa dihubungi untuk desanya: tidak ada bidan yang diberi tahu. Tanda: "
        "{signs}. Catatan kader: {note}. Telepon kader {cadre} sekarang: {cadre_phone} {call}. "
        "Mohon pastikan ibu atau bayi segera ditangani, lalu tetapkan bidan untuk desa ini."
    ),
    "message_en": (
        "DANGER SIGN ({severity}) in mother {mother_code}, {posyandu}, and NO MIDWIFE in kaderasi "
        "can be reached for her village: no midwife has been told. Signs: {signs}. Cadre's note: "
        "{note}. Call cadre {cadre} now: {cadre_phone} {call}. Please make sure the mother or "
        "baby is seen now, then assign a midwife to this village."
    ),
    "whatsapp_template": "kaderasi_danger_sign_uncovered",
    "whatsapp_parameters": "severity,mother_code,posyandu,signs,note,cadre,cadre_phone",
    "source": (
        "Review of issue 19: when no midwife covering the mother's village can be reached (none "
        "is assigned, or none has a number), a red danger sign (emergency or same day) goes at "
        "once, at any hour, to the programme's coordinators and puskesmas contact (else the "
        "administrators), instead of the escalation after the time to acknowledge. Proposal [S]."
    ),
}


def seed(apps, schema_editor):
    apps.get_model("reminders", "ReminderRule").objects.get_or_create(
        programme=None,
        kind=UNCOVERED_RULE["kind"],
        recipient_role=UNCOVERED_RULE["recipient_role"],
        defaults=UNCOVERED_RULE,
    )


def unseed(apps, schema_editor):
    apps.get_model("reminders", "Reminder").objects.filter(kind=UNCOVERED_RULE["kind"]).delete()
    apps.get_model("reminders", "ReminderRule").objects.filter(
        kind=UNCOVERED_RULE["kind"]
    ).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('programmes', '0003_clinical_rules_signoff'),
        ('reminders', '0003_danger_alerts'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='reminderrule',
            name='reminder_rule_kind_is_known',
        ),
        migrations.AlterField(
            model_name='reminder',
            name='kind',
            field=models.CharField(choices=[('antenatal_education', 'Antenatal education (weekly from 36 weeks)'), ('session_due', 'Massage session coming up'), ('baseline_measurement', 'Baseline milk volume due'), ('follow_up_measurement', 'Follow-up milk volume due'), ('feeding_guidance', 'Feeding guidance (8–12 feeds a day)'), ('missed_session', 'Missed session, escalated'), ('certificate_refresher', 'Certificate refresher'), ('morning_digest', "Morning digest of the day's tasks"), ('danger_sign_alert', 'Danger sign: the midwife alerted at once'), ('danger_sign_escalation', 'Danger sign not acknowledged in time: escalated'), ('danger_sign_uncovered', 'Danger sign with no midwife to alert: escalated at once')], max_length=32, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='reminderrule',
            name='kind',
            field=models.CharField(choices=[('antenatal_education', 'Antenatal education (weekly from 36 weeks)'), ('session_due', 'Massage session coming up'), ('baseline_measurement', 'Baseline milk volume due'), ('follow_up_measurement', 'Follow-up milk volume due'), ('feeding_guidance', 'Feeding guidance (8–12 feeds a day)'), ('missed_session', 'Missed session, escalated'), ('certificate_refresher', 'Certificate refresher'), ('morning_digest', "Morning digest of the day's tasks"), ('danger_sign_alert', 'Danger sign: the midwife alerted at once'), ('danger_sign_escalation', 'Danger sign not acknowledged in time: escalated'), ('danger_sign_uncovered', 'Danger sign with no midwife to alert: escalated at once')], max_length=32, verbose_name='kind'),
        ),
        migrations.AddConstraint(
            model_name='reminderrule',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['antenatal_education', 'session_due', 'baseline_measurement', 'follow_up_measurement', 'feeding_guidance', 'missed_session', 'certificate_refresher', 'morning_digest', 'danger_sign_alert', 'danger_sign_escalation', 'danger_sign_uncovered'])), name='reminder_rule_kind_is_known'),
        ),
        migrations.RunPython(seed, unseed),
    ]
