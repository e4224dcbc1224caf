"""A web import runs in the background worker (decision 0160): the page stores the upload and
queues a job, the worker reads, checks and imports it all or nothing through the command's
service, the job's page shows its progress and then the result or every problem, a job whose
worker died is queued again once and then failed with a message, and the upload is deleted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from kaderasi.accounts.models import Role
from kaderasi.cadres.models import Cadre
from kaderasi.care.models import Mother, Pairing
from kaderasi.core.bulk_audit import audit_entries_of
from kaderasi.interop import import_jobs, upload_store
from kaderasi.interop.models import ImportJob, ImportJobStatus, ImportJobStep, ProgrammeImport
from kaderasi.interop.tasks import import_job_run
from kaderasi.interop.tests.builders import VALID, copy_of, xlsx_bytes
from kaderasi.tests import factories as f
from kaderasi.tests.worker_process import seconds_until, worker_running
from kaderasi.worker.periodic import PERIODIC_JOBS, STARTUP_JOBS

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 7, 3, 0, tzinfo=dt.UTC)


def upload(sheets=VALID, name="wedi.xlsx"):
    return SimpleUploadedFile(name, xlsx_bytes(sheets))


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def team_coordinator(world):
    """A second coordinator of the Wedi programme."""
    user = f.UserFactory(username="fitri-koordinator", role=Role.COORDINATOR, areas=[])
    world.programme.team.add(user)
    return user


def queued_job(client, coordinator, data=None):
    """The page's request without its commit: the job is queued, the worker has not run."""
    client.force_login(coordinator)
    response = client.post(
        reverse("interop:import"), data or {"files": upload(), "programme": "wedi-2026"}
    )
    assert response.status_code == 302
    return ImportJob.objects.get()


def running_job(programme, by, *, beat_seconds_ago, interruptions=0, now=NOW, files=True):
    job = ImportJob.objects.create(
        requested_by=by,
        programme=programme,
        slug=programme.slug,
        language="en",
        file_names=["wedi.xlsx"],
        status=ImportJobStatus.RUNNING,
        step=ImportJobStep.CHECKING,
        rows_total=12,
        rows_checked=5,
        started_at=now - dt.timedelta(minutes=2),
        heartbeat_at=now - dt.timedelta(seconds=beat_seconds_ago),
        interruptions=interruptions,
    )
    if files:
        upload_store.uploads_store(job.public_id, [upload()])
    return job


def htmx_get(client, job):
    return client.get(reverse("interop:import-job", args=[job.public_id]), HTTP_HX_REQUEST="true")


# --- the request -----------------------------------------------------------------------------


def test_the_page_stores_the_upload_and_queues_a_job_without_reading_it(client, world, coordinator):
    content = xlsx_bytes(VALID)
    job = queued_job(
        client,
        coordinator,
        {"files": SimpleUploadedFile("wedi.xlsx", content), "programme": "wedi-2026"},
    )

    assert (job.status, job.step, job.requested_by, job.programme) == (
        "queued",
        "waiting",
        coordinator,
        world.programme,
    )
    assert (job.slug, job.file_names, job.language, job.rows_total) == (
        "wedi-2026",
        ["wedi.xlsx"],
        "en",
        0,
    )
    stored = upload_store.uploads_open(job.public_id, job.file_names)
    assert stored[0].read() == content
    stored[0].close()
    assert not Cadre.objects.exists()


def test_an_uploaded_file_name_never_becomes_a_path(client, world, coordinator):
    job = queued_job(
        client, coordinator, {"files": upload(name="../../evil.xlsx"), "programme": "wedi-2026"}
    )

    folder = upload_store.uploads_root() / str(job.public_id)
    assert [path.name for path in folder.iterdir()] == ["0"]
    assert not (upload_store.uploads_root().parent / "evil.xlsx").exists()


def test_the_queued_page_polls_for_progress(client, world, coordinator):
    job = queued_job(client, coordinator)

    page = client.get(reverse("interop:import-job", args=[job.public_id]))

    text = page.content.decode()
    assert page.status_code == 200
    assert 'data-status="queued"' in text
    assert f'hx-get="{reverse("interop:import-job", args=[job.public_id])}"' in text
    assert 'hx-trigger="every 1s"' in text
    assert "Waiting for a worker…" in text


# --- the task ------------------------------------------------------------------------------


def test_the_worker_imports_the_job_and_deletes_the_upload(
    client, world, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("interop:import"), {"files": upload(), "programme": "wedi-2026"})

    job = ImportJob.objects.get()
    record = ProgrammeImport.objects.get()
    assert (job.status, job.step, job.record, job.programme) == (
        "done",
        "writing",
        record,
        world.programme,
    )
    assert (job.rows_total, job.rows_checked, job.rows_written) == (12, 12, 12)
    assert job.finished_at is not None and job.upload_deleted_at is not None
    assert not upload_store.uploads_present(job.public_id)
    assert not any(upload_store.uploads_root().iterdir())
    assert Cadre.objects.filter(programme=world.programme).count() == 2


def test_the_rows_the_worker_writes_are_audited_as_the_uploader(
    client, world, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("interop:import"), {"files": upload(), "programme": "wedi-2026"})

    mother = Mother.objects.get(programme=world.programme, code="M01")
    cadre = Cadre.objects.get(programme=world.programme, code="K01")
    pairing = Pairing.objects.get(mother=mother)
    for row in (mother, cadre, pairing):
        assert audit_entries_of(row).filter(actor=coordinator).exists(), type(row).__name__


def test_a_file_with_problems_is_rejected_with_every_problem_and_deleted(
    client, world, coordinator, django_capture_on_commit_callbacks
):
    sheets = copy_of(VALID)
    sheets["milk_volumes"][1][2] = "banyak"
    sheets["cadres"][2][2] = "123"
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("interop:import"), {"files": upload(sheets), "programme": "wedi-2026"})

    job = ImportJob.objects.get()
    assert (job.status, job.message) == (
        "rejected",
        "The file has 2 problems; nothing was imported.",
    )
    assert [
        (issue["sheet"], issue["row"], issue["column"], issue["code"]) for issue in job.issues
    ] == [
        ("cadres", 3, "phone", "invalid_phone"),
        ("milk_volumes", 2, "volume_ml", "invalid_number"),
    ]
    assert not upload_store.uploads_present(job.public_id)
    assert job.upload_deleted_at is not None
    assert not Cadre.objects.exists()

    page = client.get(reverse("interop:import-job", args=[job.public_id]))
    text = page.content.decode()
    assert "hx-trigger" not in text
    assert 'data-status="rejected"' in text
    assert 'data-sheet="milk_volumes" data-row="2" data-column="volume_ml"' in text
    assert "“banyak” is not a number." in text


def test_the_problems_are_written_in_the_uploaders_language(
    client, world, coordinator, django_capture_on_commit_callbacks
):
    sheets = copy_of(VALID)
    sheets["milk_volumes"][1][2] = "banyak"
    client.force_login(coordinator)
    with translation.override("id"), django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("interop:import"), {"files": upload(sheets), "programme": "wedi-2026"})

    job = ImportJob.objects.get()
    assert job.language == "id"
    with translation.override("id"):
        expected = gettext("“%(value)s” is not a number. Write it like 12,5.") % {"value": "banyak"}
    assert job.issues[0]["message"] == expected


def test_content_imported_before_is_refused_with_its_message(
    client, world, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("interop:import"), {"files": upload(), "programme": "wedi-2026"})

    first, second = ImportJob.objects.order_by("created_at", "pk")
    assert first.status == "done"
    assert second.status == "rejected"
    assert second.message.startswith("This content was already imported into wedi-2026 on ")
    assert second.issues == []
    page = client.get(reverse("interop:import-job", args=[second.public_id])).content.decode()
    assert second.message in page
    assert ProgrammeImport.objects.count() == 1


def test_an_unexpected_error_fails_the_job_deletes_the_upload_and_says_so(
    client, world, coordinator, monkeypatch
):
    job = queued_job(client, coordinator)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("kaderasi.interop.import_jobs.programme_import_write", broken)
    import_job_run.call(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == "failed"
    assert "disk full" in job.error
    assert not upload_store.uploads_present(job.public_id)
    assert not Cadre.objects.exists()
    text = client.get(reverse("interop:import-job", args=[job.public_id])).content.decode()
    assert "could not be imported because of an error on the server" in text
    assert "disk full" not in text


def test_a_re_delivered_task_does_not_import_twice(client, world, coordinator):
    job = queued_job(client, coordinator)
    import_job_run.call(job_id=job.pk)

    import_job_run.call(job_id=job.pk)

    assert ProgrammeImport.objects.count() == 1
    assert Cadre.objects.filter(programme=world.programme).count() == 2


def test_a_new_programme_is_created_by_the_job_and_then_belongs_to_it(
    client, world, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("interop:import"),
            {"files": upload(), "slug": "wedi-new", "name": "Wedi baru", "area": world.wedi.pk},
        )

    job = ImportJob.objects.get()
    assert job.status == "done"
    assert job.programme.slug == "wedi-new"
    assert job.programme.team.get() == coordinator


# --- progress --------------------------------------------------------------------------------


def test_the_heartbeat_writes_the_counts_of_a_running_job(client, world, coordinator):
    job = queued_job(client, coordinator)
    assert import_jobs.import_job_start(job=job, now=NOW)
    counts = import_jobs.JobCounts(step=ImportJobStep.CHECKING)
    counts.rows_checked(7, 12)

    import_jobs.import_job_beat(job=job, counts=counts, now=NOW + dt.timedelta(seconds=2))

    job.refresh_from_db()
    assert (job.status, job.step, job.rows_total, job.rows_checked, job.rows_written) == (
        "running",
        "checking",
        12,
        7,
        0,
    )
    assert job.heartbeat_at == NOW + dt.timedelta(seconds=2)


def test_the_progress_partial_shows_the_rows_checked(client, world, coordinator):
    job = running_job(world.programme, coordinator, beat_seconds_ago=1)
    client.force_login(coordinator)

    partial = htmx_get(client, job)

    text = partial.content.decode()
    assert partial.status_code == 200
    assert text.lstrip().startswith('<section class="card import-progress" id="import-progress"')
    assert "<h1>" not in text
    assert 'hx-trigger="every 1s"' in text
    assert "Checking the rows…" in text
    assert '<progress max="12" value="5"' in text
    assert "5 of 12 rows checked" in text


def test_the_progress_partial_shows_the_rows_saved(client, world, coordinator):
    job = running_job(world.programme, coordinator, beat_seconds_ago=1)
    ImportJob.objects.filter(pk=job.pk).update(
        step=ImportJobStep.WRITING, rows_checked=12, rows_written=9
    )
    client.force_login(coordinator)

    text = htmx_get(client, job).content.decode()

    assert "Saving the rows…" in text
    assert '<progress max="12" value="9"' in text
    assert "9 of 12 rows saved" in text


def test_a_done_job_sends_the_poll_and_the_page_to_the_import_summary(client, world, coordinator):
    job = queued_job(client, coordinator)
    import_job_run.call(job_id=job.pk)
    job.refresh_from_db()
    summary = reverse("interop:import-done", args=[job.record.public_id])

    partial = htmx_get(client, job)
    page = client.get(reverse("interop:import-job", args=[job.public_id]))

    assert (partial.status_code, partial["HX-Redirect"]) == (204, summary)
    assert (page.status_code, page.url) == (302, summary)


def test_the_import_page_lists_the_uploaders_unfinished_jobs(client, world, coordinator):
    job = queued_job(client, coordinator)

    page = client.get(reverse("interop:import")).content.decode()

    assert reverse("interop:import-job", args=[job.public_id]) in page


# --- who sees a job --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("team_coordinator", 200),
        ("admin_user", 200),
        ("other_coordinator", 404),
        ("midwife", 403),
        ("district_officer", 403),
    ],
)
def test_a_job_is_seen_by_its_uploader_and_the_programmes_coordinators(
    request, client, world, coordinator, persona, status
):
    job = queued_job(client, coordinator)
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("interop:import-job", args=[job.public_id])).status_code == status
    assert htmx_get(client, job).status_code == status


def test_a_job_for_a_programme_not_yet_created_is_its_uploaders_alone(
    client, world, coordinator, team_coordinator
):
    job = queued_job(
        client,
        coordinator,
        {"files": upload(), "slug": "wedi-new", "name": "Wedi baru", "area": world.wedi.pk},
    )
    assert job.programme is None

    client.force_login(team_coordinator)

    assert client.get(reverse("interop:import-job", args=[job.public_id])).status_code == 404


# --- a worker that died --------------------------------------------------------------------


def test_a_running_job_whose_heartbeat_stopped_is_queued_again_and_finishes(
    world, coordinator, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr("kaderasi.core.clock.now", lambda: NOW)
    job = running_job(world.programme, coordinator, beat_seconds_ago=31)

    with django_capture_on_commit_callbacks(execute=True):
        recovered = import_jobs.import_jobs_recover(now=NOW)

    job.refresh_from_db()
    assert (recovered.requeued, recovered.failed) == (1, 0)
    assert (job.status, job.interruptions, job.rows_written) == ("done", 1, 12)
    assert not upload_store.uploads_present(job.public_id)


def test_a_job_whose_worker_is_alive_is_left_alone(world, coordinator):
    job = running_job(world.programme, coordinator, beat_seconds_ago=20)

    recovered = import_jobs.import_jobs_recover(now=NOW)

    job.refresh_from_db()
    assert (recovered.requeued, recovered.failed) == (0, 0)
    assert (job.status, job.rows_checked, job.interruptions) == ("running", 5, 0)
    assert upload_store.uploads_present(job.public_id)


def test_a_requeued_job_tells_its_uploader_it_starts_over(client, world, coordinator):
    job = running_job(world.programme, coordinator, beat_seconds_ago=31)
    import_jobs.import_jobs_recover(now=NOW)  # the task is enqueued only on commit
    client.force_login(coordinator)

    text = client.get(reverse("interop:import-job", args=[job.public_id])).content.decode()

    assert "it is being imported again from the start" in text
    assert 'hx-trigger="every 1s"' in text


def test_a_job_that_loses_its_worker_twice_fails_deletes_the_upload_and_says_why(
    client, world, coordinator
):
    job = running_job(world.programme, coordinator, beat_seconds_ago=45, interruptions=1)

    recovered = import_jobs.import_jobs_recover(now=NOW)

    job.refresh_from_db()
    assert (recovered.requeued, recovered.failed) == (0, 1)
    assert (job.status, job.finished_at, job.interruptions) == ("failed", NOW, 2)
    assert not upload_store.uploads_present(job.public_id)
    assert job.upload_deleted_at == NOW
    client.force_login(coordinator)
    text = client.get(reverse("interop:import-job", args=[job.public_id])).content.decode()
    assert "The worker importing this file stopped twice before finishing" in text
    assert "hx-trigger" not in text


def test_the_upload_a_finished_job_left_behind_is_deleted(world, coordinator):
    job = running_job(world.programme, coordinator, beat_seconds_ago=1)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.FAILED)

    recovered = import_jobs.import_jobs_recover(now=NOW)

    assert recovered.uploads_deleted == 1
    assert not upload_store.uploads_present(job.public_id)


def test_an_upload_without_a_job_is_kept_an_hour_for_its_request_to_commit(tmp_path):
    folder = upload_store.uploads_root() / "6d1c7a5e-0000-4000-8000-000000000001"
    folder.mkdir(parents=True)
    now = timezone.now()

    assert import_jobs.import_jobs_recover(now=now).uploads_deleted == 0
    assert import_jobs.import_jobs_recover(now=now + dt.timedelta(hours=2)).uploads_deleted == 1
    assert not folder.exists()


def test_the_worker_recovers_import_jobs_when_it_starts_and_every_minute():
    assert "kaderasi.interop.import_jobs.import_jobs_recover" in STARTUP_JOBS
    assert "kaderasi.interop.import_jobs.import_jobs_recover" in PERIODIC_JOBS


@pytest.mark.django_db(transaction=True)
def test_a_job_left_running_by_a_killed_worker_is_imported_within_a_minute_of_the_restart(
    world, coordinator, data_dir, capsys
):
    # What a worker killed with SIGKILL mid-import leaves: a running row, its last heartbeat
    # 40 seconds old, its upload still stored, and no task in the queue.
    job = running_job(world.programme, coordinator, beat_seconds_ago=40, now=timezone.now())

    def finished() -> bool:
        job.refresh_from_db()
        return job.finished

    with worker_running(data_dir=data_dir, huey_name="import-recovery-test") as worker:
        seconds = seconds_until(finished, worker, limit=60)
    with capsys.disabled():
        print(f"\nimport left running by a killed worker: done {seconds:.1f} s after the restart")
    assert (job.status, job.interruptions, job.rows_written) == ("done", 1, 12)
    assert not upload_store.uploads_present(job.public_id)
