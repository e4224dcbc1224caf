"""Issue 19 on screen: the cadre records a session not given (declined is her right), the
midwife records her first postnatal check and a birth outcome, the cadre records whether the milk
has come in, and the mother's page says when the first massage is, why, what follows the massage
days (KF2/KN2) and which data are missing."""

import uuid

import pytest
from django.urls import reverse
from django.utils import translation

from kaderasi.care.models import Delivery, Flag, ScheduledSession, SkipReason
from kaderasi.care.tests.factories import at, delivered
from kaderasi.core import clock
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db

NOW = at(9, 8)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def mother(world, cadre_user):
    mother = delivered(
        programme=world.programme, posyandu=world.mawar, delivered_at=at(8, 23, 30), now=NOW
    )
    cadre = cadre_user.cadre
    f.CertificateFactory(cadre=cadre)
    f.PairingFactory(mother=mother, cadre=cadre, starts_at=at(9, 0))
    return mother


def _skip(mother, row, *, reason: str, note: str = "") -> dict:
    """The skip form as the browser posts it (the push record `session_skip`)."""
    return {
        "id": str(uuid.uuid4()),
        "mother_id": str(mother.public_id),
        "scheduled_session_id": str(row.public_id),
        "reason": reason,
        "note": note,
        "skipped_at": NOW.isoformat(),
    }


def _first(mother):
    return ScheduledSession.objects.filter(mother=mother).order_by("window_starts_at").first()


def test_the_cadre_records_that_the_mother_declines_and_nobody_is_referred(
    client, cadre_user, mother
):
    client.force_login(cadre_user)
    url = reverse("care:session-skip", kwargs={"public_id": mother.public_id})
    page = client.get(url)
    assert page.status_code == 200
    first = _first(mother)
    assert str(first.public_id) in page.content.decode()

    response = client.post(url, _skip(mother, first, reason="mother_declines"))

    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.skip_reason, first.skipped_at, first.skipped_by) == (
        SkipReason.MOTHER_DECLINES,
        NOW,
        cadre_user,
    )
    assert not Flag.objects.filter(mother=mother).exists()


def test_other_without_a_note_is_refused_on_the_note_field(client, cadre_user, mother):
    client.force_login(cadre_user)
    first = _first(mother)
    response = client.post(
        reverse("care:session-skip", kwargs={"public_id": mother.public_id}),
        _skip(mother, first, reason="other"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "note": ["Write a short note when the reason is “Other”."]
    }
    first.refresh_from_db()
    assert first.skipped_at is None


def test_a_session_of_another_mother_cannot_be_skipped_here(client, cadre_user, mother, world):
    other = delivered(
        programme=world.programme, posyandu=world.mawar, delivered_at=at(8, 22), now=NOW
    )
    client.force_login(cadre_user)
    response = client.post(
        reverse("care:session-skip", kwargs={"public_id": mother.public_id}),
        _skip(mother, _first(other), reason="mother_unwell"),
    )
    assert response.status_code == 200
    assert "scheduled_session_id" in response.context["form"].errors
    assert not ScheduledSession.objects.filter(skipped_at__isnull=False).exists()


def test_the_mother_page_shows_the_first_massage_and_the_handover_to_kf2_and_kn2(
    client, midwife, mother
):
    client.force_login(midwife)
    html = client.get(reverse("mother-detail", kwargs={"public_id": mother.public_id})).content
    text = html.decode()
    assert "First massage from 9 Nov 06:00" in text
    assert "KF2" in text and "KN2" in text
    assert "day 3–7: 10 Nov – 15 Nov" in text
    assert "Missing data" not in text


def test_the_mother_page_asks_for_the_counts_no_rule_can_judge_without(
    client, midwife, mother, monkeypatch
):
    monkeypatch.setattr(clock, "now", lambda: at(10, 9))  # 33.5 hours after the birth
    client.force_login(midwife)
    text = client.get(reverse("mother-detail", kwargs={"public_id": mother.public_id})).content
    text = text.decode()
    assert "No urine (BAK) count in the last 24 hours" in text
    assert "Not asked yet whether her milk has come in" in text
    assert "No stool (BAB) count since the birth" not in text  # the rule judges at 48 hours


def test_the_midwife_records_the_postnatal_check_and_a_birth_outcome_stops_the_schedule(
    client, midwife, mother
):
    client.force_login(midwife)
    url = reverse("care:delivery-followup", kwargs={"public_id": mother.public_id})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "first_postnatal_check_at": "2026-11-09T05:00",
            "gestational_age_weeks": "39",
            "birth_outcome": "intensive_care",
            "birth_outcome_at": "",
        },
    )
    assert response.status_code == 302
    delivery = Delivery.objects.get(pregnancy__mother=mother)
    assert (delivery.gestational_age_weeks, delivery.birth_outcome, delivery.birth_outcome_at) == (
        39,
        "intensive_care",
        NOW,
    )
    assert not ScheduledSession.objects.filter(
        mother=mother, cancelled_at__isnull=True, window_ends_at__gt=NOW
    ).exists()
    page = client.get(reverse("mother-detail", kwargs={"public_id": mother.public_id}))
    assert "The massage has stopped" in page.content.decode()


def test_a_postnatal_check_before_the_birth_is_refused_on_its_field(client, midwife, mother):
    client.force_login(midwife)
    response = client.post(
        reverse("care:delivery-followup", kwargs={"public_id": mother.public_id}),
        {"first_postnatal_check_at": "2026-11-08T20:00", "birth_outcome": ""},
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["first_postnatal_check_at"]


def test_the_cadre_records_that_the_milk_has_not_come_in(client, cadre_user, mother):
    client.force_login(cadre_user)
    url = reverse("care:milk-onset", kwargs={"public_id": mother.public_id})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "id": str(uuid.uuid4()),
            "mother_id": str(mother.public_id),
            "came_in": "no",
            "at": "2026-11-09T08:00",
        },
    )
    assert response.status_code == 302
    delivery = Delivery.objects.get(pregnancy__mother=mother)
    assert (delivery.milk_not_in_at, delivery.milk_came_in_at) == (at(9, 8), None)


def test_the_skip_screen_is_in_indonesian(client, cadre_user, mother):
    client.force_login(cadre_user)
    with translation.override("id"):
        page = client.get(
            reverse("care:session-skip", kwargs={"public_id": mother.public_id}),
            HTTP_ACCEPT_LANGUAGE="id",
        )
    assert "Ibu menolak / lewati sesi" in page.content.decode()


def test_the_session_screen_says_the_first_massage_is_not_yet_due(client, cadre_user, world):
    programme = world.programme
    programme.first_massage_min_hours = 6
    programme.save()
    mother = delivered(programme=programme, posyandu=world.mawar, delivered_at=at(9, 5), now=NOW)
    f.CertificateFactory(cadre=cadre_user.cadre)
    f.PairingFactory(mother=mother, cadre=cadre_user.cadre, starts_at=at(9, 5, 30))
    client.force_login(cadre_user)
    page = client.get(reverse("care:session-guide", kwargs={"public_id": mother.public_id}))
    text = page.content.decode()
    assert "Not yet: the first massage is from 9 Nov 11:00." in text
    assert "Not before 6 hours after the birth" in text
    assert "Mother declines / skip the session" in text


def test_the_last_session_names_the_visits_that_follow(client, cadre_user, mother, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: at(11, 15))  # day 3, evening: the last session
    client.force_login(cadre_user)
    page = client.get(reverse("care:session-guide", kwargs={"public_id": mother.public_id}))
    text = page.content.decode()
    assert "This is the last massage session." in text
    assert "KF2" in text and "KN2" in text


def test_the_cadre_s_day_says_the_first_massage_waits_for_the_postnatal_check(
    client, cadre_user, world
):
    programme = world.programme
    programme.first_massage_min_hours = 6
    programme.first_massage_after_postnatal_check = True
    programme.save()
    mother = delivered(programme=programme, posyandu=world.mawar, delivered_at=at(9, 1), now=NOW)
    f.CertificateFactory(cadre=cadre_user.cadre)
    f.PairingFactory(mother=mother, cadre=cadre_user.cadre, starts_at=at(9, 2))
    client.force_login(cadre_user)
    text = client.get(reverse("home")).content.decode()
    assert "Not yet: the first massage waits for the midwife's first postnatal check (KF1)." in (
        text.replace("&#x27;", "'")
    )
    assert "The massage days are over." not in text


def test_the_session_to_skip_names_its_month_in_the_reader_language(
    client, monkeypatch, world, cadre_user
):
    october_now = at(9, 8, month=10)
    monkeypatch.setattr(clock, "now", lambda: october_now)
    mother = delivered(
        programme=world.programme,
        posyandu=world.mawar,
        delivered_at=at(8, 23, 30, month=10),
        now=october_now,
    )
    f.CertificateFactory(cadre=cadre_user.cadre)
    f.PairingFactory(mother=mother, cadre=cadre_user.cadre, starts_at=at(9, 0, month=10))
    client.force_login(cadre_user)

    with translation.override("id"):
        page = client.get(reverse("care:session-skip", kwargs={"public_id": mother.public_id}))

    content = page.content.decode()
    assert page.status_code == 200
    assert " Okt " in content
    assert " Oct " not in content
