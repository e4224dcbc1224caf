"""Workbooks and CSV folders built in tests, from plain rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import xlsxwriter

from kaderasi.interop.workbook import RawWorkbook, read_csv_files, read_xlsx

Sheets = dict[str, list[list[Any]]]

# A small valid programme for the `world` of conftest.py (programme wedi-2026 in Kecamatan Wedi,
# villages Desa Pandes with Posyandu Mawar and Desa Canan with Posyandu Kenanga).
VALID: Sheets = {
    "cadres": [
        ["code", "name", "phone", "posyandu", "village"],
        ["K01", "Sri Rahayu", "0812 3456 7890", "Mawar", "Pandes"],
        ["K02", "Tri Utami", "", "Posyandu Melati", "Desa Canan"],
    ],
    "knowledge_tests": [
        ["cadre_code", "phase", "score", "taken_on"],
        ["K01", "pre", 50, dt.date(2026, 1, 10)],
        ["K01", "post", 90, dt.date(2026, 1, 10)],
        ["k02", "PRE", "62,5", "10/01/2026"],
        ["K02", "post", 85, "2026-01-10"],
    ],
    "mothers": [
        ["code", "name", "cadre_code", "group", "delivery_date", "delivery_type", "parity"],
        ["M01", "Ibu Ani", "K01", "intervention", dt.date(2026, 3, 1), "spontaneous", 1],
        ["M02", "Ibu Budi", "K02", "", dt.date(2026, 3, 5), "caesarean", 2],
    ],
    "milk_volumes": [
        [
            "mother_code",
            "phase",
            "volume_ml",
            "measured_on",
            "postpartum_day",
            "method",
            "basis",
        ],
        ["M01", "before", 40, dt.date(2026, 3, 1), 1, "hand_expression", "24h_estimate"],
        ["M01", "after", 300, dt.date(2026, 3, 3), 3, "hand_expression", "24h_estimate"],
        ["M02", "before", 35.5, "", 1, "manual_pump", ""],
        ["M02", "after", 250, dt.date(2026, 3, 8), "", "manual pump", "single expression"],
    ],
}


def copy_of(sheets: Sheets) -> Sheets:
    return {name: [list(row) for row in rows] for name, rows in sheets.items()}


def xlsx_bytes(sheets: Sheets, *, extra_sheets: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for name in extra_sheets:
        workbook.add_worksheet(name).write(0, 0, "Notes for people, not data")
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for row_number, row in enumerate(rows):
            for column, value in enumerate(row):
                if isinstance(value, dt.date):
                    sheet.write_datetime(
                        row_number, column, dt.datetime.combine(value, dt.time()), date_format
                    )
                elif value not in (None, ""):
                    sheet.write(row_number, column, value)
    workbook.close()
    return buffer.getvalue()


def xlsx_workbook(sheets: Sheets, name: str = "programme.xlsx") -> RawWorkbook:
    return read_xlsx(io.BytesIO(xlsx_bytes(sheets)), source_name=name)


def csv_text(rows: list[list[Any]], delimiter: str = ",") -> str:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\n")
    for row in rows:
        writer.writerow(
            [
                "" if value is None else value.isoformat() if isinstance(value, dt.date) else value
                for value in row
            ]
        )
    return text.getvalue()


def csv_folder(sheets: Sheets, folder: Path, delimiter: str = ",") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in sheets.items():
        (folder / f"{name}.csv").write_text(csv_text(rows, delimiter), encoding="utf-8-sig")
    return folder


def csv_workbook(sheets: Sheets, name: str = "programme") -> RawWorkbook:
    return read_csv_files(
        {sheet: csv_text(rows).encode() for sheet, rows in sheets.items()}, source_name=name
    )
