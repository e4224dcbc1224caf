import datetime as dt
from zoneinfo import ZoneInfo

from kaderasi.care.timing import gestational_age, postpartum_day

WIB = ZoneInfo("Asia/Jakarta")
BIRTH = dt.datetime(2026, 11, 1, 23, 30, tzinfo=WIB)


def test_the_first_24_hours_after_birth_are_postpartum_day_1():
    assert postpartum_day(BIRTH, BIRTH) == 1
    assert postpartum_day(BIRTH, BIRTH + dt.timedelta(hours=23, minutes=59)) == 1


def test_postpartum_day_2_starts_24_hours_after_a_late_evening_birth_not_at_midnight():
    assert postpartum_day(BIRTH, dt.datetime(2026, 11, 2, 0, 30, tzinfo=WIB)) == 1
    assert postpartum_day(BIRTH, BIRTH + dt.timedelta(hours=24)) == 2
    assert postpartum_day(BIRTH, BIRTH + dt.timedelta(hours=54)) == 3


def test_there_is_no_postpartum_day_before_the_birth():
    assert postpartum_day(BIRTH, BIRTH - dt.timedelta(minutes=1)) is None


def test_gestational_age_counts_from_the_last_menstrual_period():
    age = gestational_age(
        last_menstrual_period=dt.date(2026, 3, 1),
        estimated_delivery_date=None,
        on=dt.date(2026, 11, 10),
    )
    assert (age.weeks, age.days) == (36, 2)  # 254 days


def test_gestational_age_falls_back_to_280_days_before_the_estimated_delivery_date():
    age = gestational_age(
        last_menstrual_period=None,
        estimated_delivery_date=dt.date(2026, 12, 20),
        on=dt.date(2026, 11, 29),
    )
    assert (age.weeks, age.days, str(age)) == (37, 0, "37+0")


def test_gestational_age_is_unknown_without_dates_or_before_the_lmp():
    assert (
        gestational_age(
            last_menstrual_period=None, estimated_delivery_date=None, on=dt.date(2026, 1, 1)
        )
        is None
    )
    assert (
        gestational_age(
            last_menstrual_period=dt.date(2026, 2, 1),
            estimated_delivery_date=None,
            on=dt.date(2026, 1, 1),
        )
        is None
    )
