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


def _given(case: Case, mother, user, now) -> None:
    if case.massaged_before:
        services.massage_session_record(
            mother=mother,
            performed_by="cadre",
            started_at=now - dt.timedelta(hours=2),
            ended_at=now - dt.timedelta(hours=2) + dt.timedelta(minutes=12),
            by=user,
            now=now,
        )
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
