"""Reading workbooks and CSV files as people save them (pure, no database)."""

from __future__ import annotations

import io

import pytest

from kaderasi.core.errors import DomainError
from kaderasi.interop.errors import InteropErrorCode
from kaderasi.interop.tests.builders import VALID, csv_workbook, xlsx_bytes, xlsx_workbook
from kaderasi.interop.workbook import read_csv_files, read_xlsx


def test_rows_keep_the_numbers_excel_shows_and_blank_rows_are_skipped():
    workbook = read_xlsx(
        io.BytesIO(
            xlsx_bytes({"cadres": [["Code ", "NAME"], ["K01", "Sri"], ["", ""], ["K02", "Tri"]]})
        ),
        source_name="x.xlsx",
    )
    sheet = workbook.sheets["cadres"]
    assert sheet.header == ["code", "name"]
    assert [(row.number, row.values) for row in sheet.rows] == [
        (2, {"code": "K01", "name": "Sri"}),
        (4, {"code": "K02", "name": "Tri"}),
    ]


def test_sheets_other_than_the_import_sheets_are_ignored():
    workbook = read_xlsx(
        io.BytesIO(xlsx_bytes({"cadres": VALID["cadres"]}, extra_sheets=("instructions",))),
        source_name="x.xlsx",
    )
    assert list(workbook.sheets) == ["cadres"]


def test_windows_csv_with_semicolons_and_decimal_commas_is_read():
    content = "mother_code;phase;volume_ml\r\nM01;before;35,5\r\nIbu Añi;after;250\r\n"
    workbook = read_csv_files({"milk_volumes": content.encode("cp1252")}, source_name="f")
    rows = list(workbook.sheets["milk_volumes"].rows)
    assert rows[0].values == {"mother_code": "M01", "phase": "before", "volume_ml": "35,5"}
    assert rows[1].values["mother_code"] == "Ibu Añi"


def test_the_content_hash_is_the_same_for_the_same_data_in_xlsx_and_csv():
    assert xlsx_workbook(VALID).content_hash() == csv_workbook(VALID).content_hash()
    changed = {**VALID, "cadres": [*VALID["cadres"], ["K03", "Eni", "", "", ""]]}
    assert xlsx_workbook(changed).content_hash() != xlsx_workbook(VALID).content_hash()


def test_a_file_that_is_not_a_workbook_is_unreadable():
    with pytest.raises(DomainError) as error:
        read_xlsx(io.BytesIO(b"plain text"), source_name="notes.xlsx")
    assert error.value.code == InteropErrorCode.UNREADABLE_FILE
