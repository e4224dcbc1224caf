"""`kaderasi backup` and `kaderasi restore` (issue 14, build 12): a copy of the whole database,
taken while kaderasi runs, and putting one back.

- SQLite: SQLite's online backup API, page by page, a consistent snapshot even while the web
  server and the worker write (no need to stop them); restore copies the file back the same way.
- PostgreSQL: `pg_dump --format=custom` (consistent: one transaction), restored with
  `pg_restore --clean --if-exists --single-transaction` (all or nothing).

`database_fingerprint()` reads every table's row count and a hash of its content, so a test (or
an operator after a restore) can tell that what came back is what was saved. Files outside the
database (finished exports, uploaded videos under KADERASI_DATA_DIR) are not in the backup:
copy that directory with the usual tools (docs/security.md)."""

import datetime as dt
import hashlib
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, connections


class BackupError(Exception):
    """A backup or restore that could not be done; its message says why, for the console."""


@dataclass(frozen=True)
class TableFingerprint:
    rows: int
    sha256: str


def default_backup_path(now: dt.datetime) -> Path:
    suffix = "sqlite3" if connection.vendor == "sqlite" else "dump"
    return settings.DATA_DIR / "backups" / f"kaderasi-{now:%Y%m%d-%H%M%S}.{suffix}"


def backup_write(path: Path) -> Path:
    """Write a backup of the default database to `path` (its folder is made; an existing file
    is refused, so a backup is never overwritten)."""
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} exists already; choose another file name.")
    path.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    elif connection.vendor == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={path}"])
    else:
        raise BackupError(f"backups of {connection.vendor} databases are not supported")
    os.chmod(path, 0o600)  # personal data: readable by the service's user only
    return path


def backup_restore(path: Path) -> None:
    """Replace the default database's content with the backup at `path`."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    if connection.vendor == "sqlite":
        _sqlite_check(path)
        connections.close_all()
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    elif connection.vendor == "postgresql":
        connections.close_all()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                path,
            ],
            database_flag=True,
        )
    else:
        raise BackupError(f"backups of {connection.vendor} databases are not supported")


def database_fingerprint() -> dict[str, TableFingerprint]:
    """Every table's row count and a SHA-256 of its rows (sorted, so the order the database
    hands them back in does not matter)."""
    result = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 (table names)
            rows = sorted(repr(tuple(_plain(value) for value in row)) for row in cursor.fetchall())
            digest = hashlib.sha256("\n".join(rows).encode())
            result[table] = TableFingerprint(rows=len(rows), sha256=digest.hexdigest())
    return result


def _plain(value):
    """One cell as both databases hand it back (memoryview/bytes, aware datetimes)."""
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def _sqlite_check(path: Path) -> None:
    try:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            (answer,) = source.execute("PRAGMA quick_check").fetchone()
        finally:
            source.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not an SQLite backup ({error}).") from error
    if answer != "ok":
        raise BackupError(f"{path} is damaged: {answer}")


def _run(command: list, *, database_flag: bool = False) -> None:
    """Run pg_dump or pg_restore against the default database, its password in the
    environment (never on the command line, where `ps` shows it)."""
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} is not installed (Debian: apt-get install postgresql-client)"
        )
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
    target = [
        f"--host={db.get('HOST') or '127.0.0.1'}",
        f"--port={db.get('PORT') or 5432}",
        f"--username={db.get('USER') or 'postgres'}",
    ]
    name = [f"--dbname={db['NAME']}"] if database_flag else [db["NAME"]]
    done = subprocess.run(  # noqa: S603 (fixed program, arguments from settings)
        [*command[:1], *target, *[str(part) for part in command[1:]], *name],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")
