"""The mother's milk chart never reads a single expression against the 24-hour band, and says
what the band is (issue 19, domain reference §3.1)."""

from django.utils import translation

from kaderasi.care import charts
from kaderasi.care.references import milk_reference_ranges
from kaderasi.evaluation.norms import ReferenceRange

SAINT = [
    ReferenceRange(1, 7.0, 122.5, "Saint 1984", study_size=9),
    ReferenceRange(3, 98, 775, "Saint 1984", study_size=9),
    ReferenceRange(5, 452, 876, "Saint 1984", study_size=9),
]


def test_single_expressions_alone_are_drawn_without_the_24_hour_band():
    points = [charts.Point(1.3, 12, "single_expression"), charts.Point(3.2, 30, "unknown")]
    with translation.override("en"):
        svg = charts.milk_volume_chart(points, SAINT)
    assert "<pattern" not in svg
    assert "small study" not in svg
    assert "not comparable with a" in svg


def test_a_24_hour_estimate_is_drawn_over_the_band_and_single_expressions_in_their_own_panel():
    points = [charts.Point(1.3, 12, "single_expression"), charts.Point(3.2, 160, "24h_estimate")]
    with translation.override("en"):
        svg = charts.milk_volume_chart(points, SAINT)
    assert svg.count("<pattern") == 1
    assert svg.count('id="axes_') == 2
    assert "Milk in 24 hours (ml)" in svg
    assert "not comparable with a" in svg


def test_only_24_hour_estimates_make_one_panel_with_the_band():
    with translation.override("en"):
        svg = charts.milk_volume_chart([charts.Point(3.2, 160, "24h_estimate")], SAINT)
    assert svg.count('id="axes_') == 1
    assert "<pattern" in svg
    assert "not comparable" not in svg


def test_the_band_is_labelled_as_the_lowest_and_highest_of_a_small_study_not_a_normal_range():
    with translation.override("en"):
        assert charts.milk_band_label(SAINT) == (
            "24-hour volumes seen in one small study: lowest to highest of 9 mothers "
            "(not a normal range)"
        )
        assert charts.milk_band_label([ReferenceRange(3, 98, 775, "x")]) == (
            "24-hour volumes seen in a small study: lowest to highest (not a normal range)"
        )
        assert charts.milk_band_label([ReferenceRange(7, 300, 600, "x", bounds="guide_range")]) == (
            "24-hour guide range (not a measured distribution)"
        )


def test_the_chart_reads_the_shipped_table_with_what_its_bounds_are(db):
    assert [(r.postpartum_day, r.bounds, r.study_size) for r in milk_reference_ranges()] == [
        (1, "observed_extremes", 9),
        (3, "observed_extremes", 9),
        (5, "observed_extremes", 9),
    ]
