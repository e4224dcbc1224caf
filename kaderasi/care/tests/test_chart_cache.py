"""A mother's page charts are drawn once per distinct data and language, then read from the
cache: a change of data or of language draws them again (kaderasi/care/charts.py)."""

import pytest
from django.core.cache import cache
from django.utils import translation

from kaderasi.care import charts
from kaderasi.evaluation.norms import ReferenceRange

REFERENCES = [ReferenceRange(2, 20.0, 60.0, "a study")]
POINTS = [charts.Point(1.5, 12.0, "single_expression"), charts.Point(2.5, 30.0, "24h_estimate")]


@pytest.fixture
def drawings(monkeypatch):
    cache.clear()
    drawn = []
    figure = charts._figure

    def counted():
        drawn.append(True)
        return figure()

    monkeypatch.setattr(charts, "_figure", counted)
    yield drawn
    cache.clear()


def test_the_same_chart_in_the_same_language_is_drawn_once(drawings):
    with translation.override("id"):
        first = charts.milk_volume_chart(POINTS, list(REFERENCES))
        again = charts.milk_volume_chart(list(POINTS), list(REFERENCES))
        latch = charts.latch_chart(POINTS, review_at_most=5)
        latch_again = charts.latch_chart(POINTS, review_at_most=5)
    assert (again, latch_again) == (first, latch)
    assert len(drawings) == 2


def test_other_data_another_threshold_or_another_language_draws_again(drawings):
    with translation.override("id"):
        indonesian = charts.weight_change_chart(POINTS, review_percent=7, referral_percent=10)
        other_data = charts.weight_change_chart(POINTS[:1], review_percent=7, referral_percent=10)
        other_line = charts.weight_change_chart(POINTS, review_percent=8, referral_percent=10)
    with translation.override("en"):
        english = charts.weight_change_chart(POINTS, review_percent=7, referral_percent=10)
    assert len(drawings) == 4
    assert len({indonesian, other_data, other_line, english}) == 4
    assert "Infant weight change" in english and "Infant weight change" not in indonesian
