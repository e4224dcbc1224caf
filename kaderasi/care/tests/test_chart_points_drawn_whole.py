"""A point of a mother's chart is drawn whole inside the plot: the first milk volume is measured
within hours of the birth (postpartum day 1.0) and the last can fall just before the axis ends;
on an axis that started at exactly day 1 the baseline's marker sat on the spine, half cut off."""

import re

import pytest
from django.utils import translation

from kaderasi.care import charts

PLOT_AREA = re.compile(r'<g id="patch_2">\s*<path d="M ([\d.]+) [\d.]+\s+L ([\d.]+)')
MARKERS = re.compile(r'<g clip-path="url\(#\w+\)">\s*((?:<use [^>]*>\s*)+)</g>')
MARKER_X = re.compile(r'<use xlink:href="#\w+" x="([\d.]+)"')


def _drawn_whole(svg: str, radius: float) -> list[float]:
    """The x of every plotted marker, after checking that each lies wholly inside the plot."""
    left, right = (float(x) for x in PLOT_AREA.search(svg).groups())
    xs = [float(x) for group in MARKERS.findall(svg) for x in MARKER_X.findall(group)]
    for x in xs:
        assert left + radius < x < right - radius, (left, x, right)
    return xs


@pytest.mark.parametrize(
    "chart",
    [
        lambda points: charts.milk_volume_chart(
            [charts.Point(p.day, p.value, "single_expression") for p in points], []
        ),
        lambda points: charts.weight_change_chart(points, review_percent=7, referral_percent=10),
        lambda points: charts.latch_chart(points, review_at_most=4),
    ],
    ids=["milk", "weight", "latch"],
)
def test_a_point_at_the_birth_and_one_at_the_end_of_the_axis_are_drawn_whole(chart):
    points = [charts.Point(1.0, 6), charts.Point(2.5, 5), charts.Point(3.999, 7)]
    with translation.override("en"):
        svg = chart(points)
    # Markers of 7-8 points: a radius of about 3.5 points, the SVG's unit.
    assert len(_drawn_whole(svg, radius=3.5)) == 3
