"""Protocol safety (issue 19): a session skipped with its reason (a refusal is recorded, not
referred), the midwife's first postnatal check and the birth outcome that move or stop the
schedule, and the mother's answer on whether her milk has come in."""

import datetime as dt
import logging
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaderasi.accounts.models import User
from kaderasi.care import flag_rules
from kaderasi.care.errors import CareErrorCode
from kaderasi.care.models import (
    BirthOutcome,
    Delivery,
    Flag,
    ScheduledSession,
    SkipReason,
)
from kaderasi.care.services.common import clock_tolerance
from kaderasi.care.services.flags import flags_raise
from kaderasi.care.services.schedule import schedule_reconcile
from kaderasi.core.errors import DomainError

logger = logging.getLogger(__name__)

MILK_ONSET_RULE = "milk_not_in_by_72_hours"


@transaction.atomic
def scheduled_session_skip(
    *,
    scheduled_session: ScheduledSession,
    reason: str,
    note: str,
    by: User | None,
    now: dt.datetime,
) -> ScheduledSession:
    """Record that the planned session is not given, and why. Declining is the mother's right:
    it raises no flag, and the session never counts as missed. Only when she has declined as
    many sessions as the `repeated_refusal` rule says is the midwife asked to talk with her."""
    row = (
        ScheduledSession.objects.select_for_update()
        .select_related("mother")
        .get(pk=scheduled_session.pk)
    )
    note = note.strip()
    if reason not in SkipReason.values:
        raise DomainError(
            CareErrorCode.SKIP_REASON_UNKNOWN,
            _("Choose why the session is skipped."),
            field="reason",
        )
    if reason == SkipReason.OTHER and not note:
        raise DomainError(
            CareErrorCode.SKIP_NOTE_REQUIRED,
            _("Write a short note when the reason is “Other”."),
            field="note",
        )
    if row.cancelled_at is not None:
        raise DomainError(
            CareErrorCode.SESSION_CANCELLED,
            _("This session is no longer in her schedule."),
            field=None,
        )
    if hasattr(row, "massage_session"):
        raise DomainError(
            CareErrorCode.SESSION_ALREADY_DONE,
            _("This session was already done; it cannot be skipped."),
            field=None,
        )
    if row.skipped_at is not None:
        raise DomainError(
            CareErrorCode.SESSION_ALREADY_SKIPPED,
            _("This session was already recorded as skipped."),
            field=None,
        )
    row.skipped_at = now
    row.skip_reason = reason
    row.skip_note = note
    row.skipped_by = by
    row.save(update_fields=["skipped_at", "skip_reason", "skip_note", "skipped_by", "updated_at"])
    logger.info("scheduled session %s skipped (%s)", row.public_id, reason)
    if reason == SkipReason.MOTHER_DECLINES:
        refusals = ScheduledSession.objects.filter(
            mother=row.mother, cancelled_at__isnull=True, skip_reason=SkipReason.MOTHER_DECLINES
        ).count()
        flags_raise(
            mother=row.mother,
            facts=[flag_rules.RefusalFacts(refusals=refusals)],
            now=now,
            scheduled_session=row,
        )
    return row


def _check_after_birth(
    *, at: dt.datetime | None, delivery: Delivery, now: dt.datetime, code, field: str, what: str
) -> None:
    if at is None:
        return
    if at < delivery.delivered_at or at > now + clock_tolerance():
        raise DomainError(
            code,
            _("%(what)s must lie between the birth (%(birth)s) and now.")
            % {
                "what": what,
                "birth": timezone.localtime(delivery.delivered_at).strftime("%Y-%m-%d %H:%M"),
            },
            field=field,
        )


@transaction.atomic
def delivery_followup_record(
    *,
    delivery: Delivery,
    first_postnatal_check_at: dt.datetime | None,
    gestational_age_weeks: int | None,
    birth_outcome: str,
    birth_outcome_at: dt.datetime | None,
    now: dt.datetime,
) -> Delivery:
    """Record what the midwife knows after the birth: her first postnatal check (KF1; the first
    massage waits for it when the programme asks), the gestational age she assessed, and a
    birth outcome (stillbirth, the baby's death, intensive care) that stops the massage
    schedule and its reminders at once. A new outcome raises the `birth_outcome` rule's flag so
    the midwife visits the mother."""
    delivery = (
        Delivery.objects.select_for_update().select_related("pregnancy__mother").get(pk=delivery.pk)
    )
    if first_postnatal_check_at is not None and first_postnatal_check_at < delivery.delivered_at:
        raise DomainError(
            CareErrorCode.POSTNATAL_CHECK_BEFORE_BIRTH,
            _("The first postnatal check cannot be before the birth (%(birth)s).")
            % {"birth": timezone.localtime(delivery.delivered_at).strftime("%Y-%m-%d %H:%M")},
            field="first_postnatal_check_at",
        )
    if first_postnatal_check_at is not None and first_postnatal_check_at > now + clock_tolerance():
        raise DomainError(
            CareErrorCode.POSTNATAL_CHECK_IN_FUTURE,
            _("The first postnatal check cannot be in the future."),
            field="first_postnatal_check_at",
        )
    if gestational_age_weeks is not None and not 22 <= gestational_age_weeks <= 44:
        raise DomainError(
            CareErrorCode.GESTATIONAL_AGE_OUT_OF_RANGE,
            _("A gestational age at birth must be 22 to 44 weeks."),
            field="gestational_age_weeks",
        )
    if birth_outcome and birth_outcome not in BirthOutcome.values:
        raise DomainError(
            CareErrorCode.BIRTH_OUTCOME_UNKNOWN,
            _("Choose a birth outcome from the list."),
            field="birth_outcome",
        )
    if birth_outcome and birth_outcome_at is None:
        birth_outcome_at = now
    if not birth_outcome:
        birth_outcome_at = None
    _check_after_birth(
        at=birth_outcome_at,
        delivery=delivery,
        now=now,
        code=CareErrorCode.BIRTH_OUTCOME_TIME_INVALID,
        field="birth_outcome_at",
        what=_("The time of the birth outcome"),
    )
    new_outcome = birth_outcome and birth_outcome != delivery.birth_outcome
    delivery.first_postnatal_check_at = first_postnatal_check_at
    delivery.gestational_age_weeks = gestational_age_weeks
    delivery.birth_outcome = birth_outcome
    delivery.birth_outcome_at = birth_outcome_at
    delivery.save(
        update_fields=[
            "first_postnatal_check_at",
            "gestational_age_weeks",
            "birth_outcome",
            "birth_outcome_at",
            "updated_at",
        ]
    )
    mother = delivery.pregnancy.mother
    schedule_reconcile(mother=mother, now=now)
    if new_outcome:
        flags_raise(
            mother=mother, facts=[flag_rules.BirthOutcomeFacts(outcome=birth_outcome)], now=now
        )
    return delivery


@transaction.atomic
def milk_onset_record(
    *, delivery: Delivery, came_in: bool, at: dt.datetime, now: dt.datetime
) -> Delivery:
    """The mother's answer to "has your milk come in (breasts full and heavy, milk leaking)?":
    yes (since `at`), or not yet (asked at `at`). A "not yet" at or after the hours of the rule
    `milk_not_in_by_72_hours`, or milk that came in only after them, raises its flag."""
    delivery = (
        Delivery.objects.select_for_update().select_related("pregnancy__mother").get(pk=delivery.pk)
    )
    _check_after_birth(
        at=at,
        delivery=delivery,
        now=now,
        code=CareErrorCode.MILK_ONSET_TIME_INVALID,
        field="at",
        what=_("The time"),
    )
    if came_in:
        delivery.milk_came_in_at = at
    else:
        delivery.milk_not_in_at = at
    delivery.save(update_fields=["milk_came_in_at", "milk_not_in_at", "updated_at"])
    mother = delivery.pregnancy.mother
    # One flag per mother: asking again the next day does not raise a second one.
    if not Flag.objects.filter(mother=mother, rule__code=MILK_ONSET_RULE).exists():
        flags_raise(mother=mother, facts=[milk_onset_facts(delivery)], now=now)
    return delivery


def milk_onset_facts(delivery: Delivery) -> flag_rules.MilkOnsetFacts:
    def hours(at: dt.datetime | None) -> Decimal | None:
        if at is None:
            return None
        return Decimal(str((at - delivery.delivered_at).total_seconds())) / 3600

    return flag_rules.MilkOnsetFacts(
        came_in_after_hours=hours(delivery.milk_came_in_at),
        not_in_at_hours=hours(delivery.milk_not_in_at),
    )
