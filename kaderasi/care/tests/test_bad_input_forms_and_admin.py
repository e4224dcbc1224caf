"""The same bad input is refused in the web forms and in the admin, in both languages, with the
message on the field that is wrong; nothing is saved and what was typed stays on the page.

The four cases of the foundation issue: a negative volume, a delivery before the last menstrual
period, a duplicate code and a malformed phone number."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from kaderasi.cadres.models import Cadre
from kaderasi.care.models import Delivery, Measurement, Mother
from kaderasi.tests import factories as f
from kaderasi.tests.admin_forms import mother_admin_form

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "id"]

PHONE = {
    "en": "Enter a valid phone number",
    "id": "Masukkan nomor telepon yang benar",
}
MOTHER_CODE = {
    "en": "Another mother of this programme already has this code.",
    "id": "Kode ini sudah dipakai oleh ibu lain dalam program ini.",
}
CADRE_CODE = {
    "en": "Another cadre of this programme already has this code.",
    "id": "Kode ini sudah dipakai oleh kader lain dalam program ini.",
}
BEFORE_LMP = {
    "en": "after the first day of the last menstrual period",
    "id": "hari pertama haid terakhir",
}
NEGATIVE = {
    "en": "between 0 and 1500",
    "id": "antara 0 dan 1500",
}


def _url(name, language, *args):
    with translation.override(language):
        return reverse(name, args=args)


def _register_form(world, **overrides):
    data = {
        "programme": world.programme.pk,
        "posyandu": world.mawar.pk,
        "name": "Ny. Wulan",
        "nik": "",
        "phone": "0812-3456-7890",
        "birth_date": "",
        "stage": "pregnant",
        "last_menstrual_period": "2026-04-01",
        "estimated_delivery_date": "",
        "code": "",
        "group": "intervention",
    }
    return {**data, **overrides}


def _admin_errors(response):
    assert response.status_code == 200, "the admin saved what it should have refused"
    return response.context["adminform"].form.errors


# --- malformed phone number ---------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_registering_a_mother_with_a_malformed_phone_names_the_phone_field(
    client, midwife, world, language
):
    client.force_login(midwife)
    response = client.post(
        _url("care:mother-register", language), _register_form(world, phone="0812-12")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["phone"]
    assert PHONE[language] in errors["phone"][0]
    assert 'value="Ny. Wulan"' in response.content.decode()
    assert not Mother.objects.exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_mother_admin_refuses_a_malformed_phone_on_the_phone_field(
    client, admin_user, world, language
):
    client.force_login(admin_user)
    response = client.post(
        _url("admin:care_mother_add", language),
        mother_admin_form(programme=world.programme, posyandu=world.mawar, phone="0812-12"),
    )
    errors = _admin_errors(response)
    assert list(errors) == ["phone"]
    assert PHONE[language] in errors["phone"][0]
    assert not Mother.objects.exists()


# --- duplicate code -----------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_registering_a_mother_under_a_code_already_used_names_the_code_field(
    client, midwife, world, language
):
    f.MotherFactory(programme=world.programme, posyandu=world.mawar, code="M07")
    client.force_login(midwife)
    response = client.post(
        _url("care:mother-register", language), _register_form(world, code="M07")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["code"]
    assert MOTHER_CODE[language] in errors["code"][0]
    assert Mother.objects.count() == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_mother_admin_refuses_a_duplicate_code_on_the_code_field(
    client, admin_user, world, language
):
    f.MotherFactory(programme=world.programme, posyandu=world.mawar, code="M50")
    client.force_login(admin_user)
    response = client.post(
        _url("admin:care_mother_add", language),
        mother_admin_form(programme=world.programme, posyandu=world.mawar),
    )
    errors = _admin_errors(response)
    assert list(errors) == ["code"]
    assert MOTHER_CODE[language] in errors["code"][0]
    assert Mother.objects.count() == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_cadre_admin_refuses_a_duplicate_code_on_the_code_field(
    client, admin_user, world, language
):
    f.CadreFactory(programme=world.programme, posyandu=world.mawar, code="K01")
    client.force_login(admin_user)
    response = client.post(
        _url("admin:cadres_cadre_add", language),
        {
            "programme": world.programme.pk,
            "code": "K01",
            "name": "Sumarni",
            "posyandu": world.mawar.pk,
            "phone": "",
        },
    )
    errors = _admin_errors(response)
    assert list(errors) == ["code"]
    assert CADRE_CODE[language] in errors["code"][0]
    assert Cadre.objects.count() == 1


def test_changing_a_mother_in_the_admin_keeps_her_own_code(client, admin_user, world):
    mother = f.MotherFactory(programme=world.programme, posyandu=world.mawar, code="M50")
    client.force_login(admin_user)
    response = client.post(
        _url("admin:care_mother_change", "en", mother.pk),
        mother_admin_form(
            programme=world.programme, posyandu=world.mawar, mother=mother, name="Ny. Wulan Sari"
        ),
    )
    assert response.status_code == 302
    mother.refresh_from_db()
    assert (mother.code, mother.name) == ("M50", "Ny. Wulan Sari")


# --- delivery before the last menstrual period --------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_delivery_before_the_last_menstrual_period_is_refused_on_the_delivery_form(
    client, midwife, world, language
):
    mother = f.MotherFactory(programme=world.programme, posyandu=world.mawar)
    f.PregnancyFactory(mother=mother, last_menstrual_period=dt.date(2026, 3, 1))
    client.force_login(midwife)
    response = client.post(
        _url("care:delivery-record", language, mother.public_id),
        {
            "delivered_at": "2026-02-01T10:00",
            "delivery_type": "spontaneous",
            "parity": "2",
            "place": "",
            "early_initiation": "unknown",
            "sex": "female",
            "birth_weight_g": "3100",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["delivered_at"]
    assert BEFORE_LMP[language] in errors["delivered_at"][0]
    assert 'value="3100"' in response.content.decode()  # the infant's weight is kept
    assert not Delivery.objects.exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_delivery_admin_refuses_a_delivery_before_the_last_menstrual_period(
    client, admin_user, world, language
):
    mother = f.MotherFactory(programme=world.programme, posyandu=world.mawar)
    pregnancy = f.PregnancyFactory(mother=mother, last_menstrual_period=dt.date(2026, 3, 1))
    client.force_login(admin_user)
    response = client.post(
        _url("admin:care_delivery_add", language),
        {
            "pregnancy": pregnancy.pk,
            "delivered_at_0": "2026-02-01",
            "delivered_at_1": "10:00",
            "delivery_type": "spontaneous",
            "parity": "2",
            "place": "puskesmas",
            "early_initiation": "unknown",
        },
    )
    errors = _admin_errors(response)
    assert list(errors) == ["delivered_at"]
    assert BEFORE_LMP[language] in errors["delivered_at"][0]
    assert not Delivery.objects.exists()


# --- negative volume ----------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_measurement_admin_refuses_a_negative_volume_on_the_value_field(
    client, admin_user, world, language
):
    mother = f.delivered_mother(programme=world.programme, posyandu=world.mawar)
    client.force_login(admin_user)
    response = client.post(
        _url("admin:care_measurement_add", language),
        {
            "mother": mother.pk,
            "kind": "milk_volume",
            "measured_at_0": "2026-11-09",
            "measured_at_1": "08:00",
            "value": "-5",
            "method": "manual_pump",
            "basis": "24h_estimate",
            "phase": "",
            "side": "",
        },
    )
    errors = _admin_errors(response)
    assert list(errors) == ["value"]
    assert NEGATIVE[language] in errors["value"][0]
    assert not Measurement.objects.exists()
