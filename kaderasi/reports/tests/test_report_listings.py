"""A large programme's report: the per-mother listing goes to the appendix as one page of rows
with a note saying how many were left out and where they are (the workbook has every row), the
text format summarises unless --all-rows, and charts draw the marks of an evenly spaced subset."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import translation

from kaderasi.cadres.models import Cadre
from kaderasi.care.models import Mother
from kaderasi.demo.pandes import seed_pandes
from kaderasi.evaluation.presentation import LISTING_ROWS_SHOWN as TEXT_LISTING_ROWS
from kaderasi.evaluation.results import programme_evaluation
from kaderasi.reports import charts
from kaderasi.reports.documents import (
    programme_report_document,
    render_programme_report_html,
    render_programme_report_xlsx,
)
from kaderasi.reports.report_document import LISTING_ROWS_SHOWN
from kaderasi.reports.tests.conftest import NOW
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db

MOTHERS = LISTING_ROWS_SHOWN + 5
DELIVERED_AT = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


@pytest.fixture
def large_programme(world):
    """The world's programme with more mothers than one page lists, each with both volumes."""
    for index in range(MOTHERS):
        mother = f.delivered_mother(
            programme=world.programme,
            posyandu=world.mawar,
            code=f"M{index:03d}",
            delivered_at=DELIVERED_AT,
        )
        for phase, hours, value in (("before", 6, 40 + index), ("after", 54, 300 + index)):
            f.MeasurementFactory(
                mother=mother,
                phase=phase,
                value=Decimal(value),
                basis="24h_estimate",
                measured_at=DELIVERED_AT + dt.timedelta(hours=hours),
            )
    return world.programme


def _document(programme, **options):
    with translation.override("en"):
        evaluation = programme_evaluation(
            programme, cadres=Cadre.objects.all(), mothers=Mother.objects.all()
        )
    return programme_report_document(
        programme=programme, evaluation=evaluation, now=NOW, language="en", **options
    ), evaluation


def test_a_listing_longer_than_a_page_goes_to_the_appendix_with_a_note(large_programme):
    document, _evaluation = _document(large_programme)

    milk_text = " ".join(str(p) for p in document.section("milk").paragraphs)
    assert f"each of the {MOTHERS} mothers is listed in the Excel workbook" in milk_text
    assert not [b for b in document.section("milk").blocks if getattr(b, "key", "") == "per_mother"]
    appendix = document.section("appendix")
    assert appendix.title == "Appendix: individual results"
    table = next(b for b in appendix.blocks if b.key == "per_mother")
    assert len(table.rows) == MOTHERS
    assert len(table.display_rows) == LISTING_ROWS_SHOWN
    assert table.rows_left_out == 5
    with translation.override("en"):
        assert table.left_out_note == (
            f"The first {LISTING_ROWS_SHOWN} of {MOTHERS} rows are shown; the other 5 rows are "
            f"in the Excel workbook of this report (sheet “Table {table.number}”)."
        )


def test_the_print_document_shows_one_page_of_rows_and_says_where_the_rest_are(large_programme):
    document, _evaluation = _document(large_programme)

    html = render_programme_report_html(document)

    assert f"M{LISTING_ROWS_SHOWN - 1:03d}" in html
    assert f"M{LISTING_ROWS_SHOWN:03d}" not in html
    assert "the other 5 rows are in the Excel workbook of this report" in html


def test_the_workbook_holds_every_row_of_the_listing(large_programme):
    with translation.override("en"):
        evaluation = programme_evaluation(
            large_programme, cadres=Cadre.objects.all(), mothers=Mother.objects.all()
        )
    document, _evaluation = _document(large_programme)
    number = next(t for t in document.tables if t.key == "per_mother").number
    content = render_programme_report_xlsx(
        programme=large_programme, evaluation=evaluation, now=NOW, language="en"
    )

    sheet = openpyxl.load_workbook(io.BytesIO(content))[f"Table {number}"]
    codes = [row[1] for row in sheet.iter_rows(min_row=4, values_only=True) if row[1]]
    assert codes[:MOTHERS] == [f"M{index:03d}" for index in range(MOTHERS)]


def test_a_short_listing_stays_whole_in_the_results(db):
    programme = seed_pandes(now=NOW)
    document, _evaluation = _document(programme)

    table = next(
        b for b in document.section("milk").blocks if getattr(b, "key", "") == "per_mother"
    )
    assert len(table.display_rows) == len(table.rows) == 10
    assert table.left_out_note == ""
    assert document.section("appendix").title == "Appendix: knowledge score of each cadre"


def _evaluate_text(*arguments: str) -> str:
    out = io.StringIO()
    call_command(
        "evaluate", "wedi-2026", "--format", "text", "--language", "en", *arguments, stdout=out
    )
    return out.getvalue()


def test_the_text_format_summarises_the_compared_volumes_unless_all_rows(large_programme):
    volumes = 2 * MOTHERS  # each compared with the seeded reference range of its day

    summary = _evaluate_text()
    every_row = _evaluate_text("--all-rows")

    left_out = volumes - TEXT_LISTING_ROWS
    assert (
        f"({left_out} more rows left out: add --all-rows to list every row, or use --format xlsx.)"
        in summary
    )
    assert "more rows left out" not in every_row
    assert len(every_row.splitlines()) - len(summary.splitlines()) == left_out - 1


def test_charts_draw_the_marks_of_an_evenly_spaced_subset_of_many_people():
    shown, step = charts.thinned(list(range(1000)), 300)
    assert step == 4
    assert shown == list(range(0, 1000, 4))
    assert charts.thinned([1, 2, 3], 300) == ([1, 2, 3], 1)
    with translation.override("en"):
        assert charts.thinning_note(1000, "mothers") == (
            "Individual marks: 250 of the 1,000 mothers (every 4th, in code order); means and "
            "boxes count all of them."
        )
        assert charts.thinning_note(300, "mothers") == ""


def test_a_slope_chart_of_many_mothers_states_the_mean_of_all_of_them():
    pairs = [charts.PairedValue(f"M{i}", 10.0, 100.0 + (i % 2)) for i in range(1000)]
    with translation.override("en"):
        chart = charts.slope_chart(pairs)
    assert "Slope chart of 1000 mothers with both measurements" in chart.description
    assert "Mean 10.0 ml before and 100.5 ml after" in chart.description
