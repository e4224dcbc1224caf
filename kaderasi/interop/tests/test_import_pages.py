"""The import page, the template download and the export: roles, scopes, and what is shown."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from kaderasi.cadres.models import Cadre
from kaderasi.interop.models import ImportJob, ImportSource, ProgrammeImport
from kaderasi.interop.tests.builders import VALID, copy_of, csv_text, xlsx_bytes
from kaderasi.interop.workbook import read_xlsx
from kaderasi.programmes.models import Programme

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(sheets=VALID, name="wedi.xlsx"):
    return SimpleUploadedFile(name, xlsx_bytes(sheets), content_type=XLSX)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin_user", 200),
        ("coordinator", 200),
        ("midwife", 403),
        ("district_officer", 403),
        ("cadre_user", 403),
    ],
)
def test_only_coordinators_and_administrators_open_the_import_page(
    request, client, world, persona, status
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("interop:import")).status_code == status
    assert client.get(reverse("interop:template")).status_code == status


def test_a_denied_upload_changes_nothing(client, world, midwife):
    client.force_login(midwife)
    response = client.post(reverse("interop:import"), {"files": upload(), "programme": "wedi-2026"})
    assert response.status_code == 403
    assert not Cadre.objects.exists()
    assert not ImportJob.objects.exists()


def test_a_coordinator_imports_into_her_programme_and_sees_a_summary(
    client, world, coordinator, import_upload
):
    client.force_login(coordinator)
    response = import_upload({"files": upload(), "programme": "wedi-2026"})
    record = ProgrammeImport.objects.get()
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("interop:import-job", args=[job.public_id])
    assert record.source == ImportSource.WEB
    done = client.get(response.url)
    assert done.url == reverse("interop:import-done", args=[record.public_id])
    summary = client.get(done.url).content.decode()
    assert "wedi.xlsx was imported into Programme wedi-2026." in summary
    assert reverse("evaluation:programme", args=["wedi-2026"]) in summary


def test_the_errors_of_a_broken_upload_are_listed_on_the_page(
    client, world, coordinator, import_upload
):
    sheets = copy_of(VALID)
    sheets["milk_volumes"][1][2] = "banyak"
    sheets["cadres"][2][2] = "123"
    client.force_login(coordinator)

    response = import_upload({"files": upload(sheets), "programme": "wedi-2026"})

    page = client.get(response.url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "The file has 2 problems; nothing was imported." in text
    assert "“banyak” is not a number." in text
    assert [
        (issue["sheet"], issue["row"], issue["column"]) for issue in page.context["job"].issues
    ] == [
        ("cadres", 3, "phone"),
        ("milk_volumes", 2, "volume_ml"),
    ]
    assert not Cadre.objects.exists()


def test_csv_files_can_be_uploaded_together(client, world, coordinator, import_upload):
    files = [
        SimpleUploadedFile(f"{name}.csv", csv_text(rows).encode(), content_type="text/csv")
        for name, rows in VALID.items()
    ]
    client.force_login(coordinator)
    response = import_upload({"files": files, "programme": "wedi-2026"})
    assert response.status_code == 302
    assert Cadre.objects.count() == 2


def test_a_new_programme_needs_a_code(client, world, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("interop:import"), {"files": upload()})
    assert response.status_code == 200
    assert response.context["form"].errors["slug"] == [
        "Choose a programme to import into, or give the code of a new one."
    ]


def test_a_coordinator_creates_a_programme_only_in_an_area_she_can_see(
    client, world, coordinator, import_upload
):
    client.force_login(coordinator)
    response = client.post(
        reverse("interop:import"),
        {"files": upload(), "slug": "sleman-new", "area": world.sleman.pk},
    )
    assert response.status_code == 200
    assert "area" in response.context["form"].errors
    assert not Programme.objects.filter(slug="sleman-new").exists()

    response = import_upload(
        {"files": upload(), "slug": "wedi-new", "name": "Wedi baru", "area": world.wedi.pk},
    )
    assert response.status_code == 302
    assert Programme.objects.get(slug="wedi-new").team.get() == coordinator


def test_a_coordinator_cannot_import_into_a_programme_of_another_area(
    client, world, other_coordinator
):
    client.force_login(other_coordinator)
    response = client.post(reverse("interop:import"), {"files": upload(), "slug": "wedi-2026"})
    assert response.status_code == 200
    assert response.context["form"].errors["slug"] == [
        "The code wedi-2026 belongs to a programme outside your area; choose another code for "
        "a new programme."
    ]
    assert not Cadre.objects.exists()


def test_a_file_of_another_kind_is_refused_on_the_file_field(client, world, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("interop:import"),
        {
            "files": SimpleUploadedFile("notes.pdf", b"%PDF-1.4"),
            "programme": "wedi-2026",
        },
    )
    assert response.context["form"].errors["files"] == [
        "Upload one Excel workbook (.xlsx), or the CSV files of its sheets (cadres.csv, …)."
    ]


def test_the_import_summary_of_another_area_is_a_404(
    client, world, coordinator, other_coordinator, import_upload
):
    client.force_login(coordinator)
    import_upload({"files": upload(), "programme": "wedi-2026"})
    record = ProgrammeImport.objects.get()
    client.force_login(other_coordinator)
    assert client.get(reverse("interop:import-done", args=[record.public_id])).status_code == 404


def test_the_template_has_instructions_and_the_import_sheets(client, world, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("interop:template"))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "instructions",
        "programme",
        "cadres",
        "knowledge_tests",
        "mothers",
        "milk_volumes",
    ]
    assert [cell.value for cell in workbook["milk_volumes"][1]] == list(VALID["milk_volumes"][0])
    # An untouched template reads as a workbook without rows.
    raw = read_xlsx(io.BytesIO(response.content), source_name="template.xlsx")
    assert raw.row_count == 0


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin_user", 200),
        ("coordinator", 200),
        ("other_coordinator", 404),
        ("midwife", 403),
        ("district_officer", 403),
        ("cadre_user", 403),
    ],
)
def test_who_may_export_the_wedi_programme(request, client, world, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("interop:export", args=["wedi-2026"])).status_code == status
    response = client.get(reverse("interop:export-workbook", args=["wedi-2026"]))
    assert response.status_code == status


def test_the_web_export_holds_the_programme_in_the_import_format(
    client, world, coordinator, import_upload
):
    client.force_login(coordinator)
    import_upload({"files": upload(), "programme": "wedi-2026"})
    response = client.get(
        reverse("interop:export-workbook", args=["wedi-2026"]) + "?pseudonymised=1"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="wedi-2026-pseudonymised.xlsx"'
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [row[:2] for row in workbook["mothers"].iter_rows(values_only=True)] == [
        ("code", "name"),
        ("M01", "M01"),
        ("M02", "M02"),
    ]


def test_a_very_large_file_is_sent_to_the_console(
    client, world, coordinator, monkeypatch, import_upload
):
    monkeypatch.setattr("kaderasi.interop.import_jobs.WEB_MAX_ROWS", 3)
    client.force_login(coordinator)
    response = import_upload({"files": upload(), "programme": "wedi-2026"})
    job = ImportJob.objects.get()
    assert (job.status, job.message) == (
        "rejected",
        "This file has 12 rows; the web page imports up to 3. Ask an administrator to import it "
        "with kaderasi import-programme.",
    )
    assert job.message in client.get(response.url).content.decode()
    assert not Cadre.objects.exists()


def test_a_file_the_reader_stops_names_the_pages_limit_not_the_readers(
    client, world, coordinator, monkeypatch, import_upload
):
    """The reader stops a file at the page's limit plus the header rows it allows; the user is
    told the page's limit (bench_security's 1.4 M-row upload was told to split it into files of
    at most 5,050 rows, which the page would refuse again)."""
    monkeypatch.setattr("kaderasi.interop.import_jobs.WEB_MAX_ROWS", 3)
    monkeypatch.setattr("kaderasi.interop.import_jobs.HEADER_ROWS_ALLOWANCE", 1)
    client.force_login(coordinator)
    response = import_upload({"files": upload(), "programme": "wedi-2026"})
    job = ImportJob.objects.get()
    assert (job.status, job.message) == (
        "rejected",
        "This file has more than 3 rows; the web page imports up to 3. Ask an administrator to "
        "import it with kaderasi import-programme.",
    )
    assert job.message in client.get(response.url).content.decode()
    assert not Cadre.objects.exists()


def test_the_template_carries_the_mothers_posyandu_and_village_with_their_help(
    client, world, coordinator
):
    client.force_login(coordinator)
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(reverse("interop:template")).content))

    header = [cell.value for cell in workbook["mothers"][1]]
    assert header[-2:] == ["posyandu", "village"]
    help_rows = [
        [cell.value for cell in row]
        for row in workbook["instructions"].iter_rows()
        if row[0].value == "mothers" and row[1].value in ("posyandu", "village")
    ]
    assert [row[1] for row in help_rows] == ["posyandu", "village"]
    assert "a mother without a cadre (a comparison group)" in help_rows[0][3]
