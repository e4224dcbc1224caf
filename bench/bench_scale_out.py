"""Benchmark: the production layout past one app process — two app servers and two workers.

`run()` starts what several machines would run (docs/scaling.md): two gunicorn servers (each its
own master and workers, as on two app machines) and two `kaderasi worker` processes (one also
running the periodic jobs, one `--no-periodic`), all against one database and one Redis task
queue (`HUEY_URL`). Every batch is pushed to **both** servers at once, as a phone whose first
answer was lost sends it again through another machine; each mother's first batch carries a
danger-sign check, whose alert the workers send from the queue. It asserts exactly-once:

* per record, exactly one of the two answers is `created` and the other `duplicate`;
* the tables hold exactly the rows answered created (no record stored twice);
* every alert message leaves the outbox once, though two workers sweep.

and measures the push throughput of the two servers together (`records_per_s`, records created
per second of wall time; every batch is sent twice, so twice as many requests were served) and
the p95 of a batch. PostgreSQL only (several app machines share a database server; SQLite is one
machine's database): on SQLite it answers `skipped`. Needs Redis on 127.0.0.1:6379 (REDIS_URL
to change it); without it the module fails, saying so.

Run it alone with `DATABASE_URL=postgres://… python -m bench.bench_scale_out`.
"""

import datetime as dt
import json
import os
import statistics
import subprocess
import threading
import time
import uuid
from pathlib import Path

from bench import harness
from bench.bench_sync_push import GunicornServer, push, records_for, start_worker

SERVERS = 2
WORKERS_PER_SERVER = 1  # two cores on the bench machine: one worker per app "machine"
MOTHERS = 16
BATCHES = harness.scaled(24, minimum=4)
BATCH = 200
TABLES = ("care_measurement", "care_massagesession", "care_dangersignreport")


def run() -> dict:
    from django.db import connection

    if connection.vendor != "postgresql":
        return {"skipped": "PostgreSQL only"}
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    _redis_check(redis_url)
    data_dir = Path(os.environ["KADERASI_DATA_DIR"])
    outbox = data_dir / "scale-out-outbox.jsonl"
    env = {
        "HUEY_URL": redis_url,
        "HUEY_NAME": f"kaderasi-bench-{uuid.uuid4().hex[:8]}",  # a queue of this run's own
        "HUEY_IMMEDIATE": "false",
        "KADERASI_MESSAGE_BACKEND": "file",
        "KADERASI_OUTBOX_PATH": str(outbox),
    }
    phones = _world()
    payloads = []
    for number in range(BATCHES):
        secret, mother = phones[number % len(phones)]
        records = records_for(mother, number, size=BATCH - 1)
        if number < len(phones):  # each mother's first batch: a check with a danger sign
            records.append(_danger_check(mother))
        payloads.append((secret, json.dumps({"records": records}).encode(), len(records)))
    servers = [GunicornServer(workers=WORKERS_PER_SERVER, env=env) for _ in range(SERVERS)]
    workers = []
    try:
        for server in servers:
            server.__enter__()
        workers = [_worker(env, periodic=index == 0) for index in range(2)]
        for server in servers:  # each worker process imports the application once
            push(server.port, phones[0][0], json.dumps({"records": []}).encode())
        timings, answers, wall = _push_to_both(servers, payloads)
        _drained(env, timeout=120)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
        for server in servers:
            server.__exit__(None, None, None)
    created = _exactly_once(payloads, answers)
    stored = _rows_in(TABLES)
    if stored != created:
        raise AssertionError(f"{created} records answered created once, {stored} rows stored")
    messages = _outbox_ids(outbox)
    if len(messages) != len(set(messages)):
        raise AssertionError("an alert left the outbox twice")
    ordered = sorted(timings)
    return {
        "app_servers": SERVERS,
        "gunicorn_workers_each": WORKERS_PER_SERVER,
        "task_workers": 2,
        "batches_sent_to_both": len(payloads),
        "records_created": created,
        "records_stored_twice": stored - created,
        "alerts_sent": len(messages),
        "records_per_s": round(created / wall),
        "p95_batch_ms": round(ordered[round(0.95 * (len(ordered) - 1))] * 1000, 1),
        "median_batch_ms": round(statistics.median(timings) * 1000, 1),
    }


def _redis_check(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        raise RuntimeError(f"Redis is not reachable at {url} (REDIS_URL): {error}") from error


def _worker(env: dict, *, periodic: bool) -> subprocess.Popen:
    return start_worker(
        env, periodic=periodic, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _drained(env: dict, *, timeout: float) -> None:
    """Wait until the workers have taken every queued task."""
    from huey import RedisHuey

    queue = RedisHuey(env["HUEY_NAME"], url=env["HUEY_URL"])
    deadline = time.monotonic() + timeout
    while queue.pending_count():
        if time.monotonic() > deadline:
            raise AssertionError(f"{queue.pending_count()} tasks still queued after {timeout} s")
        time.sleep(0.5)
    time.sleep(2)  # the task taken last finishes its sweep
    queue.storage.flush_queue()


def _push_to_both(servers, payloads) -> tuple[list[float], list[tuple[dict, dict]], float]:
    """Each batch to both servers at the same moment (two threads per batch, batches one after
    another per phone, `MOTHERS` phones' worth in flight). Returns batch times, the two answers
    of each batch in order, and the wall time."""
    timings: list[float] = []
    answers: list = [None] * len(payloads)
    failures: list[BaseException] = []
    lock = threading.Lock()

    def both(index: int) -> None:
        secret, body, _count = payloads[index]
        got: list = [None, None]

        def one(side: int) -> None:
            try:
                took, answer = push(servers[side].port, secret, body)
                got[side] = answer
                with lock:
                    timings.append(took)
            except BaseException as error:
                failures.append(error)

        pair = [threading.Thread(target=one, args=(side,)) for side in range(2)]
        for thread in pair:
            thread.start()
        for thread in pair:
            thread.join()
        answers[index] = tuple(got)

    def phone(first: int) -> None:
        for index in range(first, len(payloads), 2):
            both(index)

    started = time.perf_counter()
    threads = [threading.Thread(target=phone, args=(first,)) for first in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if failures:
        raise failures[0]
    return timings, answers, wall


def _exactly_once(payloads, answers) -> int:
    """Per record, one `created` and one `duplicate` (or two equal rejections). Returns how many
    records were created."""
    created = 0
    for (_secret, _body, count), (first, second) in zip(payloads, answers, strict=True):
        for a, b in zip(first["results"], second["results"], strict=True):
            statuses = sorted((a["status"], b["status"]))
            if statuses == ["created", "duplicate"]:
                created += 1
            elif statuses != ["rejected", "rejected"]:
                raise AssertionError(f"record {a['id']} answered {statuses} by the two servers")
        if len(first["results"]) != count:
            raise AssertionError("an answer lost records")
    return created


def _rows_in(tables) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        return sum(
            cursor.execute(f"select count(*) from {table}").fetchone()[0]  # noqa: S608
            for table in tables
        )


def _outbox_ids(outbox: Path) -> list[str]:
    if not outbox.exists():
        return []
    return [json.loads(line)["id"] for line in outbox.read_text().splitlines() if line.strip()]


def _danger_check(mother) -> dict:
    """Heavy bleeding seen minutes ago by the servers' clock: after every massage of the bench's
    batches (so none is refused), and recent enough for the workers to alert the midwife."""
    return {
        "id": str(uuid.uuid4()),
        "mother_id": str(mother.public_id),
        "type": "danger_signs",
        "signs": ["heavy_bleeding"],
        "observed_at": (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)).isoformat(),
    }


def _world() -> list[tuple[str, object]]:
    """The sync push's world (a cadre and a token per mother) with a midwife covering them,
    who hears of the danger signs."""
    from bench import bench_sync_push
    from kaderasi.accounts.models import Role
    from kaderasi.regions.models import Area
    from kaderasi.tests import factories as f

    bench_sync_push.MOTHERS = MOTHERS
    phones = bench_sync_push._world()
    f.UserFactory(
        username="bidan-bench",
        role=Role.MIDWIFE,
        phone="+6281234567890",
        areas=[Area.objects.get(name="Desa Pandes")],
    )
    return phones


if __name__ == "__main__":
    harness.standalone(run)
