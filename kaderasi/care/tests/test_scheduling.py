"""Deriving a schedule from the delivery time and the protocol (pure functions)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaderasi.care.models import SessionStatus
from kaderasi.care.scheduling import (
    DailyWindow,
    PlannedSession,
    adherence,
    best_match,
    daily_windows,
    derive_schedule,
    session_status,
)
from kaderasi.care.timing import postpartum_day

WIB = ZoneInfo("Asia/Jakarta")


def _at(day, hour, minute=0):
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=WIB)


def _schedule(delivered_at, **protocol):
    values = {
        "sessions_per_day": 2,
        "protocol_days": 3,
        "start_postpartum_day": 1,
        "time_zone": WIB,
    }
    values.update(protocol)
    return derive_schedule(delivered_at=delivered_at, **values)


def _rows(schedule):
    return [
        (
            s.postpartum_day,
            s.slot,
            s.window_starts_at.strftime("%d %H:%M"),
            s.window_ends_at.strftime("%d %H:%M"),
        )
        for s in schedule
    ]


def test_two_sessions_a_day_share_the_waking_day_into_morning_and_evening():
    assert daily_windows(2) == (
        DailyWindow(1, dt.time(6, 0), dt.time(13, 30)),
        DailyWindow(2, dt.time(13, 30), dt.time(21, 0)),
    )


def test_three_sessions_a_day_get_three_back_to_back_windows():
    assert [(w.starts, w.ends) for w in daily_windows(3)] == [
        (dt.time(6, 0), dt.time(11, 0)),
        (dt.time(11, 0), dt.time(16, 0)),
        (dt.time(16, 0), dt.time(21, 0)),
    ]


def test_a_delivery_at_23_30_gets_its_first_sessions_the_next_morning_and_evening():
    schedule = _schedule(_at(8, 23, 30))
    assert _rows(schedule) == [
        (1, 1, "09 06:00", "09 13:30"),
        (1, 2, "09 13:30", "09 21:00"),
        (2, 1, "10 06:00", "10 13:30"),
        (2, 2, "10 13:30", "10 21:00"),
        (3, 1, "11 06:00", "11 13:30"),
        (3, 2, "11 13:30", "11 21:00"),
    ]


def test_a_delivery_mid_morning_moves_the_first_morning_session_to_the_next_day():
    # Day 1 runs from 10:00 on the 8th to 10:00 on the 9th: it holds 10:00-13:30 of the 8th's
    # morning (3.5 h) and 06:00-10:00 of the 9th's (4 h); the larger part is its morning.
    schedule = _schedule(_at(8, 10, 0))
    assert _rows(schedule)[:4] == [
        (1, 2, "08 13:30", "08 21:00"),
        (1, 1, "09 06:00", "09 10:00"),
        (2, 2, "09 13:30", "09 21:00"),
        (2, 1, "10 06:00", "10 10:00"),
    ]


def test_a_changed_delivery_time_gives_different_windows():
    before = _schedule(_at(8, 23, 30))
    after = _schedule(_at(9, 0, 30))
    assert before[0].window_starts_at == after[0].window_starts_at == _at(9, 6)
    assert _rows(after)[-1] == (3, 2, "11 13:30", "11 21:00")
    assert _rows(_schedule(_at(9, 14, 0)))[0] == (1, 2, "09 14:00", "09 21:00")


def test_the_protocol_days_and_first_day_come_from_the_protocol():
    schedule = _schedule(_at(8, 23, 30), protocol_days=2, start_postpartum_day=2)
    assert [(s.postpartum_day, s.slot) for s in schedule] == [(2, 1), (2, 2), (3, 1), (3, 2)]


@settings(max_examples=50, deadline=None)
@given(
    minutes=st.integers(min_value=0, max_value=60 * 24 * 14),
    sessions_per_day=st.integers(min_value=1, max_value=6),
    protocol_days=st.integers(min_value=1, max_value=5),
)
def test_every_postpartum_day_has_one_session_per_slot_inside_that_day(
    minutes, sessions_per_day, protocol_days
):
    delivered_at = _at(1, 0) + dt.timedelta(minutes=minutes)
    schedule = _schedule(
        delivered_at, sessions_per_day=sessions_per_day, protocol_days=protocol_days
    )
    windows = {w.slot: w for w in daily_windows(sessions_per_day)}
    assert len(schedule) == sessions_per_day * protocol_days
    assert len({(s.postpartum_day, s.slot) for s in schedule}) == len(schedule)
    for session in schedule:
        assert postpartum_day(delivered_at, session.window_starts_at) == session.postpartum_day
        day_ends = delivered_at + session.postpartum_day * dt.timedelta(days=1)
        assert session.window_ends_at <= day_ends
        clock = windows[session.slot]
        full = dt.datetime.combine(dt.date.today(), clock.ends) - dt.datetime.combine(
            dt.date.today(), clock.starts
        )
        assert session.window_ends_at - session.window_starts_at >= full / 2
    starts = [s.window_starts_at for s in schedule]
    assert starts == sorted(starts)


@pytest.mark.parametrize(
    ("now", "done", "cancelled", "expected"),
    [
        (_at(9, 5, 59), False, False, SessionStatus.UPCOMING),
        (_at(9, 6, 0), False, False, SessionStatus.DUE),
        (_at(9, 13, 29), False, False, SessionStatus.DUE),
        (_at(9, 13, 30), False, False, SessionStatus.MISSED),
        (_at(9, 5, 0), True, False, SessionStatus.DONE),
        (_at(9, 20, 0), True, False, SessionStatus.DONE),
        (_at(9, 20, 0), False, True, SessionStatus.CANCELLED),
    ],
)
def test_the_status_follows_the_window_the_clock_and_what_was_done(now, done, cancelled, expected):
    status = session_status(
        window_starts_at=_at(9, 6),
        window_ends_at=_at(9, 13, 30),
        now=now,
        done=done,
        cancelled=cancelled,
    )
    assert status == expected


def test_adherence_counts_sessions_done_out_of_those_due_so_far():
    statuses = [
        SessionStatus.DONE,
        SessionStatus.DONE,
        SessionStatus.MISSED,
        SessionStatus.DUE,
        SessionStatus.UPCOMING,
    ]
    result = adherence(statuses)
    assert (result.done, result.due, result.percent) == (2, 3, 67)
    assert adherence([SessionStatus.UPCOMING]).percent is None


def test_a_massage_counts_for_the_window_that_holds_it_else_the_nearest_of_its_day():
    morning = PlannedSession(1, 1, _at(9, 6), _at(9, 13, 30))
    evening = PlannedSession(1, 2, _at(9, 13, 30), _at(9, 21))
    next_morning = PlannedSession(2, 1, _at(10, 6), _at(10, 13, 30))
    sessions = [morning, evening, next_morning]
    assert best_match(_at(9, 14), sessions, postpartum_day=1) == evening
    assert best_match(_at(9, 22), [morning, next_morning], postpartum_day=1) == morning
    assert best_match(_at(9, 22), [next_morning], postpartum_day=1) is None


def test_a_massage_never_fills_a_window_that_has_not_opened_yet():
    # The morning session done, a second massage at 11:30 is not the afternoon one (13:30-21:00):
    # filing it there made adherence read 4/4 before the afternoon window opened.
    evening = PlannedSession(1, 2, _at(9, 13, 30), _at(9, 21))
    assert best_match(_at(9, 11, 30), [evening], postpartum_day=1) is None
    assert best_match(_at(9, 13, 30), [evening], postpartum_day=1) == evening
