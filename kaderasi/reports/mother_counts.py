"""The counts per posyandu of `MotherRollup` that do not change with the clock
(`PosyanduMotherCounts`), kept by database triggers on `MotherRollup` (decision 0190).

Whatever writes mother rollup rows (a refresh after a change, the periodic refresh, a rebuild
batched or set-based, COPY) goes through INSERT and DELETE on the table, so the counts follow
without the writer knowing about them. On PostgreSQL the triggers run once per statement over its
transition table (a rebuild's batch of 500 rows is one grouped upsert); SQLite has row triggers.

Each count is a condition on one rollup row, written once here (`COUNTS`) as SQL that both
databases accept; `tests/test_mother_counts.py` compares the table with counting the rows.
Migration 0006 installs the triggers from this module: changing `COUNTS` needs a migration
that calls `remove` and then `install` again.
"""

# ruff: noqa: S608 - the SQL is built from this module's constant names only, never from input.

from kaderasi.reports.trigger_sql import postgres_triggers, sqlite_triggers

TABLE = "reports_posyandumothercounts"
SOURCE = "reports_motherrollup"
KEY = ("programme_id", "posyandu_id", "area_path")
AREAS = ("village_id", "district_id", "regency_id", "province_id")

# column -> (condition on a row, or None for a sum of `summed`), as SQL over the row's columns.
COUNTS = {
    "mothers": "TRUE",
    "pregnant": "{row}has_pregnancy AND {row}delivered_at IS NULL",
    "without_pregnancy": "NOT {row}has_pregnancy",
    "delivered": "{row}delivered_at IS NOT NULL",
    "with_open_referral": "{row}open_red_referrals > 0 OR {row}open_amber_referrals > 0",
}
SUMMED = {"certification_overrides": "{row}certification_overrides"}
COLUMNS = (*COUNTS, *SUMMED)


# --- PostgreSQL: statement triggers over transition tables -------------------------------------


def _grouped(rows: str, sign: str) -> str:
    """SELECT of each key's counts in the transition table `rows`, multiplied by `sign`."""
    values = [
        f"{sign}COUNT(*) FILTER (WHERE {condition.format(row='')})" for condition in COUNTS.values()
    ] + [f"{sign}COALESCE(SUM({expression.format(row='')}), 0)" for expression in SUMMED.values()]
    areas = [f"MAX({column})" for column in AREAS]
    return (
        f"SELECT {', '.join(KEY)}, {', '.join(areas)}, {', '.join(values)} "
        f"FROM {rows} GROUP BY {', '.join(KEY)}"
    )


def _postgres_add(rows: str) -> str:
    updates = ", ".join(f"{c} = counts.{c} + EXCLUDED.{c}" for c in COLUMNS)
    areas = ", ".join(f"{c} = EXCLUDED.{c}" for c in AREAS)
    return (
        f"INSERT INTO {TABLE} AS counts ({', '.join((*KEY, *AREAS, *COLUMNS))}) "
        f"{_grouped(rows, '')} "
        f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET {updates}, {areas};"
    )


def _postgres_subtract(rows: str) -> str:
    # Every subtracted row was added before, so its counts row exists: UPDATE, never insert
    # (whose values would be negative).
    updates = ", ".join(f"{c} = counts.{c} - gone.{c}" for c in COLUMNS)
    matches = " AND ".join(f"counts.{k} = gone.{k}" for k in KEY)
    names = ", ".join((*KEY, *AREAS, *COLUMNS))
    return (
        f"UPDATE {TABLE} AS counts SET {updates} "
        f"FROM ({_grouped(rows, '')}) AS gone ({names}) WHERE {matches};"
    )


POSTGRES_INSTALL, POSTGRES_REMOVE = postgres_triggers(
    "reports_mother_counts",
    source=SOURCE,
    table=TABLE,
    subtract=_postgres_subtract("old_rows"),
    add=_postgres_add("new_rows"),
)


# --- SQLite: row triggers ----------------------------------------------------------------------


def _row_values(row: str) -> list[str]:
    prefix = f"{row}."
    return [f"({condition.format(row=prefix)})" for condition in COUNTS.values()] + [
        expression.format(row=prefix) for expression in SUMMED.values()
    ]


def _sqlite_add(row: str) -> str:
    values = [f"{row}.{column}" for column in (*KEY, *AREAS)] + _row_values(row)
    updates = ", ".join(f"{c} = {c} + excluded.{c}" for c in COLUMNS)
    areas = ", ".join(f"{c} = excluded.{c}" for c in AREAS)
    return (
        f"INSERT INTO {TABLE} ({', '.join((*KEY, *AREAS, *COLUMNS))}) "
        f"VALUES ({', '.join(values)}) "
        f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET {updates}, {areas};"
    )


def _sqlite_subtract(row: str) -> str:
    updates = ", ".join(
        f"{column} = {column} - {value}"
        for column, value in zip(COLUMNS, _row_values(row), strict=True)
    )
    matches = " AND ".join(f"{k} = {row}.{k}" for k in KEY)
    return f"UPDATE {TABLE} SET {updates} WHERE {matches};"


SQLITE_INSTALL, SQLITE_REMOVE = sqlite_triggers(
    "reports_mother_counts", source=SOURCE, subtract=_sqlite_subtract, add=_sqlite_add
)


def _fill() -> str:
    """The counts of the rows already there (when the triggers are installed)."""
    values = [
        f"SUM(CASE WHEN {condition.format(row='')} THEN 1 ELSE 0 END)"
        for condition in COUNTS.values()
    ] + [f"COALESCE(SUM({expression.format(row='')}), 0)" for expression in SUMMED.values()]
    areas = [f"MAX({column})" for column in AREAS]
    return (
        f"INSERT INTO {TABLE} ({', '.join((*KEY, *AREAS, *COLUMNS))}) "
        f"SELECT {', '.join(KEY)}, {', '.join(areas)}, {', '.join(values)} "
        f"FROM {SOURCE} GROUP BY {', '.join(KEY)}"
    )


def install(schema_editor) -> None:
    """Create the triggers and count the rows already there (migration 0006)."""
    vendor = schema_editor.connection.vendor
    statements = POSTGRES_INSTALL if vendor == "postgresql" else SQLITE_INSTALL
    for statement in [f"DELETE FROM {TABLE}", _fill(), *statements]:
        schema_editor.execute(statement)


def remove(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for statement in POSTGRES_REMOVE if vendor == "postgresql" else SQLITE_REMOVE:
        schema_editor.execute(statement)
