"""A real `kaderasi worker` in a subprocess, for the tests of what a killed worker leaves behind
(its rows are recovered when a worker starts). The test must commit its rows
(`django_db(transaction=True)`): the worker reads them through its own connection."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

REPO = Path(settings.BASE_DIR)


def database_url() -> str:
    """The test database, as DATABASE_URL for another process."""
    values = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{values['NAME']}"
    host = values.get("HOST") or "127.0.0.1"
    password = f":{values['PASSWORD']}" if values.get("PASSWORD") else ""
    port = values.get("PORT") or 5432
    return f"postgres://{values['USER']}{password}@{host}:{port}/{values['NAME']}"


@contextmanager
def worker_running(
    *, data_dir: Path | str, huey_name: str, args: tuple = (), env: dict | None = None
) -> Iterator[subprocess.Popen]:
    """A worker (one thread, its own queue; `args` and `env` added) on the test database,
    stopped with SIGINT after."""
    variables = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    variables.update(
        DJANGO_SETTINGS_MODULE="config.settings_test",
        DATABASE_URL=database_url(),
        KADERASI_DATA_DIR=str(data_dir),
        HUEY_IMMEDIATE="false",
        HUEY_NAME=huey_name,
        HUEY_URL="",
        LOG_LEVEL="WARNING",
    )
    variables.update(env or {})
    worker = subprocess.Popen(
        [sys.executable, "-m", "kaderasi", "worker", "--threads", "1", *args],
        cwd=REPO,
        env=variables,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield worker
    finally:
        worker.send_signal(signal.SIGINT)
        worker.communicate(timeout=30)


def seconds_until(done: Callable[[], bool], worker: subprocess.Popen, *, limit: float) -> float:
    """Poll `done()` until it is true; fail if the worker exits or `limit` seconds pass."""
    started = time.monotonic()
    while not done():
        assert worker.poll() is None, worker.communicate()
        assert time.monotonic() - started < limit, f"not done after {limit:.0f} s"
        time.sleep(0.2)
    return time.monotonic() - started
