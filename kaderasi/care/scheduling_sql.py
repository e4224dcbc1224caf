"""`care.scheduling.session_status` as an expression the database computes for every scheduled
session at once, for the counts it groups (the rollups). `scheduling.py` stays the definition;
this is its translation, and a parity test on SQLite and PostgreSQL
(`reports/tests/test_rollups_set_based.py`) proves the two agree on every status."""

import datetime as dt

from django.db.models import Case, CharField, Q, Value, When

from kaderasi.care.models.sessions import SessionStatus


def session_status_expression(*, now: dt.datetime) -> Case:
    """The `session_status` of each `ScheduledSession` row at `now`: cancelled, else done (a
    massage is recorded for it, whenever), else skipped, else upcoming before its window, due
    inside it and missed once it has closed.

    Done is read through a join to the session's massage (at most one: the massage's link is
    unique), not an `EXISTS` subquery: a statement that groups the status repeats the
    expression in every count it feeds, and PostgreSQL ran the subquery once per repetition and
    row, 2.4 million index probes for the 600,000 sessions of a 100,000-mother rebuild
    (decision 0320)."""
    done = Q(massage_session__isnull=False)
    return Case(
        When(cancelled_at__isnull=False, then=Value(SessionStatus.CANCELLED.value)),
        When(done, then=Value(SessionStatus.DONE.value)),
        When(skipped_at__isnull=False, then=Value(SessionStatus.SKIPPED.value)),
        When(window_starts_at__gt=now, then=Value(SessionStatus.UPCOMING.value)),
        When(window_ends_at__gt=now, then=Value(SessionStatus.DUE.value)),
        default=Value(SessionStatus.MISSED.value),
        output_field=CharField(),
    )
