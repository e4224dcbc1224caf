"""The mothers' day rows (`MotherDayRollup`: what one mother adds to her posyandu's day row on one
local day), computed and written by the database: one `INSERT … SELECT` for a batch of mothers
(every mother in a rebuild), grouped per mother and local day, so no record travels to Python.

The flows are those `PosyanduDayRollup` sums, counted as decision 0145 counts them: sessions by
`care.scheduling_sql.session_status_expression` (due = done + missed, summed later), referrals by
severity and whether still open, each event on the local day of its moment. A mother counts at her
programme and posyandu of now. Decision 0220; `reports/tests/test_rollups_set_based.py` and
`test_day_rows_after_refreshes.py` compare the day rows with the events counted one at a time."""

import datetime as dt
from collections.abc import Collection, Sequence

from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from kaderasi.care.models import (
    Delivery,
    FlagSeverity,
    MassageSession,
    Measurement,
    MeasurementKind,
    Mother,
    Referral,
    ReferralStatus,
    ScheduledSession,
)
from kaderasi.care.models.sessions import SessionStatus
from kaderasi.care.scheduling_sql import session_status_expression
from kaderasi.reports.models import MOTHER_DAY_FLOWS, MotherDayRollup, PosyanduDayRollup
from kaderasi.reports.mother_rollup_sql import compiled_once, execute_returning, local_day


def mother_day_rollups_insert(
    *, mother_ids: Collection[int] | None, now: dt.datetime, returning: Sequence[str] = ()
) -> list[tuple]:
    """Write the `MotherDayRollup` rows of these mothers (of every mother for None) as of `now`.
    The caller deletes their old rows first, in the same transaction. Returns the
    `returning` columns of each row written (none without)."""
    sql, params = compiled_once(mother_day_rollups_sql, mother_ids=mother_ids, now=now)
    return execute_returning(sql, params, returning)


def _flows(now: dt.datetime) -> list[tuple[QuerySet, str, str, dict]]:
    """(events, path from an event to its mother's id, its moment, the flows it counts)."""
    red = Q(flag__severity=FlagSeverity.RED)
    open_referral = ~Q(status=ReferralStatus.CLOSED)
    return [
        (Mother.objects.all(), "pk", "created_at", {"mothers_registered": Count("pk")}),
        (
            Delivery.objects.all(),
            "pregnancy__mother_id",
            "delivered_at",
            {"deliveries": Count("pk")},
        ),
        (
            ScheduledSession.objects.filter(cancelled_at__isnull=True).annotate(
                status=session_status_expression(now=now)
            ),
            "mother_id",
            "window_starts_at",
            {
                "sessions_done": Count("pk", filter=Q(status=SessionStatus.DONE)),
                "sessions_missed": Count("pk", filter=Q(status=SessionStatus.MISSED)),
            },
        ),
        (
            MassageSession.objects.all(),
            "mother_id",
            "started_at",
            {"massages_recorded": Count("pk")},
        ),
        (
            Measurement.objects.filter(kind=MeasurementKind.MILK_VOLUME),
            "mother_id",
            "measured_at",
            {"milk_volumes_recorded": Count("pk")},
        ),
        (
            Referral.objects.all(),
            "mother_id",
            "opened_at",
            {
                "referrals_opened_red": Count("pk", filter=red),
                "referrals_opened_amber": Count("pk", filter=~red),
                "referrals_open_red": Count("pk", filter=red & open_referral),
                "referrals_open_amber": Count("pk", filter=~red & open_referral),
            },
        ),
    ]


def mother_day_rollups_sql(
    *, mother_ids: Collection[int] | None, now: dt.datetime
) -> tuple[str, list]:
    """The `INSERT … SELECT` of `mother_day_rollups_insert`, and its parameters."""
    quote = connection.ops.quote_name
    params: list = []
    selects = []
    for index, (events, path, moment, sums) in enumerate(_flows(now)):
        if mother_ids is not None:
            events = events.filter(**{f"{path}__in": list(mother_ids)})
        grouped = (
            events.values(mother_ref=F(path), day=local_day(moment)).annotate(**sums).order_by()
        )
        sql, flow_params = grouped.query.sql_with_params()
        params.extend(flow_params)
        # Each count as an integer: PostgreSQL sums a bigint (what COUNT gives) as a numeric,
        # allocated row by row, and sums an integer as a bigint (decision 0320).
        columns = ", ".join(
            f"CAST({quote(name)} AS integer) AS {quote(name)}"
            if name in sums
            else f"0 AS {quote(name)}"
            for name in MOTHER_DAY_FLOWS
        )
        selects.append(f"SELECT mother_ref, day, {columns} FROM ({sql}) flow{index}")  # noqa: S608
    sums_sql = ", ".join(f"SUM(u.{quote(name)})" for name in MOTHER_DAY_FLOWS)
    any_flow = " + ".join(f"SUM(u.{quote(name)})" for name in MOTHER_DAY_FLOWS)
    table = quote(MotherDayRollup._meta.db_table)
    mothers = quote(Mother._meta.db_table)
    columns = ", ".join(quote(name) for name in MOTHER_DAY_FLOWS)
    # Every name below is ours (tables, columns, aliases); every value is a bound parameter.
    sql = (
        f"INSERT INTO {table} (mother_id, programme_id, posyandu_id, day, {columns})"  # noqa: S608
        f" SELECT m.id, m.programme_id, m.posyandu_id, u.day, {sums_sql}"
        f" FROM ({' UNION ALL '.join(selects)}) u JOIN {mothers} m ON m.id = u.mother_ref"
        f" GROUP BY m.id, m.programme_id, m.posyandu_id, u.day HAVING {any_flow} > 0"
    )
    return sql, params


def posyandu_days_resum(
    *, programme_id: int, posyandu_id: int, days: Collection[dt.date], area: dict, now: dt.datetime
) -> None:
    """Sum again the mothers' flows of these day rows of one (programme, posyandu) from the
    mothers' day rows, as `rollup_rows._day_counts` sums them, and keep the cadres' flows the
    rows hold (a mother's change cannot move them). One upsert, which returns the days it
    wrote; only when a day is left without any mother's row do two more statements zero its
    mothers' flows, or delete it when no cadre's flow is left either (decisions 0220, 0260).
    `area` is the posyandu's area columns (`rollup_rows.AreaColumns.of`)."""
    quote = connection.ops.quote_name
    vendor = connection.vendor
    table = quote(PosyanduDayRollup._meta.db_table)
    days = sorted(set(days))
    marks = ", ".join(["%s"] * len(days))
    pair = "programme_id = %s AND posyandu_id = %s"
    area_columns = sorted(area)
    flows = [quote(name) for name in MOTHER_DAY_FLOWS]
    written = [*flows, quote("sessions_due"), "refreshed_at", "updated_at", *area_columns]
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    uuid = "gen_random_uuid()" if vendor == "postgresql" else "lower(hex(randomblob(16)))"
    # Every name below is ours (tables, columns); every value is a bound parameter.
    upsert = (
        f"INSERT INTO {table} (public_id, created_at, updated_at, refreshed_at,"  # noqa: S608
        f" {', '.join(area_columns)}, programme_id, day, {', '.join(flows)},"
        f" {quote('sessions_due')}, cadres_trained, certificates_issued)"
        f" SELECT {uuid}, %s, %s, %s, {', '.join(['%s'] * len(area_columns))}, programme_id, day,"
        f" {', '.join(f'SUM({flow})' for flow in flows)},"
        f" SUM({quote('sessions_done')}) + SUM({quote('sessions_missed')}), 0, 0"
        f" FROM {quote(MotherDayRollup._meta.db_table)} WHERE {pair} AND day IN ({marks})"
        f" GROUP BY programme_id, day"
        f" ON CONFLICT (programme_id, posyandu_id, day) DO UPDATE SET"
        f" {', '.join(f'{column} = excluded.{column}' for column in written)}"
        f" RETURNING day"
    )
    moment = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        areas = [area[column] for column in area_columns]
        cursor.execute(upsert, [stamp, stamp, moment, *areas, programme_id, posyandu_id, *days])
        summed = {_day(day) for (day,) in cursor.fetchall()}
        left = [day for day in days if day not in summed]
        if not left:
            return
        marks = ", ".join(["%s"] * len(left))
        zeroed = ", ".join(f"{column} = 0" for column in [*flows, quote("sessions_due")])
        no_cadre = "cadres_trained = 0 AND certificates_issued = 0"
        where = f"{pair} AND day IN ({marks})"
        cursor.execute(
            f"DELETE FROM {table} WHERE {where} AND {no_cadre}",  # noqa: S608
            [programme_id, posyandu_id, *left],
        )
        cursor.execute(
            f"UPDATE {table} SET {zeroed}, refreshed_at = %s, updated_at = %s"  # noqa: S608
            f" WHERE {where}",
            [moment, stamp, programme_id, posyandu_id, *left],
        )


def _day(value: dt.date | str) -> dt.date:
    """A day as a statement returns it (SQLite returns the text)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
