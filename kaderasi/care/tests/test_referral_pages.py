"""The midwife works a referral on its page: she acknowledges it, acts, and closes it with an
outcome; a referral outside her villages does not exist for her."""

import pytest
from django.urls import reverse
from django.utils import translation

from kaderasi.care import services
from kaderasi.care.models import Referral, ReferralStatus
from kaderasi.care.tests.factories import at, delivered

pytestmark = pytest.mark.django_db

NOW = at(12, 9)


def _referral_for(world, posyandu):
    mother = delivered(
        programme=world.programme,
        posyandu=posyandu,
        delivered_at=at(8, 23, 30),
        now=NOW,
        birth_weight_g=3000,
    )
    services.measurement_record(
        mother=mother, kind="infant_weight", measured_at=at(11, 8), value=2690, now=NOW
    )
    return Referral.objects.get(mother=mother)


@pytest.fixture
def referral(world):
    return _referral_for(world, world.mawar)  # Desa Pandes: the midwife's village


def _page(referral, language="en"):
    with translation.override(language):
        return reverse("care:referral-detail", args=[referral.public_id])


def test_the_midwife_acknowledges_then_closes_a_referral_with_its_outcome(
    client, midwife, referral
):
    client.force_login(midwife)
    page = client.get(_page(referral))
    assert page.status_code == 200
    assert "10" in page.content.decode()  # the weight loss that raised it is explained

    response = client.post(_page(referral), {"action": "acknowledge"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.acknowledged_by) == (ReferralStatus.ACKNOWLEDGED, midwife)

    response = client.post(
        _page(referral),
        {"outcome": "referred_to_puskesmas", "action_taken": "Diantar ke puskesmas Wedi."},
    )
    assert response.status_code == 302
    assert response.url == reverse("mother-detail", args=[referral.mother.public_id])
    referral.refresh_from_db()
    assert (referral.status, referral.outcome, referral.closed_by) == (
        ReferralStatus.CLOSED,
        "referred_to_puskesmas",
        midwife,
    )
    assert referral.action_taken == "Diantar ke puskesmas Wedi."


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "when the outcome is “Other”"), ("id", "“Lainnya”")],
)
def test_closing_as_other_without_saying_what_was_done_is_refused_on_that_field(
    client, midwife, referral, language, message
):
    client.force_login(midwife)
    response = client.post(_page(referral, language), {"outcome": "other", "action_taken": " "})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["action_taken"]
    assert message in errors["action_taken"][0]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.OPEN


def test_a_closed_referral_cannot_be_closed_again(client, midwife, referral):
    services.referral_close(referral=referral, by=midwife, now=NOW, outcome="no_action_needed")
    client.force_login(midwife)
    response = client.post(_page(referral), {"outcome": "handled_at_home"})
    assert response.status_code == 200
    assert "already closed" in response.content.decode()
    referral.refresh_from_db()
    assert referral.outcome == "no_action_needed"


def test_a_referral_outside_her_villages_is_not_found_and_not_changed(client, midwife, world):
    elsewhere = _referral_for(world, world.kenanga)  # Desa Canan
    client.force_login(midwife)
    assert client.get(_page(elsewhere)).status_code == 404
    assert client.post(_page(elsewhere), {"action": "acknowledge"}).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.status == ReferralStatus.OPEN


def test_a_cadre_does_not_handle_referrals(client, cadre_user, referral):
    client.force_login(cadre_user)
    assert client.get(_page(referral)).status_code == 403
    assert client.post(_page(referral), {"action": "acknowledge"}).status_code == 403
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.OPEN
