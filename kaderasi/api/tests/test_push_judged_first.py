"""On SQLite a push of care records is judged before it takes the write lock and stored as
judged only if nothing its rules read changed meanwhile (decision 0295). Two connections race
here for real: the phone's push in a thread of its own, stopped between its judgement and its
lock, while the test's connection commits a change."""

import datetime as dt
import threading

import pytest
from django.db import connection

from kaderasi.api import push
from kaderasi.api.tests.conftest import consent_given, milk, session
from kaderasi.care import rule_versions
from kaderasi.care.models import ConsentSubject, Delivery, MassageSession, Measurement, Mother
from kaderasi.care.services import consent_withdraw, measurement_record, recording
from kaderasi.conftest import runs_on_postgresql

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        runs_on_postgresql(), reason="PostgreSQL locks each mother's row; nothing is judged first"
    ),
]


class Race:
    """The phone's push, run in a thread, waits after its first judgement (the one before the
    lock) until the test has committed its change; `judgements` counts the push's judgements."""

    def __init__(self, monkeypatch):
        self.judged, self.changed = threading.Event(), threading.Event()
        self.judgements = 0
        judge = recording.care_records_judge

        def judge_then_wait(**kwargs):
            judged = judge(**kwargs)
            if threading.current_thread() is threading.main_thread():
                return judged  # the test's own change
            self.judgements += 1
            if self.judgements == 1:
                self.judged.set()
                assert self.changed.wait(30)
            return judged

        # Before the lock the push judges; under it the write path (care_records_write) does.
        monkeypatch.setattr(push, "care_records_judge", judge_then_wait)
        monkeypatch.setattr(recording, "care_records_judge", judge_then_wait)


def _race(monkeypatch, phone, records, change) -> tuple[list[dict], int]:
    """Push `records` from another connection; `change()` commits between its judgement and its
    lock. Returns the answers and how many times the batch was judged."""
    race = Race(monkeypatch)
    answers: list = []

    def pushes() -> None:
        try:
            answers.append(phone.push(*records).json()["results"])
        finally:
            connection.close()

    thread = threading.Thread(target=pushes)
    thread.start()
    try:
        assert race.judged.wait(30)
        change()
    finally:
        race.changed.set()
        thread.join(30)
    return answers[0], race.judgements


def _counts():
    return Measurement.objects.count(), MassageSession.objects.count()


def test_a_batch_is_judged_again_when_her_consent_was_withdrawn_before_it_took_the_lock(
    monkeypatch, phone, mother, now, midwife
):
    consent = consent_given(mother, ConsentSubject.MOTHER, now=now, by=midwife)

    answers, judgements = _race(
        monkeypatch,
        phone,
        [milk(mother), session(mother)],
        lambda: consent_withdraw(
            consent=consent, withdrawn_at=now - dt.timedelta(days=1), by=midwife
        ),
    )

    # Judged before the withdrawal the records were valid; stored as judged they would be data
    # processed without consent. Her version changed, so the batch was judged again, locked.
    assert judgements == 2
    assert [a["errors"][0]["code"] for a in answers] == ["consent_withdrawn"] * 2
    assert _counts() == (0, 0)


def test_a_batch_sent_twice_at_once_is_stored_once(monkeypatch, phone, mother):
    records = [milk(mother), session(mother)]

    answers, judgements = _race(monkeypatch, phone, records, lambda: phone.push(*records))

    # The other push stored the same records while this one was judged: this one finds them.
    assert judgements == 2
    assert [a["status"] for a in answers] == ["duplicate", "duplicate"]
    assert _counts() == (1, 1)


def test_a_change_to_another_mother_leaves_the_batch_as_it_was_judged(
    monkeypatch, phone, mother, other_mother, now, midwife
):
    answers, judgements = _race(
        monkeypatch,
        phone,
        [milk(mother), session(mother)],
        lambda: measurement_record(
            mother=other_mother,
            kind="wet_nappies",
            measured_at=now - dt.timedelta(hours=1),
            value=6,
            by=midwife,
            now=now,
        ),
    )

    assert judgements == 1
    assert [a["status"] for a in answers] == ["created", "created"]
    assert _counts() == (2, 1)


def _version(mother) -> int:
    return rule_versions.versions_of(Mother.objects.filter(pk=mother.pk))[mother.pk]


def test_every_write_her_rules_read_changes_her_version(mother, other_mother, world, now):
    versions = [_version(mother)]

    delivery = Delivery.objects.get(pregnancy__mother=mother)
    Delivery.objects.filter(pk=delivery.pk).update(delivered_at=delivery.delivered_at)  # no save()
    versions.append(_version(mother))
    world.programme.save()  # a catalogue every mother's rules read
    versions.append(_version(mother))
    other_version = _version(other_mother)
    measurement_record(
        mother=mother, kind="feeds", measured_at=now - dt.timedelta(hours=1), value=8, now=now
    )
    versions.append(_version(mother))

    assert versions == sorted(set(versions))  # each write a new, higher version
    assert _version(other_mother) == other_version  # hers only


def test_every_table_the_rules_read_has_its_triggers():
    with connection.cursor() as cursor:
        names = {
            row[0]
            for row in cursor.execute(
                "select name from sqlite_master where type = 'trigger'"
            ).fetchall()
        }

    assert {
        f"{table}_rule_version_{event}"
        for table in rule_versions.SOURCES
        for event in ("insert", "update", "delete")
    } <= names
