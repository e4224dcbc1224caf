"""After a test that migrates the database back (`migrated_back`), the database is migrated to
the end again and holds the rows it held when the test began: the tests after it expect both."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kaderasi.regions.models import Area
from kaderasi.tests.migrations import migrate, migrated_back

# The last migration of accounts, which nothing depends on: one table to drop and make again.
BEFORE = [("accounts", "0003_user_phone_encrypted")]
TABLE = "accounts_identitylookup"


def _unapplied() -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


@pytest.mark.django_db(transaction=True)
def test_the_database_is_at_the_end_again_with_its_rows_after_a_migration_back(world):
    areas = sorted(Area.objects.values_list("pk", "name"))
    with migrated_back():
        migrate(BEFORE)
        assert _unapplied() == ["accounts.0004_identity_lookup"]
        assert TABLE not in _tables()

    assert _unapplied() == []
    assert TABLE in _tables()
    assert sorted(Area.objects.values_list("pk", "name")) == areas


@pytest.mark.django_db(transaction=True)
def test_a_test_failing_after_a_migration_back_still_leaves_the_database_at_the_end():
    with pytest.raises(ZeroDivisionError), migrated_back():
        migrate(BEFORE)
        1 / 0  # noqa: B018

    assert _unapplied() == []
    assert TABLE in _tables()
