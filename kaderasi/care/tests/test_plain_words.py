"""Words a cadre reads as meant: many families use cloth nappies or none, so the urine count is
asked and flagged as BAK (buang air kecil), never as "popok basah" (issue 19)."""

import pytest
from django.utils import translation

from kaderasi.care.models import FlagRule, MeasurementKind

pytestmark = pytest.mark.django_db


def test_the_urine_rule_is_titled_by_urinations_not_nappies():
    rule = FlagRule.objects.get(code="wet_nappies_below_day_of_life")

    assert "BAK" in rule.title_id
    assert "popok" not in rule.title_id.lower()


@pytest.mark.parametrize(
    "english",
    [
        "Wet nappies",
        "Wet nappies in the last 24 hours",
        "Wet nappies in 24 hours",
        "%(count)s wet nappies on day %(day)s; at least %(expected)s expected.",
    ],
)
def test_the_indonesian_screens_ask_for_bak_counts(english):
    with translation.override("id"):
        indonesian = translation.gettext(english)

    assert "BAK" in indonesian
    assert "popok" not in indonesian.lower()


def test_the_measurement_kind_reads_as_bak_in_indonesian():
    with translation.override("id"):
        assert "BAK" in str(MeasurementKind.WET_NAPPIES.label)
