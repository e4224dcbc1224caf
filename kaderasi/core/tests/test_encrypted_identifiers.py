"""NIK and phone numbers are encrypted at rest and found again through a keyed hash (issue 14,
item 6): the column holds a Fernet token, exact matches go through the hash, a new key is taken
in by `kaderasi rotate-keys`, and the audit log keeps the last four digits only."""

import io

import pytest
from auditlog.models import LogEntry
from cryptography.fernet import Fernet
from django.core.checks import run_checks
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from kaderasi.accounts.models import User
from kaderasi.cadres.models import Cadre
from kaderasi.care.models import Mother
from kaderasi.care.selectors import possible_duplicates
from kaderasi.core.field_crypto import DEVELOPMENT_FIELD_KEY, mask
from kaderasi.reminders.selectors import recipients_with_phone
from kaderasi.tests import factories

pytestmark = pytest.mark.django_db

NIK = "3310014101900001"
PHONE = "+6281234567890"
NEW_KEY = Fernet.generate_key().decode()


def stored(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


@pytest.fixture
def mother(world):
    return factories.MotherFactory(
        programme=world.programme, posyandu=world.mawar, nik=NIK, phone=PHONE
    )


def test_a_mothers_nik_and_phone_are_stored_as_tokens_and_read_back_plain(mother):
    assert NIK not in stored("care_mother", "nik", mother.pk)
    assert PHONE not in stored("care_mother", "phone", mother.pk)
    assert stored("care_mother", "nik", mother.pk).startswith("gAAAAA")
    again = Mother.objects.get(pk=mother.pk)
    assert (again.nik, again.phone) == (NIK, PHONE)
    assert Mother.objects.filter(pk=mother.pk).values_list("nik", "phone").get() == (NIK, PHONE)


def test_the_same_nik_encrypts_differently_each_time_but_hashes_the_same(world, mother):
    other = factories.MotherFactory(programme=world.programme, posyandu=world.mawar, nik=NIK)
    assert stored("care_mother", "nik", mother.pk) != stored("care_mother", "nik", other.pk)
    assert mother.nik_hash == other.nik_hash != ""


@pytest.mark.parametrize("model,table", [(Cadre, "cadres_cadre"), (User, "accounts_user")])
def test_cadres_and_users_phone_numbers_are_encrypted_too(world, model, table):
    row = (
        factories.CadreFactory(programme=world.programme, posyandu=world.mawar, phone=PHONE)
        if model is Cadre
        else factories.UserFactory(phone=PHONE)
    )
    assert stored(table, "phone", row.pk).startswith("gAAAAA")
    assert model.objects.get(pk=row.pk).phone == PHONE


def test_filtering_on_an_encrypted_column_is_refused_rather_than_silently_finding_nothing(mother):
    with pytest.raises(FieldError, match="lookup hash"):
        list(Mother.objects.filter(nik=NIK))
    with pytest.raises(FieldError, match="lookup hash"):
        list(Mother.objects.filter(phone__icontains="812"))
    assert not Mother.objects.filter(pk=mother.pk, phone="").exists()
    assert Mother.objects.filter(pk=mother.pk).exclude(phone="").exists()


def test_the_duplicate_check_finds_a_mother_by_the_hash_of_her_nik_and_phone(midwife, mother):
    assert [d.mother for d in possible_duplicates(midwife, nik=NIK)] == [mother]
    assert [d.matched_on for d in possible_duplicates(midwife, phone=PHONE)] == ["phone"]
    assert possible_duplicates(midwife, nik="3310014101900009") == []


def test_an_inbound_message_finds_its_sender_by_the_hash_of_the_number(mother):
    assert recipients_with_phone(PHONE) == [mother]


def test_the_admin_finds_a_mother_by_her_whole_nik_or_her_phone_as_people_type_it(
    client, admin_user, mother
):
    client.force_login(admin_user)
    for term in (NIK, "0812-3456-7890", "+62 812 3456 7890"):
        page = client.get("/admin/care/mother/", {"q": term})
        assert page.status_code == 200
        assert mother.name in page.content.decode(), term
    page = client.get("/admin/care/mother/", {"q": "7890"})
    assert mother.name not in page.content.decode()


def test_a_new_key_put_first_still_reads_and_finds_old_rows_and_rotate_keys_moves_them(
    midwife, mother
):
    old_token = stored("care_mother", "nik", mother.pk)
    with override_settings(KADERASI_FIELD_KEYS=[NEW_KEY, DEVELOPMENT_FIELD_KEY]):
        assert Mother.objects.get(pk=mother.pk).nik == NIK
        assert [d.mother for d in possible_duplicates(midwife, nik=NIK)] == [mother]
        out = io.StringIO()
        call_command("rotate-keys", stdout=out)
        assert "care.Mother: 1" in out.getvalue()
    assert stored("care_mother", "nik", mother.pk) != old_token
    with override_settings(KADERASI_FIELD_KEYS=[NEW_KEY]):
        again = Mother.objects.get(pk=mother.pk)
        assert (again.nik, again.phone) == (NIK, PHONE)
        assert [d.mother for d in possible_duplicates(midwife, nik=NIK)] == [mother]
        assert [d.mother for d in possible_duplicates(midwife, phone=PHONE)] == [mother]


def test_rotating_keys_changes_no_updated_at_so_phones_pull_nothing_new(mother):
    before = Mother.objects.get(pk=mother.pk).updated_at
    with override_settings(KADERASI_FIELD_KEYS=[NEW_KEY, DEVELOPMENT_FIELD_KEY]):
        call_command("rotate-keys", stdout=io.StringIO())
        assert Mother.objects.get(pk=mother.pk).updated_at == before


def test_rotate_keys_new_key_prints_a_usable_fernet_key():
    out = io.StringIO()
    call_command("rotate-keys", "--new-key", stdout=out)
    Fernet(out.getvalue().strip().encode())


def test_the_audit_log_keeps_the_last_four_digits_of_nik_and_phone_only(mother):
    entry = LogEntry.objects.get_for_object(mother).get()
    assert entry.changes["nik"] == ["", "************0001"]
    assert entry.changes["phone"][1] == "**********7890"
    assert "nik_hash" not in entry.changes and "phone_hash" not in entry.changes
    assert mask("+6281234567890") == "**********7890"


def test_deploy_check_warns_while_the_development_key_is_in_use():
    assert "core.W001" in {m.id for m in run_checks(include_deployment_checks=True)}
    with override_settings(KADERASI_FIELD_KEYS=[NEW_KEY]):
        assert "core.W001" not in {m.id for m in run_checks(include_deployment_checks=True)}
