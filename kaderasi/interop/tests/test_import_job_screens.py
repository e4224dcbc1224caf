"""The web import on a phone (360×740): upload → progress → the import's summary, and a file with
problems → their listing. Screenshots go to $KADERASI_SCREENSHOTS (when set) for a person to look
at; the test asserts the structure."""

import os
from pathlib import Path

import pytest

from kaderasi.conftest import log_in
from kaderasi.interop import tasks
from kaderasi.interop.models import ImportJob, ImportJobStatus, ImportJobStep
from kaderasi.interop.tests.builders import VALID, copy_of, xlsx_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"  # the factories' password


class _Held:
    """The task as the page enqueues it, held back so that the test says when the worker runs."""

    def __init__(self, task) -> None:
        self.task = task
        self.job_ids: list[int] = []

    def enqueue(self, *, job_id: int) -> None:
        self.job_ids.append(job_id)

    def run(self) -> None:
        for job_id in self.job_ids:
            self.task.call(job_id=job_id)


@pytest.fixture
def worker(monkeypatch):
    held = _Held(tasks.import_job_run)
    monkeypatch.setattr(tasks, "import_job_run", held)
    return held


def _shot(phone, name: str) -> None:
    folder = os.environ.get("KADERASI_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        phone.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _upload(phone, tmp_path, sheets, *, shot: str = "") -> None:
    path = tmp_path / "wedi.xlsx"
    path.write_bytes(xlsx_bytes(sheets))
    phone.goto("/en/import/?programme=wedi-2026")
    phone.set_input_files("#id_files", str(path))
    if shot:
        _shot(phone, shot)
    phone.click("form.import-form button[type=submit]")
    phone.wait_for_selector("#import-progress")


def test_an_upload_shows_its_progress_and_then_the_summary(
    phone, world, coordinator, worker, tmp_path
):
    log_in(phone, coordinator.username, PASSWORD)
    _upload(phone, tmp_path, VALID, shot="1-upload")
    job = ImportJob.objects.get()
    assert phone.get_attribute("#import-progress", "data-status") == "queued"

    # The worker has taken it and checked 7 rows of 12 (the poll shows it within a second).
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJobStatus.RUNNING, step=ImportJobStep.CHECKING, rows_total=12, rows_checked=7
    )
    phone.wait_for_selector("#import-progress[data-status=running]")
    assert phone.inner_text("[data-count=checked]").startswith("7 of 12")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    _shot(phone, "2-progress")

    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.QUEUED)
    worker.run()

    phone.wait_for_selector(".import-success")
    job.refresh_from_db()
    assert job.status == "done"
    assert phone.url.endswith(f"/import/{job.record.public_id}/")
    _shot(phone, "3-result")


def test_a_file_with_problems_lists_them_on_the_phone(phone, world, coordinator, worker, tmp_path):
    sheets = copy_of(VALID)
    sheets["milk_volumes"][1][2] = "banyak"
    log_in(phone, coordinator.username, PASSWORD)
    _upload(phone, tmp_path, sheets)

    worker.run()

    phone.wait_for_selector("#import-progress[data-status=rejected]")
    assert phone.locator(".problem-list li").count() == 1
    assert phone.get_attribute(".problem-list li", "data-column") == "volume_ml"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    _shot(phone, "4-problems")
