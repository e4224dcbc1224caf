"""The reminders in the background: the reminders sweep is one of the worker's periodic jobs, and
`kaderasi worker` sends due reminders on its own (the worker itself: kaderasi/worker/tests)."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from django_tasks import TaskResultStatus

from kaderasi.reminders.models import RecipientRole, Reminder, ReminderKind, ReminderStatus
from kaderasi.reminders.tasks import reminders_sweep
from kaderasi.reminders.tests import factories as rf
from kaderasi.worker.huey_queue import get_huey
from kaderasi.worker.periodic import PERIODIC_JOBS
from kaderasi.worker.tasks import periodic_jobs

NOW = dt.datetime(2026, 11, 29, 9, 0, tzinfo=rf.WIB)
REPO = Path(django_settings.BASE_DIR)
REDIS_URL = "redis://127.0.0.1:6379/0"


def test_the_reminders_sweep_is_a_registered_periodic_job():
    assert "kaderasi.reminders.services.reminder_sweep" in PERIODIC_JOBS


@pytest.mark.django_db
def test_the_periodic_task_runs_the_reminders_sweep_through_djangos_task_api(world):
    result = periodic_jobs.enqueue()
    assert result.status == TaskResultStatus.SUCCESSFUL
    outcome = next(
        row
        for row in result.return_value
        if row["job"] == "kaderasi.reminders.services.reminder_sweep"
    )
    assert outcome["ok"] is True
    assert reminders_sweep.enqueue().return_value["dry_run"] is False


# --- The worker process ----------------------------------------------------------------------


def afternoon_time_zone(now: dt.datetime) -> str:
    """A fixed-offset zone (Etc/GMT±N) in which `now` is between 14:30 and 15:30."""
    utc = now.astimezone(dt.UTC)
    offset = round(15 - (utc.hour + utc.minute / 60))
    offset = (offset + 12) % 24 - 12 if offset > 14 or offset < -12 else offset
    return "Etc/UTC" if offset == 0 else f"Etc/GMT{-offset:+d}"


def redis_or_skip() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("KADERASI_REQUIRE_REDIS"):
            pytest.fail(
                "KADERASI_REQUIRE_REDIS is set but Redis is not reachable on 127.0.0.1:6379"
            )
        pytest.skip(
            "Redis is not reachable on 127.0.0.1:6379; start it (redis-server --daemonize yes) "
            "to exercise the Redis-backed worker. CI starts it."
        )
    return REDIS_URL


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("storage", ["sqlite", "redis"])
def test_the_worker_runs_queued_tasks_and_the_minute_sweep_sending_each_reminder_once(
    storage, world, settings, shared_database, process_env, outbox, tmp_path
):
    url = redis_or_skip() if storage == "redis" else ""
    name = f"kaderasi-test-{uuid.uuid4().hex[:10]}"
    now = timezone.now()
    # The worker reads the real clock, and the care schedule's windows are local clock times
    # (06:00–21:00): run in a time zone where it is mid-afternoon now, whatever the hour of the
    # run, so a session window is near.
    zone = afternoon_time_zone(now)
    settings.TIME_ZONE = zone
    process_env = {**process_env, "TIME_ZONE": zone}
    rf.no_quiet_hours(world.programme)
    cadre = rf.cadre_with_phone(programme=world.programme, posyandu=world.mawar)
    mother = rf.mother_in_care(
        programme=world.programme,
        posyandu=world.mawar,
        cadre=cadre,
        delivered_at=now - dt.timedelta(hours=20),
    )
    rf.ScheduledSessionFactory(
        mother=mother,
        postpartum_day=1,
        window_starts_at=now + dt.timedelta(minutes=10),
    )
    shared_database.share()
    # A sweep asked for through Django's task API waits in the worker's queue.
    settings.HUEY = {
        "name": name,
        "url": url,
        "filename": str(Path(process_env["KADERASI_DATA_DIR"]) / "huey.sqlite3"),
        "immediate": False,
    }
    huey = get_huey()
    queued = reminders_sweep.enqueue()
    assert huey.pending_count() == 1
    worker = subprocess.Popen(
        [sys.executable, "-m", "kaderasi", "worker", "--threads", "2"],
        cwd=REPO,
        env={**process_env, "HUEY_URL": url, "HUEY_NAME": name, "HUEY_IMMEDIATE": "false"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not (huey.pending_count() == 0 and huey.result_count() >= 1 and outbox()):
            assert worker.poll() is None, worker.communicate()
            assert time.monotonic() < deadline, "the worker did not send in time"
            time.sleep(0.1)
        time.sleep(0.5)  # let the minute sweep started with the worker finish too
    finally:
        worker.send_signal(signal.SIGINT)
        out, _err = worker.communicate(timeout=30)
    assert type(huey.storage).__name__ == ("RedisStorage" if url else "SqliteStorage")
    assert huey.result(queued.id)["now"]  # the queued sweep ran in the worker
    assert ("RedisStorage" if url else "SqliteStorage") in out  # its start line, in any language
    shared_database.collect()
    # The worker's sweep also derives the care schedule, so the cadre may get several session
    # reminders; every one that was sent is in the outbox exactly once.
    sent = Reminder.objects.filter(
        kind=ReminderKind.SESSION_DUE,
        recipient_role=RecipientRole.CADRE,
        status=ReminderStatus.SENT,
    )
    assert sent.exists()
    written = [line["id"] for line in outbox()]
    for reminder in sent:
        assert written.count(str(reminder.public_id)) == 1
    assert len(written) == len(set(written))
    if url:
        huey.storage.conn.delete(*huey.storage.conn.keys(f"huey.*{name}*") or ["none"])
