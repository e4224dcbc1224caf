"""The import checks volumes against the protocol's measurement days (issue 13, build 2;
decision 0110): a follow-up before its baseline is refused, a volume outside its window is
imported with a warning listed after the import."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from kaderasi.interop.errors import InteropErrorCode
from kaderasi.interop.plan import ImportRejected
from kaderasi.interop.services import programme_import
from kaderasi.interop.tests.builders import VALID, copy_of, xlsx_bytes, xlsx_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _volumes(sheets, *rows):
    sheets["milk_volumes"] = [sheets["milk_volumes"][0], *rows]
    return sheets


def test_a_follow_up_measured_before_its_baseline_is_refused_on_its_row(world, admin_user, now):
    sheets = _volumes(
        copy_of(VALID),
        ["M01", "before", 40, dt.date(2026, 3, 2), "", "hand_expression", ""],
        ["M01", "after", 300, dt.date(2026, 3, 1), 1, "hand_expression", ""],
    )

    with pytest.raises(ImportRejected) as rejected:
        programme_import(workbook=xlsx_workbook(sheets), slug="wedi-2026", by=admin_user, now=now)

    (issue,) = rejected.value.issues
    assert (issue.sheet, issue.row, issue.column) == ("milk_volumes", 3, "measured_on")
    assert issue.code == InteropErrorCode.FOLLOW_UP_BEFORE_BASELINE
    assert issue.message == (
        "The follow-up volume is measured before its baseline volume (row 2, 2026-03-02); the "
        "protocol measures the follow-up after the baseline."
    )


def test_the_order_is_not_checked_when_the_protocol_does_not_ask_for_it(world, admin_user, now):
    world.programme.follow_up_after_baseline = False
    world.programme.save()
    sheets = _volumes(
        copy_of(VALID),
        ["M01", "before", 40, dt.date(2026, 3, 2), "", "hand_expression", ""],
        ["M01", "after", 300, dt.date(2026, 3, 1), 1, "hand_expression", ""],
    )

    record = programme_import(
        workbook=xlsx_workbook(sheets), slug="wedi-2026", by=admin_user, now=now
    )

    assert record.milk_volumes == 2


def _late_volumes():
    return _volumes(
        copy_of(VALID),
        ["M01", "before", 40, dt.date(2026, 3, 5), 5, "hand_expression", ""],
        ["M01", "after", 300, dt.date(2026, 3, 6), 6, "hand_expression", ""],
        ["M02", "before", 35, dt.date(2026, 3, 5), 1, "manual_pump", ""],
        ["M02", "after", 250, dt.date(2026, 3, 8), 4, "manual_pump", ""],
    )


def test_volumes_outside_their_window_are_imported_with_a_warning_per_row(world, admin_user, now):
    record = programme_import(
        workbook=xlsx_workbook(_late_volumes()), slug="wedi-2026", by=admin_user, now=now
    )

    assert record.milk_volumes == 4
    assert [(w["row"], w["column"], w["code"]) for w in record.warnings] == [
        (2, "postpartum_day", "outside_protocol_days"),
        (3, "postpartum_day", "outside_protocol_days"),
    ]
    assert record.warnings[0]["message"] == (
        "Imported, but outside the protocol: the baseline volume is measured on postpartum days "
        "1–2 and this one is on day 5."
    )
    assert record.warnings[1]["message"].endswith("days 3–4 and this one is on day 6.")


def test_the_programmes_own_days_decide_what_is_outside(world, admin_user, now):
    world.programme.baseline_day_to = 5
    world.programme.follow_up_day_to = 6
    world.programme.save()

    record = programme_import(
        workbook=xlsx_workbook(_late_volumes()), slug="wedi-2026", by=admin_user, now=now
    )

    assert record.warnings == []


def test_the_command_lists_the_warnings_after_the_import(world, admin_user, tmp_path):
    path = tmp_path / "late.xlsx"
    path.write_bytes(xlsx_bytes(_late_volumes()))
    out = io.StringIO()

    call_command(
        "import-programme", str(path), "--programme", "wedi-2026", "--language", "en", stdout=out
    )

    lines = out.getvalue().splitlines()
    assert lines[1] == "2 rows were imported with a warning:"
    assert lines[2].startswith(
        "Sheet milk_volumes, row 2, column postpartum_day: Imported, but outside the protocol"
    )


def test_the_page_after_the_import_lists_the_warnings(client, world, coordinator):
    client.force_login(coordinator)
    upload = SimpleUploadedFile("late.xlsx", xlsx_bytes(_late_volumes()))
    response = client.post(reverse("interop:import"), {"files": upload, "programme": "wedi-2026"})

    page = client.get(response.url).content.decode()
    assert "2 rows were imported with a warning" in page
    assert "Sheet milk_volumes, row 3, column postpartum_day: Imported, but outside" in page
