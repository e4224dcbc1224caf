"""PostgreSQL test databases for pytest-xdist workers: the first worker migrates its database and
copies it into a template, the others `CREATE DATABASE … TEMPLATE` it (decision 0211).

Migrating took each worker about 26 s under load, the same work in every process. The template is
made again by every run (its comment holds the run's id), so each run still applies every migration
from the first; a worker made from the template then checks that none is missing, as on SQLite
(`kaderasi/conftest.py`, `django_db_setup`). The controller drops the template after the run."""

TEMPLATE_SUFFIX = "_migrated"


def template_name(test_database: str) -> str:
    """The template of the run whose workers' databases are `<test_database>_gw<N>`."""
    return test_database[: 63 - len(TEMPLATE_SUFFIX)] + TEMPLATE_SUFFIX


def setup_from_template(connection, setup: dict, worker: str, run_id: str):
    """`setup_databases(**setup)` for the default PostgreSQL database of an xdist worker."""
    from django.test.utils import setup_databases

    target = connection.creation._get_test_db_name()
    template = template_name(target.removesuffix(f"_{worker}"))
    quote = connection.ops.quote_name
    with connection._nodb_cursor() as cursor:
        # One worker at a time: the first migrates and makes the template, the others wait for it.
        cursor.execute("SELECT pg_advisory_lock(hashtext(%s))", [template])
        try:
            cursor.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                [template],
            )
            found = cursor.fetchone()
            if found is None or found[0] != run_id:
                cursor.execute(f"DROP DATABASE IF EXISTS {quote(template)}")
                db_cfg = setup_databases(**setup)
                # CREATE DATABASE … TEMPLATE needs the source without connections.
                connection.close()
                cursor.execute(f"CREATE DATABASE {quote(template)} TEMPLATE {quote(target)}")
                cursor.execute(f"COMMENT ON DATABASE {quote(template)} IS %s", [run_id])
                return db_cfg
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(target)}")
            cursor.execute(f"CREATE DATABASE {quote(target)} TEMPLATE {quote(template)}")
        finally:
            cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [template])
    # keepdb: open the copy, apply what is missing (nothing: the run's migrations made it).
    return setup_databases(**{**setup, "keepdb": True})


def drop_template(connection) -> None:
    """After the run, in the controller (whose test database name has no worker suffix)."""
    template = template_name(connection.creation._get_test_db_name())
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(template)}")
