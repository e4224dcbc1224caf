"""Dashboards: indicators by area and period, read only from the rollups (never from the raw care
tables), in a fixed number of queries whatever the number of mothers.

Every number is scoped exactly like `mothers_visible_to` / `cadres_visible_to`, through the
rollups' denormalised area path and programme (`rollup_scope_q`), so a midwife never counts
another village's mothers; and each number has a list behind it (`mother_rollups_for`,
`cadre_rollups_for`) filtered by the same conditions.

"Now" numbers (stage, coverage, certification, open referrals) are as of `now`; flow numbers
(sessions, deliveries, referrals opened, training) are summed over the chosen period.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Case, Count, DateField, Q, Sum, Value, When
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kaderasi.accounts.models import User
from kaderasi.accounts.selectors import sees_everything
from kaderasi.core.numbers import share
from kaderasi.evaluation.norms import ReferenceRange
from kaderasi.regions.models import LEVEL_ORDER, Area, AreaLevel
from kaderasi.reports import district_days
from kaderasi.reports.dashboard_lists import (
    cadre_rollups_for,
    certification_overrides_for,
    earliest_day,
    mother_rollups_for,
    open_referrals_for,
)
from kaderasi.reports.dashboard_mothers import grouped_aggregate, mother_numbers
from kaderasi.reports.dashboard_scope import (
    CADRE_LIST_TITLES,
    MOTHER_LIST_TITLES,
    REFERRAL_AGE_BY_KEY,
    REFERRAL_AGES,
    CadreList,
    DashboardFilters,
    Granularity,
    MotherList,
    cadre_list_q,
    filter_q,
    mother_list_q,
    period_end,
    rollup_scope_q,
)
from kaderasi.reports.models import (
    DAY_FLOWS,
    CadreRollup,
    KnowledgeRollup,
    PosyanduDayRollup,
    RollupState,
)
from kaderasi.reports.rollups import STATE_NAME, local_date

__all__ = [
    "CADRE_LIST_TITLES",
    "MOTHER_LIST_TITLES",
    "REFERRAL_AGE_BY_KEY",
    "CadreList",
    "Dashboard",
    "DashboardFilters",
    "Granularity",
    "MotherList",
    "cadre_list_q",
    "cadre_rollups_for",
    "certification_overrides_for",
    "dashboard_for",
    "earliest_day",
    "mother_list_q",
    "mother_rollups_for",
    "open_referrals_for",
    "rollup_scope_q",
]

# --- the dashboard -----------------------------------------------------------------------------

# Day rows with a referral still open: the condition of their partial index (decision 0190).
OPEN_REFERRALS = Q(referrals_open_red__gt=0) | Q(referrals_open_amber__gt=0)


@dataclass(frozen=True)
class TrendBucket:
    starts_on: dt.date
    label: str
    sessions_due: int
    sessions_done: int
    deliveries: int
    mothers_registered: int
    referrals_opened: int

    @property
    def adherence(self) -> float | None:
        return share(self.sessions_done, self.sessions_due)


@dataclass(frozen=True)
class KnowledgeRow:
    training_public_id: str
    training_title: str
    training_on: dt.date
    pairs: int
    pre_mean: float | None
    post_mean: float | None

    @property
    def gain(self) -> float | None:
        if self.pre_mean is None or self.post_mean is None:
            return None
        return self.post_mean - self.pre_mean


@dataclass(frozen=True)
class AreaRow:
    area: Area
    mothers: int
    postpartum: int
    accompanied: int
    sessions_due: int
    sessions_done: int
    open_referrals: int
    cadres: int
    cadres_certified: int

    @property
    def coverage(self) -> float | None:
        return share(self.accompanied, self.postpartum)

    @property
    def adherence(self) -> float | None:
        return share(self.sessions_done, self.sessions_due)


@dataclass(frozen=True)
class ReferralAge:
    key: str
    label: str
    red: int
    amber: int


@dataclass
class Dashboard:
    filters: DashboardFilters
    today: dt.date
    refreshed_at: dt.datetime | None
    references: Sequence[ReferenceRange]
    mothers: dict[str, int]
    cadres: dict[str, int]
    period: dict[str, int]
    referral_ages: list[ReferralAge]
    oldest_open_referral_on: dict[str, dt.date | None]
    knowledge: list[KnowledgeRow]
    trend: list[TrendBucket]
    breakdown_level: str | None
    breakdown: list[AreaRow] = field(default_factory=list)

    @property
    def coverage(self) -> float | None:
        return share(self.mothers["accompanied"], self.mothers["postpartum"])

    @property
    def adherence(self) -> float | None:
        return share(self.period["sessions_done"], self.period["sessions_due"])

    @property
    def open_red(self) -> int:
        return sum(age.red for age in self.referral_ages)

    @property
    def open_amber(self) -> int:
        return sum(age.amber for age in self.referral_ages)

    def oldest_age_days(self, colour: str) -> int | None:
        opened_on = self.oldest_open_referral_on.get(colour)
        return None if opened_on is None else (self.today - opened_on).days

    def oldest_opened(self, colour: str) -> str:
        """ "oldest opened today / yesterday / 3 days ago" for the open referrals of `colour`."""
        days = self.oldest_age_days(colour)
        if days is None:
            return ""
        if days == 0:
            return str(_("oldest opened today"))
        if days == 1:
            return str(_("oldest opened yesterday"))
        return ngettext(
            "oldest opened %(days)s day ago", "oldest opened %(days)s days ago", days
        ) % {"days": days}

    @property
    def oldest_opened_red(self) -> str:
        return self.oldest_opened("red")

    @property
    def oldest_opened_amber(self) -> str:
        return self.oldest_opened("amber")

    @property
    def has_sessions(self) -> bool:
        return any(bucket.sessions_due for bucket in self.trend)

    @property
    def trend_chart(self):
        from kaderasi.reports.charts import TrendPoint, sessions_trend

        return sessions_trend(
            [TrendPoint(b.label, b.sessions_due, b.sessions_done) for b in self.trend],
            period_label=str(
                _("month") if self.filters.granularity == Granularity.MONTH else _("week")
            ),
        )


def dashboard_for(
    user: User,
    filters: DashboardFilters,
    *,
    now: dt.datetime,
    references: Sequence[ReferenceRange],
) -> Dashboard:
    """Every number of the dashboard for `user`, from the rollups only."""
    scope = rollup_scope_q(user) & filter_q(filters)
    today = local_date(now)
    last_day = period_end(filters, today)
    level = _breakdown_level(user, filters)
    by_area = [f"{level}_id"] if level else []
    mothers, mothers_by_area = mother_numbers(
        scope, now=now, references=references, by_area=by_area[0] if by_area else None
    )
    cadre_rows = _cadre_counts(scope, today=today, by_area=by_area)
    cadres = {
        name: sum(row[f"n_{name}"] or 0 for row in cadre_rows)
        for name in ("total", *(which.value for which in CadreList if which != CadreList.ALL))
    }
    days = PosyanduDayRollup.objects.filter(scope)
    # Above the posyandu the period is summed from the day flows per district or per village the
    # database keeps (decisions 0226, 0300): the same sums, from a row per district or village
    # and day, not per posyandu.
    flows = district_days.period_source(user, filters, level) or PosyanduDayRollup
    in_period = flows.objects.filter(scope).filter(day__gte=filters.starts_on, day__lte=last_day)
    flow_fields = DAY_FLOWS
    # The period's day rows are read once, grouped by the trend's week or month (the database
    # puts each day in its bucket, so a page gets a row per bucket and area, not per day and
    # area) and by the table's area: totals, trend and the table's sessions all come from these
    # rows (decision 0190, 0225). So are the day rows with a referral still open (a partial
    # index): the referral ages and the table's column.
    starts = _bucket_starts(filters, last_day)
    period_rows = list(
        in_period.annotate(bucket=_bucket_of_day(starts, filters.granularity))
        .values("bucket", *by_area)
        .annotate(**{f"s_{name}": Sum(name) for name in flow_fields})
        .order_by()
    )
    period = {name: sum(row[f"s_{name}"] or 0 for row in period_rows) for name in flow_fields}
    open_rows = list(
        days.filter(OPEN_REFERRALS)
        .values("day", *by_area)
        .annotate(red=Sum("referrals_open_red"), amber=Sum("referrals_open_amber"))
        .order_by("day")
    )
    referral_ages, oldest = _referral_ages(open_rows, today)
    return Dashboard(
        filters=filters,
        today=today,
        refreshed_at=_refreshed_at(),
        references=references,
        mothers=mothers,
        cadres=cadres,
        period=period,
        referral_ages=referral_ages,
        oldest_open_referral_on=oldest,
        knowledge=_knowledge(scope, filters, last_day),
        trend=_trend(period_rows, starts, filters.granularity),
        breakdown_level=level,
        breakdown=_breakdown(
            level,
            mothers=mothers_by_area,
            cadre_rows=cadre_rows,
            period_rows=period_rows,
            open_rows=open_rows,
        ),
    )


def _cadre_counts(scope: Q, *, today: dt.date, by_area: list[str]) -> list[dict]:
    """The cadre numbers (`n_total`, `n_<CadreList>`), one dict per value of the `by_area`
    column (one dict if none): the totals are their sums, the table by area reads them."""
    rows = CadreRollup.objects.filter(scope)
    conditions = {
        "total": Q(),
        **{
            which.value: cadre_list_q(which, today=today)
            for which in CadreList
            if which != CadreList.ALL
        },
    }
    return grouped_aggregate(
        rows,
        by_area,
        {f"n_{name}": Count("pk", filter=condition) for name, condition in conditions.items()},
    )


def _refreshed_at() -> dt.datetime | None:
    state = RollupState.objects.filter(name=STATE_NAME).only("last_run_at").first()
    return state.last_run_at if state else None


def _referral_ages(rows: list[dict], today: dt.date) -> tuple[list[ReferralAge], dict]:
    """Open referrals by how long ago they were opened (from the day they were opened on), from
    the sums of open referrals per day (`red`, `amber`; days in order, a day on several rows)."""
    counts = {bucket.key: [0, 0] for bucket in REFERRAL_AGES}
    oldest: dict[str, dt.date | None] = {"red": None, "amber": None}
    for row in rows:
        age = (today - row["day"]).days
        for bucket in REFERRAL_AGES:
            if bucket.contains(age):
                counts[bucket.key][0] += row["red"] or 0
                counts[bucket.key][1] += row["amber"] or 0
                break
        for colour in ("red", "amber"):
            if row[colour] and oldest[colour] is None:
                oldest[colour] = row["day"]
    return [
        ReferralAge(
            key=bucket.key,
            label=str(bucket.label),
            red=counts[bucket.key][0],
            amber=counts[bucket.key][1],
        )
        for bucket in REFERRAL_AGES
    ], oldest


def _knowledge(scope: Q, filters: DashboardFilters, period_end: dt.date) -> list[KnowledgeRow]:
    rows = (
        KnowledgeRollup.objects.filter(
            scope, training_on__gte=filters.starts_on, training_on__lte=period_end
        )
        .values("training_id", "training__public_id", "training__title", "training_on")
        .annotate(pairs=Sum("pairs"), pre=Sum("pre_sum"), post=Sum("post_sum"))
        .order_by("-training_on", "training__title")
    )
    return [
        KnowledgeRow(
            training_public_id=str(row["training__public_id"]),
            training_title=row["training__title"],
            training_on=row["training_on"],
            pairs=row["pairs"],
            pre_mean=float(row["pre"]) / row["pairs"] if row["pairs"] else None,
            post_mean=float(row["post"]) / row["pairs"] if row["pairs"] else None,
        )
        for row in rows
    ]


def bucket_start(day: dt.date, granularity: Granularity) -> dt.date:
    if granularity == Granularity.MONTH:
        return day.replace(day=1)
    return day - dt.timedelta(days=day.weekday())


def _bucket_starts(filters: DashboardFilters, period_end: dt.date) -> list[dt.date]:
    """The first day of every week (Monday first) or month of the period, at most 400."""
    starts = []
    cursor = bucket_start(filters.starts_on, filters.granularity)
    while cursor <= period_end and len(starts) < 400:
        starts.append(cursor)
        cursor = _next_bucket(cursor, filters.granularity)
    return starts


def _next_bucket(start: dt.date, granularity: Granularity) -> dt.date:
    if granularity == Granularity.MONTH:
        return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start + dt.timedelta(days=7)


def _bucket_of_day(starts: list[dt.date], granularity: Granularity) -> Case:
    """The first day of the bucket of a day row's `day`, as a CASE over the period's bucket
    starts (NULL after the last bucket): plain comparisons that each database evaluates itself
    and the same buckets as `bucket_start`. (SQLite has no date truncation: Django's TruncWeek
    there calls a Python function for every row.)"""
    bounds = [*starts[1:], _next_bucket(starts[-1], granularity)] if starts else []
    return Case(
        *(
            When(day__lt=bound, then=Value(start))
            for start, bound in zip(starts, bounds, strict=True)
        ),
        default=None,
        output_field=DateField(),
    )


def _trend(per_bucket: list[dict], starts: list[dt.date], granularity: Granularity):
    """Flows per week (Monday first) or month, every bucket of the period (`starts`) present,
    even empty; from the period's sums per bucket (`bucket`: its first day, `s_<field>`; a
    bucket on several rows)."""
    totals: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for row in per_bucket:
        bucket = totals[row["bucket"]]
        bucket[0] += row["s_sessions_due"] or 0
        bucket[1] += row["s_sessions_done"] or 0
        bucket[2] += row["s_deliveries"] or 0
        bucket[3] += row["s_mothers_registered"] or 0
        bucket[4] += (row["s_referrals_opened_red"] or 0) + (row["s_referrals_opened_amber"] or 0)
    return [
        TrendBucket(
            starts_on=start,
            label=_bucket_label(start, granularity),
            sessions_due=totals[start][0],
            sessions_done=totals[start][1],
            deliveries=totals[start][2],
            mothers_registered=totals[start][3],
            referrals_opened=totals[start][4],
        )
        for start in starts
    ]


def _bucket_label(start: dt.date, granularity: Granularity) -> str:
    from django.utils import formats

    if granularity == Granularity.MONTH:
        return formats.date_format(start, "M Y")
    return formats.date_format(start, "j M")


def _breakdown_level(user: User, filters: DashboardFilters) -> str | None:
    """The level one below the area being looked at: the selected area, else the viewer's own
    area when she covers one, else provinces."""
    base = filters.area
    if base is None and not sees_everything(user):
        own = list(user.areas.all()[:2])
        base = own[0] if len(own) == 1 else None
    if base is None:
        return AreaLevel.PROVINCE if sees_everything(user) else None
    index = LEVEL_ORDER.index(base.level)
    return LEVEL_ORDER[index + 1] if index + 1 < len(LEVEL_ORDER) else None


def _breakdown(
    level: str | None,
    *,
    mothers: dict[int, dict[str, int]],
    cadre_rows: list[dict],
    period_rows: list[dict],
    open_rows: list[dict],
) -> list[AreaRow]:
    """The table by area at `level`, from the numbers grouped by that level's column: the
    mothers', the cadres' (`n_total`, `n_certified`), the period's flows and the referrals still
    open."""
    if level is None:
        return []
    column = f"{level}_id"
    days: dict = defaultdict(lambda: {"due": 0, "done": 0, "open_referrals": 0})
    for row in period_rows:
        days[row[column]]["due"] += row["s_sessions_due"] or 0
        days[row[column]]["done"] += row["s_sessions_done"] or 0
    for row in open_rows:
        days[row[column]]["open_referrals"] += (row["red"] or 0) + (row["amber"] or 0)
    cadres = {row[column]: row for row in cadre_rows if row["n_total"]}
    area_ids = {key for key in (*mothers, *days, *cadres) if key is not None}
    areas = {area.pk: area for area in Area.objects.filter(pk__in=area_ids)}
    rows = []
    for area_id in area_ids:
        m, d, c = mothers.get(area_id, {}), days.get(area_id, {}), cadres.get(area_id, {})
        rows.append(
            AreaRow(
                area=areas[area_id],
                mothers=m.get("mothers", 0),
                postpartum=m.get("postpartum", 0),
                accompanied=m.get("accompanied", 0),
                sessions_due=d.get("due") or 0,
                sessions_done=d.get("done") or 0,
                open_referrals=d.get("open_referrals") or 0,
                cadres=c.get("n_total", 0),
                cadres_certified=c.get("n_certified", 0),
            )
        )
    return sorted(rows, key=lambda row: row.area.name)
