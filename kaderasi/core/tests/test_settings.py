import os
import runpy
import subprocess
import sys
from pathlib import Path

from django.db.utils import ConnectionHandler

ROOT = Path(__file__).resolve().parents[3]


def _run_settings(env_overrides: dict[str, str]) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(env_overrides)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import config.settings as s; "
            "print(s.DATABASES['default']['ENGINE'], s.TIME_ZONE, s.LANGUAGE_CODE)",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    result = _run_settings({"DEBUG": "false", "KADERASI_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_the_defaults_are_sqlite_in_the_data_directory_jakarta_time_and_indonesian(tmp_path):
    result = _run_settings(
        {
            "DEBUG": "false",
            "SECRET_KEY": "x" * 50,
            "KADERASI_DATA_DIR": str(tmp_path),
            "DATABASE_URL": "",
        }
    )
    assert result.stdout.split() == ["django.db.backends.sqlite3", "Asia/Jakarta", "id"]
    assert tmp_path.is_dir()


def test_the_sqlite_database_file_runs_in_wal_mode_with_a_busy_timeout(
    tmp_path, monkeypatch, django_db_blocker
):
    # The production settings, read afresh (not the test settings this process runs on), and a
    # connection opened from them as Django opens it: no second process to set Django up in.
    monkeypatch.delenv("DATABASE_URL", raising=False)
    for name, value in {"DEBUG": "false", "SECRET_KEY": "x" * 50}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("KADERASI_DATA_DIR", str(tmp_path))
    databases = runpy.run_path(str(ROOT / "config" / "settings.py"))["DATABASES"]
    connection = ConnectionHandler(databases)["default"]
    try:
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            journal_mode = cursor.fetchone()[0]
            cursor.execute("PRAGMA busy_timeout")
            busy_timeout = cursor.fetchone()[0]
    finally:
        connection.close()
    assert [journal_mode, str(busy_timeout)] == ["wal", "20000"]
    assert (tmp_path / "kaderasi.sqlite3").exists()
