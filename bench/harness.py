"""What every benchmark module shares: the scale, the database it runs on, running one alone.

A module `bench/bench_<what>.py` follows the contract written in `bench/run.py`'s docstring. Its
`run()` measures against the throwaway database that run.py (or `standalone`) has set up; it never
sets one up itself. Run a module alone with

    python -m bench.bench_<what>     # from the repository root; PostgreSQL when DATABASE_URL says

which ends in `harness.standalone(run)`: it sets up the test environment and a throwaway database,
calls `run()`, prints the measurements and tears the database down.
"""

import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def scale() -> float:
    """BENCH_SCALE (default 1; `make bench BENCH_SCALE=0.2` or `run.py --quick` for a smoke run):
    multiply a module's sizes by it, keeping at least a handful of rows."""
    return float(os.environ.get("BENCH_SCALE") or 1)


def scaled(count: int, *, minimum: int = 1) -> int:
    return max(minimum, round(count * scale()))


def django_setup() -> None:
    """Import Django with the test settings and a data directory of the run's own."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    os.environ.setdefault("KADERASI_DATA_DIR", tempfile.mkdtemp(prefix="kaderasi-bench-"))
    import django

    django.setup()


def database_setup() -> Callable[[], None]:
    """The test environment and a throwaway database (`test_<name>` on PostgreSQL, a file in the
    data directory on SQLite). Returns the function that tears both down."""
    django_setup()
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    # bench/run.py copies the database from a template it migrated once (BENCH_PREPARED=1): it
    # is kept as it is (migrate has nothing to do), and dropped all the same at the end.
    prepared = os.environ.get("BENCH_PREPARED") == "1"
    # BENCH_KEEP_DATABASE=1 (a module run alone) keeps the database and its rows for the next run:
    # a module that writes a large field (bench_dashboards_national) then reuses it.
    kept = os.environ.get("BENCH_KEEP_DATABASE") == "1"
    old_name = connection.creation.create_test_db(
        verbosity=0, autoclobber=not kept, keepdb=prepared or kept, serialize=False
    )

    def teardown() -> None:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=kept)
        teardown_test_environment()

    return teardown


def production_passwords(usernames, password: str | None = None) -> None:
    """Give these users `password` (default the demo's) hashed with PBKDF2: the test settings a
    module runs with hash with MD5 (fast tests), which the production settings gunicorn runs with
    do not accept."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from kaderasi.accounts.models import User
    from kaderasi.demo.seeding import DEMO_PASSWORD

    hasher = PBKDF2PasswordHasher()
    User.objects.filter(username__in=list(usernames)).update(
        password=hasher.encode(password or DEMO_PASSWORD, hasher.salt())
    )


def standalone(run: Callable[[], dict]) -> None:
    """`if __name__ == "__main__": standalone(run)` — one module alone, its numbers printed."""
    teardown = database_setup()
    try:
        measured = run()
    finally:
        teardown()
    print(json.dumps(measured, indent=2, default=str))
