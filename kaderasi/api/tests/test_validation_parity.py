"""The bulk push checks records with validation.py; these tests hold it to the care services'
own checks, case by case, so the two never drift apart."""

import datetime as dt
from decimal import Decimal

import pytest

from kaderasi.api.validation import consent_allows, massage_session_check, measurement_check
from kaderasi.care.consent import processing_allowed
from kaderasi.care.models import Consent, ConsentSubject
from kaderasi.care.selectors import latest_delivery
from kaderasi.care.services import massage_session_validate, measurement_validate
from kaderasi.core.errors import DomainError
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def _outcome(check, **kwargs):
    try:
        check(**kwargs)
    except DomainError as error:
        return (error.code, error.field, str(error.message))
    return None


@pytest.fixture
def mother(world):
    return f.delivered_mother(programme=world.programme, posyandu=world.mawar)


@pytest.mark.parametrize(
    ("kind", "measured_at", "value"),
    [
        ("milk_volume", dt.datetime(2026, 11, 10, tzinfo=UTC), Decimal(30)),
        ("milk_volume", dt.datetime(2026, 11, 10, tzinfo=UTC), Decimal(1600)),
        ("milk_volume", dt.datetime(2026, 11, 1, tzinfo=UTC), Decimal(30)),
        ("milk_volume", dt.datetime(2026, 12, 30, tzinfo=UTC), Decimal(30)),
        ("feeds", dt.datetime(2026, 11, 10, tzinfo=UTC), Decimal(31)),
        ("infant_weight", dt.datetime(2026, 11, 10, tzinfo=UTC), Decimal(200)),
        ("stools", dt.datetime(2026, 11, 8, 3, 0, tzinfo=UTC), Decimal(2)),
    ],
)
def test_measurement_checks_agree_with_the_care_service(mother, now, kind, measured_at, value):
    common = {"kind": kind, "measured_at": measured_at, "value": value, "now": now}

    ours = _outcome(measurement_check, delivered_at=latest_delivery(mother).delivered_at, **common)
    theirs = _outcome(measurement_validate, mother=mother, method="", **common)

    assert ours == theirs


@pytest.mark.parametrize(
    ("started_at", "ended_at", "comfort"),
    [
        (dt.datetime(2026, 11, 9, 7, tzinfo=UTC), dt.datetime(2026, 11, 9, 7, 12, tzinfo=UTC), 3),
        (dt.datetime(2026, 11, 9, 7, tzinfo=UTC), dt.datetime(2026, 11, 9, 6, tzinfo=UTC), None),
        (dt.datetime(2026, 11, 1, 7, tzinfo=UTC), dt.datetime(2026, 11, 1, 7, 9, tzinfo=UTC), None),
        (dt.datetime(2026, 12, 9, 7, tzinfo=UTC), dt.datetime(2026, 12, 9, 7, 9, tzinfo=UTC), None),
        (dt.datetime(2026, 11, 9, 7, tzinfo=UTC), dt.datetime(2026, 11, 9, 7, 9, tzinfo=UTC), 9),
    ],
)
def test_session_checks_agree_with_the_care_service(mother, now, started_at, ended_at, comfort):
    common = {"started_at": started_at, "ended_at": ended_at, "comfort": comfort, "now": now}

    ours = _outcome(
        massage_session_check, delivered_at=latest_delivery(mother).delivered_at, **common
    )
    theirs = _outcome(massage_session_validate, mother=mother, **common)

    assert ours == theirs


@pytest.mark.parametrize(
    "history",
    [[], [None], ["withdrawn"], ["withdrawn", None], ["withdrawn", "withdrawn"]],
)
def test_consent_rule_agrees_with_the_care_rule(mother, now, history):
    for number, state in enumerate(history):
        given = now - dt.timedelta(days=10 - number)
        Consent.objects.create(
            mother=mother,
            subject=ConsentSubject.MOTHER,
            text_version=f"v{number}",
            given_at=given,
            withdrawn_at=given + dt.timedelta(hours=1) if state else None,
        )
    withdrawn_ats = Consent.objects.filter(mother=mother).values_list("withdrawn_at", flat=True)

    assert consent_allows(withdrawn_ats) == processing_allowed(mother, ConsentSubject.MOTHER)
