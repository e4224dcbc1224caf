"""`kaderasi worker` in the test's own process: what it does before it takes the first task (the
tests of a real worker in a subprocess are in reminders/tests/test_worker.py and
reports/tests/test_export_recovery.py). The consumer's endless loop is replaced by one that
records how it was started and what the database held when it would have begun."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import translation

from kaderasi.core import clock
from kaderasi.reports.models import ExportStatus, ReportExport
from kaderasi.reports.tests.test_export_recovery import running_export
from kaderasi.worker.huey_queue import get_huey
from kaderasi.worker.management.commands import worker as worker_command

NOW = dt.datetime(2026, 11, 29, 9, 0, tzinfo=dt.UTC)


class ConsumerStarted:
    """What the worker asked Huey's consumer for, and the export's status when it ran."""

    def __init__(self, export=None):
        self.export = export
        self.options: dict = {}
        self.export_status_at_start = None

    def create_consumer(self, **options):
        self.options = options
        return self

    def run(self) -> None:
        if self.export is not None:
            self.export_status_at_start = ReportExport.objects.get(pk=self.export.pk).status


@pytest.fixture
def queued_worker(settings, tmp_path, monkeypatch):
    """A worker whose queue is a SQLite file (not immediate), its clock frozen, and no timer
    left behind to recover again after the test."""
    settings.HUEY = {"name": "t", "url": "", "filename": str(tmp_path / "q.db"), "immediate": False}
    monkeypatch.setattr(clock, "now", lambda: NOW)
    timers = []
    monkeypatch.setattr(worker_command, "recover_again_when_stale", lambda: timers.append(1))
    return timers


def run_worker(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command("worker", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_with_immediate_tasks_the_worker_says_so_and_starts_nothing(settings, monkeypatch):
    settings.HUEY = {**settings.HUEY, "immediate": True}
    started = ConsumerStarted()
    monkeypatch.setattr(get_huey(), "create_consumer", started.create_consumer)

    out, err = run_worker()

    assert err == "HUEY_IMMEDIATE is on: tasks run where they are enqueued.\n"
    assert (out, started.options) == ("", {})


@pytest.mark.django_db
def test_the_worker_queues_a_lost_export_again_before_it_takes_the_first_task(
    queued_worker, monkeypatch, world, coordinator
):
    export = running_export(world.programme, coordinator, beat_seconds_ago=60, now=NOW)
    huey = get_huey()
    started = ConsumerStarted(export)
    monkeypatch.setattr(huey, "create_consumer", started.create_consumer)

    out, _err = run_worker("--threads", "3")

    assert started.export_status_at_start == ExportStatus.QUEUED
    assert started.options == {"workers": 3, "worker_type": "thread", "periodic": True}
    assert queued_worker == [1]  # and it will look once more when a heartbeat is surely stale
    assert out == "Worker started (SqliteStorage, queue t, 3 threads).\n"
    assert "periodic:kaderasi.worker.tasks.periodic_jobs" in {
        task.name for task in huey._registry.periodic_tasks
    }


@pytest.mark.django_db
def test_a_worker_without_periodic_jobs_only_runs_queued_tasks_and_at_least_one_thread(
    queued_worker, monkeypatch
):
    huey = get_huey()
    started = ConsumerStarted()
    monkeypatch.setattr(huey, "create_consumer", started.create_consumer)

    run_worker("--no-periodic", "--threads", "0")

    assert started.options == {"workers": 1, "worker_type": "thread", "periodic": False}
    assert huey._registry.periodic_tasks == []
