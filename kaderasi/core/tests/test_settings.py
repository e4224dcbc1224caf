import os
import subprocess
import sys


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


def test_the_sqlite_database_file_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "false",
            "SECRET_KEY": "x" * 50,
            "KADERASI_DATA_DIR": str(tmp_path),
        }
    )
    script = (
        "import django; django.setup(); from django.db import connection; "
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0]); "
        "c.execute('PRAGMA busy_timeout'); print(c.fetchone()[0])"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["wal", "20000"]
    assert (tmp_path / "kaderasi.sqlite3").exists()
