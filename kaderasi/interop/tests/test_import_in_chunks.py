"""The import checks and writes a workbook a chunk of rows at a time, in one transaction
(decision 0195): it never holds every row, yet stays all or nothing and lists every problem."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator

import pytest
from django.utils import translation

from kaderasi.cadres.models import Cadre
from kaderasi.care.models import Measurement, MeasurementKind, Mother
from kaderasi.interop import services
from kaderasi.interop.errors import InteropErrorCode
from kaderasi.interop.plan import ImportRejected
from kaderasi.interop.services import programme_import
from kaderasi.interop.tests.builders import VALID, csv_workbook, xlsx_workbook
from kaderasi.interop.workbook import RawRow, RawWorkbook

pytestmark = pytest.mark.django_db

CHUNK = 10
MOTHERS = 35


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    monkeypatch.setattr(services, "CHUNK_ROWS", CHUNK)


def district_sheets(mothers: int = MOTHERS) -> dict[str, list[list]]:
    """One cadre of Posyandu Mawar accompanying `mothers` mothers, each with two volumes."""
    delivered = dt.date(2026, 3, 1)
    sheets: dict[str, list[list]] = {
        "cadres": [["code", "name", "posyandu", "village"], ["K01", "Sri", "Mawar", "Pandes"]],
        "mothers": [["code", "name", "cadre_code", "delivery_date"]],
        "milk_volumes": [["mother_code", "phase", "volume_ml", "postpartum_day"]],
    }
    for number in range(1, mothers + 1):
        code = f"M{number:03d}"
        sheets["mothers"].append([code, f"Ibu {number}", "K01", delivered])
        sheets["milk_volumes"].append([code, "before", 40, 1])
        sheets["milk_volumes"].append([code, "after", 250, 3])
    return sheets


class RowsReadAhead:
    """A sheet's rows that fail the import as soon as more than CHUNK + 1 of them have been
    read beyond those already written (`written()` counts the rows in the database)."""

    def __init__(self, rows: Iterable[RawRow], written: Callable[[], int]):
        self.rows = rows
        self.written = written
        self.read = 0

    def __iter__(self) -> Iterator[RawRow]:
        for row in self.rows:
            self.read += 1
            ahead = self.read - self.written()
            assert ahead <= CHUNK + 1, f"{self.read} rows read, {self.written()} written"
            yield row


def guarded(workbook: RawWorkbook, sheet: str, written: Callable[[], int]) -> RowsReadAhead:
    rows = RowsReadAhead(workbook.sheets[sheet].rows, written)
    workbook.sheets[sheet].rows = rows
    return rows


def test_the_import_reads_each_sheet_only_a_chunk_ahead_of_what_it_has_written(
    world, coordinator, now
):
    workbook = csv_workbook(district_sheets())
    mothers = guarded(
        workbook, "mothers", lambda: Mother.objects.filter(programme=world.programme).count()
    )
    volumes = guarded(
        workbook,
        "milk_volumes",
        lambda: Measurement.objects.filter(kind=MeasurementKind.MILK_VOLUME).count(),
    )

    record = programme_import(workbook=workbook, slug="wedi-2026", by=coordinator, now=now)

    assert (mothers.read, volumes.read) == (MOTHERS, 2 * MOTHERS)
    assert (record.cadres, record.mothers, record.milk_volumes) == (1, MOTHERS, 2 * MOTHERS)
    assert Mother.objects.filter(programme=world.programme).count() == MOTHERS


def test_a_problem_in_a_late_chunk_rolls_back_the_chunks_written_before_it(world, coordinator, now):
    sheets = district_sheets()
    sheets["milk_volumes"][-1][2] = 5000  # the last volume, chunks after the first mothers
    before = (Cadre.objects.count(), Mother.objects.count(), Measurement.objects.count())

    with pytest.raises(ImportRejected) as rejected:
        programme_import(workbook=xlsx_workbook(sheets), slug="wedi-2026", by=coordinator, now=now)

    assert [(issue.sheet, issue.row, issue.column) for issue in rejected.value.issues] == [
        ("milk_volumes", 2 * MOTHERS + 1, "volume_ml")
    ]
    assert (Cadre.objects.count(), Mother.objects.count(), Measurement.objects.count()) == before


def test_rules_across_chunks_and_sheets_still_name_the_first_row(world, coordinator, now):
    sheets = district_sheets()
    sheets["mothers"].append(["M002", "Ibu Dua", "K01", dt.date(2026, 3, 1)])  # as row 3 did
    sheets["milk_volumes"].append(["M001", "after", 260, 4])  # a second follow-up, last row
    sheets["milk_volumes"].append(["M999", "before", 40, 1])  # nobody's code

    with pytest.raises(ImportRejected) as rejected:
        programme_import(workbook=csv_workbook(sheets), slug="wedi-2026", by=coordinator, now=now)

    assert [
        (issue.sheet, issue.row, issue.column, issue.code, issue.message)
        for issue in rejected.value.issues
    ] == [
        (
            "mothers",
            MOTHERS + 2,
            "code",
            InteropErrorCode.DUPLICATE_CODE,
            "The code M002 is also used in row 3.",
        ),
        (
            "milk_volumes",
            2 * MOTHERS + 2,
            "phase",
            InteropErrorCode.DUPLICATE_VOLUME,
            "Mother M001 already has a volume for phase “after” in row 3; keep one volume per "
            "mother and phase (the one to analyse).",
        ),
        (
            "milk_volumes",
            2 * MOTHERS + 3,
            "mother_code",
            InteropErrorCode.UNKNOWN_MOTHER,
            "No mother has the code M999 (see the mothers sheet).",
        ),
    ]
    assert not Mother.objects.filter(programme=world.programme).exists()


def test_the_content_hash_is_still_the_one_imports_stored_before():
    """Files imported before the rows were streamed are still recognised when imported again:
    the hash fed row by row is the SHA-256 of the same canonical JSON as before."""
    expected = "8cba33b223cd70b0cbb38c6a0f313c03f885bc6b1f0018d084bb6314e976ae76"

    assert xlsx_workbook(VALID).content_hash() == expected
    assert csv_workbook(VALID).content_hash() == expected
