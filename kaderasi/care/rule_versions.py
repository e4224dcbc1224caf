"""A version per mother of everything the care write path's rules read about her, kept by SQLite
triggers, so that a batch can be judged before it takes SQLite's write lock (decision 0295).

SQLite has one writer at a time: a transaction that writes holds the whole database. The sync
push judged its batch (the mothers, her delivery, consents, schedule, pairings, stops, the ids
stored already) inside that lock, so two gunicorn workers' batches queued behind each other's
reads and rules. Judged first, outside the lock, a batch only has to know, once it holds the
lock, whether anything it read has changed since: every insert, update and delete of a row the
rules read about a mother bumps her version, in the writer's own transaction (a trigger, so no
writer can forget it: services, the admin, imports, raw SQL), and a change to the catalogues the
rules read for everyone (danger signs, flag rules, programmes, areas) bumps the version of all
(row 0). Versions only grow, so the sum of hers and of all changes whenever either does.

Only on SQLite: PostgreSQL locks each mother's row, so batches for different mothers never wait
for each other and judging under the lock costs nothing there (no triggers, no table).
"""

# ruff: noqa: S608, S611 - the SQL is built from the constant names below, never from input.

from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from kaderasi.care.models import Mother

TABLE = "care_motherruleversion"
EVERYONE = 0  # the row of the catalogues every mother's rules read

# Table → the SQL naming the mother of a row (`{row}` is NEW or OLD); None: the catalogues.
SOURCES: dict[str, str | None] = {
    "care_mother": "{row}.id",
    "care_pregnancy": "{row}.mother_id",
    "care_delivery": "(select mother_id from care_pregnancy where id = {row}.pregnancy_id)",
    "care_infant": (
        "(select p.mother_id from care_delivery d join care_pregnancy p on p.id = d.pregnancy_id "
        "where d.id = {row}.delivery_id)"
    ),
    "care_consent": "{row}.mother_id",
    "care_pairing": "{row}.mother_id",
    "care_scheduledsession": "{row}.mother_id",
    "care_massagesession": "{row}.mother_id",
    "care_measurement": "{row}.mother_id",
    "care_dangersignreport": "{row}.mother_id",
    "care_latchobservation": "{row}.mother_id",
    "care_flag": "{row}.mother_id",
    "care_referral": "{row}.mother_id",
    "care_dangersign": None,
    "care_flagrule": None,
    "programmes_programme": None,
    "regions_area": None,
}


def _bump(mother_sql: str) -> str:
    return (
        f"INSERT INTO {TABLE} (mother_id, version) "
        f"SELECT mother, 1 FROM (SELECT {mother_sql} AS mother) WHERE mother IS NOT NULL "
        "ON CONFLICT (mother_id) DO UPDATE SET version = version + 1;"
    )


def _statements() -> tuple[list[str], list[str]]:
    install = [
        f"CREATE TABLE IF NOT EXISTS {TABLE} "
        "(mother_id integer NOT NULL PRIMARY KEY, version integer NOT NULL)"
    ]
    remove = []
    for table, mother in SOURCES.items():
        for event, rows in (("insert", ("NEW",)), ("update", ("OLD", "NEW")), ("delete", ("OLD",))):
            name = f"{table}_rule_version_{event}"
            body = " ".join(
                _bump(mother.format(row=row) if mother else str(EVERYONE)) for row in rows
            )
            install.append(
                f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table} "
                f"FOR EACH ROW BEGIN {body} END"
            )
            remove.append(f"DROP TRIGGER IF EXISTS {name}")
    remove.append(f"DROP TABLE IF EXISTS {TABLE}")
    return install, remove


def install(schema_editor) -> None:
    """Create the table and the triggers (a migration; nothing on PostgreSQL)."""
    if schema_editor.connection.vendor == "sqlite":
        for statement in _statements()[0]:
            schema_editor.execute(statement)


def remove(schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        for statement in _statements()[1]:
            schema_editor.execute(statement)


def kept() -> bool:
    """Whether the database keeps the versions (SQLite, where a batch is judged first)."""
    return connections[router.db_for_write(Mother)].vendor == "sqlite"


def _versioned(mothers: QuerySet[Mother]) -> QuerySet[Mother]:
    return Mother.objects.filter(pk__in=mothers.values("pk")).annotate(
        rule_version=RawSQL(
            f"SELECT coalesce(sum(version), 0) FROM {TABLE} "
            f'WHERE mother_id IN ({EVERYONE}, "care_mother"."id")',
            [],
        )
    )


def mothers_versioned(mothers: QuerySet[Mother]) -> tuple[list[Mother], dict[int, int]]:
    """The mothers of `mothers` with their programme and posyandu, and their versions (pk →
    version), read in one statement: what a batch is judged against, and how to tell later
    whether it still holds."""
    rows = list(_versioned(mothers).select_related("programme", "posyandu").order_by("pk"))
    return rows, {mother.pk: mother.rule_version for mother in rows}


def versions_of(mothers: QuerySet[Mother]) -> dict[int, int]:
    """pk → version of the mothers of `mothers` now (one query: the first under the lock)."""
    return dict(_versioned(mothers).order_by().values_list("pk", "rule_version"))
