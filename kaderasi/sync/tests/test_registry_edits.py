"""The rule of a registry edit pushed from a phone (docs/decisions/0050): applied when fresh,
field by field when stale, a stale clinical field kept for the midwife as a conflict."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest

from kaderasi.care.models import Delivery, Infant, Mother
from kaderasi.care.services import delivery_record
from kaderasi.core.errors import DomainError
from kaderasi.sync.models import Conflict, RegistryEdit
from kaderasi.sync.services import registry_edit_submit

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")


def _delivery(mother) -> Delivery:
    return Delivery.objects.get(pregnancy__mother=mother)


def _submit(
    user, mother, record, base_version, now, *, client_record_id=None, infant_id=None, **changes
):
    return registry_edit_submit(
        user=user,
        record=record,
        mother=mother,
        changes=changes,
        base_version=base_version,
        client_record_id=client_record_id or uuid.uuid4(),
        infant_id=infant_id,
        now=now,
    )


def test_a_fresh_edit_is_applied(midwife, mother, now):
    base = _delivery(mother).updated_at

    result = _submit(
        midwife,
        mother,
        "delivery",
        base,
        now,
        delivered_at=dt.datetime(2026, 11, 8, 8, 30, tzinfo=WIB),
        parity=2,
    )

    assert (result.duplicate, result.applied, result.conflicts) == (
        False,
        ("delivered_at", "parity"),
        (),
    )
    delivery = _delivery(mother)
    assert delivery.delivered_at == dt.datetime(2026, 11, 8, 1, 30, tzinfo=dt.UTC)
    assert delivery.parity == 2
    receipt = RegistryEdit.objects.get()
    assert (receipt.applied_fields, receipt.conflict_fields) == (["delivered_at", "parity"], [])
    assert Conflict.objects.count() == 0


def test_a_fresh_edit_of_the_phone_stores_it_in_international_form(midwife, mother, now):
    result = _submit(midwife, mother, "mother", mother.updated_at, now, phone="0812 3456 7890")

    assert result.applied == ("phone",)
    assert Mother.objects.get(pk=mother.pk).phone == "+6281234567890"


def test_a_stale_edit_of_the_delivery_time_becomes_a_conflict_not_an_overwrite(
    midwife, mother, now
):
    base = _delivery(mother).updated_at
    # Meanwhile, on the server, someone corrects the delivery time.
    delivery_record(
        pregnancy=_delivery(mother).pregnancy,
        delivered_at=dt.datetime(2026, 11, 8, 2, 0, tzinfo=dt.UTC),
        now=now,
    )

    result = _submit(
        midwife,
        mother,
        "delivery",
        base,
        now,
        delivered_at=dt.datetime(2026, 11, 8, 12, 0, tzinfo=WIB),
    )

    assert (result.applied, result.conflicts) == ((), ("delivered_at",))
    assert _delivery(mother).delivered_at == dt.datetime(2026, 11, 8, 2, 0, tzinfo=dt.UTC)
    conflict = Conflict.objects.get()
    assert (conflict.record, conflict.field, conflict.status, conflict.submitted_by) == (
        "delivery",
        "delivered_at",
        "open",
        midwife,
    )
    assert conflict.device_value == "2026-11-08T05:00:00+00:00"
    assert conflict.server_value == "2026-11-08T02:00:00+00:00"
    assert conflict.base_version == base
    assert conflict.server_version == _delivery(mother).updated_at


def test_a_stale_clinical_edit_is_a_conflict_even_when_that_field_did_not_change(
    midwife, mother, now
):
    infant = Infant.objects.create(delivery=_delivery(mother), sex="female", birth_weight_g=3000)
    base = infant.updated_at
    infant.sex = "male"
    infant.save()

    result = _submit(
        midwife, mother, "infant", base, now, infant_id=infant.public_id, birth_weight_g=2900
    )

    assert result.conflicts == ("birth_weight_g",)
    assert Infant.objects.get(pk=infant.pk).birth_weight_g == 3000


def test_a_stale_non_clinical_edit_merges_when_that_field_is_untouched(midwife, mother, now):
    base = mother.updated_at
    mother.birth_date = dt.date(1995, 5, 1)  # another field changes on the server
    mother.save()

    result = _submit(midwife, mother, "mother", base, now, phone="081234567890")

    assert (result.applied, result.conflicts) == (("phone",), ())
    mother.refresh_from_db()
    assert (mother.phone, mother.birth_date) == ("+6281234567890", dt.date(1995, 5, 1))


def test_a_stale_non_clinical_edit_of_a_field_changed_on_the_server_is_a_conflict(
    midwife, mother, now
):
    base = mother.updated_at
    mother.phone = "+6285712345678"
    mother.save()

    result = _submit(midwife, mother, "mother", base, now, phone="081234567890")

    assert result.conflicts == ("phone",)
    assert Mother.objects.get(pk=mother.pk).phone == "+6285712345678"
    assert Conflict.objects.get().device_value == "+6281234567890"


def test_a_field_already_holding_the_value_is_left_alone(midwife, mother, now):
    base = _delivery(mother).updated_at
    delivery = _delivery(mother)
    delivery_record(
        pregnancy=delivery.pregnancy, delivered_at=delivery.delivered_at, parity=3, now=now
    )

    result = _submit(midwife, mother, "delivery", base, now, parity=3)

    assert (result.applied, result.conflicts) == ((), ())
    assert Conflict.objects.count() == 0


def test_a_re_sent_edit_is_a_duplicate_and_changes_nothing(midwife, mother, now):
    record_id = uuid.uuid4()
    base = _delivery(mother).updated_at
    _submit(midwife, mother, "delivery", base, now, client_record_id=record_id, parity=3)
    version = _delivery(mother).updated_at

    result = _submit(midwife, mother, "delivery", base, now, client_record_id=record_id, parity=4)

    assert result.duplicate is True
    assert (_delivery(mother).updated_at, _delivery(mother).parity) == (version, 3)
    assert (RegistryEdit.objects.count(), Conflict.objects.count()) == (1, 0)


def test_a_record_id_already_used_for_another_record_is_refused_on_the_id(midwife, mother, now):
    record_id = uuid.uuid4()
    _submit(
        midwife,
        mother,
        "delivery",
        _delivery(mother).updated_at,
        now,
        client_record_id=record_id,
        parity=3,
    )

    with pytest.raises(DomainError) as error:
        _submit(
            midwife,
            mother,
            "mother",
            mother.updated_at,
            now,
            client_record_id=record_id,
            phone="081234567890",
        )

    assert (error.value.code, error.value.field) == ("record_id_in_use", "id")
    assert Mother.objects.get(pk=mother.pk).phone == ""


def test_a_cadre_does_not_edit_the_registry(cadre_user, mother, now):
    with pytest.raises(DomainError) as error:
        _submit(cadre_user, mother, "mother", mother.updated_at, now, phone="081234567890")

    assert (error.value.code, error.value.field) == ("not_allowed", None)
    assert Mother.objects.get(pk=mother.pk).phone == ""
    assert RegistryEdit.objects.count() == 0


def test_an_edit_of_an_infant_not_on_the_server_is_refused(midwife, mother, now):
    with pytest.raises(DomainError) as error:
        _submit(midwife, mother, "infant", now, now, infant_id=uuid.uuid4(), sex="male")

    assert (error.value.code, error.value.field) == ("registry_row_not_found", "infant_id")


def test_an_edit_changing_no_field_is_refused(midwife, mother, now):
    with pytest.raises(DomainError) as error:
        _submit(midwife, mother, "mother", mother.updated_at, now)

    assert error.value.code == "registry_edit_invalid"
    assert RegistryEdit.objects.count() == 0


def test_an_edit_breaking_a_care_rule_is_rejected_with_its_field(midwife, mother, now):
    with pytest.raises(DomainError) as error:
        _submit(
            midwife,
            mother,
            "delivery",
            _delivery(mother).updated_at,
            now,
            delivered_at=dt.datetime(2027, 1, 1, 8, 0, tzinfo=WIB),
        )

    assert (error.value.code, error.value.field) == ("delivery_in_future", "delivered_at")
    assert _delivery(mother).delivered_at == dt.datetime(2026, 11, 8, 3, 0, tzinfo=dt.UTC)


def test_an_invalid_phone_number_is_rejected_on_the_phone_field(midwife, mother, now):
    with pytest.raises(DomainError) as error:
        _submit(midwife, mother, "mother", mother.updated_at, now, phone="12")

    assert (error.value.code, error.value.field) == ("registry_edit_invalid", "phone")
    assert RegistryEdit.objects.count() == 0
