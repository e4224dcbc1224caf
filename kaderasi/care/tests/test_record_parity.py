"""One record, one rule: the same input gives the same outcome and the same error code whether a
cadre types it on the web form, her phone pushes it through the sync API, or a coordinator
imports it in a workbook. Every interface calls `care.services.care_records_write`; this table
holds them to it (issue 12: a baseline taken after a massage was refused on the web and stored
from the phone; a phone 3 minutes fast was refused, the web allowed 5 minutes)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from kaderasi.api.tokens import device_token_issue
from kaderasi.care import services
from kaderasi.care.models import MassageSession, Measurement
from kaderasi.interop.plan import ImportRejected
from kaderasi.interop.services import programme_import
from kaderasi.interop.tests.builders import VALID, copy_of, xlsx_workbook
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db

DELIVERED_AGO = dt.timedelta(hours=26)  # day 2: the massage days are running


@dataclass(frozen=True)
class Case:
    name: str
    record: str  # "milk" or "session"
    volume: str = "22.5"  # as the cadre types it
    minutes_from_now: int = -30
    phase: str = ""
    massaged_before: bool = False
    stopping_sign_before: bool = False
    expected_code: str | None = None  # None: created
    expected_value: Decimal | None = None


CASES = [
    Case("valid volume", "milk", expected_value=Decimal("22.5")),
    Case("decimal comma", "milk", volume="12,5", expected_value=Decimal("12.5")),
    Case("negative volume", "milk", volume="-5", expected_code="measurement_out_of_range"),
    Case("implausible volume", "milk", volume="5000", expected_code="measurement_out_of_range"),
    Case("clock 3 minutes fast", "milk", minutes_from_now=3, expected_value=Decimal("22.5")),
    Case("clock 10 minutes fast", "milk", minutes_from_now=10,
         expected_code="measurement_in_future"),
    Case(
        "baseline after a massage",
        "milk",
        phase="before",
        massaged_before=True,
        expected_code="baseline_after_massage",
    ),
    Case("baseline before any massage", "milk", phase="before", expected_value=Decimal("22.5")),
    Case("valid session", "session"),
    Case("session 3 minutes in the future", "session", minutes_from_now=3),
    Case("session 10 minutes in the future", "session", minutes_from_now=10,
         expected_code="session_in_future"),
    Case(
        "session under an open stop-and-refer flag",
        "session",
        stopping_sign_before=True,
        expected_code="session_stopped_by_danger_sign",
    ),
]  # fmt: skip


@pytest.fixture(autouse=True)
def _clock(monkeypatch, now):
    monkeypatch.setattr("kaderasi.core.clock.now", lambda: now)


@pytest.fixture
def client_mother(world, cadre_user, now):
    mother = f.delivered_mother(
        programme=world.programme, posyandu=world.mawar, delivered_at=now - DELIVERED_AGO
    )
    f.PairingFactory(mother=mother, cadre=cadre_user.cadre, starts_at=now - DELIVERED_AGO)
    services.schedule_reconcile(mother=mother, now=now)
    return mother


def _massaged_two_hours_ago(mother, user, now, public_id=None) -> None:
    services.massage_session_record(
        mother=mother,
        performed_by="cadre",
        started_at=now - dt.timedelta(hours=2),
        ended_at=now - dt.timedelta(hours=2) + dt.timedelta(minutes=12),
        by=user,
        now=now,
        public_id=public_id,
    )


def _given(case: Case, mother, user, now) -> None:
    if case.massaged_before:
        _massaged_two_hours_ago(mother, user, now)
    if case.stopping_sign_before:
        services.danger_signs_report(
            mother=mother,
            signs=["back_wound"],
            observed_at=now - dt.timedelta(hours=1),
            context="before_massage",
            by=user,
            now=now,
        )


def _moment(case: Case, now) -> dt.datetime:
    return now + dt.timedelta(minutes=case.minutes_from_now)


def _through_the_web(case: Case, mother, user, now) -> tuple[str | None, object]:
    client = Client()
    client.force_login(user)
    record_id = uuid.uuid4()
    moment = timezone.localtime(_moment(case, now)).isoformat()
    if case.record == "milk":
        url = reverse("care:milk-volume", kwargs={"public_id": mother.public_id})
        data = {
            "id": record_id,
            "mother_id": mother.public_id,
            "measured_at": moment,
            "volume_ml": case.volume,
            "method": "hand_expression",
            "basis": "single_expression",
            "phase": case.phase,
        }
    else:
        url = reverse("care:session-guide", kwargs={"public_id": mother.public_id})
        ended = _moment(case, now)
        data = {
            "id": record_id,
            "mother_id": mother.public_id,
            "started_at": timezone.localtime(ended - dt.timedelta(minutes=12)).isoformat(),
            "ended_at": timezone.localtime(ended).isoformat(),
            "performed_by": "cadre",
            "steps_done": "1,2,3",
        }
    response = client.post(url, data)
    if response.status_code == 302:
        return None, _stored(case, record_id)
    errors = response.context["form"].errors.as_data()
    codes = [error.code for field_errors in errors.values() for error in field_errors]
    return codes[0], None


def _through_the_phone(case: Case, mother, user, now) -> tuple[str | None, object]:
    _token, secret = device_token_issue(user=user, device_name="HP", now=now)
    phone = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    record_id = uuid.uuid4()
    moment = _moment(case, now)
    if case.record == "milk":
        # The phone reads the typed text as the web form does and sends the number.
        record = {
            "type": "milk_volume",
            "measured_at": moment.isoformat(),
            "volume_ml": str(Decimal(case.volume.replace(",", "."))),
            "method": "hand_expression",
            "basis": "single_expression",
        }
        if case.phase:
            record["phase"] = case.phase
    else:
        record = {
            "type": "massage_session",
            "started_at": (moment - dt.timedelta(minutes=12)).isoformat(),
            "ended_at": moment.isoformat(),
            "performed_by": "cadre",
            "steps_done": [1, 2, 3],
        }
    record.update(id=str(record_id), mother_id=str(mother.public_id))
    response = phone.post(
        "/api/v1/sync/push", {"records": [record]}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    (result,) = response.json()["results"]
    if result["status"] == "created":
        return None, _stored(case, record_id)
    return result["errors"][0]["code"], None


def _stored(case: Case, record_id):
    model = Measurement if case.record == "milk" else MassageSession
    return model.objects.get(public_id=record_id)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_web_form_and_the_phone_give_the_same_outcome(case, client_mother, cadre_user, now):
    _given(case, client_mother, cadre_user, now)
    with translation.override("id"):
        web_code, web_row = _through_the_web(case, client_mother, cadre_user, now)
        phone_code, phone_row = _through_the_phone(case, client_mother, cadre_user, now)

    assert web_code == phone_code == case.expected_code
    if case.expected_code is None:
        assert web_row is not None and phone_row is not None
    if case.expected_value is not None:
        assert web_row.value == phone_row.value == case.expected_value


IMPORT_CASES = [case for case in CASES if case.record == "milk" and case.minutes_from_now < 0]


def _through_the_import(case: Case, coordinator, now) -> tuple[str | None, Decimal | None]:
    sheets = copy_of(VALID)
    sheets["milk_volumes"][1][2] = case.volume  # M01's baseline, as typed in the workbook
    try:
        programme_import(workbook=xlsx_workbook(sheets), slug="wedi-2026", by=coordinator, now=now)
    except ImportRejected as rejected:
        return rejected.issues[0].code, None
    volume = Measurement.objects.get(mother__code="M01", phase="before")
    return None, volume.value


@pytest.mark.parametrize(
    "case",
    [case for case in IMPORT_CASES if not case.massaged_before and not case.phase],
    ids=lambda case: case.name,
)
def test_the_workbook_import_gives_the_same_outcome_as_the_web_form(case, world, coordinator, now):
    code, value = _through_the_import(case, coordinator, now)

    assert code == case.expected_code
    assert value == case.expected_value


# --- the breastfeeding observation (LATCH), a session not given, whether the milk came in -------
# The same table holds the records issue 18 added to the phone: each goes through the web form
# and the push and must end the same way (the LATCH score through care_records_write, the other
# two through the protocol services the web forms call). The workbook does not carry them.


@dataclass(frozen=True)
class OtherCase:
    name: str
    record: str  # "latch", "skip" or "milk_onset"
    fields: tuple[tuple[str, object], ...] = ()
    minutes_from_now: int = -30
    expected_code: str | None = None  # None: created


LATCH_GOOD = (
    ("latch", 2),
    ("audible_swallowing", 2),
    ("nipple_type", 2),
    ("comfort", 1),
    ("hold", 1),
)
OTHER_CASES = [
    OtherCase("LATCH scored", "latch", LATCH_GOOD),
    OtherCase("LATCH low total", "latch", (("latch", 1), ("audible_swallowing", 0),
              ("nipple_type", 1), ("comfort", 1), ("hold", 1))),
    OtherCase("LATCH item scored 3", "latch", (*LATCH_GOOD[:4], ("hold", 3)),
              expected_code="latch_item_out_of_range"),
    OtherCase("LATCH item negative", "latch", (("latch", -1), *LATCH_GOOD[1:]),
              expected_code="latch_item_out_of_range"),
    OtherCase("LATCH clock 3 minutes fast", "latch", LATCH_GOOD, minutes_from_now=3),
    OtherCase("LATCH 10 minutes in the future", "latch", LATCH_GOOD, minutes_from_now=10,
              expected_code="latch_in_future"),
    OtherCase("LATCH before the birth", "latch", LATCH_GOOD, minutes_from_now=-27 * 60,
              expected_code="latch_before_delivery"),
    OtherCase("session declined", "skip", (("reason", "mother_declines"), ("note", ""))),
    OtherCase("session skipped, other with a note", "skip",
              (("reason", "other"), ("note", "Keluarga sedang bepergian"))),
    OtherCase("session skipped, other without a note", "skip",
              (("reason", "other"), ("note", "")), expected_code="skip_note_required"),
    OtherCase("skip recorded 10 minutes in the future", "skip",
              (("reason", "mother_unwell"), ("note", "")), minutes_from_now=10,
              expected_code="skip_time_invalid"),
    OtherCase("milk came in", "milk_onset", (("came_in", True),)),
    OtherCase("milk not in yet", "milk_onset", (("came_in", False),)),
    OtherCase("milk answer before the birth", "milk_onset", (("came_in", True),),
              minutes_from_now=-27 * 60, expected_code="milk_onset_time_invalid"),
    OtherCase("milk answer 10 minutes in the future", "milk_onset", (("came_in", False),),
              minutes_from_now=10, expected_code="milk_onset_time_invalid"),
]  # fmt: skip

TIME_FIELD = {"latch": "observed_at", "skip": "skipped_at", "milk_onset": "at"}
PUSH_TYPE = {"latch": "latch_score", "skip": "session_skip", "milk_onset": "milk_onset"}
WEB_URL = {
    "latch": "care:latch-score",
    "skip": "care:session-skip",
    "milk_onset": "care:milk-onset",
}


def _skippable(mother, now) -> list:
    from kaderasi.care.protocol_notes import skippable_sessions

    return skippable_sessions(mother, now=now)


def _other_record(case: OtherCase, mother, now, *, interface: int, web: bool) -> dict:
    """The record's fields; interface 0 is the web, 1 the phone (each skips its own planned
    session and answers at its own minute, so that the second is not the first one's twin)."""
    moment = now + dt.timedelta(minutes=case.minutes_from_now - interface)
    fields = dict(case.fields)
    if case.record == "skip":
        fields["scheduled_session_id"] = str(_skippable(mother, now)[interface].public_id)
    if case.record == "milk_onset" and web:
        fields["came_in"] = "yes" if fields["came_in"] else "no"
    when = timezone.localtime(moment).isoformat() if web else moment.isoformat()
    return {**fields, TIME_FIELD[case.record]: when}


def _other_stored(case: OtherCase, mother, record_id, fields) -> bool:
    from kaderasi.care.models import Delivery, LatchObservation, ScheduledSession

    if case.record == "latch":
        return LatchObservation.objects.filter(public_id=record_id).exists()
    if case.record == "skip":
        return ScheduledSession.objects.filter(skip_record_id=record_id).exists()
    delivery = Delivery.objects.get(pregnancy__mother=mother)
    at = delivery.milk_came_in_at if fields["came_in"] in (True, "yes") else delivery.milk_not_in_at
    return at is not None


def _other_through_the_web(case: OtherCase, mother, user, now) -> str | None:
    client = Client()
    client.force_login(user)
    record_id = uuid.uuid4()
    fields = _other_record(case, mother, now, interface=0, web=True)
    url = reverse(WEB_URL[case.record], kwargs={"public_id": mother.public_id})
    response = client.post(url, {"id": record_id, "mother_id": mother.public_id, **fields})
    if response.status_code == 302:
        assert _other_stored(case, mother, record_id, fields)
        return None
    errors = response.context["form"].errors.as_data()
    return next(error.code for field_errors in errors.values() for error in field_errors)


def _other_through_the_phone(case: OtherCase, mother, user, now) -> str | None:
    _token, secret = device_token_issue(user=user, device_name="HP", now=now)
    phone = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    record_id = uuid.uuid4()
    fields = _other_record(case, mother, now, interface=1, web=False)
    record = {
        "type": PUSH_TYPE[case.record],
        "id": str(record_id),
        "mother_id": str(mother.public_id),
        **fields,
    }
    response = phone.post(
        "/api/v1/sync/push", {"records": [record]}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    (result,) = response.json()["results"]
    if result["status"] == "created":
        assert _other_stored(case, mother, record_id, fields)
        return None
    return result["errors"][0]["code"]


@pytest.mark.parametrize("case", OTHER_CASES, ids=[case.name for case in OTHER_CASES])
def test_latch_skips_and_milk_answers_end_the_same_on_the_web_and_the_phone(
    case, client_mother, cadre_user, now
):
    with translation.override("id"):
        web_code = _other_through_the_web(case, client_mother, cadre_user, now)
        phone_code = _other_through_the_phone(case, client_mother, cadre_user, now)

    assert web_code == phone_code == case.expected_code


# --- a record id stored already ------------------------------------------------------------------
# The write path looks the batch's ids up in one query over the four care tables (decision 0140);
# the web form and the push must still answer a re-sent id, and an id taken by another mother's or
# another kind of record, the same way, and store nothing twice.


def _milk_fields(record_id, mother, now) -> dict:
    return {
        "id": str(record_id),
        "mother_id": str(mother.public_id),
        "measured_at": timezone.localtime(now - dt.timedelta(minutes=30)).isoformat(),
        "volume_ml": "22.5",
        "method": "hand_expression",
        "basis": "single_expression",
    }


@pytest.mark.parametrize(
    ("holder", "expected_code"),
    [
        ("her milk volume", None),
        ("another mother's milk volume", "record_belongs_to_another_mother"),
        ("her massage session", "record_id_in_use"),
    ],
)
def test_an_id_stored_already_ends_the_same_on_the_web_and_the_phone(
    holder, expected_code, world, client_mother, cadre_user, now
):
    record_id = uuid.uuid4()
    if holder == "her massage session":
        _massaged_two_hours_ago(client_mother, cadre_user, now, public_id=record_id)
    else:
        owner = client_mother
        if holder == "another mother's milk volume":
            owner = f.delivered_mother(
                programme=world.programme, posyandu=world.mawar, delivered_at=now - DELIVERED_AGO
            )
        services.measurement_record(
            mother=owner,
            kind="milk_volume",
            measured_at=now - dt.timedelta(hours=1),
            value=Decimal("30"),
            method="hand_expression",
            basis="single_expression",
            by=cadre_user,
            now=now,
            public_id=record_id,
        )
    stored = (Measurement.objects.count(), MassageSession.objects.count())
    fields = _milk_fields(record_id, client_mother, now)

    web = Client()
    web.force_login(cadre_user)
    response = web.post(
        reverse("care:milk-volume", kwargs={"public_id": client_mother.public_id}), fields
    )
    web_code = None
    if response.status_code != 302:
        errors = response.context["form"].errors.as_data()
        web_code = next(error.code for field_errors in errors.values() for error in field_errors)
    _token, secret = device_token_issue(user=cadre_user, device_name="HP", now=now)
    phone = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    answer = phone.post(
        "/api/v1/sync/push",
        {"records": [{**fields, "type": "milk_volume"}]},
        content_type="application/json",
    )
    (result,) = answer.json()["results"]

    assert web_code == expected_code
    if expected_code is None:
        assert result == {
            "id": str(record_id),
            "status": "duplicate",
            "errors": [],
            "conflicts": [],
        }
    else:
        assert result["status"] == "rejected"
        assert result["errors"][0]["code"] == expected_code
    assert (Measurement.objects.count(), MassageSession.objects.count()) == stored
