"""Who receives reminders: opt-outs (marked by staff or replied STOP), languages, and the
family member who massages."""

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from kaderasi.accounts.models import User
from kaderasi.cadres.models import Cadre
from kaderasi.care.consent import processing_allowed
from kaderasi.care.models import ConsentSubject, Mother
from kaderasi.core.errors import DomainError
from kaderasi.core.phones import normalize_phone
from kaderasi.reminders.errors import RemindersErrorCode
from kaderasi.reminders.models import (
    OPEN_STATUSES,
    FamilyMember,
    OptOutSource,
    RecipientPreference,
    RecipientRole,
    Reminder,
    ReminderStatus,
    StatusReason,
)
from kaderasi.reminders.selectors import recipients_with_phone

logger = logging.getLogger(__name__)

# --- Opt-out and language -------------------------------------------------------------------


def _preference_of(recipient) -> RecipientPreference:
    if isinstance(recipient, Mother):
        lookup = {"mother": recipient}
    elif isinstance(recipient, FamilyMember):
        lookup = {"family_member": recipient}
    elif isinstance(recipient, Cadre):
        lookup = {"cadre": recipient}
    elif isinstance(recipient, User):
        lookup = {"user": recipient}
    else:  # pragma: no cover - a programming error
        raise TypeError(type(recipient).__name__)
    preference, _created = RecipientPreference.objects.select_for_update().get_or_create(**lookup)
    return preference


def _reminders_to(recipient) -> Q:
    if isinstance(recipient, Mother):
        return Q(recipient_role=RecipientRole.MOTHER, mother=recipient)
    if isinstance(recipient, FamilyMember):
        return Q(family_member=recipient)
    if isinstance(recipient, Cadre):
        return Q(recipient_role=RecipientRole.CADRE, cadre=recipient)
    return Q(recipient_role=RecipientRole.MIDWIFE, user=recipient)


@transaction.atomic
def recipient_opt_out(
    *,
    recipient: Mother | FamilyMember | Cadre | User,
    now: dt.datetime,
    source: OptOutSource,
    by: User | None = None,
    note: str = "",
) -> RecipientPreference:
    """Stop every reminder to `recipient` from now: open ones are cancelled at once (reason
    "opted out"), and planning creates no new ones until she opts back in."""
    preference = _preference_of(recipient)
    if preference.opted_out_at is None:
        preference.opted_out_at = now
        preference.opt_out_source = source
        preference.opt_out_recorded_by = by
        preference.opt_out_note = note[:200]
        preference.save()
    Reminder.objects.filter(_reminders_to(recipient), status__in=OPEN_STATUSES).update(
        status=ReminderStatus.CANCELLED, status_reason=StatusReason.OPTED_OUT, next_attempt_at=None
    )
    logger.info("reminders: recipient preference %s opted out", preference.public_id)
    return preference


@transaction.atomic
def recipient_opt_in(
    *, recipient: Mother | FamilyMember | Cadre | User, by: User | None = None
) -> RecipientPreference:
    """Resume reminders to `recipient`; the next planning brings back those still useful."""
    preference = _preference_of(recipient)
    preference.opted_out_at = None
    preference.opt_out_source = ""
    preference.opt_out_recorded_by = None
    preference.opt_out_note = ""
    preference.save()
    logger.info("reminders: recipient preference %s opted in", preference.public_id)
    return preference


@transaction.atomic
def recipient_language_set(
    *, recipient: Mother | Cadre | User, language: str
) -> RecipientPreference:
    preference = _preference_of(recipient)
    preference.language = language
    preference.save()
    Reminder.objects.filter(_reminders_to(recipient), status__in=OPEN_STATUSES).update(
        language=language
    )
    return preference


STOP_WORDS = frozenset({"stop", "berhenti", "unsubscribe", "stop semua", "batal"})
START_WORDS = frozenset({"start", "mulai", "unstop", "lanjut"})


def inbound_reply_record(*, phone: str, text: str, now: dt.datetime) -> str:
    """Act on a reply received by a gateway: STOP (or BERHENTI) opts every recipient on that
    number out, START (or MULAI) back in. Returns "stop", "start" or "" for anything else."""
    word = " ".join(text.strip().lower().strip(".!").split())
    try:
        number = normalize_phone(
            phone if phone.startswith("+") or phone.startswith("0") else f"+{phone}"
        )
    except ValidationError:
        return ""  # an unreadable number is simply not acted on
    if word in STOP_WORDS:
        for recipient in recipients_with_phone(number):
            recipient_opt_out(recipient=recipient, now=now, source=OptOutSource.REPLY)
        return "stop"
    if word in START_WORDS:
        for recipient in recipients_with_phone(number):
            recipient_opt_in(recipient=recipient)
        return "start"
    return ""


# --- The family member who massages --------------------------------------------------------


@transaction.atomic
def family_member_record(
    *,
    mother: Mother,
    name: str,
    relationship: str,
    phone: str,
    language: str,
    family_member: FamilyMember | None = None,
) -> FamilyMember:
    """Record (or correct) the family member who massages `mother`; from the next planning the
    household's session reminders go to this person."""
    if not phone:
        raise DomainError(
            RemindersErrorCode.FAMILY_MEMBER_PHONE_REQUIRED,
            _("Enter the phone number the session reminders should go to."),
            field="phone",
        )
    if not processing_allowed(mother, ConsentSubject.MOTHER):
        raise DomainError(
            RemindersErrorCode.CONSENT_WITHDRAWN,
            _("Consent for this mother's data was withdrawn; nothing more is recorded."),
            field=None,
        )
    member = family_member or FamilyMember(mother=mother)
    member.name = name.strip()
    member.relationship = relationship
    member.phone = phone
    member.language = language
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def family_member_end(*, family_member: FamilyMember, ended_at: dt.datetime) -> FamilyMember:
    """This person no longer massages: reminders stop going to them (open ones are cancelled)."""
    member = FamilyMember.objects.select_for_update().get(pk=family_member.pk)
    if member.ended_at is not None:
        raise DomainError(
            RemindersErrorCode.FAMILY_MEMBER_ALREADY_ENDED,
            _("This person was already recorded as no longer massaging."),
            field=None,
        )
    member.ended_at = ended_at
    member.save(update_fields=["ended_at", "updated_at"])
    Reminder.objects.filter(family_member=member, status__in=OPEN_STATUSES).update(
        status=ReminderStatus.CANCELLED,
        status_reason=StatusReason.NO_LONGER_DUE,
        next_attempt_at=None,
    )
    return member
