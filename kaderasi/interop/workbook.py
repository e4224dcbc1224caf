"""The programme workbook: its sheets and columns, and reading it from .xlsx or CSV files.

Reading only turns files into rows of raw cell values with the row numbers a person sees in
Excel (the header is row 1); checking the values is `validation.py`'s job.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaderasi.core.errors import DomainError
from kaderasi.interop.errors import InteropErrorCode


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    help: Any  # a lazy translated description, for the template's instructions


@dataclass(frozen=True)
class SheetFormat:
    name: str
    columns: tuple[Column, ...]
    help: Any

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def required_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.required)


CADRES = "cadres"
KNOWLEDGE_TESTS = "knowledge_tests"
MOTHERS = "mothers"
MILK_VOLUMES = "milk_volumes"
PROGRAMME = "programme"

PHASES_KNOWLEDGE = ("pre", "post")
PHASES_MILK = ("before", "after")
GROUPS = ("intervention", "comparison")
DELIVERY_TYPES = ("spontaneous", "caesarean")
METHODS = ("hand_expression", "manual_pump", "electric_pump", "test_weighing", "estimate")
BASES = ("single_expression", "24h_estimate", "unknown")

SHEETS: dict[str, SheetFormat] = {
    CADRES: SheetFormat(
        CADRES,
        (
            Column("code", True, gettext_lazy("The programme's code for the cadre, e.g. K01.")),
            Column("name", True, gettext_lazy("Full name.")),
            Column("phone", False, gettext_lazy("Mobile number, e.g. 0812 3456 7890.")),
            Column("posyandu", False, gettext_lazy("Name of her posyandu.")),
            Column("village", False, gettext_lazy("Name of the village (desa/kelurahan).")),
        ),
        gettext_lazy("One row per cadre."),
    ),
    KNOWLEDGE_TESTS: SheetFormat(
        KNOWLEDGE_TESTS,
        (
            Column("cadre_code", True, gettext_lazy("Code of the cadre in the cadres sheet.")),
            Column("phase", True, gettext_lazy("pre (before the training) or post (after).")),
            Column("score", True, gettext_lazy("Total score from 0 to 100.")),
            Column("taken_on", False, gettext_lazy("Date of the test.")),
        ),
        gettext_lazy("One row per cadre and test: at most one pre and one post score each."),
    ),
    MOTHERS: SheetFormat(
        MOTHERS,
        (
            Column("code", True, gettext_lazy("The programme's code for the mother, e.g. M01.")),
            Column("name", True, gettext_lazy("Name.")),
            Column(
                "cadre_code",
                False,
                gettext_lazy("Code of the cadre who accompanied her (One Kader One Client)."),
            ),
            Column(
                "group",
                False,
                gettext_lazy("intervention or comparison; empty means intervention."),
            ),
            Column("delivery_date", False, gettext_lazy("Date of birth of the baby.")),
            Column("delivery_type", False, gettext_lazy("spontaneous or caesarean.")),
            Column("parity", False, gettext_lazy("Number of births including this one (1–20).")),
            Column(
                "posyandu",
                False,
                gettext_lazy(
                    "Name or official code of her posyandu. Needed for a mother without a cadre "
                    "(a comparison group) when the programme covers several villages; "
                    "otherwise she is registered at her cadre's posyandu."
                ),
            ),
            Column(
                "village",
                False,
                gettext_lazy("Name or official code of her village (desa/kelurahan)."),
            ),
        ),
        gettext_lazy("One row per mother."),
    ),
    MILK_VOLUMES: SheetFormat(
        MILK_VOLUMES,
        (
            Column("mother_code", True, gettext_lazy("Code of the mother in the mothers sheet.")),
            Column(
                "phase",
                True,
                gettext_lazy("before (before the first massage) or after (after the last)."),
            ),
            Column("volume_ml", True, gettext_lazy("Milk volume in ml, from 0 to 1500.")),
            Column("measured_on", False, gettext_lazy("Date of the measurement.")),
            Column(
                "postpartum_day",
                False,
                gettext_lazy("Day after birth (day 1 = the first 24 hours); needs delivery_date."),
            ),
            Column("method", False, gettext_lazy("How the milk was measured.")),
            Column(
                "basis",
                False,
                gettext_lazy(
                    "single_expression, 24h_estimate or unknown; empty means unknown. Only "
                    "24-hour estimates are compared with reference volumes."
                ),
            ),
        ),
        gettext_lazy("At most one before and one after volume per mother."),
    ),
}
DATA_SHEETS = tuple(SHEETS)

PROGRAMME_FIELDS = (
    "name",
    "description",
    "area",
    "starts_on",
    "ends_on",
    "design",
    "is_illustrative",
    "data_note",
)
PROGRAMME_COLUMNS = ("field", "value")


@dataclass(frozen=True)
class RawRow:
    number: int
    values: dict[str, Any]


@dataclass
class RawSheet:
    """One sheet as read: its header (normalised names, in order) and its non-empty rows."""

    name: str
    header: list[str]
    rows: list[RawRow]
    header_row: int = 1


@dataclass
class RawWorkbook:
    """The known sheets as read, and the names (as written) of sheets or CSV files with data
    whose name is not a sheet of the format (a misspelt sheet must not be dropped silently)."""

    source_name: str
    sheets: dict[str, RawSheet] = field(default_factory=dict)
    unknown_sheets: list[str] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return sum(len(sheet.rows) for name, sheet in self.sheets.items() if name in SHEETS)

    def content_hash(self) -> str:
        """SHA-256 of the content (sheets, columns, cell values), not of the file's bytes: the same
        data saved again, or as CSV instead of .xlsx, has the same hash."""
        canonical = {
            name: {
                "header": sheet.header,
                "rows": [
                    [_canonical(row.values.get(column)) for column in sheet.header]
                    for row in sheet.rows
                ],
            }
            for name, sheet in sorted(self.sheets.items())
        }
        encoded = json.dumps(canonical, ensure_ascii=False, sort_keys=True).encode()
        return hashlib.sha256(encoded).hexdigest()


def _canonical(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def unreadable(message: str) -> DomainError:
    return DomainError(InteropErrorCode.UNREADABLE_FILE, message, field="file")


def normalise_header(value: Any) -> str:
    return "" if value is None else str(value).strip().lower()


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _sheet(name: str, lines: Iterable[tuple[int, Iterable[Any]]]) -> RawSheet:
    """Build a sheet from (row number, cells); the first non-empty line is the header."""
    header: list[str] | None = None
    header_row = 1
    rows: list[RawRow] = []
    for number, cells in lines:
        values = [_clean(cell) for cell in cells]
        if all(value is None for value in values):
            continue
        if header is None:
            header = [normalise_header(value) for value in values]
            while header and header[-1] == "":
                header.pop()
            header_row = number
            continue
        rows.append(
            RawRow(
                number=number,
                values={
                    column: values[index] if index < len(values) else None
                    for index, column in enumerate(header)
                    if column
                },
            )
        )
    return RawSheet(name=name, header=header or [], rows=rows, header_row=header_row)


KNOWN_SHEETS = (*DATA_SHEETS, PROGRAMME)

# Sheets kaderasi itself writes beside the data, named in the language of the file: the
# template's instructions (blank_workbook.py), and the summary and "Table N" sheets of a
# programme report's workbook, which re-imports (reports.documents).
INSTRUCTIONS_SHEET = gettext_lazy("instructions")
REPORT_SUMMARY_SHEET = gettext_lazy("Report")
REPORT_TABLE_SHEET = gettext_lazy("Table")


def is_companion_sheet(name: str) -> bool:
    """Whether `name` (any case) is a sheet kaderasi writes beside the data, in any language."""
    name = name.strip().lower()
    for code, _language in settings.LANGUAGES:
        with translation.override(code):
            if name in (str(INSTRUCTIONS_SHEET).lower(), str(REPORT_SUMMARY_SHEET).lower()):
                return True
            if re.fullmatch(rf"{re.escape(str(REPORT_TABLE_SHEET).lower())} \d+", name):
                return True
    return False


def _has_values(rows: Iterable[Iterable[Any]]) -> bool:
    return any(_clean(cell) is not None for row in rows for cell in row)


def read_xlsx(source: str | Path | BinaryIO, *, source_name: str) -> RawWorkbook:
    """Read the known sheets of an .xlsx workbook. Any other sheet with data is listed in
    `unknown_sheets`, unless kaderasi wrote it beside the data (`is_companion_sheet`).

    Raises DomainError(UNREADABLE_FILE) when the file is not a readable .xlsx workbook.
    """
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise unreadable(
            _("%(file)s is not a readable Excel workbook (.xlsx).") % {"file": source_name}
        ) from error
    workbook = RawWorkbook(source_name=source_name)
    try:
        for worksheet in book.worksheets:
            name = worksheet.title.strip().lower()
            if name not in KNOWN_SHEETS:
                if not is_companion_sheet(name) and _has_values(
                    worksheet.iter_rows(values_only=True)
                ):
                    workbook.unknown_sheets.append(worksheet.title.strip())
                continue
            workbook.sheets[name] = _sheet(
                name,
                (
                    (number, row)
                    for number, row in enumerate(worksheet.iter_rows(values_only=True), start=1)
                ),
            )
    finally:
        book.close()
    return workbook


def read_csv_folder(folder: str | Path) -> RawWorkbook:
    """Read `<sheet>.csv` files of a folder (file names as the sheet names)."""
    path = Path(folder)
    files = {
        child.stem.strip().lower(): child.read_bytes()
        for child in sorted(path.iterdir())
        if child.is_file() and child.suffix.lower() == ".csv"
    }
    return read_csv_files(files, source_name=path.name)


# A CSV cell starting with one of these is a formula to a spreadsheet: kaderasi writes such text
# with a leading apostrophe (OWASP's advice against formula injection) and reads it back without.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text_escape(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text_unescape(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def read_csv_files(files: Mapping[str, bytes], *, source_name: str) -> RawWorkbook:
    """Read CSV contents keyed by sheet name. UTF-8 (with or without BOM) or Windows-1252; comma
    or semicolon separated (Excel in an Indonesian locale writes semicolons). A file with data
    whose name is not a sheet's is listed in `unknown_sheets`."""
    workbook = RawWorkbook(source_name=source_name)
    for name, content in files.items():
        text = _decode(content)
        if name not in KNOWN_SHEETS:
            if not is_companion_sheet(name) and text.strip(" \t\r\n,;\ufeff"):
                workbook.unknown_sheets.append(f"{name}.csv")
            continue
        first_line = text.split("\n", 1)[0]
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        lines = ([csv_text_unescape(cell) for cell in cells] for cells in reader)
        workbook.sheets[name] = _sheet(name, enumerate(lines, start=1))
    return workbook


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def read_path(path: str | Path) -> RawWorkbook:
    """An .xlsx file or a folder of CSV files."""
    source = Path(path)
    if source.is_dir():
        return read_csv_folder(source)
    if not source.exists():
        raise unreadable(_("%(file)s does not exist.") % {"file": str(source)})
    if source.suffix.lower() == ".csv":
        return read_csv_files(
            {source.stem.strip().lower(): source.read_bytes()}, source_name=source.name
        )
    return read_xlsx(source, source_name=source.name)


MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def read_uploads(files) -> RawWorkbook:
    """Uploaded files: one .xlsx workbook, or CSV files named like the sheets.

    Raises DomainError(UNREADABLE_FILE) for anything else."""
    names = [upload.name for upload in files]
    for upload in files:
        if upload.size > MAX_UPLOAD_BYTES:
            raise unreadable(
                _("%(file)s is larger than %(size)s MB.")
                % {"file": upload.name, "size": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
    if len(files) == 1 and names[0].lower().endswith(".xlsx"):
        return read_xlsx(files[0], source_name=names[0])
    if files and all(name.lower().endswith(".csv") for name in names):
        # A file named after no sheet is listed with the other problems (read_csv_files).
        contents = {Path(upload.name).stem.strip().lower(): upload.read() for upload in files}
        return read_csv_files(contents, source_name=", ".join(sorted(names)))
    raise unreadable(
        _("Upload one Excel workbook (.xlsx), or the CSV files of its sheets (cadres.csv, …).")
    )
