"""Bad input gets a clear message naming the field; nothing already saved or typed is lost."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from kaderasi.care.errors import CareErrorCode
from kaderasi.care.models import Delivery, Measurement
from kaderasi.care.services import measurement_record
from kaderasi.care.tests.factories import at as care_at
from kaderasi.care.tests.factories import delivered as care_delivered
from kaderasi.care.tests.factories import session as care_session
from kaderasi.core.errors import DomainError
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def mother(world):
    return f.delivered_mother(programme=world.programme, posyandu=world.mawar)


@pytest.mark.parametrize(
    ("overrides", "field", "message_en", "message_id"),
    [
        ({"volume_ml": "-5"}, "volume_ml", "between 0 and 1500", "antara 0 dan 1500"),
        ({"volume_ml": "2000"}, "volume_ml", "between 0 and 1500", "antara 0 dan 1500"),
        (
            {"measured_at": "2026-11-01T08:00:00+07:00"},
            "measured_at",
            "before the delivery",
            "sebelum persalinan",
        ),
        (
            {"measured_at": "2099-12-30T08:00:00+07:00"},
            "measured_at",
            "in the future",
            "masa depan",
        ),
        (
            {"volume_ml": "abc"},
            "volume_ml",
            "Milk volume (ml): “abc” is not a number.",
            "Volume ASI (ml): “abc” bukan angka.",
        ),
        (
            {"volume_ml": "1.200"},
            "volume_ml",
            "Milk volume (ml): “1.200” could be a decimal or a thousand.",
            "Volume ASI (ml): “1.200” bisa dibaca sebagai desimal atau ribuan.",
        ),
    ],
)
@pytest.mark.parametrize("language", ["en", "id"])
def test_an_implausible_measurement_is_refused_with_a_translated_message_on_its_field(
    client, midwife, mother, overrides, field, message_en, message_id, language
):
    client.force_login(midwife)
    data = {
        "id": str(uuid.uuid4()),
        "mother_id": str(mother.public_id),
        "measured_at": "2026-11-09T08:00:00+07:00",
        "volume_ml": "45",
        "basis": "24h_estimate",
        "method": "manual_pump",
    }
    data.update(overrides)
    with translation.override(language):
        url = reverse("care:milk-volume", args=[mother.public_id])
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert (message_en if language == "en" else message_id) in errors[field][0]
    page = response.content.decode()
    assert 'value="manual_pump" selected' in page  # what she typed is still there
    assert not Measurement.objects.exists()


def test_the_database_refuses_a_negative_volume_even_past_the_service(mother):
    with pytest.raises(IntegrityError), transaction.atomic():
        f.MeasurementFactory(mother=mother, value=Decimal(-1))


def test_the_service_refuses_a_measurement_before_the_delivery_with_its_code(mother, now):
    with pytest.raises(DomainError) as error:
        measurement_record(
            mother=mother,
            kind="milk_volume",
            measured_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
            value=30,
            now=now,
        )
    assert error.value.code == CareErrorCode.MEASUREMENT_BEFORE_DELIVERY
    assert error.value.field == "measured_at"


def test_a_resent_measurement_with_the_same_public_id_is_not_stored_twice(mother, now):
    first = measurement_record(
        mother=mother,
        kind="milk_volume",
        measured_at=now - dt.timedelta(days=1),
        value=30,
        now=now,
        public_id="7d5f38a6-98f3-4f77-9b5b-4e0c1c0f6b9e",
    )
    again = measurement_record(
        mother=mother,
        kind="milk_volume",
        measured_at=now - dt.timedelta(days=1),
        value=30,
        now=now,
        public_id="7d5f38a6-98f3-4f77-9b5b-4e0c1c0f6b9e",
    )
    assert again.pk == first.pk
    assert Measurement.objects.count() == 1


def _en(*, reverse_lazy_name: str) -> str:
    with translation.override("en"):
        return reverse(reverse_lazy_name)


def test_the_admin_refuses_a_delivery_before_the_last_menstrual_period_on_the_delivery_field(
    client, admin_user, world
):
    mother = f.MotherFactory(programme=world.programme, posyandu=world.mawar)
    pregnancy = f.PregnancyFactory(mother=mother, last_menstrual_period=dt.date(2026, 3, 1))
    client.force_login(admin_user)
    with translation.override("en"):
        url = reverse("admin:care_delivery_add")
    response = client.post(
        url,
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
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "delivered_at" in errors
    assert "after the first day of the last menstrual period" in errors["delivered_at"][0]
    assert not Delivery.objects.exists()
    assert 'value="2"' in response.content.decode()  # parity kept


def test_the_admin_refuses_a_malformed_phone_number_on_the_phone_field(client, admin_user, world):
    client.force_login(admin_user)
    response = client.post(
        _en(reverse_lazy_name="admin:cadres_cadre_add"),
        {
            "programme": world.programme.pk,
            "code": "K09",
            "name": "Sumarni",
            "posyandu": world.mawar.pk,
            "phone": "0812-12",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["phone"]
    assert "valid phone number" in errors["phone"][0]


def test_the_admin_stores_a_local_phone_number_in_e164(client, admin_user, world):
    client.force_login(admin_user)
    response = client.post(
        _en(reverse_lazy_name="admin:cadres_cadre_add"),
        {
            "programme": world.programme.pk,
            "code": "K09",
            "name": "Sumarni",
            "posyandu": world.mawar.pk,
            "phone": "0812-3456-7890",
        },
    )
    assert response.status_code == 302
    assert world.programme.cadres.get(code="K09").phone == "+6281234567890"


def test_the_admin_refuses_a_duplicate_cadre_code_in_the_same_programme(client, admin_user, world):
    f.CadreFactory(programme=world.programme, posyandu=world.mawar, code="K01")
    client.force_login(admin_user)
    response = client.post(
        _en(reverse_lazy_name="admin:cadres_cadre_add"),
        {
            "programme": world.programme.pk,
            "code": "K01",
            "name": "Sumarni",
            "posyandu": world.mawar.pk,
            "phone": "",
        },
    )
    assert response.status_code == 200
    assert "already has this code" in str(response.context["adminform"].form.errors)
    assert world.programme.cadres.count() == 1


# Baseline and follow-up: the paper measures before the first massage (day 1) and after the
# last day (day 3).
PHASE_NOW = care_at(12, 9)


@pytest.fixture
def new_mother(world):
    return care_delivered(
        programme=world.programme,
        posyandu=world.mawar,
        delivered_at=care_at(8, 23, 30),
        now=PHASE_NOW,
    )


def _milk(mother, when, phase, **extra):
    return measurement_record(
        mother=mother,
        kind="milk_volume",
        measured_at=when,
        value=40,
        phase=phase,
        basis="single_expression",
        method="hand_expression",
        now=PHASE_NOW,
        **extra,
    )


def test_a_baseline_before_the_first_massage_and_a_follow_up_on_day_3_are_kept(new_mother):
    _milk(new_mother, care_at(9, 6), "before")
    care_session(new_mother, care_at(9, 7), now=PHASE_NOW)
    _milk(new_mother, care_at(11, 20), "after")  # postpartum day 3
    assert sorted(Measurement.objects.values_list("phase", flat=True)) == ["after", "before"]


def test_a_baseline_after_a_massage_is_refused_on_the_phase_field(new_mother):
    care_session(new_mother, care_at(9, 7), now=PHASE_NOW)
    with pytest.raises(DomainError) as error:
        _milk(new_mother, care_at(9, 20), "before")
    assert (error.value.code, error.value.field) == (CareErrorCode.BASELINE_AFTER_MASSAGE, "phase")
    assert not Measurement.objects.exists()


def test_a_follow_up_before_the_last_massage_day_is_refused_on_the_phase_field(new_mother):
    with pytest.raises(DomainError) as error:
        _milk(new_mother, care_at(10, 20), "after")  # postpartum day 2
    assert (error.value.code, error.value.field) == (CareErrorCode.FOLLOW_UP_TOO_EARLY, "phase")
    assert not Measurement.objects.exists()


def test_imported_history_keeps_the_phases_its_own_study_gave(new_mother):
    _milk(new_mother, care_at(10, 20), "after", historical=True)
    assert Measurement.objects.get().phase == "after"


@pytest.mark.parametrize("language", ["en", "id"])
def test_the_milk_form_puts_the_phase_message_on_the_phase_field(
    client, midwife, new_mother, language
):
    client.force_login(midwife)
    with translation.override(language):
        url = reverse("care:milk-volume", args=[new_mother.public_id])
    response = client.post(
        url,
        {
            "id": str(uuid.uuid4()),
            "mother_id": str(new_mother.public_id),
            "measured_at": "2026-11-10T20:00:00+07:00",
            "volume_ml": "45",
            "basis": "single_expression",
            "method": "manual_pump",
            "phase": "after",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["phase"]
    assert ("day 3" if language == "en" else "hari nifas ke-3") in errors["phase"][0]
    assert not Measurement.objects.exists()
