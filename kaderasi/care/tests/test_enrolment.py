"""Enrolment by a midwife or coordinator: registration with duplicate detection, consent and its
withdrawal, delivery and infant, pairing with a certified cadre, reassignment with history."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from kaderasi.accounts.models import Role
from kaderasi.care import services
from kaderasi.care.errors import CareErrorCode
from kaderasi.care.models import (
    Consent,
    Delivery,
    Infant,
    Measurement,
    Mother,
    Pairing,
    ScheduledSession,
)
from kaderasi.care.tests.factories import at, delivered
from kaderasi.core import clock
from kaderasi.core.errors import DomainError
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db

NOW = at(20, 9)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


def _register_data(world, **overrides):
    data = {
        "programme": world.programme.pk,
        "posyandu": world.mawar.pk,
        "name": "Ny. Wulan",
        "nik": "3310012345678901",
        "phone": "0812 3456 7890",
        "birth_date": "1998-03-02",
        "stage": "pregnant",
        "last_menstrual_period": "2026-03-01",
        "estimated_delivery_date": "",
        "code": "",
        "group": "intervention",
    }
    data.update(overrides)
    return data


def test_a_midwife_registers_a_pregnant_mother_then_records_her_consent(client, midwife, world):
    client.force_login(midwife)
    response = client.post(reverse("care:mother-register"), _register_data(world))
    mother = Mother.objects.get()
    assert response.url == reverse("care:consent-give", args=[mother.public_id, "mother"])
    assert (mother.code, mother.nik, mother.phone) == ("M001", "3310012345678901", "+6281234567890")
    assert mother.pregnancies.get().last_menstrual_period == dt.date(2026, 3, 1)


@pytest.mark.parametrize("nik", ["331001234567890", "33100123456789012", "33100123456789AB"])
def test_a_nik_must_have_exactly_16_digits(client, midwife, world, nik):
    client.force_login(midwife)
    with translation.override("en"):
        response = client.post(reverse("care:mother-register"), _register_data(world, nik=nik))
        assert response.context["form"].errors["nik"] == ["A NIK has exactly 16 digits."]
    assert not Mother.objects.exists()


def test_a_pregnancy_needs_its_lmp_or_edd(client, midwife, world):
    client.force_login(midwife)
    response = client.post(
        reverse("care:mother-register"), _register_data(world, last_menstrual_period="")
    )
    assert list(response.context["form"].errors) == ["last_menstrual_period"]
    assert not Mother.objects.exists()


def test_a_possible_duplicate_is_shown_and_registered_only_when_confirmed(client, midwife, world):
    existing = f.MotherFactory(
        programme=world.programme, posyandu=world.mawar, name="Ny. Lama", nik="3310012345678901"
    )
    client.force_login(midwife)
    response = client.post(reverse("care:mother-register"), _register_data(world))
    assert list(response.context["form"].errors) == ["nik"]
    assert [d.mother for d in response.context["duplicates"]] == [existing]
    assert "Ny. Lama" in response.content.decode()
    assert Mother.objects.count() == 1
    client.post(reverse("care:mother-register"), _register_data(world, confirm_not_duplicate="on"))
    assert Mother.objects.count() == 2


def test_a_mother_outside_the_users_area_is_not_revealed_by_the_duplicate_check(
    client, midwife, world
):
    # Issue 14: the check answered "a mother with this phone number is already registered" for a
    # mother in another region, telling the midwife that the number exists there.
    f.MotherFactory(
        programme=world.other_programme,
        posyandu=world.sakura,
        name="Ny. Rahasia",
        nik="3310012345678901",
        phone="+6281234567890",
    )
    client.force_login(midwife)
    response = client.post(reverse("care:mother-register"), _register_data(world))

    assert response.status_code == 302
    assert Mother.objects.filter(programme=world.programme).count() == 1


def test_the_possible_duplicates_shown_are_only_within_the_users_scope(midwife, world):
    from kaderasi.care.selectors import possible_duplicates

    f.MotherFactory(programme=world.other_programme, posyandu=world.sakura, nik="3310012345678901")

    assert possible_duplicates(midwife, nik="3310012345678901") == []


def test_a_posyandu_outside_the_programme_is_refused(world, midwife):
    with pytest.raises(DomainError) as error:
        services.mother_register(
            programme=world.programme, posyandu=world.sakura, name="X", by=midwife, now=NOW
        )
    assert (error.value.code, error.value.field) == (
        CareErrorCode.MOTHER_POSYANDU_OUTSIDE_PROGRAMME,
        "posyandu",
    )


@pytest.mark.parametrize("persona", ["cadre_user", "district_officer"])
def test_only_field_staff_register_mothers(request, client, world, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(reverse("care:mother-register"), _register_data(world))
    assert response.status_code == 403
    assert not Mother.objects.exists()


@pytest.fixture
def pregnant(world, midwife):
    return services.mother_register(
        programme=world.programme,
        posyandu=world.mawar,
        name="Ny. Wulan",
        by=midwife,
        now=NOW,
        last_menstrual_period=dt.date(2026, 3, 1),
    )


def test_consent_is_recorded_for_the_mother_and_the_infant_under_the_text_version(
    client, midwife, pregnant
):
    client.force_login(midwife)
    for subject, given_by in [("mother", "mother"), ("infant", "husband")]:
        url = reverse("care:consent-give", args=[pregnant.public_id, subject])
        page = client.get(url).content.decode()
        assert "2026-1" in page
        client.post(url, {"given_by": given_by, "given_at": "2026-11-20T08:00", "text_read": "on"})
    consents = {c.subject: c for c in Consent.objects.all()}
    assert consents["mother"].text_version == consents["infant"].text_version == "2026-1"
    assert (consents["infant"].given_by, consents["infant"].recorded_by) == ("husband", midwife)


def test_consent_needs_the_text_read_to_her(client, midwife, pregnant):
    client.force_login(midwife)
    url = reverse("care:consent-give", args=[pregnant.public_id, "mother"])
    response = client.post(url, {"given_by": "mother", "given_at": "2026-11-20T08:00"})
    assert list(response.context["form"].errors) == ["text_read"]
    assert not Consent.objects.exists()


@pytest.fixture
def consenting(world, midwife):
    mother = delivered(
        programme=world.programme, posyandu=world.mawar, delivered_at=at(19, 23, 30), now=NOW
    )
    consent = services.consent_give(
        mother=mother, subject="mother", text_version="2026-1", given_at=at(19, 8), by=midwife
    )
    return mother, consent


def test_after_withdrawal_nothing_is_processed_and_no_session_stays_planned(
    client, midwife, consenting
):
    mother, consent = consenting
    client.force_login(midwife)
    url = reverse("care:consent-withdraw", args=[mother.public_id, consent.public_id])
    assert (
        client.post(url, {"withdrawn_at": "2026-11-20T08:00", "reason": "pindah"}).status_code
        == 302
    )
    consent.refresh_from_db()
    assert (consent.withdrawn_at, consent.withdrawal_reason) == (at(20, 8), "pindah")
    assert not ScheduledSession.objects.filter(mother=mother, cancelled_at__isnull=True).exists()
    with pytest.raises(DomainError) as error:
        services.measurement_record(
            mother=mother, kind="milk_volume", measured_at=at(20, 8, 30), value=20, now=NOW
        )
    assert error.value.code == CareErrorCode.CONSENT_WITHDRAWN
    with pytest.raises(DomainError):
        services.danger_signs_report(mother=mother, signs=[], observed_at=at(20, 8, 30), now=NOW)
    assert services.schedule_sweep(now=at(22, 9))["missed_flags"] == 0
    assert not Measurement.objects.exists()
    page = client.get(reverse("mother-detail", args=[mother.public_id])).content.decode()
    assert reverse("care:session-guide", args=[mother.public_id]) not in page


def test_the_delivery_and_infant_are_recorded_together_and_the_schedule_follows(
    client, midwife, pregnant
):
    client.force_login(midwife)
    url = reverse("care:delivery-record", args=[pregnant.public_id])
    response = client.post(
        url,
        {
            "delivered_at": "2026-11-19T23:30",
            "delivery_type": "caesarean",
            "parity": "2",
            "place": "hospital",
            "early_initiation": "true",
            "sex": "male",
            "birth_weight_g": "3150",
        },
    )
    assert response.status_code == 302
    delivery = Delivery.objects.get()
    assert (delivery.delivery_type, delivery.parity, delivery.early_initiation) == (
        "caesarean",
        2,
        True,
    )
    assert Infant.objects.get().birth_weight_g == 3150
    assert ScheduledSession.objects.filter(mother=pregnant).count() == 6


def test_a_delivery_in_the_future_is_refused_and_the_infant_not_saved(client, midwife, pregnant):
    client.force_login(midwife)
    url = reverse("care:delivery-record", args=[pregnant.public_id])
    response = client.post(
        url,
        {"delivered_at": "2026-11-21T08:00", "delivery_type": "spontaneous", "sex": "female"},
    )
    assert list(response.context["form"].errors) == ["delivered_at"]
    assert not Delivery.objects.exists()
    assert not Infant.objects.exists()


@pytest.fixture
def certified(world):
    return f.certified_cadre(programme=world.programme, posyandu=world.mawar, name="Bu Certified")


@pytest.fixture
def uncertified(world):
    return f.CadreFactory(programme=world.programme, posyandu=world.mawar, name="Bu Belum")


def test_the_pairing_page_shows_who_is_certified(client, midwife, pregnant, certified, uncertified):
    client.force_login(midwife)
    response = client.get(reverse("care:pairing", args=[pregnant.public_id]))
    candidates = {c.cadre.name: c.certified for c in response.context["candidates"]}
    assert candidates == {"Bu Certified": True, "Bu Belum": False}


def test_a_midwife_cannot_pair_an_uncertified_cadre(client, midwife, pregnant, uncertified):
    client.force_login(midwife)
    response = client.post(
        reverse("care:pairing", args=[pregnant.public_id]),
        {
            "cadre": str(uncertified.public_id),
            "starts_at": "2026-11-20T08:00",
            "override_reason": "tidak ada kader lain",
        },
    )
    assert list(response.context["form"].errors) == ["override_reason"]
    assert not Pairing.objects.exists()


def test_a_coordinator_pairs_an_uncertified_cadre_with_a_reason(
    client, coordinator, pregnant, uncertified
):
    client.force_login(coordinator)
    client.post(
        reverse("care:pairing", args=[pregnant.public_id]),
        {
            "cadre": str(uncertified.public_id),
            "starts_at": "2026-11-20T08:00",
            "override_reason": "Sertifikat dalam proses",
        },
    )
    pairing = Pairing.objects.get()
    assert (pairing.certification_override_reason, pairing.certification_override_by) == (
        "Sertifikat dalam proses",
        coordinator,
    )


def test_reassignment_from_the_page_keeps_the_history(client, midwife, pregnant, certified, world):
    other = f.certified_cadre(programme=world.programme, posyandu=world.mawar, name="Bu Kedua")
    client.force_login(midwife)
    url = reverse("care:pairing", args=[pregnant.public_id])
    client.post(url, {"cadre": str(certified.public_id), "starts_at": "2026-11-20T07:00"})
    client.post(url, {"cadre": str(other.public_id), "starts_at": "2026-11-20T08:00"})
    assert list(
        Pairing.objects.order_by("starts_at").values_list("cadre__name", "end_reason", "ends_at")
    ) == [("Bu Certified", "reassigned", at(20, 8)), ("Bu Kedua", "", None)]


def test_ending_the_accompaniment_frees_the_cadre(client, midwife, pregnant, certified):
    services.pairing_start(mother=pregnant, cadre=certified, starts_at=at(20, 7))
    client.force_login(midwife)
    client.post(
        reverse("care:pairing-end", args=[pregnant.public_id]),
        {"ends_at": "2026-11-20T08:00", "reason": "completed"},
    )
    assert Pairing.objects.get().end_reason == "completed"


def test_a_cadre_is_not_offered_outside_the_midwifes_area(client, midwife, pregnant, world):
    f.certified_cadre(programme=world.programme, posyandu=world.kenanga, name="Bu Canan")
    client.force_login(midwife)
    response = client.get(reverse("care:pairing", args=[pregnant.public_id]))
    assert "Bu Canan" not in [c.cadre.name for c in response.context["candidates"]]


@pytest.mark.parametrize(
    ("persona", "status"),
    [("midwife", 200), ("coordinator", 200), ("admin_user", 200), ("district_officer", 403)],
)
def test_enrolment_pages_by_role(request, client, pregnant, persona, status):
    client.force_login(request.getfixturevalue(persona))
    for name in ["care:pairing", "care:delivery-record", "care:pregnancy-edit"]:
        assert client.get(reverse(name, args=[pregnant.public_id])).status_code == status


def test_a_mother_outside_the_area_is_a_404(client, world):
    outside = f.delivered_mother(programme=world.other_programme, posyandu=world.sakura)
    midwife = f.UserFactory(role=Role.MIDWIFE, areas=[world.pandes])
    client.force_login(midwife)
    for name in ["care:pairing", "care:delivery-record", "care:milk-volume"]:
        assert client.get(reverse(name, args=[outside.public_id])).status_code == 404
    assert client.get(reverse("mother-detail", args=[outside.public_id])).status_code == 404


def test_a_mother_registered_after_the_birth_goes_from_consent_to_her_delivery(
    client, midwife, world
):
    client.force_login(midwife)
    response = client.post(
        reverse("care:mother-register"), _register_data(world, stage="delivered")
    )
    mother = Mother.objects.get()
    assert response.url.endswith("?then=delivery")
    response = client.post(
        response.url, {"given_by": "mother", "given_at": "2026-11-20T08:00", "text_read": "on"}
    )
    response = client.post(
        response.url, {"given_by": "parent", "given_at": "2026-11-20T08:00", "text_read": "on"}
    )
    assert response.url == reverse("care:delivery-record", args=[mother.public_id])
