"""The day flows per district (`DistrictDayFlows`), kept by database triggers on
`PosyanduDayRollup` as the mother counts are on `MotherRollup` (decisions 0190, 0226).

Whatever writes day rows (a refresh of one person's days or pairs, a rebuild, COPY) goes through
INSERT, UPDATE and DELETE on the table, so the sums follow without the writer knowing about
them; a TRUNCATE of the day rows empties them. On PostgreSQL the triggers run once per statement
over its transition table (one grouped upsert per batch); SQLite has row triggers.

A summary row's key is the programme, the day and the posyandu's path cut after its third id
(`/province/regency/district/` in a full tree): written once here for each database
(`postgres_prefix`, `sqlite_prefix`). Migration 0008 installs the triggers from this module and
sums the rows already there: changing the columns needs a migration that calls `remove` and then
`install` again. `tests/test_district_days.py` compares the table with a sum of the day rows.
"""

# ruff: noqa: S608 - the SQL is built from this module's constant names only, never from input.

from kaderasi.accounts.models import User
from kaderasi.accounts.selectors import scope_areas_of, sees_everything
from kaderasi.regions.models import AreaLevel
from kaderasi.reports.dashboard_scope import DashboardFilters
from kaderasi.reports.models import DAY_FLOWS
from kaderasi.reports.trigger_sql import postgres_triggers, sqlite_triggers

TABLE = "reports_districtdayflows"
SOURCE = "reports_posyandudayrollup"
AREAS = ("district_id", "regency_id", "province_id")
# How many ids of a posyandu's path make its summary's path: province, regency, district.
DEPTH = 3


def postgres_prefix(row: str = "") -> str:
    """The path cut after its `DEPTH`-th id (the whole path if shorter), on PostgreSQL."""
    return f"substring({row}area_path from '^/(?:[^/]+/){{0,{DEPTH}}}')"


def sqlite_prefix(row: str) -> str:
    """The same on SQLite (no regular expressions): the position of each next slash in turn."""
    slash = "1"
    for _ in range(DEPTH):
        slash = f"({slash} + instr(substr({row}area_path, {slash} + 1), '/'))"
    return f"substr({row}area_path, 1, {slash})"


# The tables by area a summary row can be grouped for (it has no village or posyandu).
SUMMED_LEVELS = (AreaLevel.PROVINCE, AreaLevel.REGENCY, AreaLevel.DISTRICT)


def _within_depth(path: str) -> bool:
    return path.count("/") <= DEPTH + 1


def serves(user: User, filters: DashboardFilters, table_level: str | None) -> bool:
    """Whether the district sums give the same period flows as the day rows for this page: every
    area of the scope and the area chosen have a path of at most `DEPTH` ids (so a posyandu's
    path starts with theirs exactly when its cut path does) and the table is not by village or
    posyandu. Asks for the viewer's areas only when the table allows it."""
    if table_level is not None and table_level not in SUMMED_LEVELS:
        return False
    if filters.area is not None and not _within_depth(filters.area.path):
        return False
    if sees_everything(user):
        return True
    return all(_within_depth(area.path) for area in scope_areas_of(user))


_COLUMNS = ("programme_id", "day", "area_path", *AREAS, *DAY_FLOWS)
_KEY = ("programme_id", "day", "area_path")


def _grouped(rows: str, prefix: str) -> str:
    """SELECT of each key's sums in `rows`, in the order of `_COLUMNS`."""
    areas = ", ".join(f"MAX({column})" for column in AREAS)
    sums = ", ".join(f"COALESCE(SUM({column}), 0)" for column in DAY_FLOWS)
    return (
        f"SELECT programme_id, day, {prefix} AS cut, {areas}, {sums} "
        f"FROM {rows} GROUP BY programme_id, day, cut"
    )


def _upsert(values: str) -> str:
    """Add `values` (a SELECT or VALUES in the order of `_COLUMNS`) to the summary."""
    updates = ", ".join(f"{c} = {TABLE}.{c} + excluded.{c}" for c in DAY_FLOWS)
    areas = ", ".join(f"{c} = excluded.{c}" for c in AREAS)
    return (
        f"INSERT INTO {TABLE} ({', '.join(_COLUMNS)}) {values} "
        f"ON CONFLICT ({', '.join(_KEY)}) DO UPDATE SET {updates}, {areas};"
    )


# --- PostgreSQL: statement triggers over transition tables -------------------------------------


def _postgres_subtract(rows: str) -> str:
    # Every subtracted row was added before, so its summary row exists: UPDATE, never insert.
    updates = ", ".join(f"{c} = {TABLE}.{c} - gone.{c}" for c in DAY_FLOWS)
    matches = " AND ".join(f"{TABLE}.{k} = gone.{k}" for k in _KEY)
    return (
        f"UPDATE {TABLE} SET {updates} "
        f"FROM ({_grouped(rows, postgres_prefix())}) AS gone ({', '.join(_COLUMNS)}) "
        f"WHERE {matches};"
    )


POSTGRES_INSTALL, POSTGRES_REMOVE = postgres_triggers(
    "reports_district_days",
    source=SOURCE,
    table=TABLE,
    subtract=_postgres_subtract("old_rows"),
    add=_upsert(_grouped("new_rows", postgres_prefix())),
)


# --- SQLite: row triggers ----------------------------------------------------------------------


def _sqlite_add(row: str) -> str:
    values = [
        f"{row}.programme_id",
        f"{row}.day",
        sqlite_prefix(f"{row}."),
        *(f"{row}.{c}" for c in (*AREAS, *DAY_FLOWS)),
    ]
    # "WHERE true" lets SQLite tell the upsert's ON CONFLICT from a join's ON.
    return _upsert(f"SELECT {', '.join(values)} WHERE true")


def _sqlite_subtract(row: str) -> str:
    updates = ", ".join(f"{c} = {c} - {row}.{c}" for c in DAY_FLOWS)
    return (
        f"UPDATE {TABLE} SET {updates} WHERE programme_id = {row}.programme_id "
        f"AND day = {row}.day AND area_path = {sqlite_prefix(f'{row}.')};"
    )


SQLITE_INSTALL, SQLITE_REMOVE = sqlite_triggers(
    "reports_district_days", source=SOURCE, subtract=_sqlite_subtract, add=_sqlite_add
)


def install(schema_editor) -> None:
    """Create the triggers and sum the day rows already there (migration 0008)."""
    postgres = schema_editor.connection.vendor == "postgresql"
    prefix = postgres_prefix() if postgres else sqlite_prefix("")
    fill = _upsert(f"{_grouped(SOURCE, prefix)}")
    for statement in [
        f"DELETE FROM {TABLE}",
        fill,
        *(POSTGRES_INSTALL if postgres else SQLITE_INSTALL),
    ]:
        schema_editor.execute(statement)


def remove(schema_editor) -> None:
    postgres = schema_editor.connection.vendor == "postgresql"
    for statement in POSTGRES_REMOVE if postgres else SQLITE_REMOVE:
        schema_editor.execute(statement)
