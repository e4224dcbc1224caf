"""The mothers' rollup rows, computed and written by the database: one `INSERT … SELECT` for a
batch of mothers (every mother in a rebuild), so no mother's records travel to Python.

Each fact is one grouped derived table per source (pregnancies, pairings, sessions, milk volumes,
referrals, the days she counts on), built with the ORM where it can say it and joined to the
mothers by her id. The rules come from their one home, translated beside it:
`care.scheduling_sql` (session status), `care.phase_volumes_sql` (baseline and follow-up volume),
`care.timing_sql` (postpartum day). `reports/tests/test_rollups_set_based.py` proves, on SQLite
and PostgreSQL, that the rows equal the per-person computation in Python (decision 0185)."""

import datetime as dt
import functools
from collections.abc import Callable, Collection, Sequence
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Min, Q, QuerySet, Window
from django.db.models.functions import RowNumber, TruncDate
from django.utils import timezone

from kaderasi.care.models import (
    Delivery,
    FlagSeverity,
    MassageSession,
    Measurement,
    MeasurementKind,
    MilkBasis,
    Mother,
    Pairing,
    PairingEndReason,
    Pregnancy,
    Referral,
    ReferralStatus,
    ScheduledSession,
)
from kaderasi.care.models.sessions import SessionStatus
from kaderasi.care.phase_volumes_sql import phase_volumes_sql
from kaderasi.care.scheduling_sql import session_status_expression
from kaderasi.care.timing_sql import postpartum_day_sql
from kaderasi.regions.models import Area, AreaLevel
from kaderasi.reports.models import MotherRollup

# Posyandu, village, district, regency, province: the deepest path an area can have.
AREA_DEPTH = len(AreaLevel)


def mother_rollups_insert(
    *, mother_ids: Collection[int] | None, now: dt.datetime, returning: Sequence[str] = ()
) -> list[tuple]:
    """Write the `MotherRollup` row of each of these mothers (of every mother for None) as of
    `now`. The caller deletes their old rows first, in the same transaction. Returns the
    `returning` columns of each row written (none without)."""
    sql, params = compiled_once(
        mother_rollups_sql, mother_ids=mother_ids, now=now, created=timezone.now()
    )
    return execute_returning(sql, params, returning)


def execute_returning(sql: str, params: list, returning: Sequence[str]) -> list[tuple]:
    """Run an `INSERT … SELECT`, returning these columns of the rows it wrote."""
    if returning:
        quote = connection.ops.quote_name
        sql = f"{sql} RETURNING {', '.join(quote(column) for column in returning)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if returning else []


# --- each statement compiled once --------------------------------------------------------------

Builder = Callable[..., tuple[str, list]]
# Values no caller passes: the ids of the mothers and the moments a statement is compiled with,
# found again among its parameters to say where the caller's go.
_FIRST_ID = -(10**15)
_MOMENTS = dt.datetime(1901, 2, 3, 4, 5, 6, tzinfo=dt.UTC)


def compiled_once(
    builder: Builder, *, mother_ids: Collection[int] | None, **moments: dt.datetime
) -> tuple[str, list]:
    """`builder(mother_ids=mother_ids, **moments)`, compiled by the ORM once per number of
    mothers (and database and time zone): the text of the statement does not change with the
    mothers or the moments, only its parameters do, and compiling it cost as much CPU as the rest
    of a one-mother refresh (decision 0260). `tests/test_rollups_compiled_once.py` compares it
    with compiling again."""
    ids = None if mother_ids is None else list(dict.fromkeys(mother_ids))
    sql, slots = _template(
        builder,
        connection.vendor,
        settings.TIME_ZONE,
        None if ids is None else len(ids),
        tuple(sorted(moments)),
    )
    given: dict[str, list] = {
        "id": ids or [],
        "moment": [_adapted(moments[name]) for name in sorted(moments)],
    }
    return sql, [value if kind == "value" else given[kind][value] for kind, value in slots]


def _adapted(moment: dt.datetime):
    return connection.ops.adapt_datetimefield_value(moment)


@functools.lru_cache(maxsize=64)
def _template(
    builder: Builder, vendor: str, time_zone: str, count: int | None, names: tuple[str, ...]
) -> tuple[str, list[tuple[str, Any]]]:
    """The statement compiled with stand-in ids and moments, and each parameter's slot: a
    constant ("value", it), the n-th mother's id ("id", n) or the n-th moment by name
    ("moment", n)."""
    stand_ins = {
        name: _MOMENTS + dt.timedelta(microseconds=index + 1) for index, name in enumerate(names)
    }
    ids = None if count is None else [_FIRST_ID - index for index in range(count)]
    sql, params = builder(mother_ids=ids, **stand_ins)
    moment_of = {_adapted(moment): index for index, moment in enumerate(stand_ins.values())}
    slots: list[tuple[str, Any]] = []
    for param in params:
        if isinstance(param, int) and not isinstance(param, bool) and param <= _FIRST_ID:
            slots.append(("id", _FIRST_ID - param))
        elif isinstance(param, dt.datetime | str) and param in moment_of:
            slots.append(("moment", moment_of[param]))
        else:
            slots.append(("value", param))
    # Every stand-in is a parameter, never written into the text.
    assert str(_FIRST_ID) not in sql and "1901-02-03" not in sql, "a stand-in in the SQL text"
    return sql, slots


def local_day(field: str) -> TruncDate:
    return TruncDate(field, tzinfo=timezone.get_default_timezone())


class _Query:
    """SQL text and its positional parameters, grown in the order they appear."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.params: list = []

    def add(self, sql: str, params=()) -> None:
        self.parts.append(sql)
        self.params.extend(params)

    def subquery(self, queryset: QuerySet | tuple[str, list]) -> str:
        """The SQL of `queryset` (or of an (sql, params) pair), its parameters taken in order;
        call it where the text goes."""
        sql, params = queryset if isinstance(queryset, tuple) else queryset.query.sql_with_params()
        self.params.extend(params)
        return f"({sql})"


def mother_rollups_sql(
    *, mother_ids: Collection[int] | None, now: dt.datetime, created: dt.datetime
) -> tuple[str, list]:
    """The `INSERT … SELECT` of `mother_rollups_insert`, and its parameters (`created` is the
    rows' creation time)."""
    vendor = connection.vendor
    quote = connection.ops.quote_name

    def of_mothers(queryset: QuerySet, path: str = "mother_id") -> QuerySet:
        if mother_ids is not None:
            queryset = queryset.filter(**{f"{path}__in": list(mother_ids)})
        return queryset.order_by()

    def moment(value: dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)

    mothers = of_mothers(Mother.objects.all(), "pk").values(
        "id", "programme_id", "posyandu_id", "group", registered_on=local_day("created_at")
    )
    latest_pregnancy = of_mothers(Pregnancy.objects.all()).annotate(
        position=Window(
            RowNumber(),
            partition_by=[F("mother_id")],
            order_by=[F("created_at").desc(), F("pk").desc()],
        ),
        delivered_at=F("delivery__delivered_at"),
    )
    pairings = of_mothers(Pairing.objects.all()).annotate(
        position=Window(
            RowNumber(),
            partition_by=[F("mother_id")],
            order_by=[F("starts_at").desc(), F("pk").desc()],
        )
    )
    sessions = (
        of_mothers(ScheduledSession.objects.filter(cancelled_at__isnull=True))
        .annotate(
            status=session_status_expression(now=now), window_day=local_day("window_starts_at")
        )
        .values("mother_id", "status", "window_day", "window_starts_at", "window_ends_at")
    )
    milk_volumes = of_mothers(Measurement.objects.filter(kind=MeasurementKind.MILK_VOLUME))
    milk_counts = milk_volumes.values("mother_id").annotate(
        milk_volumes=Count("pk"),
        milk_volumes_24h=Count("pk", filter=Q(basis=MilkBasis.ESTIMATE_24H)),
    )
    latest_24h = milk_volumes.filter(basis=MilkBasis.ESTIMATE_24H).annotate(
        position=Window(
            RowNumber(),
            partition_by=[F("mother_id")],
            order_by=[F("measured_at").desc(), F("created_at").desc(), F("pk").desc()],
        )
    )
    open_referrals = (
        of_mothers(Referral.objects.exclude(status=ReferralStatus.CLOSED))
        .values("mother_id")
        .annotate(
            open_red=Count("pk", filter=Q(flag__severity=FlagSeverity.RED)),
            open_amber=Count("pk", filter=Q(flag__severity=FlagSeverity.AMBER)),
            oldest_opened_at=Min("opened_at"),
        )
    )
    # Every local day her rows fall on in the day rollups (rollup_rows._day_counts' flows).
    day_sources = [
        of_mothers(Mother.objects.all(), "pk").values(
            mother_id=F("pk"), day=local_day("created_at")
        ),
        of_mothers(Delivery.objects.all(), "pregnancy__mother_id").values(
            mother_id=F("pregnancy__mother_id"), day=local_day("delivered_at")
        ),
        of_mothers(ScheduledSession.objects.all()).values(
            "mother_id", day=local_day("window_starts_at")
        ),
        of_mothers(MassageSession.objects.all()).values("mother_id", day=local_day("started_at")),
        milk_volumes.values("mother_id", day=local_day("measured_at")),
        of_mothers(Referral.objects.all()).values("mother_id", day=local_day("opened_at")),
    ]

    columns = [
        field.column for field in MotherRollup._meta.concrete_fields if not field.primary_key
    ]
    query = _Query()
    select: dict[str, str] = {}

    def value(column: str, sql: str, params=()) -> None:
        select[column] = sql
        values_params[column] = list(params)

    values_params: dict[str, list] = {}
    created = moment(created)
    value(
        "public_id",
        "gen_random_uuid()" if vendor == "postgresql" else "lower(hex(randomblob(16)))",
    )
    value("created_at", "%s", [created])
    value("updated_at", "%s", [created])
    value("mother_id", "m.id")
    value("programme_id", "m.programme_id")
    for level in ("posyandu", "village", "district", "regency", "province"):
        value(f"{level}_id", f"area.{level}_id")
    value("area_path", "area.area_path")
    value("group", f"m.{quote('group')}")
    value("registered_on", "m.registered_on")
    value("has_pregnancy", "pregnancy.mother_id IS NOT NULL")
    value("delivered_at", "pregnancy.delivered_at")
    value("cadre_id", "pairing.cadre_id")
    value("has_open_pairing", "COALESCE(pairing.has_open_pairing, FALSE)")
    value("certification_overrides", "COALESCE(pairing.certification_overrides, 0)")
    value("accompanied", "COALESCE(pairing.accompanied, FALSE)")
    value("sessions_due", "COALESCE(session.done + session.missed, 0)")
    value("sessions_done", "COALESCE(session.done, 0)")
    value("sessions_missed", "COALESCE(session.missed, 0)")
    value("first_window_on", "session.first_window_on")
    value("last_window_on", "session.last_window_on")
    value("baseline_ml", "phase.before_ml")
    value("follow_up_ml", "phase.after_ml")
    value("latest_24h_ml", "latest_24h.value")
    value(
        "latest_24h_day",
        postpartum_day_sql(
            vendor, delivered_at="pregnancy.delivered_at", at="latest_24h.measured_at"
        ),
    )
    value("milk_volumes", "COALESCE(milk.milk_volumes, 0)")
    value("milk_volumes_24h", "COALESCE(milk.milk_volumes_24h, 0)")
    value("open_red_referrals", "COALESCE(referral.open_red, 0)")
    value("open_amber_referrals", "COALESCE(referral.open_amber, 0)")
    value("oldest_open_referral_at", "referral.oldest_opened_at")
    value("next_change_at", "session.next_change_at")
    value("counted_days", "COALESCE(days.counted_days, %s)", ["[]"])
    value("refreshed_at", "%s", [moment(now)])
    assert set(select) == set(columns), set(select) ^ set(columns)

    # Every name below is ours (tables, columns, aliases); every value is a bound parameter.
    query.add(
        f"INSERT INTO {quote(MotherRollup._meta.db_table)}"
        f" ({', '.join(quote(column) for column in columns)}) SELECT "
    )
    query.add(
        ", ".join(select[column] for column in columns),
        [param for column in columns for param in values_params[column]],
    )
    query.add(f" FROM {query.subquery(mothers)} m")
    areas = query.subquery(_area_columns_sql())
    query.add(f" JOIN {areas} area ON area.posyandu_id = m.posyandu_id")
    pregnancies = query.subquery(latest_pregnancy.values("mother_id", "position", "delivered_at"))
    query.add(
        f" LEFT JOIN (SELECT mother_id, delivered_at FROM {pregnancies} p"  # noqa: S608
        " WHERE position = 1) pregnancy ON pregnancy.mother_id = m.id"
    )
    query.add(
        " LEFT JOIN (SELECT mother_id,"
        " COALESCE(MAX(CASE WHEN ends_at IS NULL THEN cadre_id END),"
        " MAX(CASE WHEN position = 1 THEN cadre_id END)) AS cadre_id,"
        " COUNT(CASE WHEN ends_at IS NULL THEN 1 END) > 0 AS has_open_pairing,"
        " COUNT(CASE WHEN certification_override_reason <> '' THEN 1 END)"
        " AS certification_overrides,"
        " COUNT(CASE WHEN ends_at IS NULL OR end_reason = %s THEN 1 END) > 0 AS accompanied",
        [PairingEndReason.COMPLETED.value],
    )
    pairing_rows = query.subquery(
        pairings.values(
            "mother_id",
            "cadre_id",
            "ends_at",
            "end_reason",
            "certification_override_reason",
            "position",
        )
    )
    query.add(f" FROM {pairing_rows} p GROUP BY mother_id) pairing ON pairing.mother_id = m.id")
    query.add(
        " LEFT JOIN (SELECT mother_id,"
        " COUNT(CASE WHEN status = %s THEN 1 END) AS done,"
        " COUNT(CASE WHEN status = %s THEN 1 END) AS missed,"
        " MIN(window_day) AS first_window_on, MAX(window_day) AS last_window_on,"
        " MIN(CASE WHEN status = %s THEN window_starts_at"
        " WHEN status = %s THEN window_ends_at END) AS next_change_at",
        [
            SessionStatus.DONE.value,
            SessionStatus.MISSED.value,
            SessionStatus.UPCOMING.value,
            SessionStatus.DUE.value,
        ],
    )
    session_rows = query.subquery(sessions)
    query.add(f" FROM {session_rows} s GROUP BY mother_id) session ON session.mother_id = m.id")
    phases = query.subquery(phase_volumes_sql(milk_volumes))
    query.add(f" LEFT JOIN {phases} phase ON phase.mother_id = m.id")
    query.add(f" LEFT JOIN {query.subquery(milk_counts)} milk ON milk.mother_id = m.id")
    latest = query.subquery(latest_24h.values("mother_id", "value", "measured_at", "position"))
    query.add(
        f" LEFT JOIN (SELECT mother_id, value, measured_at FROM {latest} v"  # noqa: S608
        " WHERE position = 1) latest_24h ON latest_24h.mother_id = m.id"
    )
    query.add(f" LEFT JOIN {query.subquery(open_referrals)} referral ON referral.mother_id = m.id")
    union = " UNION ".join(
        f"SELECT mother_id, day FROM {query.subquery(source)} source{index}"  # noqa: S608
        for index, source in enumerate(day_sources)
    )
    if vendor == "postgresql":
        days = (
            "SELECT mother_id, jsonb_agg(day ORDER BY day) AS counted_days"  # noqa: S608
            f" FROM ({union}) d GROUP BY mother_id"
        )
    else:
        # SQLite (before 3.44) has no ORDER BY inside an aggregate; it fills the array in the
        # order the grouped rows arrive, which the ordered derived table sets.
        days = (
            "SELECT mother_id, json_group_array(day) AS counted_days FROM"  # noqa: S608
            f" (SELECT mother_id, day FROM ({union}) d ORDER BY mother_id, day) d"
            " GROUP BY mother_id"
        )
    query.add(f" LEFT JOIN ({days}) days ON days.mother_id = m.id")
    return "".join(query.parts), query.params


def _area_columns_sql() -> tuple[str, list]:
    """`posyandu_id`, `area_path` and the id of each ancestor level of every area, as
    `rollup_rows.AreaColumns` gives them, by walking up the parents (the path lists them)."""
    quote = connection.ops.quote_name
    table = quote(Area._meta.db_table)
    joins = [f"{table} a0"] + [
        f"LEFT JOIN {table} a{depth} ON a{depth}.id = a{depth - 1}.parent_id"
        for depth in range(1, AREA_DEPTH)
    ]
    columns, params = ["a0.id AS posyandu_id", "a0.path AS area_path"], []
    for level in (AreaLevel.VILLAGE, AreaLevel.DISTRICT, AreaLevel.REGENCY, AreaLevel.PROVINCE):
        cases = " ".join(
            f"WHEN a{depth}.level = %s THEN a{depth}.id" for depth in range(AREA_DEPTH)
        )
        columns.append(f"CASE {cases} END AS {level.value}_id")
        params += [level.value] * AREA_DEPTH
    return f"SELECT {', '.join(columns)} FROM {' '.join(joins)}", params  # noqa: S608
