"""A mother's massage schedule, derived from her delivery time and the programme's protocol (pure
functions, no database).

Postpartum day N is the N-th 24 hours after the birth (`care/timing.py`). The protocol asks for
`sessions_per_day` sessions on each of `protocol_days` postpartum days from `start_postpartum_day`.
Each session of a day has a window in local clock time (morning, evening, …). A postpartum day
rarely starts at midnight, so it usually holds part of one calendar day's window and part of the
next day's: the session of that slot takes the larger of the two parts (the earlier one on a
tie). It therefore always keeps at least half of its clock window, the windows of one postpartum
day never overlap, and a slot falls exactly once in each postpartum day.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from kaderasi.care.models.sessions import SessionStatus

# The waking day the windows share out; a session outside it is still matched to its day.
DAY_STARTS = dt.time(6, 0)
DAY_ENDS = dt.time(21, 0)
DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class DailyWindow:
    """The clock time (local) in which session `slot` of a day is due; `ends` > `starts`."""

    slot: int
    starts: dt.time
    ends: dt.time


@dataclass(frozen=True)
class PlannedSession:
    postpartum_day: int
    slot: int
    window_starts_at: dt.datetime
    window_ends_at: dt.datetime


def daily_windows(
    sessions_per_day: int, *, day_starts: dt.time = DAY_STARTS, day_ends: dt.time = DAY_ENDS
) -> tuple[DailyWindow, ...]:
    """Share the waking day out in `sessions_per_day` back-to-back windows, to the minute: two
    sessions a day give a morning window (06:00–13:30) and an afternoon-evening one (13:30–21:00).
    """
    if sessions_per_day < 1:
        raise ValueError("sessions_per_day must be at least 1")
    first = day_starts.hour * 60 + day_starts.minute
    last = day_ends.hour * 60 + day_ends.minute
    bounds = [
        first + (last - first) * index // sessions_per_day for index in range(sessions_per_day + 1)
    ]
    return tuple(
        DailyWindow(slot=index + 1, starts=_time(bounds[index]), ends=_time(bounds[index + 1]))
        for index in range(sessions_per_day)
    )


def derive_schedule(
    *,
    delivered_at: dt.datetime,
    sessions_per_day: int,
    protocol_days: int,
    start_postpartum_day: int,
    time_zone: ZoneInfo,
    windows: Iterable[DailyWindow] | None = None,
) -> list[PlannedSession]:
    """Every planned session, in time order: `sessions_per_day` per postpartum day (one per
    window) for `protocol_days` days from `start_postpartum_day`, each window clipped to its
    postpartum day."""
    window_list = tuple(windows) if windows is not None else daily_windows(sessions_per_day)
    planned: list[PlannedSession] = []
    for day in range(start_postpartum_day, start_postpartum_day + protocol_days):
        span_starts = delivered_at + (day - 1) * DAY
        span_ends = span_starts + DAY
        for window in window_list:
            part = _largest_part(window, span_starts, span_ends, time_zone)
            if part is not None:
                planned.append(PlannedSession(day, window.slot, *part))
    return sorted(planned, key=lambda session: (session.window_starts_at, session.slot))


def _largest_part(
    window: DailyWindow, span_starts: dt.datetime, span_ends: dt.datetime, time_zone: ZoneInfo
) -> tuple[dt.datetime, dt.datetime] | None:
    best: tuple[dt.datetime, dt.datetime] | None = None
    first_date = span_starts.astimezone(time_zone).date() - DAY
    last_date = span_ends.astimezone(time_zone).date()
    date = first_date
    while date <= last_date:
        starts = max(dt.datetime.combine(date, window.starts, tzinfo=time_zone), span_starts)
        ends = min(dt.datetime.combine(date, window.ends, tzinfo=time_zone), span_ends)
        if ends > starts and (best is None or ends - starts > best[1] - best[0]):
            best = (starts, ends)
        date += DAY
    return best


def session_status(
    *,
    window_starts_at: dt.datetime,
    window_ends_at: dt.datetime,
    now: dt.datetime,
    done: bool,
    cancelled: bool = False,
) -> SessionStatus:
    """Cancelled, else done (whenever it was done), else upcoming before the window, due inside
    it, and missed once it has closed."""
    if cancelled:
        return SessionStatus.CANCELLED
    if done:
        return SessionStatus.DONE
    if now < window_starts_at:
        return SessionStatus.UPCOMING
    if now < window_ends_at:
        return SessionStatus.DUE
    return SessionStatus.MISSED


@dataclass(frozen=True)
class Adherence:
    """Sessions done out of the sessions due so far: those whose window has closed, plus any done
    early. A session inside its window and not yet done does not count against anyone."""

    done: int
    due: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.done / self.due) if self.due else None


def adherence(statuses: Iterable[SessionStatus]) -> Adherence:
    done = missed = 0
    for status in statuses:
        if status == SessionStatus.DONE:
            done += 1
        elif status == SessionStatus.MISSED:
            missed += 1
    return Adherence(done=done, due=done + missed)


def best_match(
    started_at: dt.datetime, candidates: Iterable[PlannedSession], *, postpartum_day: int | None
) -> PlannedSession | None:
    """The planned session a massage started at `started_at` counts for: the one whose window
    holds it, else the nearest window of the same postpartum day that has already opened; None
    when none is left. A window not yet open is never filled early: a second massage at 11:30
    is not the afternoon session of 13:30-21:00, so adherence cannot read 4/4 by noon."""
    same_day = [
        c
        for c in candidates
        if c.postpartum_day == postpartum_day and c.window_starts_at <= started_at
    ]
    for candidate in same_day:
        if candidate.window_starts_at <= started_at < candidate.window_ends_at:
            return candidate
    if not same_day:
        return None
    return min(same_day, key=lambda c: (_distance(started_at, c), c.window_starts_at))


def _distance(moment: dt.datetime, session: PlannedSession) -> dt.timedelta:
    if moment < session.window_starts_at:
        return session.window_starts_at - moment
    return max(moment - session.window_ends_at, dt.timedelta(0))


def _time(minutes: int) -> dt.time:
    return dt.time(minutes // 60, minutes % 60)
