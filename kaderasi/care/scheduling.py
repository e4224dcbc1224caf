"""A mother's massage schedule, derived from her delivery time and the programme's protocol (pure
functions, no database).

Postpartum day N is the N-th 24 hours after the birth (`care/timing.py`). The protocol asks for
`sessions_per_day` sessions on each of `protocol_days` postpartum days from `start_postpartum_day`.
Each session of a day has a window in local clock time (morning, evening, …). A postpartum day
rarely starts at midnight, so it usually holds part of one calendar day's window and part of the
next day's: the session of that slot takes the larger of the two parts (the earlier one on a
tie). It therefore always keeps at least half of its clock window, the windows of one postpartum
day never overlap, and a slot falls exactly once in each postpartum day.

No window opens before the first massage may be given (`first_massage_not_before`): a set time
after the birth and, when the programme asks for it, the midwife's first postnatal check (KF1).
A window cut by that moment keeps its part after it, else the slot's other part of the
postpartum day; a slot with no time left after it is dropped.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
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
    not_before: dt.datetime | None = None,
) -> list[PlannedSession]:
    """Every planned session, in time order: `sessions_per_day` per postpartum day (one per
    window) for `protocol_days` days from `start_postpartum_day`, each window clipped to its
    postpartum day and to nothing earlier than `not_before`."""
    window_list = tuple(windows) if windows is not None else daily_windows(sessions_per_day)
    planned: list[PlannedSession] = []
    for day in range(start_postpartum_day, start_postpartum_day + protocol_days):
        span_starts = delivered_at + (day - 1) * DAY
        span_ends = span_starts + DAY
        if not_before is not None:
            span_starts = max(span_starts, not_before)
            if span_starts >= span_ends:
                continue
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


class FirstMassageWait(StrEnum):
    """What the first massage waits for."""

    HOURS_AFTER_BIRTH = "hours_after_birth"
    POSTNATAL_CHECK = "postnatal_check"
    POSTNATAL_CHECK_NOT_RECORDED = "postnatal_check_not_recorded"


@dataclass(frozen=True)
class FirstMassage:
    """The earliest moment of the first massage (None while it waits for a check not yet
    recorded) and what sets it."""

    not_before: dt.datetime | None
    reason: FirstMassageWait
    min_hours: int


def first_massage_not_before(
    *,
    delivered_at: dt.datetime,
    min_hours: int,
    after_postnatal_check: bool,
    postnatal_check_at: dt.datetime | None,
) -> FirstMassage:
    """Not before `min_hours` after the birth and, when `after_postnatal_check`, not before the
    midwife's first postnatal check; when that check is required and not recorded, the first
    massage waits (`not_before` None) and the reason says so."""
    earliest = delivered_at + dt.timedelta(hours=min_hours)
    if not after_postnatal_check:
        return FirstMassage(earliest, FirstMassageWait.HOURS_AFTER_BIRTH, min_hours)
    if postnatal_check_at is None:
        return FirstMassage(None, FirstMassageWait.POSTNATAL_CHECK_NOT_RECORDED, min_hours)
    if postnatal_check_at > earliest:
        return FirstMassage(postnatal_check_at, FirstMassageWait.POSTNATAL_CHECK, min_hours)
    return FirstMassage(earliest, FirstMassageWait.HOURS_AFTER_BIRTH, min_hours)


@dataclass(frozen=True)
class PostnatalVisit:
    """A visit of the midwife the mother (KF) or baby (KN) is handed over to, by postpartum day
    (`from_day`..`to_day` inclusive) and the times those days span."""

    code: str
    subject: str
    from_day: int
    to_day: int
    starts_at: dt.datetime
    ends_at: dt.datetime


def postnatal_visits(delivered_at: dt.datetime, visits: Iterable[dict]) -> list[PostnatalVisit]:
    """The programme's postnatal visits (data: code, subject, from_day, to_day) placed on the
    calendar from the birth; entries that are not well formed are left out."""
    placed = []
    for visit in visits:
        try:
            from_day, to_day = int(visit["from_day"]), int(visit["to_day"])
            code, subject = str(visit["code"]), str(visit.get("subject", ""))
        except (KeyError, TypeError, ValueError):
            continue
        if not 1 <= from_day <= to_day:
            continue
        placed.append(
            PostnatalVisit(
                code=code,
                subject=subject,
                from_day=from_day,
                to_day=to_day,
                starts_at=delivered_at + (from_day - 1) * DAY,
                ends_at=delivered_at + to_day * DAY,
            )
        )
    return sorted(placed, key=lambda v: (v.starts_at, v.code))


def session_status(
    *,
    window_starts_at: dt.datetime,
    window_ends_at: dt.datetime,
    now: dt.datetime,
    done: bool,
    cancelled: bool = False,
    skipped: bool = False,
) -> SessionStatus:
    """Cancelled, else done (whenever it was done), else skipped (recorded with a reason: never
    missed), else upcoming before the window, due inside it, and missed once it has closed."""
    if cancelled:
        return SessionStatus.CANCELLED
    if done:
        return SessionStatus.DONE
    if skipped:
        return SessionStatus.SKIPPED
    if now < window_starts_at:
        return SessionStatus.UPCOMING
    if now < window_ends_at:
        return SessionStatus.DUE
    return SessionStatus.MISSED


@dataclass(frozen=True)
class Adherence:
    """Sessions done out of the sessions due so far: those whose window has closed, plus any done
    early. A session inside its window and not yet done does not count against anyone, nor does
    one skipped with a reason (the mother declined or was unwell): it is counted as `skipped`."""

    done: int
    due: int
    skipped: int = 0

    @property
    def percent(self) -> int | None:
        """Done out of due, in whole percent rounded half up (12.5 → 13, as the dashboards
        write it), None when nothing is due yet."""
        if not self.due:
            return None
        share = Decimal(100 * self.done) / Decimal(self.due)
        return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def adherence(statuses: Iterable[SessionStatus]) -> Adherence:
    done = missed = skipped = 0
    for status in statuses:
        if status == SessionStatus.DONE:
            done += 1
        elif status == SessionStatus.MISSED:
            missed += 1
        elif status == SessionStatus.SKIPPED:
            skipped += 1
    return Adherence(done=done, due=done + missed, skipped=skipped)


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
