"""The audit trail of a batch written through `care_records_write` (decision 0100): one entry per
table names every row with its author and the values it was stored with; a record written alone
keeps auditlog's own per-row entry; each row's entries are found whichever way they were written."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from kaderasi.care.models import MassageSession, Measurement
from kaderasi.care.services import MassageSessionRecord, MeasurementRecord, care_records_write
from kaderasi.core.bulk_audit import audit_entries_of
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def mother(world, cadre_user, now):
    mother = f.delivered_mother(
        programme=world.programme, posyandu=world.mawar, delivered_at=now - dt.timedelta(hours=30)
    )
    f.PairingFactory(mother=mother, cadre=cadre_user.cadre, starts_at=now - dt.timedelta(hours=30))
    return mother


def _volumes(mother, now, count):
    return [
        MeasurementRecord(
            mother=mother,
            kind="milk_volume",
            measured_at=now - dt.timedelta(hours=count - number),
            value=Decimal("20.5") + number,
            public_id=uuid.uuid4(),
        )
        for number in range(count)
    ]


def test_a_batch_leaves_one_entry_per_table_naming_every_row_with_its_author(
    mother, now, cadre_user
):
    records = _volumes(mother, now, 5) + [
        MassageSessionRecord(
            mother=mother,
            performed_by="cadre",
            started_at=now - dt.timedelta(hours=h),
            ended_at=now - dt.timedelta(hours=h) + dt.timedelta(minutes=12),
        )
        for h in (6, 8)
    ]

    care_records_write(records=records, by=cadre_user, now=now)

    measurement_entry = LogEntry.objects.get_for_model(Measurement).get()
    session_entry = LogEntry.objects.get_for_model(MassageSession).get()
    assert measurement_entry.action == session_entry.action == LogEntry.Action.CREATE
    assert measurement_entry.actor == session_entry.actor == cadre_user
    listed = {row["id"]: row for row in measurement_entry.additional_data["rows"]}
    stored = Measurement.objects.all()
    assert set(listed) == {m.pk for m in stored}
    for measurement in stored:
        row = listed[measurement.pk]
        assert row["public_id"] == str(measurement.public_id)
        assert Decimal(row["value"]) == measurement.value
        assert row["mother_id"] == mother.pk
        assert row["recorded_by_id"] == cadre_user.pk
    assert {row["id"] for row in session_entry.additional_data["rows"]} == set(
        MassageSession.objects.values_list("pk", flat=True)
    )


def test_each_row_of_a_batch_finds_its_entry_and_no_other_batch_s(mother, now, cadre_user):
    care_records_write(records=_volumes(mother, now, 3), by=cadre_user, now=now)
    first_batch = set(Measurement.objects.values_list("pk", flat=True))
    care_records_write(
        records=_volumes(mother, now - dt.timedelta(minutes=30), 4), by=cadre_user, now=now
    )

    for measurement in Measurement.objects.all():
        (entry,) = audit_entries_of(measurement)
        listed = {row["id"] for row in entry.additional_data["rows"]}
        assert measurement.pk in listed
        assert listed == first_batch if measurement.pk in first_batch else not listed & first_batch


def test_a_record_written_alone_keeps_auditlog_s_entry_of_its_fields(mother, now, cadre_user):
    (record,) = _volumes(mother, now, 1)

    care_records_write(records=[record], by=cadre_user, now=now)

    stored = Measurement.objects.get()
    entry = LogEntry.objects.get_for_object(stored).get()
    assert entry.changes_dict["value"][1] == "20.5"
    assert list(audit_entries_of(stored)) == [entry]


def test_a_later_change_of_a_row_written_in_a_batch_follows_its_batch_entry(
    mother, now, cadre_user
):
    care_records_write(records=_volumes(mother, now, 2), by=cadre_user, now=now)
    measurement = Measurement.objects.order_by("pk").first()

    measurement.value = Decimal("30")
    measurement.save()

    actions = [entry.action for entry in audit_entries_of(measurement)]
    assert actions == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
