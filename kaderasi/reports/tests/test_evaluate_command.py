"""`kaderasi evaluate`: the paper's numbers from the demo, in four formats."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from kaderasi.conftest import built_once_per_module

pytestmark = pytest.mark.django_db


_demo = built_once_per_module(lambda: call_command("demo", "--no-serve", stdout=io.StringIO()))


@pytest.fixture
def demo_database(_demo, db):
    """The demo, seeded once for the module (what a test writes is undone)."""


def evaluate(*arguments: str) -> str:
    out = io.StringIO()
    call_command("evaluate", *arguments, stdout=out)
    return out.getvalue()


def test_the_json_evaluation_of_pandes_2018_reproduces_the_paper(demo_database):
    result = json.loads(evaluate("pandes-2018", "--format", "json"))

    assert list(result) == [
        "programme",
        "flow",
        "protocol",
        "knowledge",
        "milk_volume",
        "norms",
        "limitations",
    ]
    assert result["programme"] == "pandes-2018"
    milk = result["milk_volume"]
    assert milk["n"] == 10
    assert milk["before"]["mean"] == 66
    assert milk["after"]["mean"] == 295
    assert milk["mean_difference"] == 229
    assert [round(bound, 2) for bound in milk["ci95"]] == [191.08, 266.92]
    assert round(milk["percent_increase"]["of_means"], 2) == 346.97
    assert round(milk["percent_increase"]["mean_per_mother"], 2) == 444.17
    assert round(milk["percent_increase"]["median_per_mother"], 2) == 408.33
    assert round(milk["paired_t"]["t"], 3) == 13.661
    assert milk["paired_t"]["df"] == 9
    assert f"{milk['paired_t']['p']:.3e}" == "2.534e-07"
    assert milk["wilcoxon"]["w_plus"] == 55
    assert milk["wilcoxon"]["p_exact"] == 0.001953125
    assert round(milk["wilcoxon"]["p_approx"], 6) == 0.005793
    assert round(milk["cohen_dz"], 3) == 4.320
    knowledge = result["knowledge"]
    assert knowledge["n"] == 40
    assert knowledge["before"]["mean"] == 50
    assert knowledge["after"]["mean"] == 90


def test_the_paper_data_are_not_compared_with_norms_because_their_basis_is_unknown(
    demo_database,
):
    result = json.loads(evaluate("pandes-2018", "--language", "en"))
    assert result["norms"]["status"] == "basis_unknown"
    assert result["norms"]["groups"]["intervention"]["compared"] == 0
    assert result["norms"]["basis_counts"]["unknown"] == 20
    limitations = result["limitations"]
    assert limitations[0].startswith("Single group, before and after")
    assert any("postpartum day 1 and the follow-up volumes on day 3" in s for s in limitations)
    assert any("illustrative values" in sentence for sentence in limitations)
    assert any(
        sentence.startswith("The basis of the milk volumes is unknown") for sentence in limitations
    )


def test_an_unknown_programme_is_a_clear_error_with_exit_status_2(db):
    with pytest.raises(CommandError) as error:
        call_command("evaluate", "no-such-programme", "--language", "en")
    assert error.value.returncode == 2
    assert str(error.value) == "There is no programme with the slug “no-such-programme”."


def test_the_text_report_carries_the_same_numbers_in_the_chosen_language(demo_database):
    text = " ".join(evaluate("pandes-2018", "--format", "text", "--language", "en").split())
    assert "Milk volume (ml)" in text
    assert "mean difference of 229.00 ml (95 % confidence interval 191.08 to 266.92)" in text
    assert "346.97 %" in text
    assert "Limitations" in text


def test_the_workbook_and_pdf_are_written_to_the_output_path(demo_database, tmp_path):
    workbook_path = tmp_path / "evaluation.xlsx"
    pdf_path = tmp_path / "evaluation.pdf"
    call_command(
        "evaluate",
        "pandes-2018",
        "--format",
        "xlsx",
        "--output",
        str(workbook_path),
        "--language",
        "en",
    )
    call_command(
        "evaluate",
        "pandes-2018",
        "--format",
        "pdf",
        "--output",
        str(pdf_path),
        "--language",
        "en",
    )
    workbook = openpyxl.load_workbook(workbook_path)
    # The programme report's workbook: its tables, then the raw data in the import format.
    assert workbook.sheetnames[-4:] == ["cadres", "knowledge_tests", "mothers", "milk_volumes"]
    volumes = list(workbook["milk_volumes"].iter_rows(values_only=True))
    assert len(volumes) == 1 + 20  # header, then before and after of the ten mothers
    assert pdf_path.read_bytes().startswith(b"%PDF")


def _statistics_rows(block: dict, *, unit: str, points: bool = False) -> list[list[str]]:
    """The statistics table the programme report writes for `block` (a block of the JSON)."""
    from kaderasi.reports.report_statistics import stats_table

    table = stats_table("statistics", 1, "", block, unit=unit, points=points)
    return [[cell.text for cell in row] for row in table.rows]


def _expected_tables(result: dict) -> dict[str, list[list[str]]]:
    with translation.override("en"):
        tables = {
            "Milk volume before and after (ml)": _statistics_rows(result["milk_volume"], unit="ml")
        }
        if result["knowledge"]["n"]:
            tables["Knowledge scores before and after the training"] = _statistics_rows(
                result["knowledge"], unit="points", points=True
            )
    return tables


def _workbook_limitations(workbook) -> list[str]:
    rows = list(workbook["Report"].iter_rows(values_only=True))
    start = next(index for index, row in enumerate(rows) if row[0] == "Limitations") + 1
    limitations = []
    for first, second, *_rest in rows[start:]:
        if first is not None or second is None:
            break
        limitations.append(second)
    return limitations


def _workbook_table(workbook, title: str) -> list[list[str]]:
    for sheet in workbook.worksheets:
        heading = sheet["A1"].value or ""
        if sheet.title.startswith("Table") and heading.endswith(f". {title}"):
            rows = []
            for row in sheet.iter_rows(min_row=4, values_only=True):
                if all(value is None for value in row):
                    break
                rows.append([value for value in row if value is not None])
            return rows
    raise AssertionError(f"no table “{title}” in the workbook")


@pytest.mark.parametrize("slug", ["pandes-2018", "demo-live"])
def test_the_workbook_carries_the_limitations_and_numbers_of_the_json(
    demo_database, tmp_path, slug
):
    result = json.loads(evaluate(slug, "--language", "en"))
    path = tmp_path / "evaluation.xlsx"

    call_command("evaluate", slug, "--format", "xlsx", "--output", str(path), "--language", "en")

    workbook = openpyxl.load_workbook(path)
    assert _workbook_limitations(workbook) == result["limitations"]
    for title, rows in _expected_tables(result).items():
        assert _workbook_table(workbook, title) == rows, title


def test_the_pdf_is_laid_out_from_the_limitations_and_numbers_of_the_json(
    demo_database, tmp_path, monkeypatch
):
    from kaderasi.reports import documents

    laid_out = []
    lay_out = documents.pdf_from_document

    def capture(document, **options):
        laid_out.append(document)
        return lay_out(document, **options)

    monkeypatch.setattr(documents, "pdf_from_document", capture)
    result = json.loads(evaluate("pandes-2018", "--language", "en"))
    path = tmp_path / "evaluation.pdf"

    call_command(
        "evaluate", "pandes-2018", "--format", "pdf", "--output", str(path), "--language", "en"
    )

    assert path.read_bytes().startswith(b"%PDF")
    [document] = laid_out
    assert document.limitations == result["limitations"]
    tables = {
        table.title: [[cell.text for cell in row] for row in table.rows]
        for table in document.tables
    }
    for title, rows in _expected_tables(result).items():
        assert tables[title] == rows, title
