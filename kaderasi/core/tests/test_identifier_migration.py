"""The migrations that encrypt NIK and phone numbers rewrite the rows already stored (and the
audit log's copies of them), and reversed, give the plain values back."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from kaderasi.care.models import Mother
from kaderasi.core.field_crypto import lookup_hash
from kaderasi.tests.migrations import migrate, migrated_back

BEFORE = [
    ("care", "0012_latch_observation_and_skip_record_id"),
    ("accounts", "0002_user_phone"),
    ("cadres", "0002_cadre_same_person_across_programmes"),
    ("reminders", "0004_danger_sign_with_no_midwife"),
]
# The migrations that encrypt, and no further: migrating to the end and back again unapplied and
# reapplied every later migration of the project as well (more than half of the test's CPU).
ENCRYPTING = [
    ("care", "0013_mother_nik_phone_encrypted"),
    ("accounts", "0003_user_phone_encrypted"),
    ("cadres", "0003_cadre_phone_encrypted"),
    ("reminders", "0005_familymember_phone_encrypted"),
]
NIK, PHONE = "3310014101900001", "+6281234567890"


def raw(table, columns, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()


@pytest.mark.django_db(transaction=True)
def test_existing_niks_and_phones_are_encrypted_hashed_and_masked_in_the_log(world):
    with migrated_back():
        apps = migrate(BEFORE)
        OldMother = apps.get_model("care", "Mother")
        old = OldMother.objects.create(
            programme_id=world.programme.pk,
            posyandu_id=world.mawar.pk,
            code="M900",
            name="Ibu Lama",
            nik=NIK,
            phone=PHONE,
        )
        LogEntry.objects.create(
            content_type_id=ContentType.objects.get_for_model(Mother).pk,
            object_pk=str(old.pk),
            object_id=old.pk,
            object_repr="M900",
            action=0,
            changes={"nik": ["None", "********01900001"], "phone": ["None", PHONE]},
        )
        apps = migrate(ENCRYPTING)
        nik, phone, nik_hash, phone_hash = raw(
            "care_mother", ["nik", "phone", "nik_hash", "phone_hash"], old.pk
        )
        assert nik.startswith("gAAAAA") and phone.startswith("gAAAAA")
        assert (nik_hash, phone_hash) == (lookup_hash("nik", NIK), lookup_hash("phone", PHONE))
        mother = apps.get_model("care", "Mother").objects.get(pk=old.pk)
        assert (mother.nik, mother.phone) == (NIK, PHONE)
        entry = LogEntry.objects.get(object_repr="M900")
        assert entry.changes == {
            "nik": ["None", "************0001"],
            "phone": ["None", "**********7890"],
        }

        migrate(BEFORE)
        assert raw("care_mother", ["nik", "phone"], old.pk) == (NIK, PHONE)
