"""Numbers typed the Indonesian way on the record forms: "12,5" is 12.5 ml (it was stored as 125
when the browser's number input dropped the comma), "1.200" is refused with a message naming the
field, and nothing is ever multiplied."""

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from kaderasi.care.forms import DeliveryForm, InfantForm, MeasurementValueForm, MilkVolumeForm
from kaderasi.care.models import Measurement
from kaderasi.care.tests.factories import at, delivered
from kaderasi.core import clock
from kaderasi.tests import factories as f

NOW = at(10, 9)


@pytest.fixture
def frozen_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def mother(world, cadre_user, frozen_clock):
    mother = delivered(
        programme=world.programme, posyandu=world.mawar, delivered_at=at(8, 23, 30), now=NOW
    )
    f.CertificateFactory(cadre=cadre_user.cadre)
    f.PairingFactory(mother=mother, cadre=cadre_user.cadre, starts_at=at(9, 0))
    return mother


def _milk(mother, **overrides):
    data = {
        "id": str(uuid.uuid4()),
        "mother_id": str(mother.public_id),
        "measured_at": "2026-11-10T08:00:00+07:00",
        "volume_ml": "35",
        "method": "hand_expression",
        "basis": "single_expression",
    }
    data.update(overrides)
    return data


def _post_milk(client, mother, language="id", **overrides):
    with translation.override(language):
        url = reverse("care:milk-volume", args=[mother.public_id])
    return client.post(url, _milk(mother, **overrides))


@pytest.mark.django_db
def test_a_milk_volume_typed_with_a_decimal_comma_is_stored_as_twelve_and_a_half(
    client, cadre_user, mother
):
    client.force_login(cadre_user)

    response = _post_milk(client, mother, volume_ml="12,5")

    assert response.status_code == 302
    assert Measurement.objects.get().value == Decimal("12.5")


@pytest.mark.django_db
def test_a_milk_volume_typed_with_a_decimal_point_is_stored_as_twelve_and_a_half(
    client, cadre_user, mother
):
    client.force_login(cadre_user)

    response = _post_milk(client, mother, language="en", volume_ml="12.5")

    assert response.status_code == 302
    assert Measurement.objects.get().value == Decimal("12.5")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "1.200",
            "Volume ASI (ml): “1.200” bisa dibaca sebagai desimal atau ribuan. Tulis desimal "
            "dengan koma (12,5) dan bilangan bulat tanpa titik (1200).",
        ),
        (
            "1,200",
            "Volume ASI (ml): “1,200” bisa dibaca sebagai desimal atau ribuan. Tulis desimal "
            "dengan koma (12,5) dan bilangan bulat tanpa titik (1200).",
        ),
        (
            "1.200,5",
            "Volume ASI (ml): “1.200,5” memakai pemisah ribuan. Tulis angka tanpa titik atau "
            "spasi (1200); koma hanya untuk desimal (12,5).",
        ),
        (
            "12,55",
            "Volume ASI (ml): Paling banyak 1 angka di belakang koma; “12,55” lebih dari itu.",
        ),
    ],
)
def test_a_milk_volume_that_could_be_read_two_ways_is_refused_on_its_field_in_indonesian(
    client, cadre_user, mother, typed, message
):
    client.force_login(cadre_user)

    response = _post_milk(client, mother, volume_ml=typed)

    assert response.status_code == 200
    assert response.context["form"].errors == {"volume_ml": [message]}
    assert f'value="{typed}"' in response.content.decode()  # what she typed is still there
    assert not Measurement.objects.exists()


@pytest.mark.django_db
def test_minutes_typed_with_decimals_are_refused_not_rounded(client, cadre_user, mother):
    client.force_login(cadre_user)

    response = _post_milk(client, mother, language="en", expression_minutes="1,5")

    assert response.context["form"].errors == {
        "expression_minutes": [
            "Expression took (minutes): Write a whole number; “1,5” has decimals."
        ]
    }
    assert not Measurement.objects.exists()


@pytest.mark.django_db
def test_minutes_outside_their_range_are_refused_with_the_label(client, cadre_user, mother):
    client.force_login(cadre_user)

    response = _post_milk(client, mother, language="en", minutes_since_feed="2000")

    assert response.context["form"].errors == {
        "minutes_since_feed": [
            "Minutes since the last feed or expression must be between 0 and 1440."
        ]
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "typed", "stored"),
    [("infant-weight", "3250,5", Decimal("3250.5")), ("feeds", "8", Decimal(8))],
)
def test_the_value_forms_read_the_indonesian_way(client, cadre_user, mother, kind, typed, stored):
    client.force_login(cadre_user)
    url = reverse("care:measurement-record", args=[mother.public_id, kind])
    data = {
        "id": str(uuid.uuid4()),
        "mother_id": str(mother.public_id),
        "measured_at": "2026-11-10T08:00:00+07:00",
        "value": typed,
    }

    response = client.post(url, data)

    assert response.status_code == 302
    assert Measurement.objects.get().value == stored


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "typed", "message"),
    [
        (
            "infant-weight",
            "3.200",
            "Infant weight (g): “3.200” could be a decimal or a thousand. Write a decimal with a "
            "comma (12,5) and a whole number without a dot (1200).",
        ),
        ("feeds", "8,5", "Feeds in the last 24 hours: Write a whole number; “8,5” has decimals."),
    ],
)
def test_a_weight_written_with_a_thousands_dot_or_a_count_with_decimals_is_refused(
    client, cadre_user, mother, kind, typed, message
):
    client.force_login(cadre_user)
    with translation.override("en"):
        url = reverse("care:measurement-record", args=[mother.public_id, kind])
    data = {
        "id": str(uuid.uuid4()),
        "mother_id": str(mother.public_id),
        "measured_at": "2026-11-10T08:00:00+07:00",
        "value": typed,
    }

    response = client.post(url, data)

    assert response.context["form"].errors == {"value": [message]}
    assert not Measurement.objects.exists()


def test_the_number_inputs_are_text_so_the_browser_never_drops_the_comma():
    """Chromium's <input type=number> reads "12,5" as 125 (the comma as a thousands separator)
    before any script or the server sees it: the root of the 125 ml."""
    html = str(MilkVolumeForm()["volume_ml"])
    assert 'type="text"' in html
    assert 'inputmode="decimal"' in html
    assert 'data-number="decimal"' in html
    assert 'data-places="1"' in html
    assert 'data-min="0"' in html
    assert 'data-max="1500"' in html
    minutes = str(MilkVolumeForm()["expression_minutes"])
    assert 'type="text"' in minutes
    assert 'inputmode="numeric"' in minutes
    assert 'data-number="integer"' in minutes
    assert 'data-min="0" data-max="240"' in minutes


def test_each_value_form_shows_the_plausible_range_of_its_kind():
    weight = str(MeasurementValueForm(kind="infant_weight")["value"])
    feeds = str(MeasurementValueForm(kind="feeds")["value"])
    assert 'data-number="decimal"' in weight
    assert 'data-min="300" data-max="7000"' in weight
    assert 'data-number="integer"' in feeds
    assert 'data-min="0" data-max="30"' in feeds


def test_a_birth_weight_written_with_a_thousands_dot_is_refused_not_read_as_three_grams():
    with translation.override("en"):
        form = InfantForm(data={"sex": "female", "birth_weight_g": "3.200"})
        assert form.errors == {
            "birth_weight_g": [
                "Birth weight (g): “3.200” could be a decimal or a thousand. Write a decimal "
                "with a comma (12,5) and a whole number without a dot (1200)."
            ]
        }
    weighed = InfantForm(data={"sex": "female", "birth_weight_g": "3200"})
    assert weighed.is_valid()
    assert weighed.cleaned_data["birth_weight_g"] == 3200


def test_a_parity_typed_with_a_decimal_comma_is_refused_never_read_as_fifteen():
    """Chromium's number input turned "1,5" into 15, inside the allowed 1–20."""
    with translation.override("en"):
        form = DeliveryForm(
            data={
                "delivered_at": "2026-11-08T23:30",
                "delivery_type": "spontaneous",
                "parity": "1,5",
            }
        )
        assert form.errors == {"parity": ["Parity: Write a whole number; “1,5” has decimals."]}
