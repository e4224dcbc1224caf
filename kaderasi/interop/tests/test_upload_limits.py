"""Files are read as streams with their limits checked before the rows are kept (issue 14,
build 9): too many rows, a zip bomb, an oversize cell, NUL bytes and other encodings get a clear
message naming the file and the line, never a crash or a traceback."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from kaderasi.core.errors import DomainError
from kaderasi.interop.errors import InteropErrorCode
from kaderasi.interop.tests.builders import VALID, xlsx_bytes
from kaderasi.interop.workbook import read_csv_files, read_path, read_xlsx

pytestmark = pytest.mark.django_db

CADRES_HEADER = "code,name,phone,posyandu,village\r\n"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


class CountingStream(io.BytesIO):
    """A file that counts how much of it was read."""

    def __init__(self, content: bytes):
        super().__init__(content)
        self.bytes_read = 0

    def read(self, size=-1):
        data = super().read(size)
        self.bytes_read += len(data)
        return data

    def read1(self, size=-1):
        data = super().read1(size)
        self.bytes_read += len(data)
        return data

    def readinto(self, buffer):
        count = super().readinto(buffer)
        self.bytes_read += count
        return count


def test_a_file_with_too_many_rows_is_refused_after_reading_only_the_rows_allowed(settings):
    settings.KADERASI_IMPORT_MAX_ROWS = 1_000
    rows = "".join(f"K{n},Kader {n},,Mawar,Pandes\r\n" for n in range(400_000))
    stream = CountingStream((CADRES_HEADER + rows).encode())

    with pytest.raises(DomainError) as refused:
        read_csv_files({"cadres": stream}, source_name="cadres.csv")

    assert refused.value.code == InteropErrorCode.TOO_MANY_ROWS
    assert refused.value.message == (
        "cadres.csv has more than 1,000 rows; nothing was imported. Split it into files of at "
        "most 1,000 rows."
    )
    # Streamed: the reader stopped near the limit instead of taking in the whole file.
    assert stream.bytes_read < len(stream.getvalue()) / 5


def test_an_xlsx_with_too_many_rows_is_refused_while_it_is_read(settings):
    settings.KADERASI_IMPORT_MAX_ROWS = 5
    with pytest.raises(DomainError) as refused:
        read_xlsx(io.BytesIO(xlsx_bytes(VALID)), source_name="wedi.xlsx")
    assert refused.value.code == InteropErrorCode.TOO_MANY_ROWS


def _sheet_without_dimension(rows: int) -> bytes:
    """An .xlsx whose one sheet (`cadres`) has no `<dimension>` element, as some tools write."""
    cell = '<c t="inlineStr"><is><t>{}</t></is></c>'
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.'
        'openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
        "xl/workbook.xml": '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships"><sheets><sheet name="cadres" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>",
        "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": '<worksheet xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main"><sheetData>'
        + "".join(
            f"<row>{cell.format(f'K{n}')}{cell.format(f'Kader {n}')}</row>" for n in range(rows)
        )
        + "</sheetData></worksheet>",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_sheet_without_its_dimension_is_not_read_whole_before_the_row_limit(settings):
    # Found against gunicorn (bench_security): openpyxl looked for <dimension> to the end of the
    # sheet, so a 1.4 M-row workbook without one kept a worker past its timeout (a 500).
    settings.KADERASI_IMPORT_MAX_ROWS = 1_000
    stream = CountingStream(_sheet_without_dimension(200_000))

    with pytest.raises(DomainError) as refused:
        read_xlsx(stream, source_name="tanpa-dimensi.xlsx")

    assert refused.value.code == InteropErrorCode.TOO_MANY_ROWS
    assert stream.bytes_read < len(stream.getvalue()) / 5


def test_a_sheet_without_its_dimension_is_still_read_row_by_row():
    workbook = read_xlsx(io.BytesIO(_sheet_without_dimension(3)), source_name="kecil.xlsx")

    assert workbook.row_count == 2  # the first row is the header


def _zip_bomb(unpacked_mb: int, declared_mb: int | None = None) -> bytes:
    """A small .xlsx-shaped zip whose sheet unpacks to `unpacked_mb` MB of spaces; with
    `declared_mb`, its directory claims that size instead (what the check reads, without the
    seconds of compressing a gigabyte)."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w") as part,
    ):
        chunk = b" " * (1024 * 1024)
        for _ in range(unpacked_mb):
            part.write(chunk)
    if declared_mb is None:
        return buffer.getvalue()
    content = bytearray(buffer.getvalue())
    directory = content.rindex(b"PK\x01\x02")  # the sheet's central directory entry
    content[directory + 24 : directory + 28] = (declared_mb * 1024 * 1024).to_bytes(4, "little")
    return bytes(content)


def test_a_zip_bomb_is_refused_from_its_directory_before_anything_is_unpacked(settings):
    settings.KADERASI_IMPORT_MAX_UNCOMPRESSED_MB = 20
    bomb = _zip_bomb(64)
    assert len(bomb) < 200 * 1024

    with pytest.raises(DomainError) as refused:
        read_xlsx(io.BytesIO(bomb), source_name="bomb.xlsx")

    assert refused.value.code == InteropErrorCode.FILE_TOO_LARGE
    assert refused.value.message == (
        "bomb.xlsx unpacks to 64 MB, more than the 20 MB an import reads; nothing was imported."
    )


@pytest.mark.parametrize("length", [40_000, 200_000])
def test_an_oversize_cell_is_refused_naming_its_sheet_row_and_column(length):
    content = CADRES_HEADER + "K01," + "x" * length + ",,Mawar,Pandes\r\n"

    with pytest.raises(DomainError) as refused:
        read_csv_files({"cadres": content.encode()}, source_name="cadres.csv")

    assert refused.value.code == InteropErrorCode.CELL_TOO_LONG
    assert "more than 32,767 characters" in refused.value.message
    assert refused.value.message.startswith(
        "Sheet cadres, row 2, column name:" if length == 40_000 else "cadres.csv, line 2:"
    )


def test_a_nul_byte_is_refused_naming_the_line():
    content = (CADRES_HEADER + "K01,Sri\x00Rahayu,,Mawar,Pandes\r\n").encode()

    with pytest.raises(DomainError) as refused:
        read_csv_files({"cadres": content}, source_name="cadres.csv")

    assert refused.value.code == InteropErrorCode.UNREADABLE_FILE
    assert refused.value.message.startswith(
        "cadres.csv, line 2, has a NUL character (byte 0): it is not a text CSV file."
    )


def test_a_utf_16_file_from_excel_is_read():
    content = (CADRES_HEADER + "K01,Sri Rahayu,,Mawar,Pandes\r\n").encode("utf-16")

    workbook = read_csv_files({"cadres": content}, source_name="cadres.csv")

    assert [row.values["name"] for row in workbook.sheets["cadres"].rows] == ["Sri Rahayu"]


def test_windows_1252_is_still_read_and_utf_8_cut_mid_file_is_refused_clearly():
    latin = (CADRES_HEADER + "K01,Sri Ayu Nur\xe9,,Mawar,Pandes\r\n").encode("cp1252")
    rows = read_csv_files({"cadres": latin}, source_name="c.csv").sheets["cadres"].rows
    assert [row.values["name"] for row in rows] == ["Sri Ayu Nur\xe9"]

    broken = (CADRES_HEADER + "K01,Sri,,Mawar,Pandes\r\n" * 60_000).encode() + b"K02,\xff\xfe\r\n"
    with pytest.raises(DomainError) as refused:
        read_csv_files({"cadres": broken}, source_name="cadres.csv")
    assert refused.value.code == InteropErrorCode.UNREADABLE_FILE
    assert "is not in a text encoding kaderasi reads" in refused.value.message


@pytest.mark.parametrize(
    ("file_name", "content"),
    [
        ("cadres.csv", (CADRES_HEADER + "K01,Sri\x00,,Mawar,Pandes\r\n").encode()),
        ("cadres.csv", (CADRES_HEADER + "K01," + "x" * 200_000 + "\r\n").encode()),
        ("wedi.xlsx", b"this is not a workbook"),
    ],
    ids=["nul", "oversize-cell", "not-xlsx"],
)
def test_the_command_answers_bad_input_with_a_message_not_a_traceback(
    world, admin_user, tmp_path, file_name, content
):
    path = tmp_path / file_name
    path.write_bytes(content)

    with pytest.raises(CommandError) as failed:
        call_command(
            "import-programme",
            str(path),
            "--programme",
            "wedi-2026",
            "--language",
            "en",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )

    assert failed.value.returncode == 1
    assert "Traceback" not in str(failed.value)
    assert file_name in str(failed.value)


def test_a_path_that_cannot_be_read_is_refused_clearly(tmp_path):
    with pytest.raises(DomainError) as refused:
        read_path(tmp_path / "missing.xlsx")
    assert refused.value.code == InteropErrorCode.UNREADABLE_FILE


def test_the_web_import_page_shows_the_message(client, world, coordinator, import_upload):
    client.force_login(coordinator)
    upload = SimpleUploadedFile(
        "cadres.csv", (CADRES_HEADER + "K01,Sri\x00,,Mawar,Pandes\r\n").encode()
    )

    response = import_upload({"files": upload, "programme": "wedi-2026"})

    page = client.get(response.url)
    assert page.status_code == 200
    assert page.context["job"].status == "rejected"
    assert "has a NUL character (byte 0)" in page.content.decode()


def test_the_limits_in_a_refusal_are_written_the_indonesian_way_in_indonesian(settings):
    """Regression: "lebih dari 5,000 baris" reads as five rows to an Indonesian reader (decimal
    comma); the limits are grouped with "." as every other number on an Indonesian page."""
    settings.KADERASI_IMPORT_MAX_ROWS = 5_000
    rows = "".join(f"K{n},Kader {n},,Mawar,Pandes\r\n" for n in range(5_001))
    long_cell = CADRES_HEADER + "K01," + "x" * 200_000 + ",,Mawar,Pandes\r\n"

    with translation.override("id"):
        with pytest.raises(DomainError) as too_many:
            read_csv_files({"cadres": (CADRES_HEADER + rows).encode()}, source_name="cadres.csv")
        with pytest.raises(DomainError) as too_long:
            read_csv_files({"cadres": long_cell.encode()}, source_name="cadres.csv")

    assert "lebih dari 5.000 baris" in too_many.value.message
    assert "5,000" not in too_many.value.message
    assert "32.767" in too_long.value.message


def test_an_unpacked_size_is_written_the_indonesian_way_in_indonesian(settings):
    """Regression (found in bench_security's zip-bomb probe): "berukuran 1,024 MB setelah
    dibuka" reads as one megabyte and a bit to an Indonesian reader."""
    settings.KADERASI_IMPORT_MAX_UNCOMPRESSED_MB = 1_000  # a limit, too, of four digits
    bomb = _zip_bomb(unpacked_mb=0, declared_mb=1_024)
    with translation.override("id"), pytest.raises(DomainError) as refused:
        read_xlsx(io.BytesIO(bomb), source_name="bomb.xlsx")

    assert refused.value.code == InteropErrorCode.FILE_TOO_LARGE
    assert "1.024 MB" in refused.value.message
    assert "1.000 MB" in refused.value.message
    assert "1,0" not in refused.value.message
