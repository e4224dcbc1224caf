"""Protocol safety (issue 19): a session skipped with its reason (a refusal is recorded, not
referred), the midwife's first postnatal check and the birth outcome that move or stop the
schedule, and the mother's answer on whether her milk has come in."""

import datetime as dt
import logging
import uuid
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
    Mother,
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
    at: dt.datetime | None = None,
    record_id: uuid.UUID | None = None,
) -> ScheduledSession:
    """Record that the planned session is not given, and why. Declining is the mother's right:
    it raises no flag, and the session never counts as missed. Only when she has declined as
    many sessions as the `repeated_refusal` rule says is the midwife asked to talk with her.
    `at` is when the cadre recorded it (a phone offline sends it later; default `now`);
    `record_id` the id of her record, kept so that the same record re-sent is known."""
    at = at or now
    if at > now + clock_tolerance():
        raise DomainError(
            CareErrorCode.SKIP_TIME_INVALID,
            _("The time it was recorded cannot be in the future."),
            field="skipped_at",
        )
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
    row.skipped_at = at
    row.skip_reason = reason
    row.skip_note = note
    row.skipped_by = by
    row.skip_record_id = record_id
    row.save(
        update_fields=[
            "skipped_at",
            "skip_reason",
            "skip_note",
            "skipped_by",
            "skip_record_id",
            "updated_at",
        ]
    )
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


@transaction.atomic
def session_skip_record(
    *,
    mother: Mother,
    record_id: uuid.UUID,
    scheduled_session_id: uuid.UUID,
    reason: str,
    note: str,
    skipped_at: dt.datetime,
    by: User | None,
    now: dt.datetime,
) -> bool:
    """A "session not given" record as a form or a phone sends it (the planned session named by
    its public id): True when recorded, False when this record was recorded before (sent again:
    nothing changes). The rules are `scheduled_session_skip`'s."""
    earlier = ScheduledSession.objects.filter(skip_record_id=record_id).first()
    if earlier is not None:
        if earlier.mother_id == mother.pk and earlier.public_id == scheduled_session_id:
            return False
        raise DomainError(
            CareErrorCode.RECORD_ID_IN_USE,
            _("This record id is already used for another record."),
            field="id",
        )
    row = ScheduledSession.objects.filter(mother=mother, public_id=scheduled_session_id).first()
    if row is None:
        raise DomainError(
            CareErrorCode.SCHEDULED_SESSION_NOT_FOUND,
            _("This planned session is not one of this mother's current sessions."),
            field="scheduled_session_id",
        )
    scheduled_session_skip(
        scheduled_session=row,
        reason=reason,
        note=note,
        by=by,
        now=now,
        at=skipped_at,
        record_id=record_id,
    )
    return True


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


def milk_onset_answer_record(
    *, mother: Mother, came_in: bool, at: dt.datetime, now: dt.datetime
) -> bool:
    """The answer on whether her milk has come in, for her latest delivery, as a form or a phone
    sends it: True when recorded, False when this very answer is recorded already (sent again:
    nothing changes). The rules are `milk_onset_record`'s."""
    delivery = (
        Delivery.objects.filter(pregnancy__mother=mother).order_by("-delivered_at", "-pk").first()
    )
    if delivery is None:
        raise DomainError(
            CareErrorCode.MILK_ONSET_WITHOUT_DELIVERY,
            _("Record the delivery first: her milk comes in after the birth."),
            field=None,
        )
    recorded = delivery.milk_came_in_at if came_in else delivery.milk_not_in_at
    if recorded == at:
        return False
    milk_onset_record(delivery=delivery, came_in=came_in, at=at, now=now)
    return True


def milk_onset_facts(delivery: Delivery) -> flag_rules.MilkOnsetFacts:
    def hours(at: dt.datetime | None) -> Decimal | None:
        if at is None:
            return None
        return Decimal(str((at - delivery.delivered_at).total_seconds())) / 3600

    return flag_rules.MilkOnsetFacts(
        came_in_after_hours=hours(delivery.milk_came_in_at),
        not_in_at_hours=hours(delivery.milk_not_in_at),
    )
