"""The day flows per district (`DistrictDayFlows`, decision 0226) and per village
(`VillageDayFlows`, decision 0300), kept by database triggers on `PosyanduDayRollup` as the
mother counts are on `MotherRollup` (decision 0190).

Whatever writes day rows (a refresh of one person's days or pairs, a rebuild, COPY) goes through
INSERT, UPDATE and DELETE on the table, so the sums follow without the writer knowing about
them; a TRUNCATE of the day rows empties them. On PostgreSQL the triggers run once per statement
over its transition table (one grouped upsert per batch); SQLite has row triggers.

A summary row's key is the programme, the day and the posyandu's path cut after its `depth`-th
id (`/province/regency/district/` for the districts, one id more for the villages): written once
here for each database (`DayFlowsSummary.postgres_prefix`, `.sqlite_prefix`). Migrations 0008
and 0009 install the triggers from this module and sum the rows already there: changing the
columns needs a migration that calls `remove` and then `install` again.
`tests/test_district_days.py` compares each table with a sum of the day rows.
"""

# ruff: noqa: S608 - the SQL is built from this module's constant names only, never from input.

from dataclasses import dataclass

from django.db import models

from kaderasi.accounts.models import User
from kaderasi.accounts.selectors import scope_areas_of, sees_everything
from kaderasi.regions.models import LEVEL_ORDER
from kaderasi.reports.dashboard_scope import DashboardFilters
from kaderasi.reports.models import DAY_FLOWS, DistrictDayFlows, VillageDayFlows
from kaderasi.reports.trigger_sql import postgres_triggers, sqlite_triggers

SOURCE = "reports_posyandudayrollup"
_KEY = ("programme_id", "day", "area_path")


@dataclass(frozen=True)
class DayFlowsSummary:
    """The day rows summed per programme, day and path cut after `depth` ids, into `model`,
    whose area columns are those of the first `depth` levels (`areas`, lowest first)."""

    name: str
    model: type[models.Model]
    depth: int

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @property
    def levels(self) -> tuple[str, ...]:
        """The tables by area a summary row can be grouped for (province first)."""
        return tuple(LEVEL_ORDER[: self.depth])

    @property
    def areas(self) -> tuple[str, ...]:
        return tuple(f"{level}_id" for level in reversed(self.levels))

    def postgres_prefix(self, row: str = "") -> str:
        """The path cut after its `depth`-th id (the whole path if shorter), on PostgreSQL."""
        return f"substring({row}area_path from '^/(?:[^/]+/){{0,{self.depth}}}')"

    def sqlite_prefix(self, row: str) -> str:
        """The same on SQLite (no regular expressions): the position of each next slash."""
        slash = "1"
        for _ in range(self.depth):
            slash = f"({slash} + instr(substr({row}area_path, {slash} + 1), '/'))"
        return f"substr({row}area_path, 1, {slash})"

    def within_depth(self, path: str) -> bool:
        return path.count("/") <= self.depth + 1

    def serves(self, user: User, filters: DashboardFilters, table_level: str | None) -> bool:
        """Whether these sums give the same period flows as the day rows for this page: every
        area of the scope and the area chosen have a path of at most `depth` ids (so a
        posyandu's path starts with theirs exactly when its cut path does) and the table's
        level has a column here. Asks for the viewer's areas only when the table allows it."""
        if table_level is not None and table_level not in self.levels:
            return False
        if filters.area is not None and not self.within_depth(filters.area.path):
            return False
        if sees_everything(user):
            return True
        return all(self.within_depth(area.path) for area in scope_areas_of(user))

    @property
    def _columns(self) -> tuple[str, ...]:
        return ("programme_id", "day", "area_path", *self.areas, *DAY_FLOWS)

    def _grouped(self, rows: str, prefix: str) -> str:
        """SELECT of each key's sums in `rows`, in the order of `_columns`."""
        areas = ", ".join(f"MAX({column})" for column in self.areas)
        sums = ", ".join(f"COALESCE(SUM({column}), 0)" for column in DAY_FLOWS)
        return (
            f"SELECT programme_id, day, {prefix} AS cut, {areas}, {sums} "
            f"FROM {rows} GROUP BY programme_id, day, cut"
        )

    def _upsert(self, values: str) -> str:
        """Add `values` (a SELECT in the order of `_columns`) to the summary."""
        table = self.table
        updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in DAY_FLOWS)
        areas = ", ".join(f"{c} = excluded.{c}" for c in self.areas)
        return (
            f"INSERT INTO {table} ({', '.join(self._columns)}) {values} "
            f"ON CONFLICT ({', '.join(_KEY)}) DO UPDATE SET {updates}, {areas};"
        )

    # --- PostgreSQL: statement triggers over transition tables ---------------------------------

    def _postgres_subtract(self, rows: str) -> str:
        # Every subtracted row was added before, so its summary row exists: UPDATE, never insert.
        table = self.table
        updates = ", ".join(f"{c} = {table}.{c} - gone.{c}" for c in DAY_FLOWS)
        matches = " AND ".join(f"{table}.{k} = gone.{k}" for k in _KEY)
        return (
            f"UPDATE {table} SET {updates} "
            f"FROM ({self._grouped(rows, self.postgres_prefix())}) "
            f"AS gone ({', '.join(self._columns)}) WHERE {matches};"
        )

    def postgres_triggers(self) -> tuple[list[str], list[str]]:
        return postgres_triggers(
            self.name,
            source=SOURCE,
            table=self.table,
            subtract=self._postgres_subtract("old_rows"),
            add=self._upsert(self._grouped("new_rows", self.postgres_prefix())),
        )

    # --- SQLite: row triggers ------------------------------------------------------------------

    def _sqlite_add(self, row: str) -> str:
        values = [
            f"{row}.programme_id",
            f"{row}.day",
            self.sqlite_prefix(f"{row}."),
            *(f"{row}.{c}" for c in (*self.areas, *DAY_FLOWS)),
        ]
        # "WHERE true" lets SQLite tell the upsert's ON CONFLICT from a join's ON.
        return self._upsert(f"SELECT {', '.join(values)} WHERE true")

    def _sqlite_subtract(self, row: str) -> str:
        updates = ", ".join(f"{c} = {c} - {row}.{c}" for c in DAY_FLOWS)
        return (
            f"UPDATE {self.table} SET {updates} WHERE programme_id = {row}.programme_id "
            f"AND day = {row}.day AND area_path = {self.sqlite_prefix(f'{row}.')};"
        )

    def sqlite_triggers(self) -> tuple[list[str], list[str]]:
        return sqlite_triggers(
            self.name, source=SOURCE, subtract=self._sqlite_subtract, add=self._sqlite_add
        )

    # --- the migrations ------------------------------------------------------------------------

    def install(self, schema_editor) -> None:
        """Create the triggers and sum the day rows already there."""
        postgres = schema_editor.connection.vendor == "postgresql"
        prefix = self.postgres_prefix() if postgres else self.sqlite_prefix("")
        triggers = self.postgres_triggers() if postgres else self.sqlite_triggers()
        for statement in [
            f"DELETE FROM {self.table}",
            self._upsert(self._grouped(SOURCE, prefix)),
            *triggers[0],
        ]:
            schema_editor.execute(statement)

    def remove(self, schema_editor) -> None:
        postgres = schema_editor.connection.vendor == "postgresql"
        triggers = self.postgres_triggers() if postgres else self.sqlite_triggers()
        for statement in triggers[1]:
            schema_editor.execute(statement)


DISTRICTS = DayFlowsSummary("reports_district_days", DistrictDayFlows, depth=3)
VILLAGES = DayFlowsSummary("reports_village_days", VillageDayFlows, depth=4)
# Fewest rows first: a page reads the first summary that serves it.
SUMMARIES = (DISTRICTS, VILLAGES)


def period_source(
    user: User, filters: DashboardFilters, table_level: str | None
) -> type[models.Model] | None:
    """The summary a dashboard's period can be summed from (the first that serves the page), or
    None when only the posyandu day rows can (an area chosen or a table at the posyandu)."""
    for summary in SUMMARIES:
        if summary.serves(user, filters, table_level):
            return summary.model
    return None
