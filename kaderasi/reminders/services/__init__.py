"""Writes of the reminders app, one module per concept; import services from here.
Sending due reminders lives in dispatch.py."""

from kaderasi.reminders.services.contacts import (
    family_member_end,
    family_member_record,
    inbound_reply_record,
    recipient_language_set,
    recipient_opt_in,
    recipient_opt_out,
)
from kaderasi.reminders.services.outbox import (
    PlanOutcome,
    SweepOutcome,
    reminder_plan,
    reminder_retry,
    reminder_sweep,
)
from kaderasi.reminders.services.rules import reminder_rule_validate
from kaderasi.reminders.services.sending import (
    reminder_mark_sent_by_cadre,
    whatsapp_status_record,
    whatsapp_webhook_record,
)

__all__ = [
    "PlanOutcome",
    "SweepOutcome",
    "family_member_end",
    "family_member_record",
    "inbound_reply_record",
    "recipient_language_set",
    "recipient_opt_in",
    "recipient_opt_out",
    "reminder_mark_sent_by_cadre",
    "reminder_plan",
    "reminder_retry",
    "reminder_rule_validate",
    "reminder_sweep",
    "whatsapp_status_record",
    "whatsapp_webhook_record",
]
