"""Migrating the test database back and forth, for the tests of data migrations.

`MigrationExecutor.migrate` walks every migration of the project, rendering all the models after
each one, to find the states it unapplies from (10-40 s of CPU for one step back). The plan here is
the same (Django's `migration_plan`, the same schema editor, the same recorder); only the states
are built once, from the migrations the plan touches and what they depend on, and rendered when a
migration runs."""

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
