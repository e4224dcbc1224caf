"""The generic measurement form posts the fields of a push record; with or without the offline
app, the same record (same id) is stored once."""

import uuid
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation

from kaderasi.care.models import Measurement
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def mother(world, cadre_user):
    mother = f.delivered_mother(programme=world.programme, posyandu=world.mawar)
    f.PairingFactory(mother=mother, cadre=cadre_user.cadre)
    return mother


@pytest.fixture
def browser(cadre_user):
    client = Client()
    client.force_login(cadre_user)
    return client


def _post(browser, mother, **fields):
    data = {
        "id": str(uuid.uuid4()),
        "mother_id": str(mother.public_id),
        "type": "milk_volume",
        "measured_at": "2026-11-10T08:00",
        "volume_ml": "35",
        "method": "hand_expression",
        "basis": "single_expression",
    }
    data.update(fields)
    with translation.override("en"):
        return browser.post(f"/mothers/{mother.public_id}/measurements/new/", data), data


def test_the_form_follows_the_outbox_contract(browser, mother):
    page = browser.get(f"/mothers/{mother.public_id}/measurements/new/").content.decode()

    assert 'data-outbox="milk_volume"' in page
    assert f'data-outbox-next="/mothers/{mother.public_id}/"' in page
    for name in ("id", "mother_id", "type", "measured_at", "volume_ml", "method", "basis", "value"):
        assert f'name="{name}"' in page
    assert f'name="mother_id" value="{mother.public_id}"' in page


def test_a_milk_volume_posted_without_the_offline_app_is_stored(browser, mother, cadre_user):
    response, data = _post(browser, mother, side="left", phase="before", expression_minutes="15")

    assert response.status_code == 302
    stored = Measurement.objects.get(public_id=data["id"])
    assert (stored.kind, stored.value, stored.side, stored.phase) == (
        "milk_volume",
        Decimal(35),
        "left",
        "before",
    )
    assert (stored.expression_minutes, stored.recorded_by) == (15, cadre_user)


def test_a_record_posted_twice_is_one_row(browser, mother):
    _response, data = _post(browser, mother)

    again, _data = _post(browser, mother, id=data["id"])

    assert again.status_code == 302
    assert Measurement.objects.count() == 1


def test_a_record_sent_by_sync_and_by_the_form_is_one_row(browser, mother):
    record_id = str(uuid.uuid4())
    browser.get("/")
    pushed = browser.post(
        "/api/v1/sync/push",
        {
            "records": [
                {
                    "id": record_id,
                    "type": "milk_volume",
                    "mother_id": str(mother.public_id),
                    "measured_at": "2026-11-10T08:00:00+07:00",
                    "volume_ml": 35,
                    "method": "hand_expression",
                    "basis": "single_expression",
                }
            ]
        },
        content_type="application/json",
        HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value,
    )

    _post(browser, mother, id=record_id)

    assert pushed.json()["results"][0]["status"] == "created"
    assert Measurement.objects.count() == 1


def test_other_measurements_take_value_and_drop_the_milk_fields(browser, mother):
    _response, data = _post(browser, mother, type="feeds", value="9", volume_ml="")

    stored = Measurement.objects.get(public_id=data["id"])
    assert (stored.kind, stored.value, stored.method, stored.basis) == ("feeds", 9, "", "")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"volume_ml": ""}, "volume_ml"),
        ({"method": ""}, "method"),
        ({"type": "feeds", "value": ""}, "value"),
        ({"volume_ml": "2000"}, "volume_ml"),
        ({"measured_at": "2026-11-01T08:00"}, "measured_at"),
    ],
)
def test_bad_input_names_its_field_and_stores_nothing(browser, mother, fields, field):
    response, _data = _post(browser, mother, **fields)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Measurement.objects.count() == 0


def test_the_form_of_another_mother_is_refused(browser, mother, world, cadre_user):
    second = f.delivered_mother(programme=world.programme, posyandu=world.mawar)

    response, _data = _post(browser, mother, mother_id=str(second.public_id))

    assert response.status_code == 200
    assert "mother_id" in response.context["form"].errors
    assert Measurement.objects.count() == 0


def test_a_cadre_cannot_record_for_another_cadres_mother(browser, world):
    other = f.delivered_mother(programme=world.programme, posyandu=world.kenanga)

    response, _data = _post(browser, other)

    assert response.status_code == 404
    assert Measurement.objects.count() == 0
