"""Dates without times placed so that the postpartum day is the one the workbook gives (pure)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from kaderasi.care.timing import postpartum_day
from kaderasi.interop.errors import InteropErrorCode
from kaderasi.interop.placement import Misplaced, delivery_moment, measurement_moment

WIB = ZoneInfo("Asia/Jakarta")
NOW = dt.datetime(2026, 11, 29, 9, 0, tzinfo=WIB)
LATE_BIRTH = dt.datetime(2026, 3, 1, 22, 0, tzinfo=WIB)


def place(measured_on, day, delivered_at=LATE_BIRTH):
    return measurement_moment(
        measured_on=measured_on, day=day, delivered_at=delivered_at, now=NOW, zone=WIB
    )


@pytest.mark.parametrize(
    ("measured_on", "day"),
    [
        (dt.date(2026, 3, 1), 1),
        (dt.date(2026, 3, 2), 1),  # before 22:00 on the next day
        (dt.date(2026, 3, 2), 2),  # after 22:00
        (dt.date(2026, 3, 4), 3),
        (dt.date(2026, 3, 4), 4),
    ],
)
def test_the_placed_moment_is_on_the_date_and_the_postpartum_day_given(measured_on, day):
    placed = place(measured_on, day)
    assert placed.astimezone(WIB).date() == measured_on
    assert postpartum_day(LATE_BIRTH, placed) == day


def test_without_a_postpartum_day_the_moment_nearest_noon_is_taken():
    placed = place(dt.date(2026, 3, 3), None)
    assert placed == dt.datetime(2026, 3, 3, 12, 0, tzinfo=WIB)


def test_a_postpartum_day_that_cannot_fall_on_the_date_is_refused():
    with translation.override("en"), pytest.raises(Misplaced) as error:
        place(dt.date(2026, 3, 4), 6)
    assert error.value.code == InteropErrorCode.POSTPARTUM_DAY_MISMATCH
    assert error.value.column == "postpartum_day"
    assert error.value.message.endswith("is on postpartum day 3 or 4.")


def test_a_day_that_has_not_come_yet_is_refused():
    with pytest.raises(Misplaced) as error:
        place(None, 3, delivered_at=NOW - dt.timedelta(hours=5))
    assert error.value.code == InteropErrorCode.DATE_IN_FUTURE


def test_a_volume_without_any_date_of_a_mother_without_delivery_has_no_moment():
    assert place(None, None, delivered_at=None) is None


def test_a_birth_this_morning_leaves_room_for_a_volume_measured_this_morning():
    # Regression (issue 13, item 6): before noon a birth of today was placed at `now` itself, so
    # no moment of today was after it, and re-importing demo-live failed with "… is on
    # postpartum day ." (the day missing).
    morning = dt.datetime(2026, 11, 29, 8, 40, tzinfo=WIB)
    delivered_at = delivery_moment(morning.date(), now=morning, zone=WIB)
    placed = measurement_moment(
        measured_on=morning.date(), day=1, delivered_at=delivered_at, now=morning, zone=WIB
    )
    assert delivered_at <= placed <= morning
    assert postpartum_day(delivered_at, placed) == 1


def test_a_birth_of_an_earlier_day_is_placed_at_noon():
    assert delivery_moment(dt.date(2026, 11, 28), now=NOW, zone=WIB) == dt.datetime(
        2026, 11, 28, 12, 0, tzinfo=WIB
    )
