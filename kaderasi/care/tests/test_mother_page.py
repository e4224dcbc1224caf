"""The mother's timeline: schedule with statuses, measurements with their day, weight change and
relation to the massage, charts against the reference band, flags."""

import pytest
from django.urls import reverse
from django.utils import translation

from kaderasi.care import charts, services
from kaderasi.care.tests.factories import at, delivered, session
from kaderasi.care.timeline import massage_relation, mother_timeline
from kaderasi.core import clock
from kaderasi.evaluation.norms import ReferenceRange

pytestmark = pytest.mark.django_db

NOW = at(10, 15)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def mother(world):
    mother = delivered(
        programme=world.programme,
        posyandu=world.mawar,
        delivered_at=at(8, 23, 30),
        now=NOW,
        birth_weight_g=3200,
    )
    session(mother, at(9, 7), now=NOW)
    for kind, when, value, extra in [
        ("milk_volume", at(9, 7, 42), 12, {"basis": "single_expression", "method": "manual_pump"}),
        ("milk_volume", at(10, 8), 160, {"basis": "24h_estimate", "method": "estimate"}),
        ("infant_weight", at(10, 8), 3008, {}),
    ]:
        services.measurement_record(
            mother=mother, kind=kind, measured_at=when, value=value, now=NOW, **extra
        )
    return mother


def test_the_timeline_derives_statuses_day_weight_change_and_massage_relation(mother):
    timeline = mother_timeline(mother, now=NOW)
    assert [(v.row.postpartum_day, v.row.slot, v.status) for v in timeline.sessions][:4] == [
        (1, 1, "done"),
        (1, 2, "missed"),
        (2, 1, "missed"),
        (2, 2, "due"),
    ]
    assert (timeline.adherence.done, timeline.adherence.due) == (1, 3)
    by_kind = {(v.measurement.kind, v.postpartum_day): v for v in timeline.measurements}
    weight = by_kind[("infant_weight", 2)]
    assert str(weight.weight_change_percent) == "-6.0"
    assert weight.value_display == "3,008 g (−6.0 %)"
    with translation.override("id"):
        assert weight.value_display == "3.008 g (−6,0 %)"
    assert by_kind[("milk_volume", 1)].massage_relation == "30 min after a massage"


def test_the_massage_relation_is_empty_when_no_session_is_near(mother):
    assert massage_relation(at(10, 14), list(mother.massage_sessions.all())) == ""


def test_the_mother_page_shows_the_charts_and_the_schedule(client, midwife, mother):
    client.force_login(midwife)
    response = client.get(reverse("mother-detail", args=[mother.public_id]))
    assert response.headers["Content-Language"] == "en"
    page = response.content.decode()
    assert response.context["milk_chart"].startswith("<svg")
    assert response.context["weight_chart"].startswith("<svg")
    assert page.count("<svg") >= 2
    assert "3,008 g (−6.0 %)" in page


def test_the_milk_chart_draws_the_reference_band_only_when_there_is_one():
    points = [charts.Point(1.3, 12, "single_expression"), charts.Point(3.2, 160, "24h_estimate")]
    without = charts.milk_volume_chart(points, [])
    with_band = charts.milk_volume_chart(points, [ReferenceRange(3, 98, 775, "Saint 1984")])
    assert "<pattern" not in without and "small study" not in without
    assert "<pattern" in with_band and "small study" in with_band
    assert 'role="img"' in with_band
    assert 'width="' not in with_band.split(">", 1)[0]  # sized by the page


def test_the_weight_chart_draws_the_rules_thresholds():
    svg = charts.weight_change_chart(
        [charts.Point(2.4, -6.0)], review_percent=7, referral_percent=10
    )
    assert "Review: −7 %" in svg
    assert "Refer: −10 %" in svg


GUIDANCE_TEXT = {
    "en": ["about 30 minutes before a feed", "8 to 12 times in 24 hours"],
    "id": ["sekitar 30 menit sebelum menyusui", "8 sampai 12 kali dalam 24 jam"],
}


@pytest.mark.parametrize("language", ["en", "id"])
@pytest.mark.parametrize("page", ["mother-detail", "care:session-guide"])
def test_the_sources_guidance_on_massage_and_feeds_is_shown_where_the_massage_happens(
    client, midwife, mother, page, language
):
    client.force_login(midwife)
    with translation.override(language):
        url = reverse(page, args=[mother.public_id])
    html = client.get(url).content.decode()
    for text in GUIDANCE_TEXT[language]:
        assert text in html
