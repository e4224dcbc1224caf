"""Fixtures for the API tests: a cadre with her client, another cadre with hers, and token
clients that call the API as a phone does."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.test import Client

from kaderasi.accounts.models import Role
from kaderasi.api.tokens import device_token_issue
from kaderasi.tests import factories as f

WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Lockout and rate counters live in the cache; every test starts without them."""
    cache.clear()
    yield
    cache.clear()


class Phone:
    """Calls the API with a device token, as the phone app does."""

    def __init__(self, user, now):
        _token, self.secret = device_token_issue(user=user, device_name="HP test", now=now)
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {self.secret}")
        self.user = user

    def pull(self, cursor=None, **headers):
        params = {"cursor": cursor} if cursor else {}
        return self.client.get("/api/v1/sync/pull", params, **headers)

    def push(self, *records, **headers):
        return self.client.post(
            "/api/v1/sync/push",
            {"records": list(records)},
            content_type="application/json",
            **headers,
        )

    def get(self, path, **headers):
        return self.client.get(path, **headers)


@pytest.fixture
def mother(world, cadre_user):
    """Wati's client: delivered on 8 November 2026 at 10:00 WIB, paired with her."""
    mother = f.delivered_mother(programme=world.programme, posyandu=world.mawar)
    f.PairingFactory(mother=mother, cadre=cadre_user.cadre)
    return mother


@pytest.fixture
def other_cadre_user(world):
    user = f.UserFactory(username="rina-kader", role=Role.CADRE)
    f.CadreFactory(programme=world.programme, posyandu=world.kenanga, user=user, code="K02")
    return user


@pytest.fixture
def other_mother(world, other_cadre_user):
    """Rina's client, in the same programme but another village."""
    mother = f.delivered_mother(programme=world.programme, posyandu=world.kenanga)
    f.PairingFactory(mother=mother, cadre=other_cadre_user.cadre)
    return mother


@pytest.fixture
def phone(cadre_user, now):
    return Phone(cadre_user, now)


@pytest.fixture
def midwife_phone(midwife, now):
    return Phone(midwife, now)


def milk(mother, **overrides) -> dict:
    record = {
        "id": str(uuid.uuid4()),
        "type": "milk_volume",
        "mother_id": str(mother.public_id),
        "measured_at": "2026-11-10T08:00:00+07:00",
        "volume_ml": 22.5,
        "method": "hand_expression",
        "basis": "single_expression",
    }
    record.update(overrides)
    return record


def session(mother, **overrides) -> dict:
    record = {
        "id": str(uuid.uuid4()),
        "type": "massage_session",
        "mother_id": str(mother.public_id),
        "started_at": "2026-11-10T07:00:00+07:00",
        "ended_at": "2026-11-10T07:12:00+07:00",
        "performed_by": "cadre",
        "steps_done": [1, 2, 3, 4],
    }
    record.update(overrides)
    return record


def consent_given(mother, subject, *, now, by):
    """Her consent for `subject`, given twenty days before `now`."""
    from kaderasi.care.services import consent_give

    return consent_give(
        mother=mother,
        subject=subject,
        text_version="v1",
        given_at=now - dt.timedelta(days=20),
        by=by,
    )


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=WIB)


def danger_signs(mother, **overrides) -> dict:
    record = {
        "id": str(uuid.uuid4()),
        "type": "danger_signs",
        "mother_id": str(mother.public_id),
        "observed_at": "2026-11-10T08:00:00+07:00",
        "context": "before_massage",
        "signs": ["convulsions"],
        "notes": "",
    }
    record.update(overrides)
    return record


@pytest.fixture(autouse=True)
def _domain_clock(monkeypatch, now):
    """The API reads the domain clock through kaderasi.core.clock; the tests fix it at `now`."""
    monkeypatch.setattr("kaderasi.core.clock.now", lambda: now)
