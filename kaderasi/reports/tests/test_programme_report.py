"""The programme report as data, on the paper's own programme (pandes-2018): its evaluation, its
tables and figures, its honesty about the design, and its languages."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import translation

from kaderasi.care.models import StudyGroup
from kaderasi.conftest import shared_rows
from kaderasi.demo.pandes import seed_pandes
from kaderasi.programmes.models import Programme, StudyDesign
from kaderasi.reports.documents import (
    programme_report_document,
    render_programme_report_html,
)
from kaderasi.reports.evaluation_input import programme_evaluation
from kaderasi.reports.models import ProgrammeReport
from kaderasi.reports.programme_report import SkillStep, protocol_text
from kaderasi.reports.tests.conftest import NOW, REFERENCES
from kaderasi.training.models.policies import DEFAULT_POLICY_SOURCE
from kaderasi.training.services import training_policy_set

pytestmark = pytest.mark.django_db

SAINT = [r for r in REFERENCES if r.postpartum_day in (1, 3)]


@pytest.fixture(scope="module")
def _pandes_rows(django_db_setup, django_db_blocker):
    yield from shared_rows(django_db_blocker, lambda: seed_pandes(now=NOW).pk)


@pytest.fixture
def pandes(_pandes_rows):
    """The paper's programme, seeded once for the module; each test reads it afresh (some change
    it, inside their own savepoint)."""
    return Programme.objects.get(pk=_pandes_rows)


def evaluation_of(programme, language="en"):
    with translation.override(language):
        return programme_evaluation(programme)


def document_of(programme, *, language="en", references=(), **options):
    return programme_report_document(
        programme=programme,
        evaluation=evaluation_of(programme, language),
        now=NOW,
        language=language,
        references=references,
        **options,
    )


def cell_texts(table) -> list[list[str]]:
    return [[cell.text for cell in row] for row in table.rows]


def test_the_evaluation_has_the_contracted_shape_and_the_papers_numbers(pandes):
    evaluation = evaluation_of(pandes)

    assert list(evaluation) == [
        "programme",
        "flow",
        "protocol",
        "knowledge",
        "milk_volume",
        "norms",
        "limitations",
    ]
    # The paper's flow (decision 0024): nobody registered is left out.
    assert evaluation["flow"]["mothers"]["intervention"]["registered"] == 10
    assert evaluation["flow"]["mothers"]["intervention"]["analysed"] == 10
    assert evaluation["flow"]["cadres"]["trained"] == 40
    assert evaluation["flow"]["cadres"]["analysed"] == 40
    milk = evaluation["milk_volume"]
    assert milk["n"] == 10
    assert (milk["before"]["mean"], milk["after"]["mean"]) == (66.0, 295.0)
    assert milk["ci95"] == pytest.approx([191.08, 266.92], abs=0.005)
    assert milk["wilcoxon"]["p_exact"] == 0.001953125
    knowledge = evaluation["knowledge"]
    assert (knowledge["n"], knowledge["before"]["mean"], knowledge["after"]["mean"]) == (
        40,
        50.0,
        90.0,
    )


def test_a_two_group_programme_adds_the_comparison(pandes):
    pandes.design = StudyDesign.TWO_GROUP
    pandes.save()
    pandes.mothers.filter(code__in=["M09", "M10"]).update(group=StudyGroup.COMPARISON)

    evaluation = evaluation_of(pandes)

    assert "comparison" in evaluation
    assert evaluation["comparison"]["n_comparison"] == 2
    assert evaluation["milk_volume"]["n"] == 8


def test_a_two_group_report_leads_with_the_difference_and_shows_each_groups_change(pandes):
    pandes.design = StudyDesign.TWO_GROUP
    pandes.save()
    pandes.mothers.filter(code__in=["M09", "M10"]).update(group=StudyGroup.COMPARISON)

    document = document_of(pandes)

    keys = [section.key for section in document.sections]
    assert keys.index("comparison") < keys.index("milk")
    lead = str(document.section("comparison").paragraphs[0])
    assert "Mann–Whitney U test p" in lead
    assert "is the estimate of the massage's effect" in lead
    milk = document.section("milk")
    assert milk.title == "Results: change in milk volume within each group"
    intervention, comparison = (str(p) for p in milk.paragraphs[:2])
    for paragraph in (intervention, comparison):
        assert "(lactogenesis II), whatever the care" in paragraph
        assert (
            "Baseline volumes were measured on postpartum day 1 and follow-up volumes on day 3"
            in paragraph
        )
    assert intervention.startswith("Intervention group. Among the 8 mothers")
    assert comparison.startswith("Comparison group. Among the 2 mothers")
    tables = [t.key for t in document.tables]
    assert tables.index("comparison") < tables.index("milk_statistics_intervention")
    assert "milk_statistics_comparison" in tables


def test_the_per_mother_table_is_table_1_of_the_paper_with_the_change(pandes):
    document = document_of(pandes)

    table = next(t for t in document.tables if t.key == "per_mother")
    rows = cell_texts(table)
    assert rows[0] == ["1", "M01", "K01", "1", "30.0", "3", "250.0", "+220.0", "+733.3"]
    assert rows[8] == ["9", "M09", "K09", "1", "150.0", "3", "350.0", "+200.0", "+133.3"]
    assert [cell.text for cell in table.footer[0]] == [
        "Mean",
        "",
        "",
        "",
        "66.0",
        "",
        "295.0",
        "+229.0",
        "+444.2",
    ]


def test_statistics_are_rounded_the_way_a_results_section_writes_them(pandes):
    document = document_of(pandes)

    stats = dict(cell_texts(next(t for t in document.tables if t.key == "milk_statistics")))
    assert stats["Before: mean ± SD (median)"] == "66.0 ± 36.0 (55.0)"
    assert stats["Mean difference, after − before (95 % CI)"] == "+229.0 ml (191.08 – 266.92)"
    assert stats["Paired t-test"] == "t(9) = 13.66; p < 0.001"
    assert stats["Wilcoxon signed-rank test"] == (
        "W+ = 55.0; exact p = 0.00195 (normal approximation p = 0.00579)"
    )
    assert stats["Effect size, Cohen's dz"] == "4.32"


def test_indonesian_numbers_use_a_decimal_comma(pandes):
    document = document_of(pandes, language="id")

    milk = next(t for t in document.tables if t.key == "milk_statistics")
    texts = [row[1].text for row in milk.rows]
    assert "+229,0 ml (191,08 – 266,92)" in texts


def test_the_report_says_the_rise_cannot_be_attributed_to_the_massage(pandes):
    document = document_of(pandes)

    milk_text = " ".join(str(p) for p in document.section("milk").paragraphs)
    assert "cannot be attributed to the massage" in milk_text
    assert "postpartum day 1 and the follow-up on day 3" in milk_text
    assert any("lactogenesis" in limitation for limitation in document.limitations)
    assert "cannot be attributed to the massage" in document.conclusion
    assert document.conclusion_is_suggestion is True


def test_unknown_basis_volumes_are_not_judged_against_the_norm(pandes):
    document = document_of(pandes, references=SAINT)

    norms = document.section("norms")
    assert "none of the 20 volumes can be judged" in " ".join(map(str, norms.paragraphs))
    assert not [t for t in document.tables if t.key == "norms"]
    figure = next(b for b in norms.blocks if b.kind == "figure")
    assert "for orientation only" in figure.chart.description
    assert [t.key for t in document.tables if t.key == "references"] == ["references"]


def test_24_hour_volumes_are_compared_with_their_days_reference(pandes):
    from kaderasi.care.models import Measurement

    Measurement.objects.filter(mother__programme=pandes).update(basis="24h_estimate")

    document = document_of(pandes, references=SAINT)

    table = next(t for t in document.tables if t.key == "norms")
    # Ny. Df's 150 ml on day 1 is above Saint's day-1 range (7–122.5 ml).
    assert cell_texts(table) == [
        ["Before (baseline)", "10", "0", "9", "1", "0 %"],
        ["After (follow-up)", "10", "0", "10", "0", "0 %"],
    ]


def test_knowledge_bands_are_the_programmes_training_policy_with_its_source(pandes):
    training_policy_set(
        programme=pandes,
        good_band_minimum=90,
        fair_band_minimum=60,
        source="Decision of the programme team, 2018",
    )

    document = document_of(pandes)

    table = next(t for t in document.tables if t.key == "knowledge_bands")
    assert cell_texts(table) == [
        ["Good (≥ 90)", "0 (0 %)", "25 (63 %)"],
        ["Fair (60–89)", "10 (25 %)", "15 (38 %)"],
        ["Poor (< 60)", "30 (75 %)", "0 (0 %)"],
    ]
    assert table.notes == ["Bands: Decision of the programme team, 2018."]
    assert "Knowledge bands: Decision of the programme team, 2018." in document.sources


def test_the_default_bands_are_explained_by_the_report_in_its_language(pandes):
    document = document_of(pandes)

    table = next(t for t in document.tables if t.key == "knowledge_bands")
    (note,) = table.notes
    assert note.startswith("Bands: the Arikunto-style convention of Indonesian studies")
    assert "(good ≥ 76, fair 56–75, poor < 56)" in note
    # Never kaderasi's untranslated default source, in any language.
    for language in ("en", "id"):
        text = " ".join([*document_of(pandes, language=language).sources, *table.notes])
        assert DEFAULT_POLICY_SOURCE not in text
        assert "Arikunto-style bands (good" not in text


def test_the_bands_of_a_policy_keeping_the_default_source_are_stated_with_their_numbers(pandes):
    training_policy_set(programme=pandes, good_band_minimum=80, fair_band_minimum=60)

    document = document_of(pandes)

    (note,) = next(t for t in document.tables if t.key == "knowledge_bands").notes
    assert note == "Bands: the programme's training policy (good ≥ 80, fair 60–79, poor < 60)."


def test_volumes_not_compared_are_counted_without_a_second_colon(pandes):
    document = document_of(pandes, references=SAINT)

    paragraphs = [str(p) for p in document.section("norms").paragraphs]
    assert "Not compared: basis not a 24-hour estimate (20)." in paragraphs


@pytest.mark.parametrize(
    ("cap", "expected"), [(1, "at most 1 active client per cadre"), (2, "at most 2 active clients")]
)
def test_the_protocol_counts_active_clients_in_the_singular_or_plural(pandes, cap, expected):
    pandes.max_active_clients_per_cadre = cap

    with translation.override("en"):
        assert expected in protocol_text(pandes)


def test_skills_are_pass_rates_per_step(pandes):
    skills = [
        SkillStep(number=2, title="Obtains consent", critical=True, assessed=40, passed=38),
        SkillStep(number=16, title="Repeats 3–5 passes", critical=False, assessed=40, passed=30),
    ]

    document = document_of(pandes, skills=skills)

    table = next(t for t in document.tables if t.key == "skills")
    assert cell_texts(table) == [
        ["2", "Obtains consent (K)", "40", "38", "95 %"],
        ["16", "Repeats 3–5 passes", "40", "30", "75 %"],
    ]
    assert "step 16" in str(document.section("skills").paragraphs[0])


def test_no_skill_assessment_is_said_plainly(pandes):
    document = document_of(pandes)

    assert document.section("skills").empty_message.startswith("No skill assessments recorded")


def test_codes_replace_names_unless_asked_otherwise(pandes):
    hidden = render_programme_report_html(document_of(pandes))
    shown = render_programme_report_html(document_of(pandes, pseudonymised=False))

    assert "Ny. Am" not in hidden
    assert "Sri Rahayu" not in hidden
    assert "M01 · Ny. Am" in shown
    assert "K01 · Sri Rahayu" in shown


def test_the_coordinators_conclusion_replaces_the_suggestion_in_its_language(pandes):
    ProgrammeReport.objects.create(
        programme=pandes, conclusion_id="Kesimpulan tim.", conclusion_en=""
    )

    indonesian = document_of(pandes, language="id")
    english = document_of(pandes, language="en")

    assert (indonesian.conclusion, indonesian.conclusion_is_suggestion) == (
        "Kesimpulan tim.",
        False,
    )
    assert english.conclusion_is_suggestion is True


def test_every_figure_has_a_title_and_a_text_alternative(pandes):
    document = document_of(pandes, references=SAINT)

    assert [figure.number for figure in document.figures] == [1, 2, 3, 4]
    for figure in document.figures:
        svg = figure.chart.svg
        assert svg.startswith('<svg role="img"')
        assert f'<title id="{_prefix(svg)}-title">{figure.chart.title}</title>' in svg.replace(
            "&#x27;", "'"
        )
        assert "<desc id=" in svg
        assert " style=" not in svg
        assert len(figure.chart.description) > 40


def _prefix(svg: str) -> str:
    return re.search(r'aria-labelledby="([^ ]+)-title', svg).group(1)


def test_tables_and_figures_are_numbered_in_order(pandes):
    document = document_of(pandes, references=SAINT)

    assert [t.number for t in document.tables] == list(range(1, len(document.tables) + 1))
    assert [t.key for t in document.tables] == [
        "knowledge_statistics",
        "knowledge_bands",
        "per_mother",
        "milk_statistics",
        "references",
        "cadre_scores",
    ]


def test_the_print_document_has_a_title_page_contents_and_page_numbers(pandes):
    html = render_programme_report_html(document_of(pandes, language="id"))

    assert 'class="title-page"' in html
    assert "target-counter(attr(href), page)" in html
    assert "counter(page)" in html
    assert "string-set: running-title" in html
    assert "break-inside: avoid" in html
    assert '<html lang="id">' in html


def test_the_generation_date_is_the_given_day(pandes):
    document = document_of(pandes)

    assert document.generated_on == dt.date(2026, 11, 29)


def test_without_reference_ranges_the_figure_does_not_mention_them(pandes):
    document = document_of(pandes, references=())

    figure = next(b for b in document.section("norms").blocks if b.kind == "figure")
    assert "reference" not in figure.note
    assert figure.chart.title == "Milk volumes by postpartum day"
    assert "No reference ranges" in str(document.section("norms").paragraphs[0])


def test_pairings_with_an_uncertified_cadre_are_reported_with_reason_and_author(pandes):
    from kaderasi.accounts.models import User
    from kaderasi.care.models import Pairing

    coordinator = User.objects.create(username="dosen", first_name="Dosen", last_name="Poltekkes")
    Pairing.objects.filter(mother__programme=pandes, mother__code="M02").update(
        certification_override_reason="Sertifikat menyusul setelah redemonstrasi kedua",
        certification_override_by=coordinator,
    )

    document = document_of(pandes)

    section = document.section("certification_overrides")
    assert "In 1 pairing the cadre held no valid certificate" in str(section.paragraphs[0])
    (table,) = section.blocks
    assert [row[:2] + row[3:] for row in cell_texts(table)] == [
        ["M02", "K02", "Sertifikat menyusul setelah redemonstrasi kedua", "Dosen Poltekkes"]
    ]
    assert table in document.tables


def test_a_report_without_overrides_has_no_override_section(pandes):
    document = document_of(pandes)

    assert "certification_overrides" not in [section.key for section in document.sections]


def test_the_per_mother_table_shows_the_volume_the_statistics_count(pandes):
    # A second, later baseline for M01: the evaluation counts the earliest, and so must the table.
    from kaderasi.care.models import Measurement, Mother
    from kaderasi.care.services import measurement_record

    mother = Mother.objects.get(programme=pandes, code="M01")
    first = Measurement.objects.get(mother=mother, phase="before")
    measurement_record(
        mother=mother,
        kind=first.kind,
        measured_at=first.measured_at + dt.timedelta(hours=1),
        value=Decimal("90"),
        phase="before",
        basis=first.basis,
        now=NOW,
        historical=True,
    )
    rows = cell_texts(next(t for t in document_of(pandes).tables if t.key == "per_mother"))
    assert rows[0][4] == "30.0"
    assert evaluation_of(pandes)["milk_volume"]["before"]["mean"] == 66.0
