"""Postpartum day and gestational age, derived from stored times (pure functions)."""

import calendar
import datetime as dt
from dataclasses import dataclass

FULL_TERM_DAYS = 280


def postpartum_day(delivered_at: dt.datetime, at: dt.datetime) -> int | None:
    """Day 1 is the first 24 hours after birth, day 2 the next 24 hours, and so on (the convention
    of the lactation literature, e.g. Saint 1984). None before the birth."""
    if at < delivered_at:
        return None
    return (at - delivered_at) // dt.timedelta(days=1) + 1


@dataclass(frozen=True)
class GestationalAge:
    weeks: int
    days: int

    @property
    def total_days(self) -> int:
        return self.weeks * 7 + self.days

    def __str__(self) -> str:
        return f"{self.weeks}+{self.days}"


def gestational_age(
    *, last_menstrual_period: dt.date | None, estimated_delivery_date: dt.date | None, on: dt.date
) -> GestationalAge | None:
    """From the LMP when known (Naegele), else backwards from the EDD (280 days)."""
    if last_menstrual_period is not None:
        total = (on - last_menstrual_period).days
    elif estimated_delivery_date is not None:
        total = FULL_TERM_DAYS - (estimated_delivery_date - on).days
    else:
        return None
    if total < 0:
        return None
    return GestationalAge(weeks=total // 7, days=total % 7)


def naegele_due_date(last_menstrual_period: dt.date) -> dt.date:
    """The estimated delivery date (HPL) from the first day of the last menstrual period (HPHT) by
    Naegele's rule, as the Buku KIA teaches it: add 7 days, take away 3 months, add 1 year (a day
    past the end of the month falls back to its last day)."""
    shifted = last_menstrual_period + dt.timedelta(days=7)
    month_index = shifted.month - 1 + 9
    year, month = shifted.year + month_index // 12, month_index % 12 + 1
    day = min(shifted.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)
