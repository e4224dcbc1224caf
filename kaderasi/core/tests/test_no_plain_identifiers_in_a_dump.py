"""The figure of issue 14 item 6: a dump of the demo database holds no NIK and no phone number in
the clear: not in the tables that keep them, not in the audit log, nowhere."""

import re

import pytest
from django.db import connection

from kaderasi.accounts.models import User
from kaderasi.cadres.models import Cadre
from kaderasi.care.models import Mother
from kaderasi.conftest import NOW
from kaderasi.demo.seeding import seed_demo
from kaderasi.reminders.models import FamilyMember

pytestmark = pytest.mark.django_db


def database_text() -> str:
    """Every row of every table as text (SQLite's iterdump as well, where there is one)."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            parts.extend(repr(row) for row in cursor.fetchall())
    if connection.vendor == "sqlite":
        parts.extend(connection.connection.iterdump())
    return "\n".join(parts)


def test_a_dump_of_the_demo_database_holds_no_plain_nik_or_phone_number(capsys):
    seed_demo(now=NOW)
    niks = {m.nik for m in Mother.objects.all() if m.nik}
    phones = {
        row.phone
        for model in (Mother, Cadre, User, FamilyMember)
        for row in model.objects.all()
        if row.phone
    }
    assert len(niks) >= 5 and len(phones) >= 10  # the demo has something to hide

    dump = database_text()
    national = {"0" + phone[3:] for phone in phones}  # 0812… as a person would type it
    found = [value for value in niks | phones | national if value in dump]
    found += re.findall(r"\+62\d{8,13}", dump)
    with capsys.disabled():
        print(
            f"\ndemo dump: {len(dump):,} characters, {len(niks)} NIKs and {len(phones)} phone "
            f"numbers stored; found in the clear: {len(found)}"
        )
    assert found == []
