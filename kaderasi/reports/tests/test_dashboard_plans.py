"""The plans SQLite chooses for the dashboards' reads at the size of a district's installation:
the statistics of the bench's field of 100,000 mothers (`bench_dashboards_national`, what
`ANALYZE` wrote there) are put in `sqlite_stat1`, so the planner decides as it would there,
over the few rows of the test's field (decision 0255)."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Count

from kaderasi.reports.dashboard_mothers import _recent
from kaderasi.reports.dashboards import rollup_scope_q
from kaderasi.reports.models import MotherRollup
from kaderasi.reports.tests.conftest import NOW

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner"),
]

ROWS = 100_000
# Rows per value of each index's columns in the field of 100,000 mothers, by the index's columns.
ROWS_PER_VALUE = {
    ("delivered_at",): "2",
    ("next_change_at",): "599",
    ("programme_id", "area_path"): "25000 84",
    ("village_id",): "417",
    ("regency_id",): "25000",
    ("province_id",): "100000",
    ("programme_id",): "25000",
    ("posyandu_id",): "84",
    ("district_id",): "4167",
    ("cadre_id",): "11",
    ("area_path",): "84",
}


def _statistics_of_the_national_field(table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # creates sqlite_stat1
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = %s", [table])
        cursor.execute(f"PRAGMA index_list('{table}')")
        for index in [row[1] for row in cursor.fetchall()]:
            cursor.execute(f"PRAGMA index_info('{index}')")
            columns = tuple(row[2] for row in cursor.fetchall())
            per_value = ROWS_PER_VALUE.get(columns, "1")
            cursor.execute(
                "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (%s, %s, %s)",
                [table, index, f"{ROWS} {per_value}"],
            )
        cursor.execute("ANALYZE sqlite_schema")  # the planner reads the statistics again


@pytest.mark.parametrize(
    ("persona", "by_area"),
    [("midwife", "posyandu_id"), ("coordinator", "village_id"), ("admin_user", "province_id")],
)
def test_the_puerperium_counts_read_the_recent_deliveries_not_the_whole_table(
    world, request, persona, by_area
):
    """SQLite keeps no histogram: with a range open above it guessed a quarter of the table
    and read all of it in the order of the table's area (to group without sorting); 231 of a
    midwife's 347 ms at 100,000 mothers. It reads the index on `delivered_at`."""
    _statistics_of_the_national_field(MotherRollup._meta.db_table)
    user = request.getfixturevalue(persona)
    recent = (
        _recent(rollup_scope_q(user), NOW - dt.timedelta(hours=1))
        .values(by_area)
        .annotate(n=Count("delivered_at"))
        .order_by()
    )

    plan = recent.explain()

    assert "USING INDEX mother_rollup_delivered_at (delivered_at>? AND delivered_at<?)" in plan
