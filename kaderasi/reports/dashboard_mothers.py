"""The mother numbers of a dashboard, read without a row per mother (decision 0190).

What does not change with the clock (mothers, pregnant, no pregnancy recorded, delivered, with an
open referral, certification overrides) is summed from `PosyanduMotherCounts`, one row per
programme and posyandu kept by the database. What does (the puerperium: day 1-42 after delivery)
is counted over the mothers delivered in the last 42 days only, through the index on
`delivered_at`: their number follows the births of six weeks, not every mother ever registered.
A mother whose puerperium has ended is a delivered mother neither in it nor delivered after
`now`. Each condition is the one of `dashboard_scope` behind the list the number links to.
"""

import datetime as dt
from collections.abc import Sequence

from django.db.models import Count, Q, Sum

from kaderasi.care.selectors import PUERPERIUM_DAYS
from kaderasi.evaluation.norms import ReferenceRange
from kaderasi.reports.dashboard_scope import compared_q, stage_q
from kaderasi.reports.models import MotherRollup, PosyanduMotherCounts

KEPT = ("mothers", "pregnant", "without_pregnancy", "delivered", "with_open_referral")


# Later than any delivery: the upper end of the recent deliveries' range (see `_recent`).
END_OF_TIME = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)


def _recent(scope: Q, now: dt.datetime):
    """Mother rows delivered in the puerperium's length before `now`, or after it. Count their
    `delivered_at` (never null here), not their pk: PostgreSQL then reads the index on
    `delivered_at` alone, which includes every column these counts look at.

    The range is closed above by `END_OF_TIME`, which every delivery is before: SQLite keeps
    no histograms and guesses that a one-sided range keeps a quarter of the table, so it
    scanned all of it in the order of the table's area (to group without sorting) instead of
    the few weeks' deliveries; a range with both ends it guesses small. PostgreSQL's estimate,
    from its histogram, is the same with or without it."""
    return MotherRollup.objects.filter(
        scope,
        delivered_at__gt=now - dt.timedelta(days=PUERPERIUM_DAYS),
        delivered_at__lt=END_OF_TIME,
    )


def mother_numbers(
    scope: Q,
    *,
    now: dt.datetime,
    references: Sequence[ReferenceRange],
    by_area: str | None = None,
) -> tuple[dict[str, int], dict[int, dict[str, int]]]:
    """Every mother number of the dashboard over the rollup rows of `scope`, as counting one row
    per mother with the conditions of `dashboard_scope` gives; and, when `by_area` names a column
    of `AreaColumns`, per value of it: mothers, postpartum and accompanied (postpartum with a
    cadre), for the areas with at least one mother. Two queries: each is grouped by the area and
    the totals are the sums of the groups (every number adds up over areas)."""
    group = [by_area] if by_area else []
    postpartum = stage_q(now)["postpartum"]
    compared, below = compared_q(references)
    conditions = {
        "postpartum": postpartum,
        "accompanied": postpartum & Q(accompanied=True),
        "unaccompanied": postpartum & Q(accompanied=False),
        "compared": postpartum & compared,
        "below_reference": postpartum & below,
        "not_comparable": postpartum & Q(milk_volumes__gt=0) & ~compared,
        "missed_sessions": postpartum & Q(sessions_missed__gt=0),
        "after_now": Q(delivered_at__gt=now),
    }
    # Aliases kept apart from field names, which an aggregate may not shadow.
    kept_rows = grouped_aggregate(
        PosyanduMotherCounts.objects.filter(scope),
        group,
        {f"s_{name}": Sum(name) for name in (*KEPT, "certification_overrides")},
    )
    recent_rows = grouped_aggregate(
        _recent(scope, now),
        group,
        {
            f"n_{name}": Count("delivered_at", filter=condition)
            for name, condition in conditions.items()
        },
    )
    kept = {name: sum(row[f"s_{name}"] or 0 for row in kept_rows) for name in KEPT}
    kept["certification_overrides"] = sum(
        row["s_certification_overrides"] or 0 for row in kept_rows
    )
    recent = {name: sum(row[f"n_{name}"] or 0 for row in recent_rows) for name in conditions}
    numbers = {
        "certification_overrides": kept["certification_overrides"],
        "total": kept["mothers"],
        "pregnant": kept["pregnant"],
        "postpartum": recent["postpartum"],
        "ended": kept["delivered"] - recent["postpartum"] - recent["after_now"],
        "unknown": kept["without_pregnancy"],
        **{name: recent[name] for name in list(conditions)[1:-1]},
        "with_open_referral": kept["with_open_referral"],
    }
    areas: dict[int, dict[str, int]] = {}
    if by_area:
        for row in kept_rows:
            if row["s_mothers"]:
                areas[row[by_area]] = {
                    "mothers": row["s_mothers"],
                    "postpartum": 0,
                    "accompanied": 0,
                }
        for row in recent_rows:
            if row["n_postpartum"]:
                counts = areas.setdefault(
                    row[by_area], {"mothers": 0, "postpartum": 0, "accompanied": 0}
                )
                counts.update(postpartum=row["n_postpartum"], accompanied=row["n_accompanied"])
    return numbers, areas


def grouped_aggregate(rows, group: list[str], aggregates: dict) -> list[dict]:
    """`aggregates` over `rows`, one dict per value of the `group` columns (one dict if none)."""
    if not group:
        return [rows.aggregate(**aggregates)]
    return list(rows.values(*group).annotate(**aggregates).order_by())
