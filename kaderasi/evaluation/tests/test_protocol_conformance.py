"""Pairs outside the protocol's measurement days are counted, disclosed, and left out of the
analysis only when the programme says so (issue 13, build 2; decision 0110)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from kaderasi.cadres.models import Cadre
from kaderasi.care.models import Mother
from kaderasi.evaluation.presentation import evaluation_sections
from kaderasi.evaluation.rendering import render_text, render_workbook
from kaderasi.evaluation.results import programme_evaluation
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db

WIB = dt.timezone(dt.timedelta(hours=7))
DELIVERED_AT = dt.datetime(2026, 3, 1, 8, 0, tzinfo=WIB)


def _mother(world, code, before, after):
    """`before` and `after` are (ml, hours after the birth)."""
    mother = f.delivered_mother(
        programme=world.programme, posyandu=world.mawar, code=code, delivered_at=DELIVERED_AT
    )
    for phase, (value, hours) in (("before", before), ("after", after)):
        f.MeasurementFactory(
            mother=mother,
            phase=phase,
            value=Decimal(value),
            measured_at=DELIVERED_AT + dt.timedelta(hours=hours),
        )


def _evaluation(programme):
    with translation.override("en"):
        return programme_evaluation(
            programme, cadres=Cadre.objects.all(), mothers=Mother.objects.all()
        )


@pytest.fixture
def three_pairs(world):
    _mother(world, "M01", (40, 6), (300, 54))  # day 1 → day 3: keeps to the protocol
    _mother(world, "M02", (50, 100), (280, 130))  # day 5 → day 6: baseline too late
    _mother(world, "M03", (60, 6), (70, 10))  # follow-up on day 1, before the massage days end
    return world.programme


def test_pairs_outside_the_days_are_counted_and_analysed_by_default(three_pairs):
    result = _evaluation(three_pairs)

    assert result["protocol"]["pairs"] == 3
    assert result["protocol"]["pairs_outside"] == 2
    assert result["protocol"]["reasons"] == {
        "baseline_day": 1,
        "follow_up_day": 1,
        "follow_up_not_after_baseline": 0,
    }
    assert result["protocol"]["conformant_only"] is False
    flow = result["flow"]["mothers"]["intervention"]
    assert (flow["with_follow_up"], flow["outside_protocol"]) == (3, 2)
    assert (flow["outside_protocol_excluded"], flow["analysed"]) == (0, 3)
    assert result["milk_volume"]["n"] == 3


def test_a_follow_up_on_its_window_but_not_after_the_baseline_is_outside(world):
    programme = world.programme
    programme.baseline_day_to = 4
    programme.save()
    _mother(world, "M01", (40, 60), (300, 54))  # day 3 baseline, day 3 follow-up, earlier

    protocol = _evaluation(programme)["protocol"]

    assert protocol["reasons"]["follow_up_not_after_baseline"] == 1
    assert protocol["baseline_days"] == [1, 4]


def test_the_setting_leaves_the_pairs_outside_out_of_every_analysis(three_pairs):
    three_pairs.analyse_protocol_conformant_only = True
    three_pairs.save()

    result = _evaluation(three_pairs)

    flow = result["flow"]["mothers"]["intervention"]
    assert (flow["outside_protocol"], flow["outside_protocol_excluded"]) == (2, 2)
    assert flow["analysed"] == flow["with_follow_up"] - flow["outside_protocol_excluded"] == 1
    assert result["milk_volume"]["n"] == 1
    assert result["protocol"]["conformant_only"] is True


@pytest.mark.parametrize("conformant_only", [False, True])
def test_every_format_discloses_the_days_the_pairs_outside_and_the_setting(
    three_pairs, conformant_only
):
    three_pairs.analyse_protocol_conformant_only = conformant_only
    three_pairs.save()
    result = _evaluation(three_pairs)

    with translation.override("en"):
        sections = evaluation_sections(result, three_pairs)
        text = " ".join(render_text(sections).split())
        workbook = render_workbook(sections)

    assert (
        "The protocol measures the baseline volume on postpartum days 1–2 and the follow-up "
        "volume on postpartum days 3–4, after the baseline." in text
    )
    assert "2 of 3 pairs of volumes are outside these days." in text
    setting = "on; the pairs outside" if conformant_only else "off; every pair is analysed"
    assert f"Setting “analyse only protocol-conformant pairs”: {setting}" in text
    assert "Of these, outside the protocol's measurement days" in text
    assert "Excluded: outside the protocol's measurement days" in text
    cells = " ".join(_workbook_text(workbook).split())
    assert "2 of 3 pairs of volumes are outside these days." in cells
    assert "Excluded: outside the protocol's measurement days" in cells


def _workbook_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return " ".join(
        str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
    )
