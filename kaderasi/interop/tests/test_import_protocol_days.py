"""The import checks volumes against the protocol's measurement days (issue 13, build 2;
decision 0110): a follow-up before its baseline is refused, a volume outside its window is
imported with a warning listed after the import."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import translation

from kaderasi.cadres.models import Cadre
from kaderasi.care.models import Mother
from kaderasi.evaluation.results import programme_evaluation
from kaderasi.interop.errors import InteropErrorCode
from kaderasi.interop.exports import programme_workbook
from kaderasi.interop.plan import ImportRejected
from kaderasi.interop.services import programme_import
from kaderasi.interop.tests.builders import VALID, copy_of, xlsx_bytes, xlsx_workbook
from kaderasi.interop.workbook import read_xlsx
from kaderasi.programmes.models import Programme

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


def test_the_page_after_the_import_lists_the_warnings(client, world, coordinator, import_upload):
    client.force_login(coordinator)
    upload = SimpleUploadedFile("late.xlsx", xlsx_bytes(_late_volumes()))
    response = import_upload({"files": upload, "programme": "wedi-2026"})

    page = client.get(response.url, follow=True).content.decode()
    assert "2 rows were imported with a warning" in page
    assert "Sheet milk_volumes, row 3, column postpartum_day: Imported, but outside" in page


def test_the_programme_sheet_carries_the_measurement_days_through_a_round_trip(
    world, admin_user, now
):
    sheets = _late_volumes()
    sheets["programme"] = [
        ["field", "value"],
        ["baseline_days", "1–5"],
        ["follow_up_days", "6"],
        ["analyse_protocol_conformant_only", "yes"],
    ]
    record = programme_import(
        workbook=xlsx_workbook(sheets), slug="late", by=admin_user, now=now, area=world.wedi
    )
    # The sheet's days decide: only M02's follow-up on day 4 is outside them.
    assert [warning["row"] for warning in record.warnings] == [5]
    programme = Programme.objects.get(slug="late")
    assert (programme.baseline_day_from, programme.baseline_day_to) == (1, 5)
    assert (programme.follow_up_day_from, programme.follow_up_day_to) == (6, 6)
    assert programme.analyse_protocol_conformant_only is True

    content = programme_workbook(
        programme, cadres=Cadre.objects.all(), mothers=Mother.objects.all()
    )
    programme_import(
        workbook=read_xlsx(io.BytesIO(content), source_name="late.xlsx"),
        slug="late-copy",
        by=admin_user,
        now=now,
    )

    def evaluation(slug):
        result = programme_evaluation(
            Programme.objects.get(slug=slug),
            cadres=Cadre.objects.all(),
            mothers=Mother.objects.all(),
        )
        result.pop("programme")
        return result

    assert evaluation("late-copy") == evaluation("late")
    assert evaluation("late")["protocol"]["pairs_outside"] == 1  # M02's follow-up on day 4


def test_a_day_range_that_is_not_one_is_refused_on_the_programme_sheet(world, admin_user, now):
    sheets = copy_of(VALID)
    sheets["programme"] = [["field", "value"], ["baseline_days", "3-1"]]

    with pytest.raises(ImportRejected) as rejected:
        programme_import(
            workbook=xlsx_workbook(sheets), slug="bad", by=admin_user, now=now, area=world.wedi
        )

    (issue,) = rejected.value.issues
    assert (issue.sheet, issue.column, issue.code) == (
        "programme",
        "value",
        InteropErrorCode.INVALID_DAY_RANGE,
    )
    assert issue.message.startswith("“3-1” is not a range of postpartum days")
