import datetime as dt
import uuid

import pytest

from kaderasi.care.errors import CareErrorCode
from kaderasi.care.models import ConsentSubject, MassageSession, Measurement, PerformedBy
from kaderasi.care.services import (
    consent_give,
    consent_withdraw,
    massage_session_record,
    measurement_record,
)
from kaderasi.core.errors import DomainError
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def mother(world):
    return f.delivered_mother(programme=world.programme, posyandu=world.mawar)


def _session(mother, now, **overrides):
    values = {
        "mother": mother,
        "performed_by": PerformedBy.CADRE,
        "started_at": dt.datetime(2026, 11, 9, 7, 0, tzinfo=dt.UTC),
        "ended_at": dt.datetime(2026, 11, 9, 7, 12, tzinfo=dt.UTC),
        "now": now,
    }
    values.update(overrides)
    return massage_session_record(**values)


def test_a_session_is_recorded_with_its_steps_and_duration(mother, now):
    session = _session(mother, now, steps_done=[3, 1, 2, 2], comfort=4)
    assert session.steps_done == [1, 2, 3]
    assert session.duration_minutes == 12
    assert session.district.name == "Kecamatan Wedi"


def test_a_short_session_is_recorded_not_refused(mother, now):
    session = _session(mother, now, ended_at=dt.datetime(2026, 11, 9, 7, 4, tzinfo=dt.UTC))
    assert session.duration_minutes == 4


def test_a_resent_session_is_the_same_row(mother, now):
    record_id = uuid.uuid4()
    first = _session(mother, now, public_id=record_id)
    again = _session(mother, now, public_id=record_id)
    assert again.pk == first.pk
    assert MassageSession.objects.count() == 1


def test_a_record_id_cannot_be_reused_for_another_mother(world, mother, now):
    record_id = uuid.uuid4()
    _session(mother, now, public_id=record_id)
    other = f.delivered_mother(programme=world.programme, posyandu=world.mawar)
    with pytest.raises(DomainError) as error:
        _session(other, now, public_id=record_id)
    assert error.value.code == CareErrorCode.RECORD_BELONGS_TO_ANOTHER_MOTHER


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        (
            {"ended_at": dt.datetime(2026, 11, 9, 6, 0, tzinfo=dt.UTC)},
            CareErrorCode.SESSION_ENDS_BEFORE_START,
            "ended_at",
        ),
        (
            {
                "started_at": dt.datetime(2026, 11, 1, 7, 0, tzinfo=dt.UTC),
                "ended_at": dt.datetime(2026, 11, 1, 7, 10, tzinfo=dt.UTC),
            },
            CareErrorCode.SESSION_BEFORE_DELIVERY,
            "started_at",
        ),
        (
            {"ended_at": dt.datetime(2099, 1, 1, tzinfo=dt.UTC)},
            CareErrorCode.SESSION_IN_FUTURE,
            "ended_at",
        ),
        ({"comfort": 6}, CareErrorCode.SESSION_COMFORT_OUT_OF_RANGE, "comfort"),
    ],
)
def test_an_impossible_session_is_refused_on_its_field(mother, now, overrides, code, field):
    with pytest.raises(DomainError) as error:
        _session(mother, now, **overrides)
    assert (error.value.code, error.value.field) == (code, field)
    assert not MassageSession.objects.exists()


def test_after_the_mother_withdraws_consent_nothing_more_is_recorded_about_her(
    mother, midwife, now
):
    consent = consent_give(
        mother=mother,
        subject=ConsentSubject.MOTHER,
        text_version="v1",
        given_at=now - dt.timedelta(days=30),
        by=midwife,
    )
    _session(mother, now)
    consent_withdraw(
        consent=consent, withdrawn_at=now - dt.timedelta(days=1), by=midwife, reason="moved away"
    )
    with pytest.raises(DomainError) as error:
        _session(
            mother,
            now,
            started_at=dt.datetime(2026, 11, 10, 7, 0, tzinfo=dt.UTC),
            ended_at=dt.datetime(2026, 11, 10, 7, 12, tzinfo=dt.UTC),
        )
    assert error.value.code == CareErrorCode.CONSENT_WITHDRAWN
    with pytest.raises(DomainError):
        measurement_record(
            mother=mother,
            kind="milk_volume",
            measured_at=now - dt.timedelta(days=2),
            value=30,
            now=now,
        )
    assert MassageSession.objects.count() == 1
    assert not Measurement.objects.exists()


def test_withdrawing_the_infants_consent_stops_infant_data_but_not_the_mothers(
    mother, midwife, now
):
    consent = consent_give(
        mother=mother,
        subject=ConsentSubject.INFANT,
        text_version="v1",
        given_at=now - dt.timedelta(days=30),
        by=midwife,
    )
    consent_withdraw(consent=consent, withdrawn_at=now - dt.timedelta(days=1), by=midwife)
    with pytest.raises(DomainError):
        measurement_record(
            mother=mother,
            kind="infant_weight",
            measured_at=now - dt.timedelta(days=2),
            value=3000,
            now=now,
        )
    measurement_record(
        mother=mother, kind="milk_volume", measured_at=now - dt.timedelta(days=2), value=30, now=now
    )
    assert list(Measurement.objects.values_list("kind", flat=True)) == ["milk_volume"]


def test_consent_can_be_withdrawn_once_and_given_again(mother, midwife, now):
    consent = consent_give(
        mother=mother, subject=ConsentSubject.MOTHER, text_version="v1", given_at=now, by=midwife
    )
    with pytest.raises(DomainError) as error:
        consent_give(
            mother=mother,
            subject=ConsentSubject.MOTHER,
            text_version="v1",
            given_at=now,
            by=midwife,
        )
    assert error.value.code == CareErrorCode.CONSENT_ALREADY_ACTIVE
    consent_withdraw(consent=consent, withdrawn_at=now, by=midwife)
    with pytest.raises(DomainError) as error:
        consent_withdraw(consent=consent, withdrawn_at=now, by=midwife)
    assert error.value.code == CareErrorCode.CONSENT_ALREADY_WITHDRAWN
    again = consent_give(
        mother=mother, subject=ConsentSubject.MOTHER, text_version="v2", given_at=now, by=midwife
    )
    assert again.text_version == "v2"
