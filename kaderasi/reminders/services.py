"""Writes of the reminders app: planning the outbox, opt-outs, family members, the cadre's
one-tap sending, and the rules' checks. Sending itself lives in dispatch.py."""

import datetime as dt
import logging
import uuid
import zlib
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from kaderasi.accounts.models import User
from kaderasi.cadres.models import Cadre
from kaderasi.care.consent import processing_allowed
from kaderasi.care.models import ConsentSubject, Mother
from kaderasi.core.errors import DomainError
from kaderasi.core.phones import normalize_phone
from kaderasi.reminders import planning
from kaderasi.reminders.channels import configured_channel
from kaderasi.reminders.dispatch import DispatchOutcome, DryRunChannel, dispatch_due
from kaderasi.reminders.errors import RemindersErrorCode
from kaderasi.reminders.facts import effective_rules, gather_facts, lookback_of
from kaderasi.reminders.models import (
    CADRE_ONLY_KINDS,
    OPEN_STATUSES,
    Channel,
    FamilyMember,
    OptOutSource,
    RecipientPreference,
    RecipientRole,
    Reminder,
    ReminderKind,
    ReminderRule,
    ReminderStatus,
    StatusReason,
)
from kaderasi.reminders.rendering import PLACEHOLDERS, template_placeholders
from kaderasi.reminders.selectors import recipients_with_phone

logger = logging.getLogger(__name__)

# Fields planning keeps up to date on a reminder that has not been sent yet.
PLANNED_FIELDS = (
    "rule_id",
    "due_at",
    "stale_at",
    "context",
    "channel",
    "relay_cadre_id",
    "language",
    "template",
    "respects_quiet_hours",
    "scheduled_session_id",
)


@dataclass
class PlanOutcome:
    created: list[Reminder] = field(default_factory=list)
    updated: int = 0
    revived: int = 0
    cancelled: dict[str, int] = field(default_factory=dict)
    skipped_stale: list[Reminder] = field(default_factory=list)


def _planning_lock() -> None:
    """Serialise planners: PostgreSQL takes a transaction-scoped advisory lock; SQLite already
    serialises writers (transactions begin IMMEDIATE)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(b"kaderasi.reminders")])


@transaction.atomic
def reminder_plan(*, now: dt.datetime, channel_name: str) -> PlanOutcome:
    """Bring the outbox in line with the schedule, consents and opt-outs at `now`.

    Every reminder due in the planning window exists exactly once (its planning key is unique);
    a reminder not yet sent follows changes (times, channel, language); one no longer wanted is
    cancelled with the reason (consent withdrawn, opted out, no longer due); one planned only
    after it stopped being useful is recorded as skipped. Sent reminders are never touched."""
    _planning_lock()
    rules = effective_rules()
    rule_rows = {rule.pk: rule for rule in ReminderRule.objects.all()}
    window = planning.planning_window(now=now, lookback=lookback_of(rules))
    facts = gather_facts(window=window, rules=rules)
    directory = facts.directory
    candidates = planning.plan_reminders(
        mothers=facts.mothers,
        certificates=facts.certificates,
        cadres=facts.cadres,
        rules=rules,
        window=window,
        now=now,
    )
    outcome = PlanOutcome()
    desired: dict[str, dict] = {}
    opted_out_keys: set[str] = set()
    for candidate in candidates:
        if directory.is_opted_out(candidate.recipient.role, candidate.recipient.id):
            opted_out_keys.add(candidate.key)
            continue
        desired[candidate.key] = _row_values(
            candidate, directory, rule_rows[candidate.rule_id], channel_name
        )
    existing = {
        row.planning_key: row for row in Reminder.objects.filter(planning_key__in=list(desired))
    }
    new_rows = []
    for key in sorted(set(desired) - set(existing)):
        values = desired[key]
        row = Reminder(planning_key=key, **values)
        if values["stale_at"] <= now:
            row.status = ReminderStatus.SKIPPED
            row.status_reason = StatusReason.STALE
            outcome.skipped_stale.append(row)
        else:
            outcome.created.append(row)
        new_rows.append(row)
    Reminder.objects.bulk_create(new_rows, ignore_conflicts=True, batch_size=500)
    for key, row in existing.items():
        values = desired[key]
        changes = {
            name: values[name] for name in PLANNED_FIELDS if getattr(row, name) != values[name]
        }
        if row.status in OPEN_STATUSES and changes:
            outcome.updated += Reminder.objects.filter(pk=row.pk, status__in=OPEN_STATUSES).update(
                **changes
            )
        elif row.status == ReminderStatus.CANCELLED and values["stale_at"] > now:
            # Wanted again (opted back in, consent given again): plan it anew.
            outcome.revived += Reminder.objects.filter(
                pk=row.pk, status=ReminderStatus.CANCELLED
            ).update(
                status=ReminderStatus.PLANNED,
                status_reason="",
                next_attempt_at=None,
                **{name: values[name] for name in PLANNED_FIELDS},
            )
    _cancel_unwanted(window, desired, opted_out_keys, directory, outcome)
    return outcome


def _row_values(
    candidate: planning.PlannedReminder, directory, rule: ReminderRule, channel_name: str
) -> dict:
    recipient = candidate.recipient
    role = recipient.role
    mother_id = candidate.mother_id
    relay = (
        directory.mother_relay_cadre.get(mother_id)
        if role
        in {
            RecipientRole.MOTHER,
            RecipientRole.FAMILY,
        }
        else None
    )
    if mother_id is not None:
        district = directory.mother_district.get(mother_id)
    else:
        district = directory.cadre_district.get(recipient.id)
    return {
        "programme_id": candidate.programme_id,
        "district_id": district,
        "rule_id": candidate.rule_id,
        "kind": candidate.kind,
        "recipient_role": role,
        "mother_id": mother_id,
        "family_member_id": recipient.id if role == RecipientRole.FAMILY else None,
        "cadre_id": recipient.id if role == RecipientRole.CADRE else None,
        "user_id": recipient.id if role == RecipientRole.MIDWIFE else None,
        "relay_cadre_id": relay,
        "scheduled_session_id": candidate.session_id,
        "channel": Channel.CADRE_WHATSAPP if relay else channel_name,
        "template": rule.whatsapp_template or f"{candidate.kind}.{role}",
        "language": directory.language_of(role, recipient.id),
        "context": candidate.context,
        "due_at": candidate.due_at,
        "stale_at": candidate.stale_at,
        "respects_quiet_hours": rule.respects_quiet_hours,
    }


def _cancel_unwanted(window, desired, opted_out_keys, directory, outcome: PlanOutcome) -> None:
    """Cancel open reminders in the window that planning no longer wants, with the reason.
    Reminders about a mother planning did not look at are left alone."""
    by_reason: dict[str, list[int]] = {}
    rows = Reminder.objects.filter(
        status__in=OPEN_STATUSES, due_at__range=(window.starts_at, window.ends_at)
    ).values_list(
        "pk",
        "planning_key",
        "mother_id",
        "recipient_role",
        "family_member_id",
        "cadre_id",
        "user_id",
    )
    for pk, key, mother_id, role, family_id, cadre_id, user_id in rows:
        if key in desired:
            continue
        recipient_id = {
            RecipientRole.MOTHER: mother_id,
            RecipientRole.FAMILY: family_id,
            RecipientRole.CADRE: cadre_id,
            RecipientRole.MIDWIFE: user_id,
        }[role]
        if mother_id is not None and mother_id in directory.withdrawn_mothers:
            reason = StatusReason.CONSENT_WITHDRAWN
        elif key in opted_out_keys or directory.is_opted_out(role, recipient_id):
            reason = StatusReason.OPTED_OUT
        elif mother_id is not None and mother_id not in directory.mothers_loaded:
            continue
        else:
            reason = StatusReason.NO_LONGER_DUE
        by_reason.setdefault(reason, []).append(pk)
    for reason, ids in by_reason.items():
        outcome.cancelled[reason] = Reminder.objects.filter(
            pk__in=ids, status__in=OPEN_STATUSES
        ).update(status=ReminderStatus.CANCELLED, status_reason=reason, next_attempt_at=None)


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


# --- Rules ------------------------------------------------------------------------------------

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


# --- The sweep: planning, then sending ---------------------------------------------------------


@dataclass
class SweepOutcome:
    now: dt.datetime
    plan: PlanOutcome
    dispatch: DispatchOutcome
    dry_run: bool = False

    def counts(self) -> dict[str, int]:
        return {
            "planned": len(self.plan.created),
            "updated": self.plan.updated + self.plan.revived,
            "sent": len(self.dispatch.sent)
            + sum(1 for row in self.dispatch.recovered if row.status == ReminderStatus.SENT),
            "delayed": len(self.dispatch.delayed),
            "skipped": len(self.dispatch.skipped) + len(self.plan.skipped_stale),
            "failed": len(self.dispatch.failed),
            "cancelled": sum(self.plan.cancelled.values()) + len(self.dispatch.cancelled),
        }

    def as_dict(self) -> dict:
        return {"now": self.now.isoformat(), "dry_run": self.dry_run, **self.counts()}


def reminder_sweep(*, now: dt.datetime, dry_run: bool = False) -> SweepOutcome:
    """One planning-and-dispatch sweep at `now` (what the worker runs every minute). With
    `dry_run`, everything is computed and reported, nothing is sent and nothing is kept."""
    channel = configured_channel()
    if dry_run:
        with transaction.atomic():
            plan = reminder_plan(now=now, channel_name=channel.name)
            dispatch = dispatch_due(now=now, channel=DryRunChannel(channel))
            transaction.set_rollback(True)
        return SweepOutcome(now=now, plan=plan, dispatch=dispatch, dry_run=True)
    plan = reminder_plan(now=now, channel_name=channel.name)
    dispatch = dispatch_due(now=now, channel=channel)
    return SweepOutcome(now=now, plan=plan, dispatch=dispatch)


@transaction.atomic
def reminder_retry(*, reminders, now: dt.datetime) -> int:
    """Put failed reminders that are still useful back in line, with fresh attempts (after a
    gateway's settings were corrected, say). Returns how many."""
    return Reminder.objects.filter(
        pk__in=[reminder.pk for reminder in reminders],
        status=ReminderStatus.FAILED,
        stale_at__gt=now,
    ).update(
        status=ReminderStatus.PLANNED,
        status_reason="",
        attempts=0,
        next_attempt_at=None,
        claim_token=None,
    )
