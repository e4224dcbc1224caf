"""The demo for tests that run against the live server (`transactional_db`): seeded through the ORM
the first time in a process, then put back from a copy of what that seeding wrote (decision 0205).

A transactional test starts from empty tables (pytest-django flushes them after each one) and
cannot share rows built once per module (`shared_rows`): the live server is another thread, with
its own connection. Seeding the demo took 2-4 s of the test process's CPU per browser test;
putting it back from a copy takes a tenth of that. The copy is used only when it gives the test
exactly what seeding would give it:
- SQLite, and no transaction open (a `db` test, or PostgreSQL, seeds as before);
- the same `now` and MEDIA_ROOT, and the same rows in every table before seeding (hashed): a
  test that made rows of its own before seeding, or the first transactional test of a process
  (which still has the content the migrations seed), gets a copy of its own;
- every file the seeding left in MEDIA_ROOT (the demo training's video) is still there.
The rows are copied in SQL on the test's own connection, in one transaction, so the live server's
connection sees them as any other write. The stamps Django writes from the wall clock
(`created_at`, `updated_at`) are moved on by the time since that seeding ended, so they read "a
moment ago" as after a seeding (the sync's overlap window is measured on them). Ids are those of
the first seeding: a test reads them from the database, never assumes them."""

import datetime as dt
import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from kaderasi.demo.seeding import DemoLogin, seed_demo


@dataclass(frozen=True)
class _Copy:
    path: Path
    media: frozenset[Path]
    logins: list[DemoLogin]
    seeded_at: dt.datetime  # on the wall clock, when the seeding ended


_COPIES: dict[tuple[dt.datetime, str, str], _Copy] = {}


def demo_seeded(*, now: dt.datetime) -> list[DemoLogin]:
    """What `seed_demo(now=now)` returns and writes, for a transactional test."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return seed_demo(now=now)
    key = (now, str(settings.MEDIA_ROOT), _contents_hash())
    copy = _COPIES.get(key)
    if copy is not None and all(path.exists() for path in copy.media):
        _restore(copy.path)
        ContentType.objects.clear_cache()
        _wall_clock_stamps_moved_on(timezone.now() - copy.seeded_at)
        return list(copy.logins)
    logins = seed_demo(now=now)
    _COPIES[key] = _Copy(_kept(), _media_files(), list(logins), timezone.now())
    return logins


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        )
        return [name for (name,) in cursor.fetchall()]


# Django makes these again after every flush (post_migrate), under new ids: they are compared by
# what they name, and after a restore they are the copy's, so Django's cache of them is emptied.
_REMADE_AFTER_A_FLUSH = {
    "django_content_type": "SELECT app_label, model FROM django_content_type"
    " ORDER BY app_label, model",
    "auth_permission": "SELECT t.app_label, t.model, p.codename, p.name FROM auth_permission p"
    " JOIN django_content_type t ON t.id = p.content_type_id ORDER BY 1, 2, 3",
}


def _contents_hash() -> str:
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for table in _tables():
            every_row = f'SELECT * FROM "{table}" ORDER BY rowid'  # noqa: S608 - schema names
            query = _REMADE_AFTER_A_FLUSH.get(table, every_row)
            cursor.execute(query)
            digest.update(table.encode())
            for row in cursor.fetchall():
                digest.update(repr(row).encode())
    return digest.hexdigest()


def _kept() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="demo-copy-", dir=settings.DATA_DIR))
    path = folder / "demo.sqlite3"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(path)])
    return path


def _restore(path: Path) -> None:
    tables = [*_tables(), "sqlite_sequence"]
    # Foreign keys off while the tables are emptied and filled in any order, then checked whole
    # (SQLite's count of deferred violations goes wrong when a child table is emptied at once).
    with connection.constraint_checks_disabled(), connection.cursor() as cursor:
        cursor.execute("ATTACH DATABASE %s AS kept", [str(path)])
        try:
            with transaction.atomic():
                for table in tables:
                    cursor.execute(f'DELETE FROM main."{table}"')  # noqa: S608 - schema names
                    cursor.execute(f'INSERT INTO main."{table}" SELECT * FROM kept."{table}"')  # noqa: S608
        finally:
            cursor.execute("DETACH DATABASE kept")
    connection.check_constraints()


def _wall_clock_stamps_moved_on(by: dt.timedelta) -> None:
    for model in apps.get_models():
        stamps = {
            field.attname: F(field.attname) + by
            for field in model._meta.concrete_fields
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        }
        if stamps and not model._meta.proxy and model._meta.managed:
            model._base_manager.update(**stamps)


def _media_files() -> frozenset[Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return frozenset()
    return frozenset(path for path in root.rglob("*") if path.is_file())
