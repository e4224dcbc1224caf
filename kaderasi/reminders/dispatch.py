"""Sending due reminders, exactly once.

A sweep claims due rows with one conditional UPDATE (status planned/delayed and due → sending,
with a fresh claim token); only the rows carrying its token are sent by it, so overlapping sweeps,
several workers or a repeated task never send the same reminder twice. Every later write is
conditional on the token too. A claim left behind by a crashed sender is recovered once its
lease has run out, as its channel allows (see channels/__init__.py): never by blind resending.

Two times are at work. `now` is the moment the sweep plans for: what is due, quiet hours, retry
times; `kaderasi reminders --now` may set it in the past. The lease is wall time between
processes, so it is measured on `clock`, the real time: a claim is stamped with the real time,
recovery compares against the real time, and just before handing a message to the channel the
sender renews its claim with a conditional update and sends nothing if another sweep took it
over meanwhile (docs/decisions/0041)."""

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import F, Q

from kaderasi.care.consent import processing_allowed
from kaderasi.care.models import ConsentSubject, Mother, Pairing
from kaderasi.core import clock as real_clock
from kaderasi.reminders.channels import (
    ChannelError,
    MessageChannel,
    OutgoingMessage,
    Receipt,
    Recovery,
    channel_for_recovery,
)
from kaderasi.reminders.danger_alerts import still_wanted
from kaderasi.reminders.models import (
    DANGER_KINDS,
    OPEN_STATUSES,
    USER_ROLES,
    Channel,
    ProgrammeReminderSettings,
    RecipientPreference,
    RecipientRole,
    Reminder,
    ReminderKind,
    ReminderStatus,
    StatusReason,
)
from kaderasi.reminders.planning import quiet_hours_end, retry_delay
from kaderasi.reminders.rendering import render_reminder
from kaderasi.reminders.timezones import ZoneResolver

logger = logging.getLogger(__name__)

RELATED = (
    "programme",
    "rule",
    "mother__posyandu",
    "family_member",
    "cadre__posyandu",
    "cadre__user",
    "user",
)
MAX_ROUNDS = 1000

# A function answering the real time, for the claim lease (tests pass their own).
Clock = Callable[[], dt.datetime]


@dataclass
class DispatchOutcome:
    sent: list[Reminder] = field(default_factory=list)
    delayed: list[Reminder] = field(default_factory=list)
    skipped: list[Reminder] = field(default_factory=list)
    failed: list[Reminder] = field(default_factory=list)
    cancelled: list[Reminder] = field(default_factory=list)
    recovered: list[Reminder] = field(default_factory=list)


class DryRunChannel(MessageChannel):
    """Accepts every message without sending it (for `kaderasi reminders --dry-run`)."""

    def __init__(self, real: MessageChannel):
        self.real = real
        self.name = real.name
        self.address = real.address
        self.recovery = real.recovery

    def send(self, message: OutgoingMessage) -> Receipt:
        return Receipt(provider_message_id=f"dry-run:{message.reminder_id}")

    def find_sent(self, reminder_id: uuid.UUID) -> Receipt | None:
        return self.real.find_sent(reminder_id)


class Dispatcher:
    def __init__(
        self,
        *,
        channel: MessageChannel,
        now: dt.datetime,
        clock: Clock = real_clock.now,
        batch_size: int | None = None,
    ):
        self.channel = channel
        self.now = now
        self.clock = clock
        self.batch_size = batch_size or settings.KADERASI_REMINDER_CLAIM_BATCH
        self.outcome = DispatchOutcome()
        self.zones = ZoneResolver()
        self.settings_by_programme = {
            row.programme_id: row for row in ProgrammeReminderSettings.objects.all()
        }
        self.default_settings = ProgrammeReminderSettings()

    # -- the sweep ------------------------------------------------------------------------------

    def run(self) -> DispatchOutcome:
        self.recover_interrupted()
        self.skip_stale()
        for _round in range(MAX_ROUNDS):
            batch = list(self._due().select_related(*RELATED)[: self.batch_size])
            if not batch:
                break
            sendable = []
            for row in batch:
                release = self._quiet_until(row)
                if release is None:
                    sendable.append(row)
                    continue
                updated = Reminder.objects.filter(pk=row.pk, status__in=OPEN_STATUSES).update(
                    status=ReminderStatus.DELAYED,
                    status_reason=StatusReason.QUIET_HOURS,
                    next_attempt_at=release,
                )
                if updated:
                    row.status, row.next_attempt_at = ReminderStatus.DELAYED, release
                    row.status_reason = StatusReason.QUIET_HOURS
                    self.outcome.delayed.append(row)
            for row in self._claim(sendable):
                self.deliver(row)
        return self.outcome

    def _due(self):
        return (
            Reminder.objects.filter(status__in=OPEN_STATUSES, due_at__lte=self.now)
            .filter(stale_at__gt=self.now)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=self.now))
            .exclude(channel=Channel.CADRE_WHATSAPP)
            .order_by("due_at", "pk")
        )

    def _claim(self, rows: list[Reminder]) -> list[Reminder]:
        """Claim `rows` in one conditional UPDATE; return those this sweep now owns."""
        if not rows:
            return []
        token = uuid.uuid4()
        self._due().filter(pk__in=[row.pk for row in rows]).update(
            status=ReminderStatus.SENDING,
            status_reason="",
            claim_token=token,
            claimed_at=self.clock(),
            attempts=F("attempts") + 1,
            channel=self.channel.name,
        )
        return list(
            Reminder.objects.filter(claim_token=token).select_related(*RELATED).order_by("due_at")
        )

    def skip_stale(self) -> None:
        """Open reminders past their usefulness are skipped on purpose, and say so."""
        stale = list(
            Reminder.objects.filter(status__in=OPEN_STATUSES, stale_at__lte=self.now).only(
                "pk", "public_id", "kind", "recipient_role", "due_at", "status"
            )
        )
        if not stale:
            return
        Reminder.objects.filter(pk__in=[row.pk for row in stale], status__in=OPEN_STATUSES).update(
            status=ReminderStatus.SKIPPED, status_reason=StatusReason.STALE, next_attempt_at=None
        )
        for row in stale:
            row.status, row.status_reason = ReminderStatus.SKIPPED, StatusReason.STALE
        self.outcome.skipped.extend(stale)

    # -- one reminder ---------------------------------------------------------------------------

    def deliver(self, row: Reminder) -> None:
        """Send one claimed reminder and record how it went (all writes need our claim)."""
        token = row.claim_token
        if row.mother_id and not processing_allowed(row.mother, ConsentSubject.MOTHER):
            self._finish(
                row,
                token,
                self.outcome.cancelled,
                status=ReminderStatus.CANCELLED,
                status_reason=StatusReason.CONSENT_WITHDRAWN,
            )
            return
        if self._opted_out(row):
            self._finish(
                row,
                token,
                self.outcome.cancelled,
                status=ReminderStatus.CANCELLED,
                status_reason=StatusReason.OPTED_OUT,
            )
            return
        if row.kind in DANGER_KINDS and not still_wanted(row):
            # Acknowledged since it was planned: the midwife is acting, nobody needs telling.
            self._finish(
                row,
                token,
                self.outcome.cancelled,
                status=ReminderStatus.CANCELLED,
                status_reason=StatusReason.NO_LONGER_DUE,
            )
            return
        if row.kind == ReminderKind.MORNING_DIGEST:
            tasks = tasks_still_allowed(row.context.get("tasks", []))
            if not tasks:
                self._finish(
                    row,
                    token,
                    self.outcome.cancelled,
                    status=ReminderStatus.CANCELLED,
                    status_reason=StatusReason.NO_LONGER_DUE,
                )
                return
            row.context = {**row.context, "tasks": tasks}
        phone, email = address_of(row)
        if not (email if self.channel.address == "email" else phone):
            self._finish(
                row,
                token,
                self.outcome.skipped,
                status=ReminderStatus.SKIPPED,
                status_reason=StatusReason.NO_ADDRESS,
            )
            return
        zone = self.zone_of(row)
        rendered = render_reminder(row, zone=zone, cadre_name=cadre_name_for(row))
        message = OutgoingMessage(
            reminder_id=row.public_id,
            kind=row.kind,
            recipient_role=row.recipient_role,
            phone=phone,
            email=email,
            language=row.language,
            text=rendered.text,
            subject=rendered.subject,
            whatsapp_template=row.rule.whatsapp_template,
            whatsapp_parameters=rendered.whatsapp_parameters,
            sent_at=self.now.isoformat(),
        )
        if not self._renew_claim(row, token, body=rendered.text):
            return
        try:
            receipt = self.channel.send(message)
        except ChannelError as error:
            self._failed_attempt(row, token, error.reason, permanent=error.permanent)
            return
        except Exception as error:
            self._failed_attempt(row, token, type(error).__name__, permanent=False)
            return
        self._finish(
            row,
            token,
            self.outcome.sent,
            status=ReminderStatus.SENT,
            sent_at=self.now,
            provider_message_id=receipt.provider_message_id[:200],
            last_error="",
        )

    def _renew_claim(self, row: Reminder, token, **fields) -> bool:
        """Restart the lease of our claim on the real clock, just before sending. False when the
        claim is no longer ours: this sweep outlived its lease and another one recovered the row
        (and may have sent it), so sending now could send it twice."""
        renewed = Reminder.objects.filter(
            pk=row.pk, claim_token=token, status=ReminderStatus.SENDING
        ).update(claimed_at=self.clock(), **fields)
        if not renewed:
            logger.warning("reminders: lost the claim on reminder %s; not sending", row.public_id)
        return bool(renewed)

    def _failed_attempt(self, row: Reminder, token, reason: str, *, permanent: bool) -> None:
        logger.warning(
            "reminders: reminder %s attempt %s failed (%s)",
            row.public_id,
            row.attempts,
            "permanent" if permanent else "transient",
        )
        if permanent or row.attempts >= settings.KADERASI_REMINDER_MAX_ATTEMPTS:
            self._finish(
                row,
                token,
                self.outcome.failed,
                status=ReminderStatus.FAILED,
                status_reason=StatusReason.REJECTED if permanent else StatusReason.GAVE_UP,
                last_error=reason,
            )
            return
        delay = retry_delay(
            row.attempts,
            base=dt.timedelta(seconds=settings.KADERASI_REMINDER_RETRY_SECONDS),
            cap=dt.timedelta(seconds=settings.KADERASI_REMINDER_RETRY_MAX_SECONDS),
        )
        self._finish(
            row,
            token,
            self.outcome.delayed,
            status=ReminderStatus.DELAYED,
            status_reason=StatusReason.RETRY,
            next_attempt_at=self.now + delay,
            last_error=reason,
        )

    def _finish(self, row: Reminder, token, bucket: list, **fields) -> bool:
        updated = Reminder.objects.filter(
            pk=row.pk, claim_token=token, status=ReminderStatus.SENDING
        ).update(claim_token=None, **fields)
        if not updated:
            # Our lease ran out and another sweep recovered the row: it decides now.
            logger.warning("reminders: lost the claim on reminder %s", row.public_id)
            return False
        for name, value in fields.items():
            setattr(row, name, value)
        row.claim_token = None
        bucket.append(row)
        return True

    # -- crash recovery -------------------------------------------------------------------------

    def recover_interrupted(self) -> None:
        """Reminders claimed by a sender that never finished (crashed, killed) are settled once
        their lease has expired: confirmed as sent if the channel has them, sent again only
        where that cannot duplicate, else failed with the reason."""
        lease = dt.timedelta(seconds=settings.KADERASI_REMINDER_CLAIM_LEASE_SECONDS)
        abandoned = Reminder.objects.filter(
            status=ReminderStatus.SENDING, claimed_at__lte=self.clock() - lease
        ).select_related(*RELATED)
        for row in abandoned:
            token = uuid.uuid4()
            # Still expired: a sender that renewed its claim just now keeps it.
            taken = Reminder.objects.filter(
                pk=row.pk,
                status=ReminderStatus.SENDING,
                claim_token=row.claim_token,
                claimed_at__lte=self.clock() - lease,
            ).update(claim_token=token, claimed_at=self.clock())
            if not taken:
                continue
            row.claim_token = token
            self._settle(row, token)

    def _settle(self, row: Reminder, token) -> None:
        channel = channel_for_recovery(row.channel, self.channel)
        if channel.recovery == Recovery.LOOKUP:
            try:
                receipt = channel.find_sent(row.public_id)
            except ChannelError:
                return  # cannot tell yet: keep the claim, look again after the lease
            if receipt is not None:
                self._finish(
                    row,
                    token,
                    self.outcome.recovered,
                    status=ReminderStatus.SENT,
                    status_reason=StatusReason.CONFIRMED_AFTER_INTERRUPTION,
                    sent_at=self.now,
                    provider_message_id=receipt.provider_message_id[:200],
                )
                return
            self._release(row, token)
            return
        if channel.recovery == Recovery.RESEND:
            self._release(row, token)
            return
        self._finish(
            row,
            token,
            self.outcome.failed,
            status=ReminderStatus.FAILED,
            status_reason=StatusReason.OUTCOME_UNKNOWN,
            last_error="The sender stopped before the gateway's answer was recorded.",
        )

    def _release(self, row: Reminder, token) -> None:
        """Not sent (or safe to send again): back in line, unless attempts are used up."""
        if row.attempts >= settings.KADERASI_REMINDER_MAX_ATTEMPTS:
            self._finish(
                row,
                token,
                self.outcome.failed,
                status=ReminderStatus.FAILED,
                status_reason=StatusReason.GAVE_UP,
                last_error="The sender stopped before sending, too many times.",
            )
            return
        self._finish(
            row,
            token,
            self.outcome.recovered,
            status=ReminderStatus.DELAYED,
            status_reason=StatusReason.RETRY,
            next_attempt_at=self.now,
        )

    # -- recipients -----------------------------------------------------------------------------

    def zone_of(self, row: Reminder):
        if row.recipient_role == RecipientRole.CADRE and row.cadre_id:
            return self.zones.zone_of(row.cadre.posyandu)
        if row.mother_id:
            return self.zones.zone_of(row.mother.posyandu)
        return self.zones.default

    def _quiet_until(self, row: Reminder) -> dt.datetime | None:
        if not row.respects_quiet_hours:
            return None
        programme_settings = self.settings_by_programme.get(row.programme_id, self.default_settings)
        return quiet_hours_end(
            self.now,
            zone=self.zone_of(row),
            starts=programme_settings.quiet_hours_start,
            ends=programme_settings.quiet_hours_end,
        )

    def _opted_out(self, row: Reminder) -> bool:
        lookup = {
            RecipientRole.MOTHER: {"mother_id": row.mother_id},
            RecipientRole.FAMILY: {"family_member_id": row.family_member_id},
            RecipientRole.CADRE: {"cadre_id": row.cadre_id},
            RecipientRole.MIDWIFE: {"user_id": row.user_id},
            RecipientRole.ESCALATION: {"user_id": row.user_id},
        }[row.recipient_role]
        return RecipientPreference.objects.filter(opted_out_at__isnull=False, **lookup).exists()


def tasks_still_allowed(tasks: list[dict]) -> list[dict]:
    """A digest's tasks without those about a mother whose consent was withdrawn since."""
    mothers = Mother.objects.in_bulk({task["mother_id"] for task in tasks})
    allowed = {
        pk for pk, mother in mothers.items() if processing_allowed(mother, ConsentSubject.MOTHER)
    }
    return [task for task in tasks if task["mother_id"] in allowed]


def address_of(row: Reminder) -> tuple[str, str]:
    """The recipient's phone number (E.164) and e-mail address, as recorded now."""
    role = row.recipient_role
    if role == RecipientRole.FAMILY:
        return row.family_member.phone, ""
    if role == RecipientRole.CADRE:
        return row.cadre.phone, row.cadre.user.email if row.cadre.user_id else ""
    if role in USER_ROLES:
        return row.user.phone, row.user.email
    return row.mother.phone, ""


def cadre_name_for(row: Reminder) -> str:
    """The name of the cadre accompanying the mother (for messages to others about her)."""
    if row.cadre_id:
        return row.cadre.name
    if row.relay_cadre_id:
        return row.relay_cadre.name
    if not row.mother_id:
        return ""
    pairing = (
        Pairing.objects.filter(mother_id=row.mother_id, ends_at__isnull=True)
        .select_related("cadre")
        .first()
    )
    return pairing.cadre.name if pairing else "-"


def dispatch_due(
    *, now: dt.datetime, channel: MessageChannel, clock: Clock = real_clock.now
) -> DispatchOutcome:
    """Recover interrupted sends, skip stale reminders, and send every due one through
    `channel` (delaying those in the recipient's quiet hours). `now` decides what is due;
    `clock` tells the real time, on which claims are leased."""
    return Dispatcher(channel=channel, now=now, clock=clock).run()
