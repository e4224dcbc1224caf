"""The programme workbook: its sheets and columns, and reading it from .xlsx or CSV files.

Reading only turns files into rows of raw cell values with the row numbers a person sees in
Excel (the header is row 1); checking the values is `validation.py`'s job.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import itertools
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaderasi.core import numbers
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
    "baseline_days",
    "follow_up_days",
    "follow_up_after_baseline",
    "analyse_protocol_conformant_only",
)
PROGRAMME_COLUMNS = ("field", "value")


@dataclass(frozen=True)
class RawRow:
    number: int
    values: dict[str, Any]


@dataclass
class RawSheet:
    """One sheet as read: its header (normalised names, in order), how many non-empty rows it
    has, and its rows: a list, or (from a file) an iterable that reads them from the file again
    each time it is iterated, so that no row is held longer than it is looked at."""

    name: str
    header: list[str]
    rows: Iterable[RawRow]
    header_row: int = 1
    row_count: int = -1

    def __post_init__(self) -> None:
        if self.row_count < 0:
            self.row_count = len(list(self.rows))


@dataclass
class RawWorkbook:
    """The known sheets as read, and the names (as written) of sheets or CSV files with data
    whose name is not a sheet of the format (a misspelt sheet must not be dropped silently).

    A workbook read from a file keeps it open to read its rows again: `close()` it (or use it
    in a `with`) once the import is over."""

    source_name: str
    sheets: dict[str, RawSheet] = field(default_factory=dict)
    unknown_sheets: list[str] = field(default_factory=list)
    # The content hash, computed by the readers while they first go through the rows.
    content_sha256: str = ""
    closers: list[Callable[[], None]] = field(default_factory=list, repr=False)

    @property
    def row_count(self) -> int:
        return sum(sheet.row_count for name, sheet in self.sheets.items() if name in SHEETS)

    def content_hash(self) -> str:
        """SHA-256 of the content (sheets, columns, cell values), not of the file's bytes: the same
        data saved again, or as CSV instead of .xlsx, has the same hash."""
        if not self.content_sha256:
            digest = ContentHash()
            for name, sheet in sorted(self.sheets.items()):
                digest.sheet_start(name, sheet.header)
                for row in sheet.rows:
                    digest.row(row)
                digest.sheet_end()
            self.content_sha256 = digest.hexdigest()
        return self.content_sha256

    def close(self) -> None:
        for close in self.closers:
            close()
        self.closers.clear()

    def __enter__(self) -> RawWorkbook:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class ContentHash:
    """The content hash, fed sheet by sheet in the order of their names and row by row: the
    SHA-256 of the bytes of ``json.dumps({sheet: {"header": [...], "rows": [[cell, ...], ...]}},
    ensure_ascii=False, sort_keys=True)`` with every cell as `_canonical` writes it (the hash the
    import has always stored, computed without holding the rows)."""

    def __init__(self) -> None:
        self._digest = hashlib.sha256(b"{")
        self._sheets = 0
        self._rows = 0
        self._header: list[str] = []

    def _add(self, text: str) -> None:
        self._digest.update(text.encode())

    def sheet_start(self, name: str, header: list[str]) -> None:
        separator = ", " if self._sheets else ""
        self._add(
            f"{separator}{_json(name)}: {{{_json('header')}: {_json(header)}, {_json('rows')}: ["
        )
        self._sheets += 1
        self._rows = 0
        self._header = header

    def row(self, row: RawRow) -> None:
        separator = ", " if self._rows else ""
        self._add(
            separator + _json([_canonical(row.values.get(column)) for column in self._header])
        )
        self._rows += 1

    def sheet_end(self) -> None:
        self._add("]}")

    def hexdigest(self) -> str:
        digest = self._digest.copy()
        digest.update(b"}")
        return digest.hexdigest()


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


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


# Limits checked while a file is read, before any row is kept beyond them (issue 14, build 9): a
# workbook is refused as soon as it passes one, so a huge file or a zip bomb costs neither the
# time nor the memory of parsing it whole.
MAX_CELL_CHARS = 32_767  # Excel's own limit for the text of one cell


def import_max_rows() -> int:
    """Rows of all sheets together an import reads (KADERASI_IMPORT_MAX_ROWS)."""
    return settings.KADERASI_IMPORT_MAX_ROWS


def max_uncompressed_bytes() -> int:
    """What the parts of an .xlsx file (a zip) may add up to once unpacked."""
    return settings.KADERASI_IMPORT_MAX_UNCOMPRESSED_MB * 1024 * 1024


class _Budget:
    """Counts the rows read across sheets and refuses the file once it has too many."""

    def __init__(self, source_name: str, limit: int | None):
        self.source_name = source_name
        self.limit = import_max_rows() if limit is None else limit
        self.rows = 0

    def take(self) -> None:
        self.rows += 1
        if self.rows > self.limit:
            raise DomainError(
                InteropErrorCode.TOO_MANY_ROWS,
                _(
                    "%(file)s has more than %(max)s rows; nothing was imported. Split it into "
                    "files of at most %(max)s rows."
                )
                % {"file": self.source_name, "max": numbers.number(self.limit, 0)},
                field="file",
            )


def unreadable(message: str) -> DomainError:
    return DomainError(InteropErrorCode.UNREADABLE_FILE, message, field="file")


def normalise_header(value: Any) -> str:
    return "" if value is None else str(value).strip().lower()


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


Lines = Callable[[], Iterable[tuple[int, Iterable[Any]]]]


def _sheet(name: str, lines: Lines, budget: _Budget, digest: ContentHash) -> RawSheet:
    """Go once through a sheet's (row number, cells) as `lines()` gives them, checking the limits
    and hashing the content without keeping a row; the first non-empty line is the header. The
    sheet's rows are read again from `lines()` whenever they are iterated."""
    header: list[str] | None = None
    header_row = 1
    count = 0
    for number, values in _non_empty(lines()):
        budget.take()
        for index, value in enumerate(values):
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                raise _oversize_cell(name, number, index, header)
        if header is None:
            header = [normalise_header(value) for value in values]
            while header and header[-1] == "":
                header.pop()
            header_row = number
            digest.sheet_start(name, header)
            continue
        digest.row(_raw_row(number, values, header))
        count += 1
    if header is None:
        header = []
        digest.sheet_start(name, header)
    digest.sheet_end()
    return RawSheet(
        name=name,
        header=header,
        rows=_Reread(lines, header, header_row),
        header_row=header_row,
        row_count=count,
    )


def _non_empty(lines: Iterable[tuple[int, Iterable[Any]]]) -> Iterator[tuple[int, list[Any]]]:
    for number, cells in lines:
        values = [_clean(cell) for cell in cells]
        if any(value is not None for value in values):
            yield number, values


def _raw_row(number: int, values: list[Any], header: list[str]) -> RawRow:
    return RawRow(
        number=number,
        values={
            column: values[index] if index < len(values) else None
            for index, column in enumerate(header)
            if column
        },
    )


class _Reread:
    """The data rows of a sheet, read from the file again each time they are iterated."""

    def __init__(self, lines: Lines, header: list[str], header_row: int):
        self.lines = lines
        self.header = header
        self.header_row = header_row

    def __iter__(self) -> Iterator[RawRow]:
        for number, values in _non_empty(self.lines()):
            if number > self.header_row:
                yield _raw_row(number, values, self.header)


def _oversize_cell(sheet: str, row: int, index: int, header: list[str] | None) -> DomainError:
    column = header[index] if header and index < len(header) and header[index] else index + 1
    return DomainError(
        InteropErrorCode.CELL_TOO_LONG,
        _(
            "Sheet %(sheet)s, row %(row)s, column %(column)s: the cell has more than %(max)s "
            "characters (the most a spreadsheet cell holds); nothing was imported."
        )
        % {"sheet": sheet, "row": row, "column": column, "max": numbers.number(MAX_CELL_CHARS, 0)},
        field="file",
    )


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


def _check_unpacked_size(source: str | Path | BinaryIO, source_name: str) -> None:
    """Refuse an .xlsx file whose parts unpack to more than the limit (a zip bomb) from its zip
    directory alone, before anything is decompressed."""
    try:
        with zipfile.ZipFile(source) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise unreadable(
            _("%(file)s is not a readable Excel workbook (.xlsx).") % {"file": source_name}
        ) from error
    finally:
        if hasattr(source, "seek"):
            source.seek(0)
    if unpacked > max_uncompressed_bytes():
        raise DomainError(
            InteropErrorCode.FILE_TOO_LARGE,
            _(
                "%(file)s unpacks to %(size)s MB, more than the %(max)s MB an import reads; "
                "nothing was imported."
            )
            % {
                "file": source_name,
                "size": numbers.number(unpacked / 1024 / 1024, 0),
                "max": numbers.number(settings.KADERASI_IMPORT_MAX_UNCOMPRESSED_MB, 0),
            },
            field="file",
        )


def _size_sheets_from_their_head() -> None:
    """Make openpyxl look for a sheet's `<dimension>` only before its rows.

    Opening a workbook, openpyxl's read-only sheet looks for the `<dimension>` element until the
    *end* of `<sheetData>`: a sheet without one (a file not written by Excel, or made to hurt) was
    parsed whole before the first row reached the row limit. Measured against gunicorn
    (bench_security): a 1.4 M-row workbook without it, 8.4 MB, kept a server worker busy past its
    30 s timeout (a 500). Stopping at the start of `<sheetData>` reads the same dimension when
    there is one; without one the sheet's size is unknown, which reading row by row does not
    need."""
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    ReadOnlyWorksheet._get_size = _sheet_size_from_its_head


def _sheet_size_from_its_head(worksheet) -> None:
    from xml.etree.ElementTree import iterparse

    from openpyxl.worksheet.dimensions import SheetDimension
    from openpyxl.xml.constants import SHEET_MAIN_NS

    source = worksheet._get_source()
    try:
        for _event, element in iterparse(source, events=("start",)):  # noqa: S314
            if element.tag == f"{{{SHEET_MAIN_NS}}}dimension":
                boundaries = SheetDimension.from_tree(element).boundaries
                if boundaries is not None:
                    (
                        worksheet._min_column,
                        worksheet._min_row,
                        worksheet._max_column,
                        worksheet._max_row,
                    ) = boundaries
                return
            if element.tag == f"{{{SHEET_MAIN_NS}}}sheetData":
                return
    finally:
        source.close()


def read_xlsx(
    source: str | Path | BinaryIO, *, source_name: str, max_rows: int | None = None
) -> RawWorkbook:
    """Read the known sheets of an .xlsx workbook. Any other sheet with data is listed in
    `unknown_sheets`, unless kaderasi wrote it beside the data (`is_companion_sheet`).

    Raises DomainError(UNREADABLE_FILE) when the file is not a readable .xlsx workbook, and
    DomainError (FILE_TOO_LARGE, TOO_MANY_ROWS, CELL_TOO_LONG) as soon as a limit is passed.
    """
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    _check_unpacked_size(source, source_name)
    budget = _Budget(source_name, max_rows)
    _size_sheets_from_their_head()
    try:
        book = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise unreadable(
            _("%(file)s is not a readable Excel workbook (.xlsx).") % {"file": source_name}
        ) from error
    workbook = RawWorkbook(source_name=source_name, closers=[book.close])
    try:
        known = {}
        for worksheet in book.worksheets:
            name = worksheet.title.strip().lower()
            if name in KNOWN_SHEETS:
                known[name] = worksheet
            elif not is_companion_sheet(name) and _has_values(
                worksheet.iter_rows(values_only=True)
            ):
                workbook.unknown_sheets.append(worksheet.title.strip())
        digest = ContentHash()
        for name, worksheet in sorted(known.items()):
            workbook.sheets[name] = _sheet(name, _worksheet_lines(worksheet), budget, digest)
        workbook.content_sha256 = digest.hexdigest()
    except BaseException:
        workbook.close()
        raise
    return workbook


def _worksheet_lines(worksheet) -> Lines:
    return lambda: enumerate(worksheet.iter_rows(values_only=True), start=1)


def read_csv_folder(folder: str | Path, *, max_rows: int | None = None) -> RawWorkbook:
    """Read `<sheet>.csv` files of a folder (file names as the sheet names), each streamed."""
    path = Path(folder)
    files = {
        child.stem.strip().lower(): child
        for child in sorted(path.iterdir())
        if child.is_file() and child.suffix.lower() == ".csv"
    }
    return read_csv_files(files, source_name=path.name, max_rows=max_rows)


# A CSV cell starting with one of these is a formula to a spreadsheet: kaderasi writes such text
# with a leading apostrophe (OWASP's advice against formula injection) and reads it back without.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text_escape(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text_unescape(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


CsvSource = bytes | Path | BinaryIO
SNIFF_BYTES = 1024 * 1024  # the encoding is judged on the first megabyte


def read_csv_files(
    files: Mapping[str, CsvSource], *, source_name: str, max_rows: int | None = None
) -> RawWorkbook:
    """Read CSV files keyed by sheet name (their bytes, a path or an open binary file), each
    streamed line by line. UTF-8 (with or without BOM), UTF-16 with its BOM, or Windows-1252;
    comma or semicolon separated (Excel in an Indonesian locale writes semicolons). A file with
    data whose name is not a sheet's is listed in `unknown_sheets`.

    Raises DomainError (UNREADABLE_FILE for a NUL character or a broken encoding,
    TOO_MANY_ROWS, CELL_TOO_LONG) naming the file and line, as soon as it is met."""
    workbook = RawWorkbook(source_name=source_name)
    budget = _Budget(source_name, max_rows)
    digest = ContentHash()
    for name, source in sorted(files.items()):
        file_name = f"{name}.csv"
        if name in KNOWN_SHEETS:
            workbook.sheets[name] = _sheet(name, _csv_lines(source, file_name), budget, digest)
            continue
        with _text(source, file_name) as text:
            if not is_companion_sheet(name) and _has_text(text, file_name):
                workbook.unknown_sheets.append(file_name)
    workbook.content_sha256 = digest.hexdigest()
    return workbook


@contextmanager
def _text(source: CsvSource, file_name: str) -> Iterator[io.TextIOWrapper]:
    """The CSV file as text from its start, each time it is asked for (an open file is read
    again from its start and left open for its owner)."""
    if isinstance(source, bytes):
        stream: BinaryIO = io.BytesIO(source)
    elif isinstance(source, Path):
        stream = source.open("rb")
    else:
        stream = source
        stream.seek(0)
    text = _text_stream(stream, file_name)
    try:
        yield text
    finally:
        if stream is source:
            text.detach()
        else:
            text.close()


def _text_stream(stream: BinaryIO, file_name: str) -> io.TextIOWrapper:
    """The file as text in the encoding its first bytes show."""
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        try:
            head.decode("utf-8-sig")
            encoding = "utf-8-sig"
        except UnicodeDecodeError as error:
            # A multi-byte character cut at the end of the sample is still UTF-8.
            encoding = "utf-8-sig" if error.start >= len(head) - 3 else "cp1252"
    return io.TextIOWrapper(stream, encoding=encoding, errors="strict", newline="")


def _has_text(text: io.TextIOWrapper, file_name: str) -> bool:
    with _read_errors(file_name, 1):
        return bool(text.read(SNIFF_BYTES).strip(" \t\r\n,;\ufeff"))


def _csv_lines(source: CsvSource, file_name: str) -> Lines:
    def lines() -> Iterator[tuple[int, list[str]]]:
        with _text(source, file_name) as text:
            yield from _csv_rows(text, file_name)

    return lines


def _csv_rows(text: io.TextIOWrapper, file_name: str) -> Iterator[tuple[int, list[str]]]:
    with _read_errors(file_name, 1):
        first_line = text.readline()
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(itertools.chain([first_line], text), delimiter=delimiter)
    number = 0
    while True:
        with _read_errors(file_name, reader.line_num + 1):
            try:
                cells = next(reader)
            except StopIteration:
                return
        number += 1
        if any("\x00" in cell for cell in cells):
            raise unreadable(
                _(
                    "%(file)s, line %(line)s, has a NUL character (byte 0): it is not a text "
                    "CSV file. Save it again from the spreadsheet as “CSV UTF-8”."
                )
                % {"file": file_name, "line": reader.line_num}
            )
        yield number, [csv_text_unescape(cell) for cell in cells]


@contextmanager
def _read_errors(file_name: str, line: int) -> Iterator[None]:
    """Reading errors of a CSV file as DomainErrors naming the file and the line."""
    try:
        yield
    except UnicodeDecodeError as error:
        raise unreadable(
            _(
                "%(file)s, near line %(line)s, is not in a text encoding kaderasi reads (UTF-8, "
                "UTF-16 or Windows-1252). Save it again from the spreadsheet as “CSV UTF-8”."
            )
            % {"file": file_name, "line": line}
        ) from error
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise DomainError(
                InteropErrorCode.CELL_TOO_LONG,
                _(
                    "%(file)s, line %(line)s: a cell has more than %(max)s characters (the most "
                    "a spreadsheet cell holds); nothing was imported."
                )
                % {"file": file_name, "line": line, "max": numbers.number(MAX_CELL_CHARS, 0)},
                field="file",
            ) from error
        raise unreadable(
            _("%(file)s, line %(line)s, is not a readable CSV file: %(problem)s")
            % {"file": file_name, "line": line, "problem": str(error)}
        ) from error


def read_path(path: str | Path) -> RawWorkbook:
    """An .xlsx file or a folder of CSV files."""
    source = Path(path)
    if source.is_dir():
        return read_csv_folder(source)
    if not source.exists():
        raise unreadable(_("%(file)s does not exist.") % {"file": str(source)})
    if source.suffix.lower() == ".csv":
        return read_csv_files({source.stem.strip().lower(): source}, source_name=source.name)
    return read_xlsx(source, source_name=source.name)


MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def uploads_check(files) -> None:
    """What can be said of uploads before a row is parsed, so that the page answers at once: each
    file's size, that they are one .xlsx workbook or CSV files, and how far the workbook unpacks
    (from its zip directory).

    Raises DomainError (UNREADABLE_FILE, FILE_TOO_LARGE) otherwise."""
    names = [upload.name for upload in files]
    for upload in files:
        if upload.size > MAX_UPLOAD_BYTES:
            raise unreadable(
                _("%(file)s is larger than %(size)s MB.")
                % {
                    "file": upload.name,
                    "size": numbers.number(MAX_UPLOAD_BYTES // (1024 * 1024), 0),
                }
            )
    if len(files) == 1 and names[0].lower().endswith(".xlsx"):
        _check_unpacked_size(files[0], names[0])
        return
    if files and all(name.lower().endswith(".csv") for name in names):
        return
    raise unreadable(
        _("Upload one Excel workbook (.xlsx), or the CSV files of its sheets (cadres.csv, …).")
    )


def read_uploads(files, *, max_rows: int | None = None) -> RawWorkbook:
    """Uploaded files (Django files: uploads, or the stored copies of the background import):
    one .xlsx workbook, or CSV files named like the sheets, checked by `uploads_check` and read
    with the limits of `read_xlsx` and `read_csv_files` (`max_rows` instead of the setting's)."""
    uploads_check(files)
    names = [upload.name for upload in files]
    if names[0].lower().endswith(".xlsx"):
        return read_xlsx(files[0], source_name=names[0], max_rows=max_rows)
    # A file named after no sheet is listed with the other problems (read_csv_files).
    contents = {Path(upload.name).stem.strip().lower(): upload.open("rb") for upload in files}
    return read_csv_files(contents, source_name=", ".join(sorted(names)), max_rows=max_rows)
