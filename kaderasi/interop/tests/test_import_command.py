"""`kaderasi import-programme` and `kaderasi export-programme` on the console."""

from __future__ import annotations

import datetime as dt
import io
import logging

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kaderasi.accounts.models import Role
from kaderasi.cadres.models import Cadre
from kaderasi.care.models import ScheduledSession
from kaderasi.core import clock
from kaderasi.interop.tests.builders import VALID, copy_of, csv_folder, xlsx_bytes
from kaderasi.programmes.models import Programme
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db


def run(*arguments: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import-programme", *arguments, "--language", "en", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def workbook_path(tmp_path):
    path = tmp_path / "wedi.xlsx"
    path.write_bytes(xlsx_bytes(VALID, extra_sheets=("instructions",)))
    return path


def test_importing_a_workbook_prints_what_was_imported(world, coordinator, workbook_path):
    out, err = run(str(workbook_path), "--programme", "wedi-2026", "--as", coordinator.username)
    assert out.strip() == (
        "Imported wedi.xlsx into wedi-2026: 2 cadres, 4 knowledge test scores, 2 mothers, "
        "4 milk volumes."
    )
    assert err == ""


def test_a_folder_of_csv_files_with_semicolons_imports_too(world, admin_user, tmp_path):
    folder = csv_folder(VALID, tmp_path / "wedi", delimiter=";")
    run(str(folder), "--programme", "wedi-2026")
    assert Cadre.objects.filter(programme__slug="wedi-2026").count() == 2


def test_a_broken_workbook_lists_every_problem_on_stderr_and_exits_with_status_1(
    world, coordinator, tmp_path
):
    sheets = copy_of(VALID)
    sheets["cadres"][1][0] = ""
    sheets["milk_volumes"][3][2] = -5
    path = tmp_path / "broken.xlsx"
    path.write_bytes(xlsx_bytes(sheets))
    err = io.StringIO()

    with pytest.raises(CommandError) as error:
        call_command(
            "import-programme",
            str(path),
            "--programme",
            "wedi-2026",
            "--as",
            coordinator.username,
            "--language",
            "en",
            stderr=err,
        )

    assert error.value.returncode == 1
    assert str(error.value) == "The file has 5 problems; nothing was imported."
    assert err.getvalue().splitlines() == [
        "Sheet cadres, row 2, column code: A value is required.",
        "Sheet knowledge_tests, row 2, column cadre_code: No cadre has the code K01 (see the "
        "cadres sheet).",
        "Sheet knowledge_tests, row 3, column cadre_code: No cadre has the code K01 (see the "
        "cadres sheet).",
        "Sheet mothers, row 2, column cadre_code: No cadre has the code K01 (see the cadres "
        "sheet).",
        "Sheet milk_volumes, row 4, column volume_ml: Milk volume (ml) must be between 0 and 1500; "
        "-5 was entered.",
    ]
    assert not Cadre.objects.exists()


def test_without_as_the_only_administrator_imports(world, admin_user, workbook_path):
    run(str(workbook_path), "--programme", "wedi-2026")
    assert Programme.objects.get(slug="wedi-2026").imports.get().imported_by == admin_user


def test_without_as_and_without_a_single_administrator_the_import_is_refused(world, workbook_path):
    with pytest.raises(CommandError) as error:
        run(str(workbook_path), "--programme", "wedi-2026")
    assert error.value.returncode == 1
    assert "--as USERNAME" in str(error.value)
    assert not Cadre.objects.exists()


def test_a_midwife_cannot_import_from_the_console(world, midwife, workbook_path):
    with pytest.raises(CommandError) as error:
        run(str(workbook_path), "--programme", "wedi-2026", "--as", midwife.username)
    assert (
        str(error.value) == "sari-bidan is not a coordinator or administrator and may not import."
    )
    assert not Cadre.objects.exists()


def test_a_new_programme_takes_its_area_from_the_area_option(world, coordinator, workbook_path):
    run(
        str(workbook_path),
        "--programme",
        "wedi-archive",
        "--name",
        "Arsip Wedi",
        "--area",
        "Jawa Tengah / Kabupaten Klaten / Kecamatan Wedi",
        "--as",
        coordinator.username,
    )
    programme = Programme.objects.get(slug="wedi-archive")
    assert (programme.name, programme.area) == ("Arsip Wedi", world.wedi)


def test_importing_the_same_file_twice_is_refused(world, coordinator, workbook_path):
    run(str(workbook_path), "--programme", "wedi-2026", "--as", coordinator.username)
    with pytest.raises(CommandError) as error:
        run(str(workbook_path), "--programme", "wedi-2026", "--as", coordinator.username)
    assert error.value.returncode == 1
    assert str(error.value).startswith("This content was already imported into wedi-2026 on ")
    assert Cadre.objects.count() == 2


def test_a_file_that_is_not_a_workbook_is_refused(world, admin_user, tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_text("not a workbook")
    with pytest.raises(CommandError) as error:
        run(str(path), "--programme", "wedi-2026")
    assert str(error.value) == "notes.xlsx is not a readable Excel workbook (.xlsx)."


def test_a_large_import_reports_its_progress_on_stderr(world, admin_user, tmp_path):
    rows = [VALID["cadres"][0]] + [
        [f"K{number:03d}", f"Kader {number}", "", "Mawar", "Pandes"] for number in range(250)
    ]
    path = tmp_path / "many.xlsx"
    path.write_bytes(xlsx_bytes({"cadres": rows}))
    _, err = run(str(path), "--programme", "wedi-2026")
    assert err.splitlines() == [
        "Importing 1/250",
        "Importing 63/250",
        "Importing 125/250",
        "Importing 188/250",
        "Importing 250/250",
    ]


def test_export_programme_writes_a_workbook_and_a_csv_folder(world, admin_user, tmp_path):
    f.CadreFactory(programme=world.programme, posyandu=world.mawar, code="K01", name="Sri")
    call_command(
        "export-programme", "wedi-2026", "--output", str(tmp_path / "w.xlsx"), stdout=io.StringIO()
    )
    call_command(
        "export-programme",
        "wedi-2026",
        "--output",
        str(tmp_path / "csv"),
        "--format",
        "csv",
        "--pseudonymised",
        stdout=io.StringIO(),
    )
    assert (tmp_path / "w.xlsx").read_bytes().startswith(b"PK")
    assert (tmp_path / "csv" / "cadres.csv").read_text(encoding="utf-8-sig").splitlines() == [
        "code,name,phone,posyandu,village",
        "K01,K01,,Posyandu Mawar,Desa Pandes",
    ]


def test_a_coordinator_role_is_enough_to_import_from_the_console(world, workbook_path):
    user = f.UserFactory(username="koor", role=Role.COORDINATOR, areas=[world.wedi])
    run(str(workbook_path), "--programme", "wedi-2026", "--as", "koor")
    assert Programme.objects.get(slug="wedi-2026").imports.get().imported_by == user


def test_the_schedules_an_import_plans_are_logged_once_not_per_mother(
    world, coordinator, tmp_path, caplog
):
    caplog.set_level(logging.DEBUG)
    yesterday = clock.today() - dt.timedelta(days=1)
    sheets = {
        "cadres": VALID["cadres"],
        "mothers": [
            VALID["mothers"][0],
            ["M01", "Ibu Ani", "K01", "intervention", yesterday, "spontaneous", 1],
            ["M02", "Ibu Budi", "K02", "intervention", yesterday, "caesarean", 2],
        ],
    }
    path = tmp_path / "running.xlsx"
    path.write_bytes(xlsx_bytes(sheets))

    run(str(path), "--programme", "wedi-2026", "--as", coordinator.username)

    assert ScheduledSession.objects.values("mother").distinct().count() == 2
    assert not [r for r in caplog.records if r.name == "kaderasi.care.services.schedule"]
    [summary] = [r for r in caplog.records if "massage sessions planned" in r.getMessage()]
    assert summary.getMessage().endswith("massage sessions planned for 2 mothers")
    assert "Ibu" not in caplog.text
