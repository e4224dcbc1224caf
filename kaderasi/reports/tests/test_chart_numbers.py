"""Charts write their numbers as the page around them does (core/numbers.py): a decimal comma and
the minus sign on Indonesian pages, a decimal point on English ones, axis ticks included."""

import re

from django.utils import translation

from kaderasi.care import charts as care_charts
from kaderasi.reports import charts


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
