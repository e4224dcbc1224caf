"""The background worker: Django's task API on Huey (immediate in tests, SQLite or Redis in a
worker) and the periodic jobs. What it sends is tested with the reminders
(kaderasi/reminders/tests/test_worker.py)."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus

from kaderasi.worker.huey_queue import build_huey, get_huey
from kaderasi.worker.periodic import PERIODIC_JOBS, run_periodic_jobs
from kaderasi.worker.tests import sample_tasks

NOW = dt.datetime(2026, 11, 29, 2, 0, tzinfo=dt.UTC)
REDIS_URL = "redis://127.0.0.1:6379/0"


def test_in_immediate_mode_a_task_runs_where_it_is_enqueued():
    result = sample_tasks.add.enqueue(2, 3)
    assert (result.status, result.return_value) == (TaskResultStatus.SUCCESSFUL, 5)
    assert sample_tasks.which_attempt.enqueue().status == TaskResultStatus.SUCCESSFUL


def test_a_failing_task_is_reported_failed_with_its_traceback():
    result = sample_tasks.explode.enqueue()
    assert result.status == TaskResultStatus.FAILED
    assert "ValueError: boom" in result.errors[0].traceback


@pytest.mark.django_db(transaction=True)
def test_a_task_enqueued_for_a_worker_waits_in_sqlite_and_runs_when_the_worker_takes_it(
    settings, tmp_path
):
    settings.HUEY = {"name": "t", "url": "", "filename": str(tmp_path / "q.db"), "immediate": False}
    huey = get_huey()
    result = sample_tasks.add.enqueue(20, 22)
    assert result.status == TaskResultStatus.READY
    assert type(huey.storage).__name__ == "SqliteStorage"
    assert huey.pending_count() == 1
    message = huey.dequeue()
    assert message.id == result.id
    assert huey.execute(message) == 42


@pytest.mark.django_db(transaction=True)
def test_a_deferred_task_is_not_run_before_its_time(settings, tmp_path):
    settings.HUEY = {"name": "t", "url": "", "filename": str(tmp_path / "q.db"), "immediate": False}
    later = timezone.now() + dt.timedelta(hours=1)
    sample_tasks.add.using(run_after=later).enqueue(1, 1)
    huey = get_huey()
    assert huey.execute(huey.dequeue()) is None
    assert (huey.pending_count(), huey.scheduled_count()) == (0, 1)


def test_a_redis_url_selects_redis_storage_and_anything_else_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    huey = build_huey({"name": "t", "url": REDIS_URL, "immediate": False})
    assert type(huey.storage).__name__ == "RedisStorage"
    with pytest.raises(ImproperlyConfigured, match="redis://"):
        build_huey({"name": "t", "url": "amqp://127.0.0.1", "immediate": False})


def test_the_periodic_jobs_run_in_order_and_one_failing_does_not_stop_the_others():
    sample_tasks.calls.clear()
    jobs = tuple(
        f"kaderasi.worker.tests.sample_tasks.{name}"
        for name in ("first_job", "failing_job", "last_job")
    )
    outcomes = run_periodic_jobs(now=NOW, jobs=jobs)
    assert [(o.job.rsplit(".", 1)[1], o.ok) for o in outcomes] == [
        ("first_job", True),
        ("failing_job", False),
        ("last_job", True),
    ]
    assert outcomes[0].as_dict()["planned"] == 2
    assert sample_tasks.calls == [("first", NOW), ("last", NOW)]


def test_the_periodic_jobs_are_the_care_sweep_then_reminders_satusehat_rollups_and_exports():
    assert PERIODIC_JOBS == (
        "kaderasi.care.services.schedule_sweep",
        "kaderasi.reminders.services.reminder_sweep",
        "kaderasi.interop.satusehat.dispatch.satusehat_sweep",
        "kaderasi.reports.rollups.rollups_refresh_due",
        "kaderasi.reports.services.report_exports_purge_due",
        "kaderasi.reports.services.report_exports_recover",
        "kaderasi.interop.import_jobs.import_jobs_recover",
        "kaderasi.privacy.services.retention_sweep",
    )
