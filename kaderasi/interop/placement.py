"""Placing workbook dates (without times) on the time line so that postpartum days come out as the
workbook gives them (pure; postpartum day from `care.timing`).

A date without a time is stored at local noon: the middle of the day keeps the calendar date in
every time zone of Indonesia and leaves room on both sides to place a postpartum day.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from kaderasi.care.timing import postpartum_day
from kaderasi.interop.errors import InteropErrorCode

NOON = dt.time(12, 0)
CANDIDATE_STEP = dt.timedelta(minutes=15)
CANDIDATES_PER_DAY = 96


class Misplaced(Exception):
    """A volume's date, postpartum day and delivery do not fit together (`column` is where)."""

    def __init__(self, column: str, code: InteropErrorCode, message: str):
        super().__init__(message)
        self.column = column
        self.code = code
        self.message = message


def moment(day: dt.date, time: dt.time, zone: ZoneInfo) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time), zone)


def delivery_moment(delivery_date: dt.date, *, now: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """Noon of the delivery date; for a birth today when noon has not come yet, the start of the
    day, so that every moment of this morning up to `now` is after the birth and can hold a volume
    measured today (at `now` itself no volume of today could be placed: issue 13, item 6)."""
    noon = moment(delivery_date, NOON, zone)
    if noon <= now:
        return noon
    return min(moment(delivery_date, dt.time(0), zone), now)


def measurement_moment(
    *,
    measured_on: dt.date | None,
    day: int | None,
    delivered_at: dt.datetime | None,
    now: dt.datetime,
    zone: ZoneInfo,
) -> dt.datetime | None:
    """When a volume was measured, so that its postpartum day is `day` when one is given.

    * `measured_on` with a delivery: a moment of that date (nearest noon) on postpartum day `day`;
      without `day` the day of birth counts as day 1 (noon to noon).
    * only `day`: that many days after the delivery.
    * only `measured_on`, no delivery: noon of that date.
    * nothing at all, no delivery: None (the caller stores the programme's first day).

    Raises Misplaced when the values contradict each other or a postpartum day has no delivery
    to count from.
    """
    if day is not None and delivered_at is None:
        raise Misplaced(
            "postpartum_day",
            InteropErrorCode.DELIVERY_DATE_REQUIRED,
            _(
                "kaderasi derives the postpartum day from the delivery: fill in the mother's "
                "delivery_date in the mothers sheet, or leave postpartum_day empty."
            ),
        )
    if measured_on is None:
        return _from_day(day, delivered_at, now)
    if delivered_at is None:
        return min(moment(measured_on, NOON, zone), now)
    delivery_day = timezone.localtime(delivered_at, zone).date()
    if measured_on < delivery_day:
        raise Misplaced(
            "measured_on",
            InteropErrorCode.MEASURED_BEFORE_DELIVERY,
            _("The volume is measured before the delivery (%(date)s).")
            % {"date": delivery_day.isoformat()},
        )
    start = moment(measured_on, dt.time(0), zone)
    candidates = [
        candidate
        for candidate in (start + CANDIDATE_STEP * step for step in range(CANDIDATES_PER_DAY))
        if delivered_at <= candidate <= now
    ]
    if day is not None:
        possible = sorted({postpartum_day(delivered_at, candidate) for candidate in candidates})
        candidates = [c for c in candidates if postpartum_day(delivered_at, c) == day]
        if not candidates and possible:
            raise Misplaced(
                "postpartum_day",
                InteropErrorCode.POSTPARTUM_DAY_MISMATCH,
                _(
                    "Postpartum day %(day)s does not fit: a volume measured on %(measured)s "
                    "after a delivery on %(delivered)s is on postpartum day %(possible)s."
                )
                % {
                    "day": day,
                    "measured": measured_on.isoformat(),
                    "delivered": delivery_day.isoformat(),
                    "possible": _either(possible),
                },
            )
    if not candidates:
        raise Misplaced(
            "measured_on",
            InteropErrorCode.MEASURED_BEFORE_DELIVERY,
            _("The volume cannot be measured on %(date)s.") % {"date": measured_on.isoformat()},
        )
    noon = moment(measured_on, NOON, zone)
    return min(candidates, key=lambda candidate: abs(candidate - noon))


def _from_day(
    day: int | None, delivered_at: dt.datetime | None, now: dt.datetime
) -> dt.datetime | None:
    if day is not None:
        measured_at = delivered_at + dt.timedelta(days=day - 1)
        if measured_at > now:
            raise Misplaced(
                "postpartum_day",
                InteropErrorCode.DATE_IN_FUTURE,
                _("Postpartum day %(day)s of this mother has not come yet.") % {"day": day},
            )
        return measured_at
    if delivered_at is not None:
        raise Misplaced(
            "measured_on",
            InteropErrorCode.MEASUREMENT_DATE_REQUIRED,
            _(
                "The mother's delivery date is known: fill in measured_on or postpartum_day, so "
                "that the postpartum day of the volume is known."
            ),
        )
    return None


def _either(days: list[int]) -> str:
    if len(days) == 2:
        return _("%(first)s or %(second)s") % {"first": days[0], "second": days[1]}
    return ", ".join(str(value) for value in days)
