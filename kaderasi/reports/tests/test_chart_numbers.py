"""Charts write their numbers as the page around them does (core/numbers.py): a decimal comma and
the minus sign on Indonesian pages, a decimal point on English ones, axis ticks included."""

import re
from decimal import Decimal

import pytest
from django.utils import translation

from kaderasi.care import charts as care_charts
from kaderasi.evaluation.norms import ReferenceRange
from kaderasi.reports import charts
from kaderasi.training.scoring import Bands


def tick_texts(svg: str) -> list[str]:
    """The words the SVG prints (text is kept as text, `svg.fonttype` none)."""
    return [re.sub(r"<[^>]+>", "", text) for text in re.findall(r"<text[^>]*>.*?</text>", svg)]


def weight_chart() -> str:
    return care_charts.weight_change_chart(
        [care_charts.Point(1.5, -2.5), care_charts.Point(2.5, -5.1)],
        review_percent=7.5,
        referral_percent=10,
    )


def test_the_weight_chart_prints_a_decimal_comma_on_an_indonesian_page():
    with translation.override("id"):
        svg = weight_chart()

    assert "−7,5 %" in svg
    assert "−7.5" not in svg
    ticks = tick_texts(svg)
    assert any(re.fullmatch(r"−\d+", text) for text in ticks)
    assert not any(re.fullmatch(r"-\d+(\.\d+)?", text) for text in ticks)


def test_the_weight_chart_prints_a_decimal_point_on_an_english_page():
    with translation.override("en"):
        svg = weight_chart()

    assert "−7.5 %" in svg
    assert "−7,5" not in svg


def test_a_report_charts_axis_ticks_use_the_decimal_comma_in_indonesian():
    pairs = [charts.PairedValue("M1", 0.5, 2.5), charts.PairedValue("M2", 1.0, 2.0)]
    with translation.override("id"):
        indonesian = tick_texts(charts.slope_chart(pairs).svg)
    with translation.override("en"):
        english = tick_texts(charts.slope_chart(pairs).svg)

    assert "1,5" in indonesian and "1.5" not in indonesian
    assert "1.5" in english and "1,5" not in english


# Every chart kaderasi draws, fed decimal values (and negative ones where a chart can show them).
EVERY_CHART = {
    "knowledge dot plot": lambda: (
        charts.knowledge_dot_plot(
            [42.5, 57.25, 61.5], [80.75, 92.5, 100], bands=Bands(Decimal("75.5"), Decimal("55.5"))
        ).svg
    ),
    "slope chart": lambda: (
        charts.slope_chart(
            [charts.PairedValue("M1", 12.5, 1250.5), charts.PairedValue("M2", 7.25, 30.5)]
        ).svg
    ),
    "box plots": lambda: charts.box_plots([2.5, 7.5, 12.25, 1200.5], [3.5, 9.75, 15.5, 1500.5]).svg,
    "norms chart": lambda: (
        charts.norms_chart(
            [charts.DayVolume("M1", "after", 2, 12.5), charts.DayVolume("M2", "after", 3, 1100.5)],
            [charts.DayRange(2, 5.5, 30.25), charts.DayRange(3, 20.5, 1200.75)],
            comparable=True,
        ).svg
    ),
    "sessions trend": lambda: (
        charts.sessions_trend(
            [charts.TrendPoint("W1", 3, 1), charts.TrendPoint("W2", 2000, 1234)],
            period_label="week",
        ).svg
    ),
    "mother's milk chart": lambda: care_charts.milk_volume_chart(
        [care_charts.Point(1.5, 2.5), care_charts.Point(2.5, 1250.5)],
        [ReferenceRange(1, 0.5, 12.5, source="test"), ReferenceRange(2, 7.5, 1300.5, "test")],
    ),
    "mother's weight chart": weight_chart,
}
# An English number in an Indonesian chart: a hyphen for the minus sign, a decimal point (a dot
# not followed by a group of three digits).
ENGLISH_NUMBER = re.compile(r"(?<![\w−])-\d|\d\.(?!\d{3}(?!\d))\d")


@pytest.mark.parametrize("draw", EVERY_CHART.values(), ids=EVERY_CHART.keys())
def test_every_chart_writes_its_numbers_the_indonesian_way_on_an_indonesian_page(draw):
    with translation.override("id"):
        svg = draw()

    texts = tick_texts(svg) + re.findall(r'aria-label="([^"]*)"', svg)
    texts += [re.sub(r"<[^>]+>", "", t) for t in re.findall(r"<desc[^>]*>(.*?)</desc>", svg, re.S)]
    english = [text for text in texts if ENGLISH_NUMBER.search(text)]
    assert english == []
    # It wrote decimals (a comma) or thousands (a dot): the check above had numbers to read.
    assert any(re.search(r"\d,\d|\d\.\d{3}", text) for text in texts)
