"""A two-group evaluation (issue 13, build 4): the difference in change between the groups leads,
with Welch's t-test and the Mann–Whitney U test; each group's own before-and-after change follows
with the lactogenesis caveat and the median days of its measurements, in every format (page,
text, workbook, PDF)."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from kaderasi.cadres.models import Cadre
from kaderasi.care.models import Mother
from kaderasi.evaluation.presentation import evaluation_sections
from kaderasi.evaluation.results import programme_evaluation
from kaderasi.programmes.models import StudyDesign
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db

WIB = dt.timezone(dt.timedelta(hours=7))
DELIVERED_AT = dt.datetime(2026, 3, 1, 8, 0, tzinfo=WIB)
CAVEAT = (
    "Within-group change: milk volume rises over the first days after birth as milk comes in "
    "(lactogenesis II), whatever the care, so this change is not an effect of the massage."
)
# (code, group, before ml, hours after birth, after ml, hours after birth)
MOTHERS = (
    ("I01", "intervention", 40, 6, 300, 54),
    ("I02", "intervention", 50, 6, 280, 54),
    ("I03", "intervention", 30, 30, 260, 78),
    ("C01", "comparison", 45, 6, 200, 102),
    ("C02", "comparison", 35, 6, 190, 102),
    ("C03", "comparison", 55, 30, 150, 102),
)


@pytest.fixture
def two_groups(world):
    """Three intervention mothers (baselines on days 1–2, follow-ups on days 3–4) and three
    comparison mothers (baselines on days 1–2, follow-ups on day 5)."""
    world.programme.design = StudyDesign.TWO_GROUP
    world.programme.save()
    for code, group, before, before_hours, after, after_hours in MOTHERS:
        mother = f.delivered_mother(
            programme=world.programme,
            posyandu=world.mawar,
            code=code,
            group=group,
            delivered_at=DELIVERED_AT,
        )
        for phase, value, hours in (
            ("before", before, before_hours),
            ("after", after, after_hours),
        ):
            f.MeasurementFactory(
                mother=mother,
                phase=phase,
                value=Decimal(value),
                measured_at=DELIVERED_AT + dt.timedelta(hours=hours),
            )
    return world.programme


def _evaluation(programme) -> dict:
    with translation.override("en"):
        return programme_evaluation(
            programme, cadres=Cadre.objects.all(), mothers=Mother.objects.all()
        )


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_each_group_has_its_own_change_and_median_days(two_groups):
    comparison = _evaluation(two_groups)["comparison"]

    within = comparison["within_groups"]
    assert list(within) == ["intervention", "comparison"]
    assert within["intervention"]["n"] == 3
    assert within["intervention"]["mean_difference"] == pytest.approx(240.0)
    assert (within["intervention"]["before_day"], within["intervention"]["after_day"]) == (1, 3)
    assert within["comparison"]["n"] == 3
    assert within["comparison"]["mean_difference"] == pytest.approx(135.0)
    assert (within["comparison"]["before_day"], within["comparison"]["after_day"]) == (1, 5)
    # The intervention group's own change is the milk-volume block the JSON always had.
    assert (
        within["intervention"]["mean_difference"]
        == _evaluation(two_groups)["milk_volume"]["mean_difference"]
    )
    assert comparison["difference_in_mean_change"] == pytest.approx(105.0)


def test_the_difference_between_the_groups_leads_and_each_group_follows(two_groups):
    with translation.override("en"):
        sections = evaluation_sections(_evaluation(two_groups), two_groups)

    keys = [section.key for section in sections]
    assert (
        keys.index("comparison") < keys.index("milk_volume") < keys.index("milk_volume_comparison")
    )
    lead = sections[keys.index("comparison")].paragraphs[0]
    assert lead.startswith(
        "The mean change was 240.00 ml in the intervention group and 135.00 ml in the "
        "comparison group: a difference of 105.00 ml (95 % confidence interval"
    )
    assert "Welch's t-test: p = " in lead
    assert "Mann–Whitney U test: p = " in lead


def test_the_text_shows_each_groups_caveat_and_days(two_groups):
    out = io.StringIO()
    call_command("evaluate", "wedi-2026", "--format", "text", "--language", "en", stdout=out)
    text = _flat(out.getvalue())

    intervention = text.index("Change within the intervention group (milk volume, ml)")
    comparison = text.index("Change within the comparison group (milk volume, ml)")
    assert text.index("Intervention and comparison groups") < intervention < comparison
    assert text.count(CAVEAT) == 2
    assert (
        "Baseline volumes were measured on postpartum day 1 and follow-up volumes on day 3 "
        "(medians)." in text[intervention:comparison]
    )
    assert (
        "Baseline volumes were measured on postpartum day 1 and follow-up volumes on day 5 "
        "(medians)." in text[comparison:]
    )


def test_the_page_workbook_and_pdf_carry_the_same_caveat(two_groups, client, admin_user):
    client.force_login(admin_user)
    slug = two_groups.slug
    with translation.override("en"):
        page = client.get(reverse("evaluation:programme", args=[slug]))
        workbook = client.get(reverse("evaluation:programme-workbook", args=[slug]))
        pdf = client.get(reverse("evaluation:programme-pdf", args=[slug]))

    page_text = _flat(page.content.decode())
    assert page_text.count(CAVEAT) == 2
    assert page_text.index("Intervention and comparison groups") < page_text.index(
        "Change within the intervention group"
    )

    book = openpyxl.load_workbook(io.BytesIO(workbook.content))
    assert book.sheetnames.index("Comparison") < book.sheetnames.index("Within intervention")
    for sheet_name, day in (("Within intervention", 3), ("Within comparison", 5)):
        cells = _flat(" ".join(str(c) for row in book[sheet_name].values for c in row if c))
        assert CAVEAT in cells
        assert f"follow-up volumes on day {day} (medians)" in cells

    pdf_text = _flat(
        subprocess.run(
            ["pdftotext", "-", "-"],  # noqa: S607 - poppler-utils on the PATH
            input=pdf.content,
            capture_output=True,
            check=True,
        ).stdout.decode()
    )
    assert pdf_text.count("whatever the care, so this change is not an effect of the massage") == 2
    assert "follow-up volumes on day 5 (medians)" in pdf_text


def test_the_caveat_is_written_in_indonesian_too(two_groups):
    """The caveat goes through the catalogue and carries the days in both languages."""
    caveat = {"id": "laktogenesis II", "en": "lactogenesis II"}
    for language in ("id", "en"):
        with translation.override(language):
            sections = evaluation_sections(_evaluation(two_groups), two_groups)
        comparison_group = next(s for s in sections if s.key == "milk_volume_comparison")
        assert "5" in comparison_group.paragraphs[0]
        assert caveat[language] in comparison_group.paragraphs[0]
