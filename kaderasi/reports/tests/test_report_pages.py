"""The programme report page: who may read it, the coordinator's conclusion, and exports that
run in the background with their progress shown, then downloaded by their requester only."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from kaderasi.reports.models import ExportStatus, ExportStep, ProgrammeReport, ReportExport
from kaderasi.reports.tests.conftest import NOW
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(world, monkeypatch):
    """wedi-2026 with a trained cadre and a mother at each of Pandes and Canan."""
    monkeypatch.setattr("kaderasi.core.clock.now", lambda: NOW)
    training = f.TrainingFactory(programme=world.programme)
    for posyandu, code in ((world.mawar, "P"), (world.kenanga, "C")):
        cadre = f.CadreFactory(programme=world.programme, posyandu=posyandu, code=f"K{code}")
        f.TestAttemptFactory(training=training, cadre=cadre, phase="pre", score=50)
        f.TestAttemptFactory(training=training, cadre=cadre, phase="post", score=80)
        f.delivered_mother(programme=world.programme, posyandu=posyandu, code=f"M{code}")
    return world.programme


def url_in(language: str, name: str, *args) -> str:
    with translation.override(language):
        return reverse(name, args=args)


def report_url(programme, language="id"):
    return url_in(language, "reports:programme-report", programme.slug)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin_user", 200),
        ("coordinator", 200),
        ("district_officer", 200),
        ("midwife", 403),  # the programme has mothers in Canan, outside her village
        ("cadre_user", 403),
    ],
)
def test_only_people_who_see_the_whole_programme_read_its_report(
    client, programme, request, persona, status
):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(report_url(programme)).status_code == status


def test_a_midwife_whose_villages_hold_the_whole_programme_reads_it(
    client, world, midwife, monkeypatch
):
    monkeypatch.setattr("kaderasi.core.clock.now", lambda: NOW)
    village_programme = f.ProgrammeFactory(slug="pandes-2026", area=world.pandes)
    f.delivered_mother(programme=village_programme, posyandu=world.mawar)
    client.force_login(midwife)

    assert client.get(report_url(village_programme)).status_code == 200


def test_a_programme_outside_the_scope_is_not_found(client, programme, world, coordinator):
    client.force_login(coordinator)

    assert client.get(report_url(world.other_programme)).status_code == 404


def test_the_report_page_is_in_indonesian_by_default_and_english_on_request(
    client, programme, coordinator
):
    client.force_login(coordinator)

    indonesian = client.get(report_url(programme))
    english = client.get(report_url(programme, "en"))

    assert indonesian.context["document"].language == "id"
    assert english.context["document"].language == "en"
    assert "Results: milk volume" in english.content.decode()


def test_a_coordinator_edits_the_conclusion_inline(client, programme, coordinator):
    client.force_login(coordinator)
    url = url_in("en", "reports:programme-report-conclusion", programme.slug)

    response = client.post(
        url, {"conclusion": "  Knowledge rose; more data needed.  "}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    report = ProgrammeReport.objects.get(programme=programme)
    assert (report.conclusion_en, report.conclusion_id) == ("Knowledge rose; more data needed.", "")
    assert report.updated_by == coordinator
    assert "Knowledge rose; more data needed." in response.content.decode()
    assert 'id="conclusion-editor"' in response.content.decode()


def test_a_district_officer_cannot_edit_the_conclusion(client, programme, district_officer):
    client.force_login(district_officer)
    url = reverse("reports:programme-report-conclusion", args=[programme.slug])

    response = client.post(url, {"conclusion": "Ours."})

    assert response.status_code == 403
    assert not ProgrammeReport.objects.exists()


def request_export(client, programme, **data):
    url = reverse("reports:export-create", args=[programme.slug])
    return client.post(url, {"format": "xlsx", "language": "id", "pseudonymised": "on", **data})


def test_an_export_runs_in_the_background_then_downloads(
    client, programme, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = request_export(client, programme)

    export = ReportExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:export-detail", args=[export.public_id])
    assert (export.status, export.progress, export.step) == ("done", 100, "finished")
    assert export.started_at == NOW
    page = client.get(response["Location"])
    assert reverse("reports:export-download", args=[export.public_id]) in page.content.decode()
    download = client.get(reverse("reports:export-download", args=[export.public_id]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert "wedi-2026" in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"PK")


def test_a_running_export_shows_its_progress_and_keeps_polling(client, programme, coordinator):
    export = ReportExport.objects.create(
        programme=programme,
        requested_by=coordinator,
        format="pdf",
        status=ExportStatus.RUNNING,
        progress=42,
        step=ExportStep.CHARTS,
    )
    client.force_login(coordinator)

    response = client.get(
        url_in("en", "reports:export-detail", export.public_id), HTTP_HX_REQUEST="true"
    )

    text = response.content.decode()
    assert 'value="42"' in text
    assert "Drawing the charts" in text
    assert 'hx-trigger="every 1s"' in text
    assert "<html" not in text


def test_a_finished_export_stops_polling(client, programme, coordinator):
    export = ReportExport.objects.create(
        programme=programme,
        requested_by=coordinator,
        format="pdf",
        status=ExportStatus.FAILED,
        finished_at=NOW,
    )
    client.force_login(coordinator)

    response = client.get(
        reverse("reports:export-detail", args=[export.public_id]), HTTP_HX_REQUEST="true"
    )

    assert "hx-trigger" not in response.content.decode()


def test_an_export_that_fails_says_so_and_keeps_the_reason(
    client, programme, coordinator, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("kaderasi.reports.tasks.render_programme_report_xlsx", broken)
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        request_export(client, programme)

    export = ReportExport.objects.get()
    assert export.status == ExportStatus.FAILED
    assert "disk full" in export.error
    assert not export.file


def test_a_re_delivered_task_does_not_build_the_file_twice(programme, coordinator):
    from kaderasi.reports.tasks import report_export_run

    export = ReportExport.objects.create(
        programme=programme,
        requested_by=coordinator,
        format="xlsx",
        status=ExportStatus.DONE,
        file="report-exports/already.xlsx",
        progress=100,
    )

    report_export_run.call(export_id=export.pk)

    export.refresh_from_db()
    assert (export.status, export.file.name) == ("done", "report-exports/already.xlsx")


def test_only_its_requester_downloads_an_export(
    client, programme, coordinator, district_officer, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        request_export(client, programme)
    export = ReportExport.objects.get()

    client.force_login(district_officer)

    assert client.get(reverse("reports:export-detail", args=[export.public_id])).status_code == 404
    assert (
        client.get(reverse("reports:export-download", args=[export.public_id])).status_code == 404
    )


def test_names_leave_kaderasi_only_with_a_programme_manager(client, programme, district_officer):
    client.force_login(district_officer)

    response = request_export(client, programme, pseudonymised="")

    assert response.status_code == 400
    assert "pseudonymised" in response.context["export_form"].errors
    assert not ReportExport.objects.exists()


def test_a_coordinator_may_export_names(
    client, programme, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        request_export(client, programme, pseudonymised="")

    assert ReportExport.objects.get().pseudonymised is False


def test_exports_older_than_a_week_are_deleted_with_their_files(programme, coordinator):
    from django.core.files.base import ContentFile

    old = ReportExport(programme=programme, requested_by=coordinator, format="pdf")
    old.file.save("old.pdf", ContentFile(b"%PDF-old"), save=False)
    old.status = ExportStatus.DONE
    old.save()
    ReportExport.objects.filter(pk=old.pk).update(created_at=NOW - dt.timedelta(days=8))
    storage, name = old.file.storage, old.file.name
    fresh = ReportExport.objects.create(programme=programme, requested_by=coordinator, format="pdf")
    ReportExport.objects.filter(pk=fresh.pk).update(created_at=NOW - dt.timedelta(days=1))

    from kaderasi.reports.tasks import report_exports_purge_task

    assert report_exports_purge_task.call() == 1

    assert list(ReportExport.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not storage.exists(name)


def test_the_workers_periodic_jobs_delete_week_old_exports(programme, coordinator):
    from kaderasi.worker.periodic import PERIODIC_JOBS, run_periodic_jobs

    job = "kaderasi.reports.services.report_exports_purge_due"
    old = ReportExport.objects.create(programme=programme, requested_by=coordinator, format="pdf")
    ReportExport.objects.filter(pk=old.pk).update(created_at=NOW - dt.timedelta(days=8))
    fresh = ReportExport.objects.create(programme=programme, requested_by=coordinator, format="pdf")
    ReportExport.objects.filter(pk=fresh.pk).update(created_at=NOW - dt.timedelta(days=1))

    (outcome,) = run_periodic_jobs(now=NOW, jobs=(job,))

    assert job in PERIODIC_JOBS
    assert outcome.ok
    assert outcome.summary == {"exports_purged": 1}
    assert list(ReportExport.objects.values_list("pk", flat=True)) == [fresh.pk]
