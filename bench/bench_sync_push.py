"""Benchmark: the sync push (`POST /api/v1/sync/push`) over real HTTP, against the database's limit.

`run()` fills the throwaway database with one programme and `MOTHERS` delivered mothers, each
paired with her own cadre holding a device token, starts gunicorn (the production WSGI server,
`WORKERS` sync workers, production settings) on that database, and lets `CLIENTS` phones push
`BATCHES` batches of `BATCH` records at once (milk volumes, counts and massage sessions: the mix a
phone sends after a day offline), each client for mothers of its own. It measures:

* `records_per_s`: records created per second of wall time, all clients together;
* `p95_batch_ms` / `median_batch_ms`: the time of one batch as its phone sees it;
* the limit: the same rows (every column, a fresh public id each) written into the same tables
  in one go, timed with their foreign-key and constraint checks, then rolled back. On PostgreSQL
  a binary COPY (`copy_records_per_s`, `ratio_to_copy`); SQLite has no COPY, so an executemany
  INSERT in one transaction (`executemany_records_per_s`, `ratio_to_executemany`);
* exactly-once: every batch pushed again answers `duplicate` for all its records and the tables
  hold exactly the rows created once (`duplicates_after_resend`, an error otherwise).

Run it alone with `python -m bench.bench_sync_push` (SQLite, or PostgreSQL with DATABASE_URL);
`python -m bench.bench_sync_push --profile` profiles the push in process with pyinstrument
(bench only) and prints where the time goes.
"""

import datetime as dt
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from zoneinfo import ZoneInfo

from bench import harness

WIB = ZoneInfo("Asia/Jakarta")
NOW = dt.datetime(2026, 11, 29, 20, 0, tzinfo=WIB)
BATCH = 200
CLIENTS = 4
WORKERS = 2
MOTHERS = 40
BATCHES = harness.scaled(60, minimum=8)
TARGETS = {
    "sync_push.ratio_to_copy": (">=", 0.2),
    "sync_push.p95_batch_ms": ("<=", 250),
}
# What a push writes, the tables the limit is measured on.
TABLES = ("care_measurement", "care_massagesession")


def run() -> dict:
    phones = _world()
    with GunicornServer(workers=WORKERS) as server:
        payloads = [
            (phones[number % len(phones)], _payload(phones[number % len(phones)][1], number))
            for number in range(BATCHES)
        ]
        # Each worker imports the application on its first request: warm every one of them.
        _push_all(
            server.port,
            [
                (phone, _payload(phone[1], 10_000 + i))
                for i, phone in enumerate(phones[: CLIENTS * 2])
            ],
        )
        rows_before = _rows_in(TABLES)
        timings, created, wall = _push_all(server.port, payloads)
        rows_created = _rows_in(TABLES) - rows_before
        if created != len(payloads) * BATCH or rows_created != created:
            raise AssertionError(
                f"{created} records answered created, {rows_created} rows stored, "
                f"{len(payloads) * BATCH} sent"
            )
        _resend_timings, resent_created, _ = _push_all(server.port, payloads)
        if resent_created or _rows_in(TABLES) - rows_before != created:
            raise AssertionError(f"re-sent batches created {resent_created} records")
    ordered = sorted(timings)
    measured = {
        "records_per_s": round(created / wall),
        "records_created": created,
        "clients": CLIENTS,
        "gunicorn_workers": WORKERS,
        "batch_records": BATCH,
        "median_batch_ms": round(statistics.median(timings) * 1000, 1),
        "p95_batch_ms": round(ordered[round(0.95 * (len(ordered) - 1))] * 1000, 1),
        "duplicates_after_resend": len(payloads) * BATCH,
    }
    limit_name, limit = _limit()
    measured[f"{limit_name}_records_per_s"] = round(limit)
    measured[f"ratio_to_{limit_name}"] = round(measured["records_per_s"] / limit, 3)
    return measured


# --- the server and its clients ------------------------------------------------------------------


class GunicornServer:
    """gunicorn serving config.wsgi with the production settings on the test database."""

    def __init__(
        self,
        *,
        workers: int,
        database_url: str | None = None,
        env: dict | None = None,
        args: tuple[str, ...] = (),
    ):
        self.workers = workers
        self.database_url = database_url or current_database_url()
        self.extra_env = env or {}
        self.args = args  # more gunicorn options, e.g. ("--access-logfile=PATH",)
        self.port = free_port()

    def __enter__(self) -> "GunicornServer":
        env = production_env(
            {
                "ALLOWED_HOSTS": "127.0.0.1",
                "SECURE_SSL_REDIRECT": "false",
                "KADERASI_MANIFEST_STATIC": "false",
                **self.extra_env,
            },
            database_url=self.database_url,
        )
        self.process = subprocess.Popen(  # noqa: S603 - our interpreter, our application
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                f"--workers={self.workers}",
                f"--bind=127.0.0.1:{self.port}",
                "--log-level=warning",
                *self.args,
            ],
            cwd=harness.ROOT,
            env=env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with status {self.process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.2)
        self.process.terminate()
        raise RuntimeError("gunicorn did not listen within 60 s")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def production_env(extra: dict | None = None, *, database_url: str | None = None) -> dict:
    """The environment of a process of the application in production mode (the production
    settings, DEBUG off) on this run's database: gunicorn, `kaderasi worker`, a command."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url or current_database_url(),
        "SECRET_KEY": "bench-only-secret-key",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        **(extra or {}),
    }


def start_worker(env: dict | None = None, *, periodic: bool = True, **popen) -> subprocess.Popen:
    """`kaderasi worker` (one thread) in production mode on this run's database."""
    return subprocess.Popen(  # noqa: S603 - our interpreter, our application
        [
            sys.executable,
            "-m",
            "kaderasi",
            "worker",
            "--threads=1",
            *([] if periodic else ["--no-periodic"]),
        ],
        cwd=harness.ROOT,
        env=production_env(env),
        **popen,
    )


def current_database_url() -> str:
    """The URL of the database this process is connected to (the throwaway one)."""
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
    return f"postgres://{user}@{settings['HOST']}:{settings['PORT'] or 5432}/{settings['NAME']}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def push(port: int, secret: str, body: bytes) -> tuple[float, dict]:
    """One batch over HTTP: the seconds it took and the decoded answer."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    connection.request(
        "POST",
        "/api/v1/sync/push",
        body=body,
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
    )
    response = connection.getresponse()
    answer = response.read()
    took = time.perf_counter() - started
    connection.close()
    if response.status != 200:
        raise AssertionError(f"push answered {response.status}: {answer[:300]!r}")
    return took, json.loads(answer)


def _push_all(port: int, payloads: list) -> tuple[list[float], int, float]:
    """`CLIENTS` threads share the batches (client c sends batches c, c+CLIENTS, …, so no two
    clients write for the same mother at once). Returns the batch times, the records created and
    the wall time."""
    timings: list[float] = []
    created = [0]
    failures: list[BaseException] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        try:
            for (secret, _mother), body in payloads[number::CLIENTS]:
                took, answer = push(port, secret, body)
                done = sum(result["status"] == "created" for result in answer["results"])
                with lock:
                    timings.append(took)
                    created[0] += done
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if failures:
        raise failures[0]
    return timings, created[0], wall


# --- the limit: the same rows, written by the database's fastest path ----------------------------


def _rows_in(tables) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        return sum(
            cursor.execute(f"select count(*) from {table}").fetchone()[0]  # noqa: S608
            for table in tables
        )


def _limit() -> tuple[str, float]:
    """Records per second of the same rows written in one go into the same tables (every column
    but the id, which the database assigns, and the public id, new; a massage session's planned
    session, unique, left empty), constraints checked, then rolled back."""
    from django.db import connection

    copies = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            columns = [
                column.name
                for column in connection.introspection.get_table_description(cursor, table)
                if column.name != "id"
            ]
            rows = cursor.execute(
                f"select {', '.join(columns)} from {table} order by id"  # noqa: S608
            ).fetchall()
            copies[table] = (columns, [_fresh(columns, row) for row in rows])
    total = sum(len(rows) for _columns, rows in copies.values())
    if connection.vendor == "postgresql":
        seconds = _copy_seconds(connection, copies)
        name = "copy"
    else:
        seconds = _executemany_seconds(connection, copies)
        name = "executemany"
    return name, total / seconds


def _fresh(columns: list[str], row: tuple) -> tuple:
    values = list(row)
    values[columns.index("public_id")] = uuid.uuid4()
    if "scheduled_session_id" in columns:
        values[columns.index("scheduled_session_id")] = None
    return tuple(values)


def _copy_seconds(connection, copies: dict) -> float:
    """Binary COPY into the real tables; the deferred foreign-key checks run before the clock
    stops (SET CONSTRAINTS ALL IMMEDIATE), then everything is rolled back."""
    connection.ensure_connection()
    raw = connection.connection
    raw.autocommit = False
    try:
        with raw.cursor() as cursor:
            types = {}
            for table, (columns, _rows) in copies.items():
                cursor.execute(
                    "select attname, format_type(atttypid, atttypmod) from pg_attribute "
                    "where attrelid = %s::regclass and attnum > 0 and not attisdropped",
                    [table],
                )
                by_name = dict(cursor.fetchall())
                types[table] = [by_name[column].split("(")[0] for column in columns]
            started = time.perf_counter()
            for table, (columns, rows) in copies.items():
                with cursor.copy(
                    f"copy {table} ({', '.join(columns)}) from stdin (format binary)"
                ) as copy:
                    copy.set_types(types[table])
                    for row in rows:
                        copy.write_row(row)
            cursor.execute("set constraints all immediate")
            seconds = time.perf_counter() - started
    finally:
        raw.rollback()
        raw.autocommit = True
    return seconds


def _executemany_seconds(connection, copies: dict) -> float:
    """One executemany INSERT per table in one transaction (SQLite checks its foreign keys per
    row), then rolled back."""
    connection.ensure_connection()
    raw = connection.connection
    started = time.perf_counter()
    try:
        raw.execute("begin")
        for table, (columns, rows) in copies.items():
            raw.executemany(
                f"insert into {table} ({', '.join(columns)}) "  # noqa: S608
                f"values ({', '.join('?' * len(columns))})",
                [tuple(v.hex if isinstance(v, uuid.UUID) else v for v in row) for row in rows],
            )
        seconds = time.perf_counter() - started
    finally:
        raw.execute("rollback")
    return seconds


# --- the data ------------------------------------------------------------------------------------


def _world() -> list[tuple[str, object]]:
    """`MOTHERS` delivered mothers, each paired with a cadre of her own holding a device token:
    (token secret, mother) per phone."""
    from auditlog.context import disable_auditlog

    from kaderasi.accounts.models import Role
    from kaderasi.api.tokens import device_token_issue
    from kaderasi.tests import factories as f

    with disable_auditlog():
        province = f.area("Jawa Tengah", "province")
        regency = f.area("Kabupaten Klaten", "regency", province)
        district = f.area("Kecamatan Wedi", "district", regency)
        village = f.area("Desa Pandes", "village", district)
        posyandu = f.area("Posyandu Mawar", "posyandu", village)
        programme = f.ProgrammeFactory(slug="bench", area=district)
        phones = []
        for number in range(MOTHERS):
            user = f.UserFactory(username=f"kader-{number}", role=Role.CADRE)
            cadre = f.CadreFactory(
                programme=programme, posyandu=posyandu, user=user, code=f"K{number:03d}"
            )
            mother = f.delivered_mother(
                programme=programme,
                posyandu=posyandu,
                code=f"M{number:03d}",
                delivered_at=NOW - dt.timedelta(days=2, hours=10),
            )
            f.PairingFactory(
                mother=mother, cadre=cadre, starts_at=NOW - dt.timedelta(days=2, hours=9)
            )
            # Issued now (the server's clock), valid for the token lifetime.
            _token, secret = device_token_issue(
                user=user, device_name="bench", now=dt.datetime.now(dt.UTC)
            )
            phones.append((secret, mother))
    return phones


def _payload(mother, batch_number: int) -> bytes:
    return json.dumps({"records": records_for(mother, batch_number)}).encode()


def records_for(mother, batch_number: int, *, size: int = BATCH) -> list[dict]:
    """A phone's day: sessions, volumes and counts, each at its own minute (no two identical),
    all in the past of the server's clock."""
    start = NOW - dt.timedelta(hours=50) + dt.timedelta(seconds=batch_number)
    records = []
    for index in range(size):
        moment = start + dt.timedelta(minutes=index * 13)
        base = {"id": str(uuid.uuid4()), "mother_id": str(mother.public_id)}
        kind = index % 4
        if kind == 0:
            records.append(
                {
                    **base,
                    "type": "massage_session",
                    "started_at": moment.isoformat(),
                    "ended_at": (moment + dt.timedelta(minutes=12)).isoformat(),
                    "performed_by": "cadre",
                    "steps_done": [1, 2, 3, 4, 5, 6, 7, 8, 9],
                    "comfort": 4,
                }
            )
        elif kind == 1:
            records.append(
                {
                    **base,
                    "type": "milk_volume",
                    "measured_at": moment.isoformat(),
                    "volume_ml": 20 + index % 50,
                    "method": "hand_expression",
                    "basis": "single_expression",
                }
            )
        elif kind == 2:
            records.append({**base, "type": "feeds", "measured_at": moment.isoformat(), "value": 9})
        else:
            records.append(
                {**base, "type": "wet_nappies", "measured_at": moment.isoformat(), "value": 6}
            )
    return records


# --- profiling (bench only) ----------------------------------------------------------------------


def profile() -> None:
    """Push batches in process (Django's test client) under pyinstrument; print the profile."""
    from django.test import Client
    from pyinstrument import Profiler

    phones = _world()
    clients = [(Client(HTTP_AUTHORIZATION=f"Bearer {secret}"), mother) for secret, mother in phones]
    batches = [
        (clients[n % len(clients)], records_for(clients[n % len(clients)][1], n))
        for n in range(BATCHES)
    ]
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for (client, _mother), records in batches:
        response = client.post(
            "/api/v1/sync/push", {"records": records}, content_type="application/json"
        )
        assert response.status_code == 200, response.content[:300]
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    if "--profile" in sys.argv:
        teardown = harness.database_setup()
        try:
            profile()
        finally:
            teardown()
    else:
        harness.standalone(run)
