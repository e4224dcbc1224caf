"""Sending by hand (the cadre's one-tap WhatsApp) and the gateways' delivery reports."""

import datetime as dt
import logging
import uuid

from django.db import transaction
from django.utils.translation import gettext as _

from kaderasi.accounts.models import User
from kaderasi.care.consent import processing_allowed
from kaderasi.care.models import ConsentSubject
from kaderasi.core.errors import DomainError
from kaderasi.reminders.errors import RemindersErrorCode
from kaderasi.reminders.models import (
    OPEN_STATUSES,
    Channel,
    Reminder,
    ReminderStatus,
    StatusReason,
)
from kaderasi.reminders.services.contacts import inbound_reply_record

logger = logging.getLogger(__name__)

# --- The cadre's one-tap sending (no gateway) ------------------------------------------------


@transaction.atomic
def reminder_mark_sent_by_cadre(
    *, reminder: Reminder, by: User, now: dt.datetime, body: str
) -> Reminder:
    """The cadre tapped the WhatsApp link of `reminder`: record it as sent by her. Tapping
    again changes nothing."""
    row = Reminder.objects.select_for_update().get(pk=reminder.pk)
    if row.channel != Channel.CADRE_WHATSAPP:
        raise DomainError(
            RemindersErrorCode.REMINDER_NOT_RELAYED,
            _("This reminder is sent by the gateway, not by hand."),
            field=None,
        )
    if row.status == ReminderStatus.SENT:
        return row
    if row.status not in OPEN_STATUSES:
        raise DomainError(
            RemindersErrorCode.REMINDER_NOT_OPEN,
            _("This reminder can no longer be sent (%(status)s).")
            % {"status": row.get_status_display()},
            field=None,
        )
    if row.mother_id and not processing_allowed(row.mother, ConsentSubject.MOTHER):
        raise DomainError(
            RemindersErrorCode.CONSENT_WITHDRAWN,
            _("Consent for this mother's data was withdrawn; nothing more is sent."),
            field=None,
        )
    row.status = ReminderStatus.SENT
    row.status_reason = StatusReason.SENT_BY_CADRE
    row.sent_at = now
    row.sent_by = by
    row.attempts += 1
    row.body = body
    row.next_attempt_at = None
    row.save()
    logger.info("reminders: reminder %s sent by its cadre", row.public_id)
    return row


# --- Delivery reports from WhatsApp ----------------------------------------------------------


@transaction.atomic
def whatsapp_status_record(
    *, provider_message_id: str, reference: str, status: str, now: dt.datetime, error: str = ""
) -> Reminder | None:
    """A WhatsApp status webhook: `sent`/`delivered`/`read` confirms a message whose send was
    interrupted; `failed` marks the reminder failed with the reason. Unknown messages: None."""
    row = None
    if reference:
        row = (
            Reminder.objects.select_for_update().filter(public_id=reference).first()
            if _is_uuid(reference)
            else None
        )
    if row is None and provider_message_id:
        row = (
            Reminder.objects.select_for_update()
            .filter(provider_message_id=provider_message_id)
            .first()
        )
    if row is None:
        return None
    if status in {"sent", "delivered", "read"}:
        if row.status in {ReminderStatus.SENDING, ReminderStatus.FAILED} and row.status_reason in {
            "",
            StatusReason.OUTCOME_UNKNOWN,
        }:
            row.status = ReminderStatus.SENT
            row.status_reason = StatusReason.CONFIRMED_AFTER_INTERRUPTION
            row.sent_at = row.sent_at or now
            row.claim_token = None
            row.provider_message_id = provider_message_id or row.provider_message_id
            row.save()
    elif status == "failed" and row.status in {ReminderStatus.SENT, ReminderStatus.SENDING}:
        row.status = ReminderStatus.FAILED
        row.status_reason = StatusReason.UNDELIVERABLE
        row.claim_token = None
        row.last_error = error[:500]
        row.save()
    return row


def whatsapp_webhook_record(*, payload: dict, now: dt.datetime) -> dict[str, int]:
    """Act on one WhatsApp Cloud API notification: replies (STOP/START, typed or tapped) and
    delivery statuses. Returns how many of each were acted on."""
    replies = statuses = 0
    for value in _webhook_values(payload):
        for message in _list(value.get("messages")):
            kind = message.get("type")
            text = (message.get("text") or {}).get("body", "") if kind == "text" else ""
            if kind == "button":
                text = (message.get("button") or {}).get("text", "")
            if text and inbound_reply_record(
                phone=str(message.get("from", "")), text=str(text), now=now
            ):
                replies += 1
        for status in _list(value.get("statuses")):
            error = "; ".join(
                f"{item.get('code')}: {item.get('title', '')}"
                for item in _list(status.get("errors"))
            )
            recorded = whatsapp_status_record(
                provider_message_id=str(status.get("id", "")),
                reference=str(status.get("biz_opaque_callback_data", "")),
                status=str(status.get("status", "")),
                now=now,
                error=error,
            )
            statuses += recorded is not None
    return {"replies": replies, "statuses": statuses}


def _list(value) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _webhook_values(payload) -> list[dict]:
    if not isinstance(payload, dict):
        return []
    values = []
    for entry in _list(payload.get("entry")):
        for change in _list(entry.get("changes")):
            if isinstance(change.get("value"), dict):
                values.append(change["value"])
    return values


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
