"""Numbers as a results section writes them, and charts that print in black and white with a
title and a text alternative."""

import io
import re
from decimal import Decimal

import pytest
from django.utils import translation

from kaderasi.core import numbers as fmt
from kaderasi.reports import charts
from kaderasi.reports.progress import TerminalProgress
from kaderasi.training.scoring import Bands


@pytest.mark.parametrize(
    ("value", "english", "indonesian"),
    [
        (2.534e-7, "< 0.001", "< 0,001"),
        (0.001, "0.00100", "0,00100"),
        (0.001953125, "0.00195", "0,00195"),
        (0.0497, "0.0497", "0,0497"),
        (0.51, "0.510", "0,510"),
        (1.0, "1.00", "1,00"),
        (None, "—", "—"),
    ],
)
def test_p_values_have_three_significant_digits_or_a_floor(value, english, indonesian):
    with translation.override("en"):
        assert fmt.p_value(value) == english
    with translation.override("id"):
        assert fmt.p_value(value) == indonesian


def test_means_have_one_decimal_rounded_half_up():
    with translation.override("en"):
        assert fmt.mean(66) == "66.0"
        assert fmt.mean(0.25) == "0.3"
        assert fmt.number(2.5, 0) == "3"
        assert fmt.number(1234.5, 0) == "1,235"


def test_intervals_have_two_decimals():
    with translation.override("id"):
        assert fmt.interval([191.0834, 266.9166]) == "191,08 – 266,92"
        assert fmt.interval(None) == "—"


def test_changes_carry_their_sign():
    with translation.override("en"):
        assert fmt.signed(229) == "+229.0"
        assert fmt.signed(-12.5) == "−12.5"
        assert fmt.signed(0) == "0.0"


def test_a_share_of_nothing_is_undefined():
    assert fmt.share(3, 0) is None
    assert fmt.share(1, 4) == 25.0


@pytest.fixture
def slope():
    with translation.override("en"):
        return charts.slope_chart(
            [charts.PairedValue("M1", 30, 250), charts.PairedValue("M2", 100, 90)]
        )


def test_a_chart_is_one_accessible_image(slope):
    assert slope.svg.startswith('<svg role="img" aria-labelledby="chart-slope-')
    assert "<title id=" in slope.svg
    assert "<desc id=" in slope.svg
    assert slope.title == "Milk volume of each mother, before and after"
    assert slope.description == (
        "Slope chart of 2 mothers with both measurements: 1 rose, 1 fell, 0 stayed the same. "
        "Mean 65.0 ml before and 170.0 ml after."
    )


def test_chart_text_stays_text_and_styles_are_attributes(slope):
    assert "<text" in slope.svg
    assert "DejaVu Sans" in slope.svg
    assert " style=" not in slope.svg


def test_two_charts_on_one_page_never_share_an_id():
    with translation.override("en"):
        first = charts.box_plots([1, 2, 3], [4, 5, 6])
        second = charts.box_plots([1, 2, 3], [4, 5, 7])
    import re

    ids = lambda svg: set(re.findall(r' id="([^"]+)"', svg))  # noqa: E731
    assert ids(first.svg).isdisjoint(ids(second.svg))


def test_the_same_data_draws_the_same_chart():
    with translation.override("en"):
        assert charts.box_plots([1, 2], [3, 4]).svg == charts.box_plots([1, 2], [3, 4]).svg


def test_the_chart_language_follows_the_active_language():
    with translation.override("en"):
        english = charts.box_plots([1, 2], [3, 4])
    with translation.override("id"):
        indonesian = charts.box_plots([1, 2], [3, 4])

    assert ">Before<" in english.svg
    assert english.svg != indonesian.svg


def test_the_norms_chart_says_when_the_range_is_only_for_orientation():
    with translation.override("en"):
        chart = charts.norms_chart(
            [charts.DayVolume("M1", "before", 1, 30), charts.DayVolume("M1", "after", 3, 250)],
            [charts.DayRange(1, 7, 122.5), charts.DayRange(3, 98, 775)],
            comparable=False,
        )

    assert "Day 1: 7.0–122.5 ml." in chart.description
    assert "for orientation only" in chart.description


def test_an_empty_knowledge_plot_still_draws():
    with translation.override("en"):
        chart = charts.knowledge_dot_plot([], [], bands=Bands(Decimal(76), Decimal(56)))

    assert chart.svg.startswith("<svg")


def test_a_progress_bar_in_a_log_prints_each_tenth_once():
    stream = io.StringIO()
    bar = TerminalProgress(stream, label="PDF")

    for percent in (1, 5, 15, 18, 60, 95):
        bar.update(percent, "charts")
    bar.finish()

    lines = stream.getvalue().splitlines()
    assert [line.split("]")[1].split("%")[0].strip() for line in lines] == [
        "1",
        "15",
        "60",
        "95",
        "100",
    ]
    assert lines[0].startswith("PDF [")


def _plot_top(svg: str) -> float:
    """The top edge (SVG y) of the plotting area: the clip rectangle of the axes."""
    import re

    return float(re.search(r'<clipPath id="[^"]+">\s*<rect x="[^"]+" y="([^"]+)"', svg).group(1))


def _legend_text_ys(svg: str) -> list[float]:
    import re

    legend = svg[svg.index("-legend_1") :]
    return [float(y) for y in re.findall(r'<text [^>]*\by="([^"]+)"', legend)]


@pytest.mark.parametrize("variant", ["svg", "narrow_svg"])
def test_the_norms_chart_legend_sits_above_the_plot_never_over_a_band(variant):
    with translation.override("en"):
        chart = charts.norms_chart(
            [charts.DayVolume("M1", "before", 1, 30), charts.DayVolume("M1", "after", 3, 250)],
            [charts.DayRange(1, 7, 122.5), charts.DayRange(3, 98, 775)],
            comparable=False,
        )
    svg = getattr(chart, variant)

    ys = _legend_text_ys(svg)
    assert len(ys) == 3  # before, after, the reference range
    assert max(ys) < _plot_top(svg)


@pytest.mark.parametrize(
    ("count", "most", "expected"),
    [
        (12, 8, [1, 3, 5, 7, 9, 11]),
        (13, 8, [0, 2, 4, 6, 8, 10, 12]),
        (5, 8, [0, 1, 2, 3, 4]),
        (12, 4, [2, 5, 8, 11]),
        (1, 4, [0]),
        (0, 4, []),
    ],
)
def test_trend_ticks_always_include_the_current_week(count, most, expected):
    assert charts.tick_positions(count, most=most) == expected


def test_the_trend_chart_labels_the_last_week_in_both_drawings():
    points = [charts.TrendPoint(f"{day} Nov", 2, 1) for day in (2, 9, 16, 23)]
    points = [charts.TrendPoint(f"{day} Okt", 0, 0) for day in (5, 12, 19, 26)] + points
    points = [charts.TrendPoint(f"{day} Sep", 0, 0) for day in (7, 14, 21, 28)] + points
    with translation.override("en"):
        chart = charts.sessions_trend(points, period_label="week")

    assert ">23 Nov<" in chart.svg
    assert ">23 Nov<" in chart.narrow_svg


def _width_pt(svg: str) -> float:
    import re

    return float(re.search(r'<svg [^>]*\bwidth="([\d.]+)pt"', svg).group(1))


def test_wide_charts_have_a_phone_drawing_with_a_viewbox_and_narrow_charts_need_none(slope):
    with translation.override("en"):
        wide = [
            charts.knowledge_dot_plot([50, 60], [80, 90], bands=Bands(Decimal(76), Decimal(56))),
            charts.norms_chart([], [charts.DayRange(1, 7, 122.5)], comparable=True),
            charts.sessions_trend([charts.TrendPoint("23 Nov", 2, 1)], period_label="week"),
        ]

    for chart in wide:
        assert "viewBox=" in chart.narrow_svg
        # 3.6 in: shown 300-340 px wide on a phone, its 9 pt text stays about 11 px.
        assert _width_pt(chart.narrow_svg) == pytest.approx(259.2, abs=0.5)
        assert _width_pt(chart.svg) > 400
    assert slope.narrow_svg == ""
    assert _width_pt(slope.svg) == pytest.approx(259.2, abs=0.5)


def _open_marks_x(svg: str) -> list[float]:
    """x of every open (white-filled) mark: the before points and the mean diamonds."""
    return [
        float(x)
        for x in re.findall(r'<use xlink:href="#[^"]+" x="([\d.]+)" y="[\d.]+" fill="#ffffff"', svg)
    ]


def _words(svg: str) -> str:
    """The chart's text, its wrapped lines joined."""
    return " ".join(re.findall(r">([^<>]+)</text>", svg))


def _label_x(svg: str, label: str) -> float:
    return float(
        re.search(rf'x="([\d.]+)" y="[\d.]+" transform="[^"]+">{label}</text>', svg).group(1)
    )


def test_a_phase_without_values_gets_no_box_and_no_mean_but_says_so():
    """A programme under way has baselines and no follow-up yet: the box of "after" was drawn
    from [0], a mean diamond at 0 ml that no mother had."""
    with translation.override("en"):
        svg = charts.box_plots([6, 6, 6, 6], []).svg
    before, after = _label_x(svg, "Before"), _label_x(svg, "After")
    marks = _open_marks_x(svg)
    # The before column's marks (its mean, and its points a little to its right) only.
    assert marks and all(before - 5 < x < after - 20 for x in marks)
    assert "No value yet" in _words(svg)


def test_a_slope_chart_without_a_complete_pair_says_so_instead_of_an_empty_plot():
    with translation.override("en"):
        svg = charts.slope_chart([charts.PairedValue("M1", 6, None)]).svg
    assert "No mother has both volumes yet" in _words(svg)
    assert _open_marks_x(svg) == []
