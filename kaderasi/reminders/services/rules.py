"""Checks of a reminder rule before it is saved."""

import datetime as dt

from django.utils.translation import gettext as _

from kaderasi.core.errors import DomainError
from kaderasi.reminders.errors import RemindersErrorCode
from kaderasi.reminders.models import CADRE_ONLY_KINDS, RecipientRole, ReminderKind
from kaderasi.reminders.rendering import PLACEHOLDERS, template_placeholders

# Whom each danger-sign kind goes to (planning plans no other).
DANGER_RECIPIENTS = {
    ReminderKind.DANGER_SIGN_ALERT: RecipientRole.MIDWIFE,
    ReminderKind.DANGER_SIGN_ESCALATION: RecipientRole.ESCALATION,
    ReminderKind.DANGER_SIGN_UNCOVERED: RecipientRole.ESCALATION,
}

DAY_BASED_KINDS = frozenset(
    {
        ReminderKind.ANTENATAL_EDUCATION,
        ReminderKind.FEEDING_GUIDANCE,
        ReminderKind.CERTIFICATE_REFRESHER,
        ReminderKind.MORNING_DIGEST,
    }
)


def reminder_rule_validate(
    *,
    kind: str,
    recipient_role: str,
    send_at: dt.time | None,
    first_day: int | None,
    last_day: int | None,
    lead_days: int | None,
    message_id: str,
    message_en: str,
    whatsapp_parameters: str,
) -> None:
    """Refuse a rule that could not be planned or rendered, naming the field."""
    if kind in CADRE_ONLY_KINDS and recipient_role != RecipientRole.CADRE:
        raise DomainError(
            RemindersErrorCode.RULE_RECIPIENT_NOT_ALLOWED,
            _("This kind of reminder goes to the cadre only."),
            field="recipient_role",
        )
    danger_recipient = DANGER_RECIPIENTS.get(kind)
    if danger_recipient is not None and recipient_role != danger_recipient:
        raise DomainError(
            RemindersErrorCode.RULE_RECIPIENT_NOT_ALLOWED,
            _("A danger-sign alert goes to the midwife, its escalation to the contacts."),
            field="recipient_role",
        )
    if recipient_role == RecipientRole.ESCALATION and danger_recipient is None:
        raise DomainError(
            RemindersErrorCode.RULE_RECIPIENT_NOT_ALLOWED,
            _("Only the escalation of a danger sign goes to the escalation contacts."),
            field="recipient_role",
        )
    if kind in DAY_BASED_KINDS and send_at is None:
        raise DomainError(
            RemindersErrorCode.RULE_TIME_OF_DAY_REQUIRED,
            _("Enter the local time of day this reminder is sent at."),
            field="send_at",
        )
    if kind == ReminderKind.FEEDING_GUIDANCE and (first_day is None or last_day is None):
        raise DomainError(
            RemindersErrorCode.RULE_DAYS_REQUIRED,
            _("Enter the first and last postpartum day of the feeding guidance."),
            field="first_day" if first_day is None else "last_day",
        )
    if kind == ReminderKind.CERTIFICATE_REFRESHER and lead_days is None:
        raise DomainError(
            RemindersErrorCode.RULE_LEAD_DAYS_REQUIRED,
            _("Enter how many days before the certificate expires the cadre is reminded."),
            field="lead_days",
        )
    for field_name, text in (("message_id", message_id), ("message_en", message_en)):
        try:
            unknown = template_placeholders(text) - PLACEHOLDERS
        except ValueError:
            unknown = {"?"}
        if unknown:
            raise DomainError(
                RemindersErrorCode.RULE_PLACEHOLDER_UNKNOWN,
                _("Unknown placeholder %(names)s. Use only: %(allowed)s.")
                % {
                    "names": ", ".join(f"{{{name}}}" for name in sorted(unknown)),
                    "allowed": ", ".join(f"{{{name}}}" for name in sorted(PLACEHOLDERS)),
                },
                field=field_name,
            )
    parameters = {name.strip() for name in whatsapp_parameters.split(",") if name.strip()}
    if parameters - PLACEHOLDERS:
        raise DomainError(
            RemindersErrorCode.RULE_WHATSAPP_PARAMETER_UNKNOWN,
            _("Unknown placeholder %(names)s. Use only: %(allowed)s.")
            % {
                "names": ", ".join(sorted(parameters - PLACEHOLDERS)),
                "allowed": ", ".join(sorted(PLACEHOLDERS)),
            },
            field="whatsapp_parameters",
        )
