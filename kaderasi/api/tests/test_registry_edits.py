"""Registry edits as the phone pushes them and the conflicts page the midwife resolves them on.
The rule itself (fresh, stale, clinical) and the resolution are tested in kaderasi/sync/tests."""

import datetime as dt
import uuid

import pytest
from django.test import Client
from django.utils import translation

from kaderasi.api.tests.conftest import Phone
from kaderasi.care.models import Delivery, Infant, Mother
from kaderasi.care.services import delivery_record
from kaderasi.sync.models import Conflict, ConflictStatus, RegistryEdit
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db


def _pulled(phone, mother):
    [record] = [m for m in phone.pull().json()["mothers"] if m["id"] == str(mother.public_id)]
    return record


def _edit(mother, kind, base_version, **fields):
    return {
        "id": str(uuid.uuid4()),
        "type": kind,
        "mother_id": str(mother.public_id),
        "base_version": base_version,
        **fields,
    }


def _delivery(mother):
    return Delivery.objects.get(pregnancy__mother=mother)


def test_a_fresh_edit_is_applied(midwife_phone, mother):
    pulled = _pulled(midwife_phone, mother)

    [result] = midwife_phone.push(
        _edit(
            mother,
            "delivery_edit",
            pulled["delivery"]["version"],
            delivered_at="2026-11-08T08:30:00+07:00",
            parity=2,
        ),
        _edit(mother, "mother_edit", pulled["version"], phone="0812 3456 7890"),
    ).json()["results"][:1]

    assert result["status"] == "created"
    delivery = _delivery(mother)
    assert delivery.delivered_at == dt.datetime(2026, 11, 8, 1, 30, tzinfo=dt.UTC)
    assert delivery.parity == 2
    assert Mother.objects.get(pk=mother.pk).phone == "+6281234567890"
    assert Conflict.objects.count() == 0


def test_a_stale_edit_of_the_delivery_time_becomes_a_conflict_not_an_overwrite(
    midwife_phone, mother, now
):
    pulled = _pulled(midwife_phone, mother)
    # Meanwhile, on the server, someone corrects the delivery time.
    delivery_record(
        pregnancy=_delivery(mother).pregnancy,
        delivered_at=dt.datetime(2026, 11, 8, 2, 0, tzinfo=dt.UTC),
        now=now,
    )
    edit = _edit(
        mother,
        "delivery_edit",
        pulled["delivery"]["version"],
        delivered_at="2026-11-08T12:00:00+07:00",
    )

    [result] = midwife_phone.push(edit).json()["results"]

    assert result == {
        "id": edit["id"],
        "status": "created",
        "errors": [],
        "conflicts": ["delivered_at"],
    }
    assert _delivery(mother).delivered_at == dt.datetime(2026, 11, 8, 2, 0, tzinfo=dt.UTC)
    conflict = Conflict.objects.get()
    assert (conflict.record, conflict.field, conflict.status) == (
        "delivery",
        "delivered_at",
        "open",
    )
    assert conflict.device_value == "2026-11-08T05:00:00+00:00"
    assert conflict.server_value == "2026-11-08T02:00:00+00:00"


def test_a_stale_clinical_edit_is_a_conflict_even_when_that_field_did_not_change(
    midwife_phone, mother, world
):
    pulled = _pulled(midwife_phone, mother)
    infant = Infant.objects.create(delivery=_delivery(mother), sex="female", birth_weight_g=3000)
    base = infant.updated_at.isoformat()
    infant.sex = "male"
    infant.save()

    [result] = midwife_phone.push(
        _edit(mother, "infant_edit", base, infant_id=str(infant.public_id), birth_weight_g=2900)
    ).json()["results"]

    assert result["conflicts"] == ["birth_weight_g"]
    assert Infant.objects.get(pk=infant.pk).birth_weight_g == 3000
    assert pulled["delivery"]["infants"] == []


def test_a_stale_non_clinical_edit_merges_when_that_field_is_untouched(midwife_phone, mother, now):
    pulled = _pulled(midwife_phone, mother)
    mother.birth_date = dt.date(1995, 5, 1)  # another field changes on the server
    mother.save()

    [result] = midwife_phone.push(
        _edit(mother, "mother_edit", pulled["version"], phone="081234567890")
    ).json()["results"]

    assert (result["status"], result["conflicts"]) == ("created", [])
    mother.refresh_from_db()
    assert (mother.phone, mother.birth_date) == ("+6281234567890", dt.date(1995, 5, 1))


def test_a_stale_non_clinical_edit_of_a_field_changed_on_the_server_is_a_conflict(
    midwife_phone, mother
):
    pulled = _pulled(midwife_phone, mother)
    mother.phone = "+6285712345678"
    mother.save()

    [result] = midwife_phone.push(
        _edit(mother, "mother_edit", pulled["version"], phone="081234567890")
    ).json()["results"]

    assert result["conflicts"] == ["phone"]
    assert Mother.objects.get(pk=mother.pk).phone == "+6285712345678"


def test_a_re_sent_edit_is_a_duplicate_and_changes_nothing(midwife_phone, mother):
    pulled = _pulled(midwife_phone, mother)
    edit = _edit(mother, "delivery_edit", pulled["delivery"]["version"], parity=3)
    midwife_phone.push(edit)
    version = _delivery(mother).updated_at

    [result] = midwife_phone.push(edit).json()["results"]

    assert result["status"] == "duplicate"
    assert _delivery(mother).updated_at == version
    assert (RegistryEdit.objects.count(), Conflict.objects.count()) == (1, 0)


def test_a_cadre_does_not_edit_the_registry(phone, mother):
    pulled = _pulled(phone, mother)

    [result] = phone.push(
        _edit(mother, "mother_edit", pulled["version"], phone="081234567890")
    ).json()["results"]

    assert (result["status"], result["errors"][0]["code"]) == ("rejected", "not_allowed")
    assert Mother.objects.get(pk=mother.pk).phone == ""


def test_an_edit_breaking_a_care_rule_is_rejected_with_its_field(midwife_phone, mother):
    pulled = _pulled(midwife_phone, mother)

    [result] = midwife_phone.push(
        _edit(
            mother,
            "delivery_edit",
            pulled["delivery"]["version"],
            delivered_at="2027-01-01T08:00:00+07:00",
        )
    ).json()["results"]

    assert result["status"] == "rejected"
    assert (result["errors"][0]["code"], result["errors"][0]["field"]) == (
        "delivery_in_future",
        "delivered_at",
    )
    assert RegistryEdit.objects.count() == 0


def test_an_invalid_phone_number_is_rejected_on_the_phone_field(midwife_phone, mother):
    pulled = _pulled(midwife_phone, mother)

    [result] = midwife_phone.push(
        _edit(mother, "mother_edit", pulled["version"], phone="12")
    ).json()["results"]

    assert (result["errors"][0]["code"], result["errors"][0]["field"]) == (
        "registry_edit_invalid",
        "phone",
    )


# --- the midwife resolves ---------------------------------------------------------------------


@pytest.fixture
def conflict(midwife_phone, mother, now):
    pulled = _pulled(midwife_phone, mother)
    delivery_record(
        pregnancy=_delivery(mother).pregnancy,
        delivered_at=dt.datetime(2026, 11, 8, 2, 0, tzinfo=dt.UTC),
        now=now,
    )
    midwife_phone.push(
        _edit(
            mother,
            "delivery_edit",
            pulled["delivery"]["version"],
            delivered_at="2026-11-08T12:00:00+07:00",
        )
    )
    return Conflict.objects.get()


def test_the_midwife_resolves_on_the_conflicts_page(conflict, midwife, mother):
    browser = Client()
    browser.force_login(midwife)

    with translation.override("en"):
        listing = browser.get("/api/v1/conflicts/", HTTP_ACCEPT_LANGUAGE="en")
        page = browser.get(f"/api/v1/conflicts/{conflict.public_id}/", HTTP_ACCEPT_LANGUAGE="en")
        response = browser.post(
            f"/api/v1/conflicts/{conflict.public_id}/",
            {"resolution": "took_device"},
            HTTP_ACCEPT_LANGUAGE="en",
        )

    assert mother.name.encode() in listing.content
    assert b"8 November 2026 12:00" in page.content  # the phone's value, in local time
    assert b"8 November 2026 09:00" in page.content  # the server's value
    assert response.status_code == 302
    assert _delivery(mother).delivered_at == dt.datetime(2026, 11, 8, 5, 0, tzinfo=dt.UTC)


def test_entering_another_value_requires_the_value(conflict, midwife):
    browser = Client()
    browser.force_login(midwife)

    response = browser.post(f"/api/v1/conflicts/{conflict.public_id}/", {"resolution": "edited"})

    assert response.status_code == 200
    assert "value" in response.context["form"].errors
    assert Conflict.objects.get().status == ConflictStatus.OPEN


def test_a_cadre_has_no_conflicts_page(cadre_user, conflict):
    browser = Client()
    browser.force_login(cadre_user)

    assert browser.get("/api/v1/conflicts/").status_code == 403


def test_a_midwife_of_another_village_does_not_see_the_conflict(world, conflict):
    other = f.UserFactory(role="midwife", areas=[world.canan])
    browser = Client()
    browser.force_login(other)

    assert browser.get(f"/api/v1/conflicts/{conflict.public_id}/").status_code == 404
    assert conflict.mother.name.encode() not in browser.get("/api/v1/conflicts/").content


def test_a_coordinator_sees_the_conflicts_of_her_programme(coordinator, conflict, now):
    assert Phone(coordinator, now).user == coordinator
    browser = Client()
    browser.force_login(coordinator)

    assert browser.get(f"/api/v1/conflicts/{conflict.public_id}/").status_code == 200
