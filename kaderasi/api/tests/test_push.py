import datetime as dt
import uuid
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from kaderasi.api.tests.conftest import Phone, at, consent_given, danger_signs, milk, session
from kaderasi.care.catalogue import catalogue_ensure
from kaderasi.care.errors import CareErrorCode
from kaderasi.care.models import (
    ConsentSubject,
    Flag,
    MassageSession,
    Measurement,
    Referral,
    ScheduledSession,
)
from kaderasi.care.services import consent_withdraw
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db


def _counts():
    return Measurement.objects.count(), MassageSession.objects.count()


def test_a_batch_of_a_session_and_a_milk_volume_is_stored_once_each(phone, mother, cadre_user):
    volume, massage = milk(mother, side="left", phase="before"), session(mother, comfort=4)

    response = phone.push(volume, massage)

    assert response.status_code == 200
    assert response.json()["results"] == [
        {"id": volume["id"], "status": "created", "errors": [], "conflicts": []},
        {"id": massage["id"], "status": "created", "errors": [], "conflicts": []},
    ]
    stored = Measurement.objects.get(public_id=volume["id"])
    assert (stored.mother, stored.kind, stored.value) == (mother, "milk_volume", Decimal("22.5"))
    assert (stored.method, stored.basis, stored.side, stored.phase) == (
        "hand_expression",
        "single_expression",
        "left",
        "before",
    )
    assert stored.recorded_by == cadre_user
    assert stored.district.name == "Kecamatan Wedi"
    done = MassageSession.objects.get(public_id=massage["id"])
    assert (done.cadre, done.steps_done, done.comfort) == (cadre_user.cadre, [1, 2, 3, 4], 4)
    assert done.duration_minutes == 12


def test_re_pushing_a_batch_gives_all_duplicates_and_changes_nothing(phone, mother):
    batch = [milk(mother), session(mother), milk(mother, type="feeds", value=8, volume_ml=None)]
    del batch[2]["volume_ml"], batch[2]["method"], batch[2]["basis"]
    phone.push(*batch)
    before = _counts()
    updated = {m.pk: m.updated_at for m in Measurement.objects.all()}

    response = phone.push(*batch)

    assert [r["status"] for r in response.json()["results"]] == ["duplicate"] * 3
    assert _counts() == before == (2, 1)
    assert {m.pk: m.updated_at for m in Measurement.objects.all()} == updated


def test_a_record_sent_twice_in_one_batch_is_stored_once(phone, mother):
    record = milk(mother)

    response = phone.push(record, record)

    assert [r["status"] for r in response.json()["results"]] == ["created", "duplicate"]
    assert Measurement.objects.count() == 1


def test_a_cadre_cannot_write_for_another_cadres_mother(phone, mother, other_mother):
    mine, theirs = milk(mother), milk(other_mother)

    response = phone.push(theirs, mine)

    results = response.json()["results"]
    assert results[0]["status"] == "rejected"
    assert results[0]["errors"][0]["code"] == "mother_not_found"
    assert results[0]["errors"][0]["field"] == "mother_id"
    assert results[1]["status"] == "created"
    assert not Measurement.objects.filter(mother=other_mother).exists()


def test_a_district_officer_reads_but_does_not_record(district_officer, mother, now):
    response = Phone(district_officer, now).push(milk(mother))

    [result] = response.json()["results"]
    assert result["status"] == "rejected"
    assert result["errors"][0]["code"] == "not_allowed"
    assert Measurement.objects.count() == 0


def test_a_reassigned_client_is_no_longer_written_by_her_former_cadre(phone, mother, world, now):
    pairing = mother.pairings.get()
    pairing.ends_at, pairing.end_reason = now, "reassigned"
    pairing.save()

    [result] = phone.push(milk(mother)).json()["results"]

    assert result["errors"][0]["code"] == "mother_not_found"
    assert Measurement.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        (
            {"measured_at": "2026-11-01T08:00:00+07:00"},
            "measurement_before_delivery",
            "measured_at",
        ),
        ({"measured_at": "2026-12-01T08:00:00+07:00"}, "measurement_in_future", "measured_at"),
    ],
)
def test_a_milk_volume_breaking_a_care_rule_is_rejected_with_its_field(
    phone, mother, overrides, code, field
):
    [result] = phone.push(milk(mother, **overrides)).json()["results"]

    assert result["status"] == "rejected"
    assert (result["errors"][0]["code"], result["errors"][0]["field"]) == (code, field)
    assert Measurement.objects.count() == 0


def test_a_session_ending_before_it_starts_is_rejected(phone, mother):
    record = session(mother, ended_at="2026-11-10T06:00:00+07:00")

    [result] = phone.push(record).json()["results"]

    assert result["errors"][0]["code"] == CareErrorCode.SESSION_ENDS_BEFORE_START
    assert result["errors"][0]["field"] == "ended_at"
    assert MassageSession.objects.count() == 0


def test_withdrawn_consent_refuses_new_records_and_stores_nothing(phone, mother, now, midwife):
    consent = consent_given(mother, ConsentSubject.MOTHER, now=now, by=midwife)
    consent_withdraw(consent=consent, withdrawn_at=now - dt.timedelta(days=1), by=midwife)

    results = phone.push(milk(mother), session(mother)).json()["results"]

    assert [r["errors"][0]["code"] for r in results] == ["consent_withdrawn"] * 2
    assert _counts() == (0, 0)


def test_infant_consent_withdrawn_refuses_infant_records_only(phone, mother, now, midwife):
    consent = consent_given(mother, ConsentSubject.INFANT, now=now, by=midwife)
    consent_withdraw(consent=consent, withdrawn_at=now - dt.timedelta(days=1), by=midwife)
    weight = {
        "id": str(uuid.uuid4()),
        "type": "infant_weight",
        "mother_id": str(mother.public_id),
        "measured_at": "2026-11-10T08:00:00+07:00",
        "value": 3100,
    }

    results = phone.push(weight, milk(mother)).json()["results"]

    assert [r["status"] for r in results] == ["rejected", "created"]


def test_an_id_already_used_for_another_mother_is_rejected(phone, mother, world, cadre_user):
    record = milk(mother)
    phone.push(record)
    second = f.delivered_mother(programme=world.programme, posyandu=world.mawar)
    f.PairingFactory(mother=second, cadre=cadre_user.cadre, ends_at=None)

    [result] = phone.push({**record, "mother_id": str(second.public_id)}).json()["results"]

    # The same code as the web form and the import give (one write path).
    assert (result["status"], result["errors"][0]["code"]) == (
        "rejected",
        "record_belongs_to_another_mother",
    )
    assert Measurement.objects.get().mother == mother


def test_a_session_done_for_a_planned_session_is_linked_to_it(phone, mother, world):
    planned = ScheduledSession.objects.create(
        mother=mother,
        district=world.wedi,
        postpartum_day=3,
        slot=1,
        window_starts_at=at(2026, 11, 10, 6, 0),
        window_ends_at=at(2026, 11, 10, 13, 30),
    )
    first = session(mother, scheduled_session_id=str(planned.public_id))
    second = session(mother, scheduled_session_id=str(planned.public_id))

    results = phone.push(first, second).json()["results"]

    assert [r["status"] for r in results] == ["created", "created"]
    assert MassageSession.objects.get(public_id=first["id"]).scheduled_session == planned
    assert MassageSession.objects.get(public_id=second["id"]).scheduled_session is None


def test_a_batch_is_written_with_a_fixed_number_of_queries(phone, mother):
    small = [milk(mother) for _ in range(5)] + [session(mother) for _ in range(5)]
    large = [milk(mother) for _ in range(100)] + [session(mother) for _ in range(100)]

    with CaptureQueriesContext(connection) as for_small:
        phone.push(*small)
    with CaptureQueriesContext(connection) as for_large:
        response = phone.push(*large)

    # Validation, scoping, flags and audit load what they need once per batch: twenty times the
    # records cost no query per record, only the extra INSERT statements SQLite needs when a
    # bulk insert exceeds its limit of bound variables.
    assert len(for_large) <= 32
    assert len(for_large) - len(for_small) <= 4
    assert {r["status"] for r in response.json()["results"]} == {"created"}
    assert _counts() == (105, 105)


def test_a_batch_reads_its_mothers_once_without_a_savepoint_of_the_write_path(phone, mother):
    records = [milk(mother), session(mother), danger_signs(mother, signs=["convulsions"])]

    with CaptureQueriesContext(connection) as queries:
        response = phone.push(*records)

    # The scoped read locks the mothers for the write path, which does not read them again
    # (on SQLite the batch is judged before the write lock and, under it, only the mothers'
    # versions are read again: decision 0295); the write path sets no savepoint inside the
    # push's transaction (the push's own atomic is the one savepoint here: the test runs inside
    # a transaction); on PostgreSQL the ids of every table written, the flags' included, are
    # drawn in one query per write.
    assert [r["status"] for r in response.json()["results"]] == ["created"] * 3
    statements = [query["sql"] for query in queries]
    mother_reads = [sql for sql in statements if 'FROM "care_mother"' in sql]
    assert len(mother_reads) == (2 if connection.vendor == "sqlite" else 1)
    assert '"care_mother"."code"' in mother_reads[0]
    if connection.vendor == "sqlite":
        assert '"care_mother"."code"' not in mother_reads[1]
        assert '"rule_version"' in mother_reads[1]
    assert sum(sql.startswith("SAVEPOINT") for sql in statements) == 1
    draws = sum("nextval(" in sql for sql in statements)
    assert draws == (2 if connection.vendor == "postgresql" else 0)
    assert Flag.objects.filter(mother=mother).exists()


def _records_of_every_kind(mother, *, groups: int) -> list[dict]:
    """`groups` groups of ten records, one of every kind a phone sends (a massage with an adverse
    event and a danger sign among them, which raise flags and referrals), each at its own minute."""
    records = []
    for group in range(groups):
        moment = at(2026, 11, 10, 7, 0) + dt.timedelta(minutes=30 * group)

        def minute(offset: int, moment: dt.datetime = moment) -> str:
            return (moment + dt.timedelta(minutes=offset)).isoformat()

        records += [
            session(mother, started_at=minute(0), ended_at=minute(12)),
            session(mother, started_at=minute(13), ended_at=minute(25), adverse_event="Pusing"),
            milk(mother, measured_at=minute(1)),
            milk(mother, measured_at=minute(2), volume_ml=5),
            {**milk(mother, measured_at=minute(3)), "type": "feeds", "value": 2},
            *(
                {"id": str(uuid.uuid4()), "type": kind, "mother_id": str(mother.public_id),
                 "measured_at": minute(offset), "value": value}
                for offset, kind, value in
                ((4, "wet_nappies", 1), (5, "stools", 0), (6, "infant_weight", 2900))
            ),
            {"id": str(uuid.uuid4()), "type": "latch_score", "mother_id": str(mother.public_id),
             "observed_at": minute(7), "latch": 0, "audible_swallowing": 1, "nipple_type": 2,
             "comfort": 1, "hold": 0},
            danger_signs(mother, observed_at=minute(8), signs=["convulsions"]),
        ]  # fmt: skip
    for record in records:
        for name in ("method", "basis"):
            if record["type"] != "milk_volume":
                record.pop(name, None)
        if record["type"] != "milk_volume":
            record.pop("volume_ml", None)
    return records


def test_a_batch_of_200_records_costs_the_queries_of_a_batch_of_20(phone, world, cadre_user):
    catalogue_ensure(apps)
    first, second, third = (
        f.delivered_mother(programme=world.programme, posyandu=world.mawar) for _ in range(3)
    )
    for mother in (first, second, third):
        f.PairingFactory(mother=mother, cadre=cadre_user.cadre)
    phone.push(*_records_of_every_kind(first, groups=1))  # caches filled, the token stamped

    with CaptureQueriesContext(connection) as for_20:
        small = phone.push(*_records_of_every_kind(second, groups=2)).json()["results"]
    with CaptureQueriesContext(connection) as for_200:
        large = phone.push(*_records_of_every_kind(third, groups=20)).json()["results"]

    # Reading what the rules need, the flags, their referrals and the audit trail are done for
    # the batch at once: ten times the records, flags and referrals cost no query more.
    assert {r["status"] for r in small + large} == {"created"}
    assert len(large) == 200
    flags_of_small, flags_of_large = (
        Flag.objects.filter(mother=m).count() for m in (second, third)
    )
    assert (flags_of_small, Referral.objects.filter(mother=second).count()) == (8, 4)
    assert flags_of_large >= 10 * flags_of_small
    assert len(for_200) == len(for_20)


def test_bulk_written_records_are_in_the_audit_log_with_their_author(phone, mother, cadre_user):
    record = milk(mother)

    phone.push(record)

    stored = Measurement.objects.get()
    entry = LogEntry.objects.get_for_object(stored).get()
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor == cadre_user
    assert entry.changes_dict["value"][1] == "22.5"


# --- malformed payloads: 4xx with field errors, nothing stored ------------------------------


@pytest.mark.parametrize(
    ("mangle", "status", "code", "field"),
    [
        (lambda r: r.update(volume_ml="lots"), 422, "invalid_type", "records.0.volume_ml"),
        (lambda r: r.pop("measured_at"), 422, "required", "records.0.measured_at"),
        (lambda r: r.update(volume_ml=12.25), 422, "invalid_number", "records.0.volume_ml"),
        (lambda r: r.update(type="milk"), 422, "unknown_type", "records.0.type"),
        (lambda r: r.pop("type"), 422, "required", "records.0.type"),
        (lambda r: r.update(colour="white"), 422, "unknown_field", "records.0.colour"),
        (lambda r: r.update(method="by_hand"), 422, "not_a_choice", "records.0.method"),
        (lambda r: r.update(id="not-a-uuid"), 422, "invalid_uuid", "records.0.id"),
        (
            lambda r: r.update(measured_at="2026-11-10T08:00:00"),
            422,
            "naive_datetime",
            "records.0.measured_at",
        ),
    ],
)
def test_a_malformed_record_fails_the_whole_batch_with_its_field(
    phone, mother, mangle, status, code, field
):
    good, bad = milk(mother), milk(mother)
    mangle(bad)

    with translation.override("en"):
        response = phone.push(good, bad, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == status
    body = response.json()
    assert (body["code"], body["field"]) == (code, field.replace("records.0", "records.1"))
    assert body["message"]
    assert _counts() == (0, 0)


def test_an_oversized_batch_is_refused_and_nothing_is_stored(phone, mother):
    response = phone.push(*[milk(mother) for _ in range(501)])

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("batch_too_large", "records")
    assert _counts() == (0, 0)


def test_a_body_that_is_not_json_is_a_400(phone):
    response = phone.client.post("/api/v1/sync/push", "{oops", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_a_body_without_records_names_the_field(phone):
    response = phone.client.post(
        "/api/v1/sync/push", {"recordz": []}, content_type="application/json"
    )

    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"records", "recordz"}


# --- the browser's session ------------------------------------------------------------------


def test_the_logged_in_browser_pushes_with_its_session_and_csrf_token(cadre_user, mother):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cadre_user)
    browser.get("/")  # sets the CSRF cookie, as any page does
    token = browser.cookies["csrftoken"].value

    refused = browser.post(
        "/api/v1/sync/push", {"records": [milk(mother)]}, content_type="application/json"
    )
    accepted = browser.post(
        "/api/v1/sync/push",
        {"records": [milk(mother)]},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )

    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
    assert accepted.status_code == 200
    assert Measurement.objects.count() == 1


def test_without_token_or_session_the_api_answers_401(mother):
    response = Client().post(
        "/api/v1/sync/push", {"records": [milk(mother)]}, content_type="application/json"
    )

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert Measurement.objects.count() == 0


def test_a_synced_session_is_judged_like_a_typed_one_before_the_push_answers(phone, mother):
    from kaderasi.care.models import Flag

    short = session(mother, ended_at="2026-11-10T07:03:00+07:00")  # 3 minutes, below 10

    response = phone.push(short)

    assert response.json()["results"][0]["status"] == "created"
    assert list(Flag.objects.values_list("rule__code", flat=True)) == [
        "session_duration_outside_protocol"
    ]


@pytest.mark.parametrize(("volume", "bound"), [(-5, "0"), (15000, "1500")])
def test_an_implausible_volume_is_rejected_per_record_with_the_care_rule_code(
    phone, mother, volume, bound
):
    good = milk(mother)
    bad = milk(mother, volume_ml=volume)

    with translation.override("en"):
        results = phone.push(good, bad).json()["results"]

    assert [r["status"] for r in results] == ["created", "rejected"]
    assert results[1]["errors"][0]["code"] == "measurement_out_of_range"
    assert results[1]["errors"][0]["field"] == "volume_ml"
    assert bound in results[1]["errors"][0]["message"]
    assert Measurement.objects.count() == 1
