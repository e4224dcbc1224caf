"""Migrating the test database back and forth, for the tests of data migrations.

`MigrationExecutor.migrate` walks every migration of the project, rendering all the models after
each one, to find the states it unapplies from (10-40 s of CPU for one step back). The plan here is
the same (Django's `migration_plan`, the same schema editor, the same recorder); only the states
are built once, from the migrations the plan touches and what they depend on, and rendered when a
migration runs.

A test that migrates back leaves the database as the other tests expect it inside
`migrated_back()`: on SQLite the database is put back from a copy taken when it began (decision
0285), instead of rendering and applying every later migration again."""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

Node = tuple[str, str]


def migrate(targets: list[Node], *, models_at: tuple[Node, ...] = ()):
    """Migrate to `targets` (other apps stay where they are), as `migrate app migration` does,
    and return the models as they were at `targets` and `models_at`."""
    executor = MigrationExecutor(connection)
    executor.recorder.ensure_schema()
    plan = executor.migration_plan(targets)
    backwards = {unapply for _, unapply in plan}
    if len(backwards) > 1:  # pragma: no cover - as Django refuses it
        raise ValueError("a plan mixing forwards and backwards migrations")
    if plan and backwards == {True}:
        _unapply(executor, [migration for migration, _ in plan])
    elif plan:
        _apply(executor, [migration for migration, _ in plan])
    return executor.loader.project_state([*targets, *models_at]).apps


def migrate_to_the_end() -> None:
    """Apply every migration not applied: the test database as the other tests expect it."""
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@contextmanager
def migrated_back() -> Iterator[None]:
    """For a (transactional) test that migrates the database back: afterwards, whatever happened,
    the database is migrated to the end again. On SQLite it is put back as it was when the block
    began, schema, rows and applied migrations, from a copy in memory (SQLite's backup API; 0.1 s
    of CPU where applying the later migrations again took 4-6 s); on PostgreSQL every migration not
    applied is applied again."""
    if connection.vendor != "sqlite":
        try:
            yield
        finally:
            migrate_to_the_end()
        return
    connection.ensure_connection()
    copy = sqlite3.connect(":memory:")
    try:
        connection.connection.backup(copy)
        try:
            yield
        finally:
            connection.ensure_connection()
            copy.backup(connection.connection)
            # Content types a migration made while back hold ids the copy no longer has.
            ContentType.objects.clear_cache()
    finally:
        copy.close()


def _state_before(executor: MigrationExecutor, migrations: list):
    """The project state before the first of `migrations` (in the order they apply): every
    migration they depend on, without themselves."""
    nodes = [(migration.app_label, migration.name) for migration in migrations]
    return executor.loader.project_state(nodes, at_end=False)


def _apply(executor: MigrationExecutor, migrations: list) -> None:
    state = _state_before(executor, migrations)
    for migration in migrations:
        state = executor.apply_migration(state, migration)


def _unapply(executor: MigrationExecutor, latest_first: list) -> None:
    # A migration is unapplied from the state before it (as Django's `Migration.unapply` takes).
    in_order = latest_first[::-1]
    state = _state_before(executor, in_order)
    state.apps  # noqa: B018 - rendered once: each state after it is cloned, not rendered again
    before = []
    for migration in in_order:
        before.append(state)
        state = migration.mutate_state(state, preserve=True)
    for migration, state in zip(latest_first, before[::-1], strict=True):
        executor.unapply_migration(state, migration)
