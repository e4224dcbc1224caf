"""The report as files: the PDF, the workbook (its tables and its raw sheets in the import
format), and the round trip through `kaderasi import-programme`."""

import datetime as dt
import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.utils import translation

from kaderasi.accounts.models import Role, User
from kaderasi.conftest import shared_rows
from kaderasi.demo.pandes import seed_pandes
from kaderasi.interop.workbook import PROGRAMME_COLUMNS, SHEETS
from kaderasi.programmes.models import Programme
from kaderasi.reports.documents import (
    render_programme_report_html,
    render_programme_report_pdf,
    render_programme_report_xlsx,
)
from kaderasi.reports.evaluation_input import programme_evaluation
from kaderasi.reports.tests.conftest import NOW, REFERENCES

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _seeded(django_db_setup, django_db_blocker):
    yield from shared_rows(django_db_blocker, lambda: seed_pandes(now=NOW).pk)


@pytest.fixture
def pandes(_seeded, db):
    """The Pandes 2018 programme, seeded once for the module (what a test writes is undone)."""
    return Programme.objects.get(pk=_seeded)


def evaluation_of(programme):
    with translation.override("en"):
        return programme_evaluation(programme)


def workbook(programme, **options) -> openpyxl.Workbook:
    content = render_programme_report_xlsx(
        programme=programme,
        evaluation=evaluation_of(programme),
        now=NOW,
        language="en",
        references=REFERENCES,
        **options,
    )
    return openpyxl.load_workbook(io.BytesIO(content))


def sheet_rows(book, name) -> list[tuple]:
    return list(book[name].iter_rows(values_only=True))


def test_the_pdf_is_laid_out_on_several_pages_with_its_anchors(pandes):
    from weasyprint import HTML

    from kaderasi.reports.documents import programme_report_document

    document = programme_report_document(
        programme=pandes, evaluation=evaluation_of(pandes), now=NOW, language="id"
    )
    rendered = HTML(string=render_programme_report_html(document)).render()
    pdf = rendered.write_pdf()

    assert 8 <= len(rendered.pages) <= 16
    anchors = {anchor for page in rendered.pages for anchor in page.anchors}
    assert {"section-knowledge", "section-milk", "table-3", "figure-2"} <= anchors
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 50_000


def test_the_limitations_follow_the_results_without_leaving_a_page_mostly_blank(pandes):
    from weasyprint import HTML

    from kaderasi.reports.documents import programme_report_document

    document = programme_report_document(
        programme=pandes, evaluation=evaluation_of(pandes), now=NOW, language="id"
    )
    pages = HTML(string=render_programme_report_html(document)).render().pages

    page = next(set(p.anchors) for p in pages if "section-limitations" in p.anchors)
    # The last table of the results shares its page with the limitations.
    assert any(anchor.startswith(("table-", "figure-")) for anchor in page)


def test_the_web_page_has_phone_drawings_and_the_print_document_none(pandes):
    from kaderasi.reports.documents import programme_report_document

    document = programme_report_document(
        programme=pandes, evaluation=evaluation_of(pandes), now=NOW, language="en"
    )
    web = render_to_string("reports/report_body.html", {"document": document})
    printed = render_programme_report_html(document)

    assert web.count('class="chart-narrow"') == 2  # figure 1 (knowledge) and 4 (norms)
    assert 'class="chart-narrow"' not in printed


def test_the_pdf_renderer_reports_its_progress_in_order(pandes, monkeypatch):
    class Printer:
        def __init__(self, string, base_url=None):
            self.html = string

        def write_pdf(self, **options):
            return b"%PDF-1.7 stub"

    monkeypatch.setattr("weasyprint.HTML", Printer)
    steps = []

    pdf = render_programme_report_pdf(
        programme=pandes,
        evaluation=evaluation_of(pandes),
        now=NOW,
        language="en",
        progress=lambda percent, step: steps.append((percent, step)),
    )

    assert pdf == b"%PDF-1.7 stub"
    assert [step for _percent, step in steps] == [
        "collecting",
        "charts",
        "charts",
        "charts",
        "tables",
        "layout",
        "saving",
    ]
    percents = [percent for percent, _step in steps]
    assert percents == sorted(percents)


def test_the_workbook_has_a_summary_one_sheet_per_table_and_the_raw_sheets(pandes):
    book = workbook(pandes)

    assert book.sheetnames[0] == "Report"
    assert book.sheetnames[-5:] == [
        "programme",
        "cadres",
        "knowledge_tests",
        "mothers",
        "milk_volumes",
    ]
    table_sheets = book.sheetnames[1:-5]
    assert table_sheets == [f"Table {n}" for n in range(1, len(table_sheets) + 1)]
    per_mother = sheet_rows(book, "Table 3")
    assert (
        per_mother[0][0]
        == "Table 3. Milk volume of each mother before and after the massage programme"
    )
    assert per_mother[3][:8] == (1, "M01", "K01", 1, 30.0, 3, 250.0, 220.0)


def test_the_raw_sheets_have_exactly_the_import_columns(pandes):
    book = workbook(pandes)

    assert sheet_rows(book, "programme")[0] == PROGRAMME_COLUMNS
    for sheet, sheet_format in SHEETS.items():
        assert sheet_rows(book, sheet)[0] == sheet_format.column_names


def test_the_programme_sheet_carries_name_area_dates_design_and_the_illustrative_flag(pandes):
    book = workbook(pandes)

    fields = dict(sheet_rows(book, "programme")[1:])
    assert fields["name"] == pandes.name
    assert fields["area"] == "Jawa Tengah / Kabupaten Klaten / Kecamatan Wedi / Desa Pandes"
    assert fields["starts_on"] == dt.datetime(2018, 4, 11)
    assert fields["ends_on"] == dt.datetime(2018, 6, 30)
    assert fields["design"] == "single_group"
    assert fields["is_illustrative"] == "yes"


def test_the_raw_sheets_hold_the_programmes_data(pandes):
    book = workbook(pandes, pseudonymised=False)

    cadres = sheet_rows(book, "cadres")
    assert len(cadres) == 41
    assert cadres[1] == ("K01", "Sri Rahayu", None, "Posyandu Mawar", "Desa Pandes")
    tests = sheet_rows(book, "knowledge_tests")
    assert len(tests) == 81
    assert tests[1][:3] == ("K01", "pre", 35)
    assert tests[1][3] == dt.datetime(2018, 4, 11)
    mothers = sheet_rows(book, "mothers")
    assert mothers[1] == (
        "M01",
        "Ny. Am",
        "K01",
        "intervention",
        dt.datetime(2018, 4, 14),
        "spontaneous",
        1,
        "Posyandu Mawar",
        "Desa Pandes",
    )
    volumes = sheet_rows(book, "milk_volumes")
    assert len(volumes) == 21
    assert volumes[1] == ("M01", "before", 30, dt.datetime(2018, 4, 14), 1, None, "unknown")
    assert volumes[2] == ("M01", "after", 250, dt.datetime(2018, 4, 16), 3, None, "unknown")


def test_the_workbook_computes_each_mothers_phase_volumes_once(pandes, monkeypatch):
    """The report's tables and its raw milk_volumes sheet read one computation (a district's
    workbook computed 5,000 mothers' phase volumes twice, decision 0230), and the sheet is the
    one the import format's own export writes."""
    from kaderasi.cadres.models import Cadre
    from kaderasi.care import selectors as care_selectors
    from kaderasi.care.models import Mother
    from kaderasi.evaluation import selectors as evaluation_selectors
    from kaderasi.interop.exports import programme_rows
    from kaderasi.reports import programme_data

    evaluation = evaluation_of(pandes)
    computed = []
    original = care_selectors.phase_volumes_of

    def counted(mothers):
        computed.append(mothers.count())
        return original(mothers)

    monkeypatch.setattr(programme_data, "phase_volumes_of", counted)
    monkeypatch.setattr(evaluation_selectors, "phase_volumes_of", counted)
    content = render_programme_report_xlsx(
        programme=pandes, evaluation=evaluation, now=NOW, language="en", references=REFERENCES
    )
    assert computed == [Mother.objects.filter(programme=pandes).count()]

    monkeypatch.undo()
    exported = programme_rows(
        pandes,
        cadres=Cadre.objects.filter(programme=pandes),
        mothers=Mother.objects.filter(programme=pandes),
        pseudonymised=True,
    )["milk_volumes"]
    written = sheet_rows(openpyxl.load_workbook(io.BytesIO(content)), "milk_volumes")
    assert [tuple(_cell_value(value) for value in row) for row in exported] == [
        tuple(_cell_value(value) for value in row) for row in written
    ]


def _cell_value(value):
    """A value as openpyxl reads it back (dates as datetimes, whole numbers as ints, blanks as
    None)."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None if value == "" else value


def test_a_pseudonymised_workbook_has_codes_instead_of_names_and_no_phone(pandes):
    pandes.cadres.filter(code="K01").update(phone="+6281234567890")

    book = workbook(pandes, pseudonymised=True)

    cadres = sheet_rows(book, "cadres")
    assert cadres[1] == ("K01", "K01", None, "Posyandu Mawar", "Desa Pandes")
    mothers = sheet_rows(book, "mothers")
    assert [row[1] for row in mothers[1:]] == [row[0] for row in mothers[1:]]
    every_value = {
        value for name in book.sheetnames for row in sheet_rows(book, name) for value in row
    }
    assert "Ny. Am" not in every_value
    assert "+6281234567890" not in every_value


def test_a_named_workbook_carries_the_phone_number(pandes):
    pandes.cadres.filter(code="K01").update(phone="+6281234567890")

    book = workbook(pandes, pseudonymised=False)

    assert sheet_rows(book, "cadres")[1][2] == "0812-3456-7890"


def test_the_exported_workbook_re_imports_into_an_identical_evaluation(pandes, tmp_path):
    path = tmp_path / "pandes-2018.xlsx"
    path.write_bytes(
        render_programme_report_xlsx(
            programme=pandes, evaluation=evaluation_of(pandes), now=NOW, language="en"
        )
    )

    importer = User.objects.create(username="importer", role=Role.ADMIN, is_superuser=True)
    call_command(
        "import-programme", str(path), "--programme", "pandes-copy", "--as", importer.username
    )

    copy, original = evaluate("pandes-copy"), evaluate("pandes-2018")
    assert copy.pop("programme") == "pandes-copy"
    assert original.pop("programme") == "pandes-2018"
    assert copy == original


def test_a_pseudonymised_export_re_imports_with_codes_for_names(pandes, tmp_path):
    path = tmp_path / "pandes-2018.xlsx"
    path.write_bytes(
        render_programme_report_xlsx(
            programme=pandes,
            evaluation=evaluation_of(pandes),
            now=NOW,
            language="en",
            pseudonymised=True,
        )
    )

    importer = User.objects.create(username="importer", role=Role.ADMIN, is_superuser=True)
    call_command(
        "import-programme", str(path), "--programme", "pandes-copy", "--as", importer.username
    )

    copy = Programme.objects.get(slug="pandes-copy")
    assert copy.name == pandes.name
    assert copy.area == pandes.area
    assert copy.is_illustrative
    assert sorted(copy.mothers.values_list("name", flat=True)) == sorted(
        copy.mothers.values_list("code", flat=True)
    )
    assert not copy.cadres.exclude(phone="").exists()
    copy_evaluation, original = evaluate("pandes-copy"), evaluate("pandes-2018")
    copy_evaluation.pop("programme")
    original.pop("programme")
    assert copy_evaluation == original


def evaluate(slug):
    out = io.StringIO()
    call_command("evaluate", slug, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_the_workbook_carries_the_certification_overrides(pandes):
    from kaderasi.care.models import Pairing

    coordinator = User.objects.create(username="dosen", role=Role.COORDINATOR)
    Pairing.objects.filter(mother__programme=pandes, mother__code="M02").update(
        certification_override_reason="Sertifikat menyusul", certification_override_by=coordinator
    )

    book = workbook(pandes)

    sheets = [name for name in book.sheetnames if name.startswith("Table")]
    rows = [sheet_rows(book, name) for name in sheets]
    (overrides,) = [r for r in rows if r[0][0].endswith("with a cadre without a valid certificate")]
    assert overrides[2] == ("Mother", "Cadre", "Paired on", "Reason", "Recorded by")
    assert overrides[3][:2] == ("M02", "K02")
    assert overrides[3][3:] == ("Sertifikat menyusul", "dosen")


def test_the_print_document_carries_each_chart_as_an_image_with_its_text_alternative(pandes):
    import base64
    import re

    from django.utils.html import escape

    from kaderasi.reports.documents import programme_report_document

    document = programme_report_document(
        programme=pandes, evaluation=evaluation_of(pandes), now=NOW, language="en"
    )
    printed = render_programme_report_html(document)
    charts = [figure.chart for figure in document.figures]

    assert charts
    assert "<svg" not in printed  # no chart's elements pass through the page's cascade
    images = re.findall(r'<img class="chart-svg" src="data:image/svg\+xml;base64,([^"]+)"', printed)
    assert len(images) == len(re.findall(r'<figure class="report-figure"', printed))
    drawn = {base64.b64decode(image).decode() for image in images}
    for chart in charts:
        assert chart.svg in drawn
        assert f'alt="{escape(chart.title + ". " + chart.description)}"' in printed


def test_printed_tables_give_every_column_its_share_and_room_for_its_heading():
    from kaderasi.reports.report_document import Column, Table

    table = Table(
        key="steps",
        number=3,
        title="Steps",
        columns=[
            Column("Langkah", numeric=True, width=6),
            Column("Langkah SOP", width=60),
            Column("Dinilai", numeric=True, width=10),
        ],
        rows=[],
    )

    widths = [float(width) for width in table.print_widths]

    assert sum(widths) == pytest.approx(100, abs=0.05)
    # "Langkah" (7 letters) gets 9 units, not the workbook's 6.
    assert widths == pytest.approx([100 * 9 / 79, 100 * 60 / 79, 100 * 10 / 79], abs=0.01)
    assert all("." in width or width.isdigit() for width in table.print_widths)
