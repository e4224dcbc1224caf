"""All or nothing: every problem of a workbook is listed at once, and nothing is saved."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.apps import apps
from django.utils import translation

from kaderasi.care.errors import CareErrorCode
from kaderasi.interop.errors import InteropErrorCode as Code
from kaderasi.interop.plan import ImportRejected
from kaderasi.interop.services import programme_import
from kaderasi.interop.tests.builders import VALID, copy_of, csv_text, xlsx_bytes, xlsx_workbook
from kaderasi.interop.workbook import INSTRUCTIONS_SHEET, read_csv_files, read_xlsx

pytestmark = pytest.mark.django_db

VOLUME_HEADER = VALID["milk_volumes"][0]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def row_counts() -> dict[str, int]:
    """Rows of every kaderasi model (the database 'as it was')."""
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {"regions", "programmes", "cadres", "training", "care", "interop", "auditlog"}
    }


def rejected_issues(sheets, *, by, now, slug="wedi-2026", **options):
    with pytest.raises(ImportRejected) as rejected:
        programme_import(workbook=xlsx_workbook(sheets), slug=slug, by=by, now=now, **options)
    return rejected.value


def test_broken_rows_in_several_sheets_give_one_complete_list_and_change_nothing(
    world, coordinator, now
):
    sheets = copy_of(VALID)
    sheets["cadres"][2] = ["K01", "", "12345", "Mawar", "Desa Tidak Ada"]
    sheets["knowledge_tests"][0] = ["cadre_code", "phase", "score", "taken_on", "remarks"]
    sheets["knowledge_tests"][3] = ["K07", "middle", 120, dt.date(2027, 1, 1)]
    sheets["mothers"][2][3] = "control"
    sheets["mothers"][2][6] = 0
    sheets["milk_volumes"][1] = ["M01", "before", "abc", dt.date(2026, 3, 1), 1, "", ""]
    sheets["milk_volumes"][2] = ["M01", "after", 3000, dt.date(2026, 3, 3), 9, "pump", ""]
    sheets["milk_volumes"][4] = ["M01", "before", 40.25, "", "", "", "weekly"]
    before = row_counts()

    rejection = rejected_issues(sheets, by=coordinator, now=now)

    assert [(i.sheet, i.row, i.column, i.code) for i in rejection.issues] == [
        ("cadres", 3, "code", Code.DUPLICATE_CODE),
        ("cadres", 3, "name", Code.REQUIRED),
        ("cadres", 3, "phone", Code.INVALID_PHONE),
        ("cadres", 3, "village", Code.VILLAGE_NOT_FOUND),
        ("knowledge_tests", 1, "remarks", Code.UNKNOWN_COLUMN),
        ("knowledge_tests", 4, "cadre_code", Code.UNKNOWN_CADRE),
        ("knowledge_tests", 4, "phase", Code.INVALID_CHOICE),
        ("knowledge_tests", 4, "score", Code.OUT_OF_RANGE),
        ("knowledge_tests", 4, "taken_on", Code.DATE_IN_FUTURE),
        # K02 lost its row to the duplicate K01: the references to it are reported too.
        ("knowledge_tests", 5, "cadre_code", Code.UNKNOWN_CADRE),
        ("mothers", 3, "cadre_code", Code.UNKNOWN_CADRE),
        ("mothers", 3, "group", Code.INVALID_CHOICE),
        ("mothers", 3, "parity", Code.OUT_OF_RANGE),
        ("milk_volumes", 2, "volume_ml", Code.INVALID_NUMBER),
        # The care rule the web form and the phone answer to (one write path, one code).
        ("milk_volumes", 3, "volume_ml", CareErrorCode.MEASUREMENT_OUT_OF_RANGE),
        ("milk_volumes", 3, "postpartum_day", Code.POSTPARTUM_DAY_MISMATCH),
        ("milk_volumes", 3, "method", Code.INVALID_CHOICE),
        ("milk_volumes", 5, "phase", Code.DUPLICATE_VOLUME),
        ("milk_volumes", 5, "volume_ml", Code.TOO_MANY_DECIMALS),
        ("milk_volumes", 5, "basis", Code.INVALID_CHOICE),
    ]
    assert rejection.code == Code.INVALID_ROWS
    assert str(rejection.message) == "The file has 20 problems; nothing was imported."
    assert row_counts() == before


def test_each_message_names_the_rule_and_the_value(world, coordinator, now):
    sheets = copy_of(VALID)
    sheets["milk_volumes"][2] = ["M01", "after", 300, dt.date(2026, 3, 3), 9, "", ""]
    sheets["knowledge_tests"][1] = ["K01", "pre", "lima puluh", ""]
    messages = {
        (issue.sheet, issue.column): issue.message
        for issue in rejected_issues(sheets, by=coordinator, now=now).issues
    }
    assert messages == {
        ("knowledge_tests", "score"): "“lima puluh” is not a number. Write it like 12,5.",
        ("milk_volumes", "postpartum_day"): (
            "Postpartum day 9 does not fit: a volume measured on 2026-03-03 after a delivery on "
            "2026-03-01 is on postpartum day 2 or 3."
        ),
    }


def test_a_missing_required_column_is_reported_once_on_the_header_row(world, coordinator, now):
    sheets = {"mothers": [["code", "cadre_code"], ["M01", "K01"], ["M02", ""]]}
    issues = rejected_issues(sheets, by=coordinator, now=now).issues
    assert [(i.sheet, i.row, i.column, i.code) for i in issues] == [
        ("mothers", 1, "name", Code.MISSING_COLUMN),
        ("mothers", 2, "cadre_code", Code.UNKNOWN_CADRE),
        # A district programme: without her cadre or her own posyandu, it is unknown.
        ("mothers", 3, "posyandu", Code.VILLAGE_REQUIRED),
    ]


def test_postpartum_day_needs_the_delivery_date_it_is_counted_from(world, coordinator, now):
    sheets = copy_of(VALID)
    sheets["mothers"][1][4] = ""  # M01 without delivery date …
    sheets["mothers"][1][5] = ""
    sheets["mothers"][1][6] = ""
    issues = rejected_issues(sheets, by=coordinator, now=now).issues
    # … so the postpartum days of her two volumes cannot be kept.
    assert [(i.row, i.column, i.code) for i in issues] == [
        (2, "postpartum_day", Code.DELIVERY_DATE_REQUIRED),
        (3, "postpartum_day", Code.DELIVERY_DATE_REQUIRED),
    ]


def test_a_volume_of_a_delivered_mother_needs_a_date_or_a_postpartum_day(world, coordinator, now):
    sheets = copy_of(VALID)
    sheets["milk_volumes"][1][3] = ""
    sheets["milk_volumes"][1][4] = ""
    [issue] = rejected_issues(sheets, by=coordinator, now=now).issues
    assert (issue.row, issue.column, issue.code) == (
        2,
        "measured_on",
        Code.MEASUREMENT_DATE_REQUIRED,
    )


def test_a_volume_measured_before_the_delivery_is_refused(world, coordinator, now):
    sheets = copy_of(VALID)
    sheets["milk_volumes"][1][3] = dt.date(2026, 2, 27)
    sheets["milk_volumes"][1][4] = ""
    [issue] = rejected_issues(sheets, by=coordinator, now=now).issues
    assert (issue.row, issue.column, issue.code) == (
        2,
        "measured_on",
        Code.MEASURED_BEFORE_DELIVERY,
    )


def test_delivery_type_and_parity_are_kept_only_with_a_delivery_date(world, coordinator, now):
    sheets = {
        "mothers": [
            VALID["mothers"][0],
            ["M01", "Ibu Ani", "", "", "", "caesarean", 2],
        ],
        "cadres": VALID["cadres"],
    }
    issues = rejected_issues(sheets, by=coordinator, now=now).issues
    assert [(i.column, i.code) for i in issues] == [
        ("delivery_type", Code.DELIVERY_DATE_REQUIRED),
        ("parity", Code.DELIVERY_DATE_REQUIRED),
        ("posyandu", Code.VILLAGE_REQUIRED),
    ]


def test_a_cadre_beyond_the_programmes_client_cap_is_reported_on_the_mothers_row(
    world, coordinator, now
):
    # A running programme (deliveries a day ago): pairings stay open, so the cap of one client
    # per cadre applies and the second mother of K01 is refused by the care service.
    yesterday = (now - dt.timedelta(days=1)).date()
    sheets = {
        "cadres": VALID["cadres"],
        "mothers": [
            VALID["mothers"][0],
            ["M01", "Ibu Ani", "K01", "", yesterday, "", ""],
            ["M02", "Ibu Budi", "K01", "", yesterday, "", ""],
        ],
    }
    before = row_counts()
    [issue] = rejected_issues(sheets, by=coordinator, now=now).issues
    assert (issue.sheet, issue.row, issue.column, issue.code) == (
        "mothers",
        3,
        "cadre_code",
        CareErrorCode.PAIRING_CADRE_AT_CAPACITY,
    )
    assert row_counts() == before


def test_an_empty_workbook_is_refused(world, coordinator, now):
    issues = rejected_issues({"cadres": [VALID["cadres"][0]]}, by=coordinator, now=now).issues
    assert [issue.code for issue in issues] == [Code.NO_DATA]


def test_a_bad_programme_sheet_is_reported_with_its_rows(world, admin_user, now):
    sheets = copy_of(VALID)
    sheets["programme"] = [
        ["field", "value"],
        ["area", "Jawa Tengah / Kabupaten Atlantis"],
        ["starts_on", dt.date(2026, 5, 1)],
        ["ends_on", dt.date(2026, 4, 1)],
        ["colour", "green"],
    ]
    issues = rejected_issues(sheets, by=admin_user, now=now, slug="new-one").issues
    assert [(i.sheet, i.row, i.column, i.code) for i in issues] == [
        ("programme", 2, "value", Code.AREA_NOT_FOUND),
        ("programme", 4, "value", Code.ENDS_BEFORE_START),
        ("programme", 5, "field", Code.UNKNOWN_FIELD),
    ]


def test_a_misspelt_sheet_is_an_error_naming_it_and_the_sheets_expected(world, coordinator, now):
    sheets = {"Cadres": VALID["cadres"], "milk_volume": VALID["milk_volumes"]}
    before = row_counts()

    rejection = rejected_issues(sheets, by=coordinator, now=now)

    assert [(i.sheet, i.row, i.column, i.code) for i in rejection.issues] == [
        ("milk_volume", None, "", Code.UNKNOWN_SHEET)
    ]
    assert rejection.issues[0].message == (
        "No sheet of the import has this name, so nothing in it would be imported. Name it "
        "after one of the sheets: programme, cadres, knowledge_tests, mothers, milk_volumes."
    )
    assert row_counts() == before


def test_a_csv_file_named_after_no_sheet_is_listed_with_the_other_problems(world, coordinator, now):
    sheets = copy_of(VALID)
    sheets["cadres"][1][0] = ""
    files = {name: csv_text(rows).encode() for name, rows in sheets.items()}
    files["kader"] = csv_text(VALID["cadres"]).encode()

    with pytest.raises(ImportRejected) as rejected:
        programme_import(
            workbook=read_csv_files(files, source_name="wedi"),
            slug="wedi-2026",
            by=coordinator,
            now=now,
        )

    assert [(i.sheet, i.code) for i in rejected.value.issues][:2] == [
        ("kader.csv", Code.UNKNOWN_SHEET),
        ("cadres", Code.REQUIRED),
    ]


@pytest.mark.parametrize("language", ["en", "id"])
def test_the_instructions_a_reports_own_sheets_and_empty_sheets_are_not_errors(
    world, coordinator, now, language
):
    with translation.override(language):
        kaderasi_sheets = (str(INSTRUCTIONS_SHEET), "Report", "Laporan", "Table 3", "Tabel 12")
    workbook = read_xlsx(
        io.BytesIO(xlsx_bytes({**VALID, "Sheet1": []}, extra_sheets=kaderasi_sheets)),
        source_name="wedi.xlsx",
    )

    record = programme_import(workbook=workbook, slug="wedi-2026", by=coordinator, now=now)

    assert workbook.unknown_sheets == []
    assert record.cadres == 2


def test_a_volume_already_given_for_a_phase_is_named_by_its_phase(world, coordinator, now):
    sheets = copy_of(VALID)
    sheets["milk_volumes"].append(["M01", "after", 310, dt.date(2026, 3, 3), 3, "", ""])

    [issue] = rejected_issues(sheets, by=coordinator, now=now).issues

    assert issue.message == (
        "Mother M01 already has a volume for phase “after” in row 3; keep one volume per mother "
        "and phase (the one to analyse)."
    )


def test_scores_for_cadres_who_already_have_scores_are_refused_row_by_row(world, coordinator, now):
    programme_import(
        workbook=xlsx_workbook(copy_of(VALID)), slug="wedi-2026", by=coordinator, now=now
    )
    later = {
        "knowledge_tests": [
            VALID["knowledge_tests"][0],
            ["K01", "pre", 45, ""],
            ["K01", "post", 70, ""],
            ["k02", "post", 88, ""],
        ]
    }
    before = row_counts()

    rejection = rejected_issues(later, by=coordinator, now=now)

    assert [(i.sheet, i.row, i.column, i.code) for i in rejection.issues] == [
        ("knowledge_tests", 2, "cadre_code", Code.SCORES_EXIST),
        ("knowledge_tests", 3, "cadre_code", Code.SCORES_EXIST),
        ("knowledge_tests", 4, "cadre_code", Code.SCORES_EXIST),
    ]
    assert rejection.issues[0].message == (
        "Cadre K01 already has knowledge test scores in kaderasi. The evaluation counts only the "
        "scores of her first training, so a score imported now would never be counted; record a "
        "missing score in that training in kaderasi instead."
    )
    assert row_counts() == before


def test_scores_for_a_cadre_without_any_score_yet_are_imported(world, coordinator, now):
    programme_import(
        workbook=xlsx_workbook({"cadres": VALID["cadres"]}),
        slug="wedi-2026",
        by=coordinator,
        now=now,
    )

    record = programme_import(
        workbook=xlsx_workbook({"knowledge_tests": VALID["knowledge_tests"]}),
        slug="wedi-2026",
        by=coordinator,
        now=now,
    )

    assert record.knowledge_tests == 4
