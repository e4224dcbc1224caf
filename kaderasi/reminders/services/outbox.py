"""Planning the outbox, the sweep (planning then sending), and sending failed reminders again."""

import datetime as dt
import zlib
from dataclasses import dataclass, field

from django.db import connection, transaction

from kaderasi.core import clock as real_clock
from kaderasi.reminders import planning
from kaderasi.reminders.channels import configured_channel
from kaderasi.reminders.dispatch import Clock, DispatchOutcome, DryRunChannel, dispatch_due
from kaderasi.reminders.facts import effective_rules, gather_facts, lookback_of
from kaderasi.reminders.models import (
    OPEN_STATUSES,
    USER_ROLES,
    Channel,
    RecipientRole,
    Reminder,
    ReminderRule,
    ReminderStatus,
    StatusReason,
)

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
        alerts=facts.alerts,
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
        row.planning_key: row
        for keys in _chunks(sorted(desired))
        for row in Reminder.objects.filter(planning_key__in=keys)
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
        "user_id": recipient.id if role in USER_ROLES else None,
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
            RecipientRole.ESCALATION: user_id,
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
        outcome.cancelled[reason] = sum(
            Reminder.objects.filter(pk__in=chunk, status__in=OPEN_STATUSES).update(
                status=ReminderStatus.CANCELLED, status_reason=reason, next_attempt_at=None
            )
            for chunk in _chunks(ids)
        )


def _chunks(items: list, size: int = 900):
    """Slices of `items` small enough for any database's limit on query parameters."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


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


def reminder_sweep(
    *, now: dt.datetime, dry_run: bool = False, clock: Clock = real_clock.now
) -> SweepOutcome:
    """One planning-and-dispatch sweep at `now` (what the worker runs every minute). With
    `dry_run`, everything is computed and reported, nothing is sent and nothing is kept.
    `clock` tells the real time, on which claims are leased (`now` may be in the past)."""
    channel = configured_channel()
    if dry_run:
        with transaction.atomic():
            plan = reminder_plan(now=now, channel_name=channel.name)
            dispatch = dispatch_due(now=now, channel=DryRunChannel(channel), clock=clock)
            transaction.set_rollback(True)
        return SweepOutcome(now=now, plan=plan, dispatch=dispatch, dry_run=True)
    plan = reminder_plan(now=now, channel_name=channel.name)
    dispatch = dispatch_due(now=now, channel=channel, clock=clock)
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
