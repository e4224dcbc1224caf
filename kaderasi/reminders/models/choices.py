"""The vocabularies of reminders: kinds, recipients, statuses, reasons and channels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderKind(models.TextChoices):
    """What a reminder is about. The kind fixes the anchor of its due time (see planning.py)."""

    ANTENATAL_EDUCATION = "antenatal_education", _("Antenatal education (weekly from 36 weeks)")
    SESSION_DUE = "session_due", _("Massage session coming up")
    BASELINE_MEASUREMENT = "baseline_measurement", _("Baseline milk volume due")
    FOLLOW_UP_MEASUREMENT = "follow_up_measurement", _("Follow-up milk volume due")
    FEEDING_GUIDANCE = "feeding_guidance", _("Feeding guidance (8–12 feeds a day)")
    MISSED_SESSION = "missed_session", _("Missed session, escalated")
    CERTIFICATE_REFRESHER = "certificate_refresher", _("Certificate refresher")
    MORNING_DIGEST = "morning_digest", _("Morning digest of the day's tasks")
    DANGER_SIGN_ALERT = "danger_sign_alert", _("Danger sign: the midwife alerted at once")
    DANGER_SIGN_ESCALATION = (
        "danger_sign_escalation",
        _("Danger sign not acknowledged in time: escalated"),
    )
    DANGER_SIGN_UNCOVERED = (
        "danger_sign_uncovered",
        _("Danger sign with no midwife to alert: escalated at once"),
    )


# Kinds about a danger sign: planned from its flag, sent at any hour, re-checked before sending.
DANGER_KINDS = frozenset(
    {
        ReminderKind.DANGER_SIGN_ALERT,
        ReminderKind.DANGER_SIGN_ESCALATION,
        ReminderKind.DANGER_SIGN_UNCOVERED,
    }
)


# Kinds about the cadre herself, with no mother behind them.
CADRE_ONLY_KINDS = frozenset({ReminderKind.CERTIFICATE_REFRESHER, ReminderKind.MORNING_DIGEST})


class RecipientRole(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FAMILY = "family", _("Family member who massages (else the mother)")
    CADRE = "cadre", _("Cadre")
    MIDWIFE = "midwife", _("Midwife")
    ESCALATION = "escalation", _("Coordinator or puskesmas contact (escalation)")


# Recipients who are users (a midwife, a coordinator, a puskesmas contact): `Reminder.user`.
USER_ROLES = frozenset({RecipientRole.MIDWIFE, RecipientRole.ESCALATION})


class ReminderStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELAYED = "delayed", _("Delayed")
    SKIPPED = "skipped", _("Skipped")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


# A reminder in one of these may still be sent (or cancelled); the others are final.
OPEN_STATUSES = (ReminderStatus.PLANNED, ReminderStatus.DELAYED)


class StatusReason(models.TextChoices):
    """Why a reminder is delayed, skipped, failed or cancelled (or how it was sent)."""

    QUIET_HOURS = "quiet_hours", _("Held back during quiet hours")
    RETRY = "retry", _("Waiting to try again")
    STALE = "stale", _("Too late to be useful")
    NO_ADDRESS = "no_address", _("No phone number or e-mail address")
    OPTED_OUT = "opted_out", _("The recipient asked for no more messages")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent was withdrawn")
    NO_LONGER_DUE = "no_longer_due", _("No longer due")
    GAVE_UP = "gave_up", _("Failed after repeated attempts")
    REJECTED = "rejected", _("Refused by the gateway")
    UNDELIVERABLE = "undeliverable", _("The gateway could not deliver it")
    OUTCOME_UNKNOWN = (
        "outcome_unknown",
        _("Interrupted while sending; not sent again to avoid a duplicate"),
    )
    CONFIRMED_AFTER_INTERRUPTION = (
        "confirmed_after_interruption",
        _("Sending was interrupted; the gateway confirmed it was sent"),
    )
    SENT_BY_CADRE = "sent_by_cadre", _("Sent by the cadre from her WhatsApp")


class Channel(models.TextChoices):
    """How a reminder travels. The gateway is chosen by KADERASI_MESSAGE_BACKEND; `cadre-whatsapp`
    is the gateway-free mode where the cadre sends it from her own WhatsApp."""

    CONSOLE = "console", _("Console (development)")
    FILE = "file", _("Outbox file")
    EMAIL = "email", _("E-mail")
    SMS_HTTP = "sms-http", _("SMS gateway")
    WHATSAPP = "whatsapp", _("WhatsApp Cloud API")
    CADRE_WHATSAPP = "cadre-whatsapp", _("Sent by the cadre from her WhatsApp")


class Language(models.TextChoices):
    INDONESIAN = "id", "Bahasa Indonesia"
    ENGLISH = "en", "English"


class FamilyDelivery(models.TextChoices):
    """How messages to mothers and their families leave: through the gateway, or by the cadre."""

    GATEWAY = "gateway", _("Through the message gateway")
    CADRE_WHATSAPP = "cadre_whatsapp", _("By the cadre, from her own WhatsApp (no gateway)")


class IndonesianTimeZone(models.TextChoices):
    WIB = "Asia/Jakarta", _("WIB (UTC+7)")
    WITA = "Asia/Makassar", _("WITA (UTC+8)")
    WIT = "Asia/Jayapura", _("WIT (UTC+9)")
