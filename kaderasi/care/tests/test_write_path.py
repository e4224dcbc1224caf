"""The one write path of care records (`care_records_write`): a batch is judged in the order it
was recorded, a re-sent record is the stored row, and a danger-sign check's flag is as severe as
its worst sign."""

import datetime as dt
import uuid

import pytest

from kaderasi.care import services
from kaderasi.care.models import Flag, FlagSeverity, MassageSession, Measurement
from kaderasi.care.services import (
    DangerSignsRecord,
    MassageSessionRecord,
    MeasurementRecord,
    OutcomeStatus,
    care_records_write,
)
from kaderasi.core.errors import DomainError
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def mother(world, cadre_user, now):
    mother = f.delivered_mother(
        programme=world.programme, posyandu=world.mawar, delivered_at=now - dt.timedelta(hours=26)
    )
    f.PairingFactory(mother=mother, cadre=cadre_user.cadre, starts_at=now - dt.timedelta(hours=26))
    return mother


def _session(mother, started_at, **fields):
    return MassageSessionRecord(
        mother=mother,
        performed_by="cadre",
        started_at=started_at,
        ended_at=started_at + dt.timedelta(minutes=12),
        **fields,
    )


def _baseline(mother, measured_at, **fields):
    return MeasurementRecord(
        mother=mother,
        kind="milk_volume",
        measured_at=measured_at,
        value=20,
        phase="before",
        **fields,
    )


def test_a_baseline_recorded_after_a_massage_of_the_same_batch_is_refused(mother, now, cadre_user):
    massaged = now - dt.timedelta(hours=3)

    outcomes = care_records_write(
        records=[_session(mother, massaged), _baseline(mother, massaged + dt.timedelta(hours=1))],
        by=cadre_user,
        now=now,
    )

    assert [o.status for o in outcomes] == [OutcomeStatus.CREATED, OutcomeStatus.REJECTED]
    assert outcomes[1].error.code == "baseline_after_massage"
    assert outcomes[1].error.field == "phase"
    assert Measurement.objects.count() == 0


def test_a_baseline_taken_before_the_first_massage_is_stored_whatever_the_order_it_syncs_in(
    mother, now, cadre_user
):
    massaged = now - dt.timedelta(hours=3)

    outcomes = care_records_write(
        records=[_session(mother, massaged), _baseline(mother, massaged - dt.timedelta(hours=1))],
        by=cadre_user,
        now=now,
    )

    assert [o.status for o in outcomes] == [OutcomeStatus.CREATED, OutcomeStatus.CREATED]


def test_a_stopping_sign_earlier_in_the_batch_stops_a_later_session_but_not_an_earlier_one(
    mother, now, cadre_user
):
    seen = now - dt.timedelta(hours=2)
    check = DangerSignsRecord(
        mother=mother, signs=("severe_back_pain",), observed_at=seen, context="before_massage"
    )

    outcomes = care_records_write(
        records=[
            _session(mother, seen - dt.timedelta(hours=3)),  # done before the sign was seen
            check,
            _session(mother, seen + dt.timedelta(minutes=5)),
        ],
        by=cadre_user,
        now=now,
    )

    assert [o.status for o in outcomes] == [
        OutcomeStatus.CREATED,
        OutcomeStatus.CREATED,
        OutcomeStatus.REJECTED,
    ]
    assert outcomes[2].error.code == "session_stopped_by_danger_sign"
    assert MassageSession.objects.count() == 1


def test_the_massage_resumes_once_the_midwife_closes_the_referral(mother, now, cadre_user, midwife):
    report = services.danger_signs_report(
        mother=mother,
        signs=["severe_back_pain"],
        observed_at=now - dt.timedelta(hours=2),
        context="before_massage",
        by=cadre_user,
        now=now,
    )
    referral = report.flags.get().referral
    services.referral_close(
        referral=referral, by=midwife, now=now - dt.timedelta(hours=1), outcome="seen_by_midwife"
    )

    session = services.massage_session_record(
        mother=mother,
        performed_by="cadre",
        started_at=now - dt.timedelta(minutes=30),
        ended_at=now - dt.timedelta(minutes=18),
        by=cadre_user,
        now=now,
    )

    assert session.pk is not None


def test_a_sign_that_does_not_stop_the_massage_does_not_stop_it(mother, now, cadre_user):
    services.danger_signs_report(
        mother=mother, signs=["eye_pus"], observed_at=now - dt.timedelta(hours=2), now=now
    )

    session = services.massage_session_record(
        mother=mother,
        performed_by="cadre",
        started_at=now - dt.timedelta(minutes=30),
        ended_at=now - dt.timedelta(minutes=18),
        now=now,
    )

    assert session.pk is not None


@pytest.mark.parametrize(
    ("signs", "severity"),
    [
        (["back_wound"], FlagSeverity.AMBER),  # review within 24 hours
        (["back_wound", "heavy_bleeding"], FlagSeverity.RED),  # an emergency among them
        (["foul_discharge"], FlagSeverity.RED),  # same day
    ],
)
def test_a_danger_sign_flag_is_as_severe_as_the_worst_sign(mother, now, signs, severity):
    services.danger_signs_report(
        mother=mother, signs=signs, observed_at=now - dt.timedelta(minutes=5), now=now
    )

    assert Flag.objects.get(rule__code="danger_sign").severity == severity


def test_a_record_resent_with_its_id_as_text_is_the_stored_row(mother, now, cadre_user):
    record_id = uuid.uuid4()
    first = care_records_write(
        records=[_baseline(mother, now - dt.timedelta(hours=1), public_id=record_id)],
        by=cadre_user,
        now=now,
    )
    again = care_records_write(
        records=[_baseline(mother, now - dt.timedelta(hours=1), public_id=str(record_id))],
        by=cadre_user,
        now=now,
    )

    assert again[0].status == OutcomeStatus.DUPLICATE
    assert again[0].row.pk == first[0].row.pk
    assert Measurement.objects.count() == 1


def test_an_id_used_for_another_kind_of_record_is_refused(mother, now, cadre_user):
    record_id = uuid.uuid4()
    care_records_write(
        records=[_baseline(mother, now - dt.timedelta(hours=1), public_id=record_id)],
        by=cadre_user,
        now=now,
    )

    (outcome,) = care_records_write(
        records=[_session(mother, now - dt.timedelta(minutes=40), public_id=record_id)],
        by=cadre_user,
        now=now,
    )

    assert (outcome.status, outcome.error.code, outcome.error.field) == (
        OutcomeStatus.REJECTED,
        "record_id_in_use",
        "id",
    )


def test_a_dry_run_judges_and_stores_nothing(mother, now):
    with pytest.raises(DomainError) as refused:
        services.care_record_check(
            record=MeasurementRecord(mother=mother, kind="milk_volume", measured_at=now, value=-1),
            now=now,
        )

    assert refused.value.code == "measurement_out_of_range"
    assert Measurement.objects.count() == 0


@pytest.mark.parametrize(("signs", "alerted"), [(["heavy_bleeding"], 1), (["back_wound"], 0)])
def test_a_red_danger_sign_sends_the_midwife_alert_as_soon_as_it_is_stored(
    mother, now, monkeypatch, django_capture_on_commit_callbacks, signs, alerted
):
    sent = []

    class Task:
        @staticmethod
        def enqueue():
            sent.append(True)

    monkeypatch.setattr("kaderasi.reminders.tasks.danger_alerts_send", Task)

    with django_capture_on_commit_callbacks(execute=True):
        services.danger_signs_report(
            mother=mother, signs=signs, observed_at=now - dt.timedelta(minutes=5), now=now
        )

    assert len(sent) == alerted


def test_a_batch_is_stored_with_every_value_and_its_ids(mother, now, cadre_user):
    ids = [uuid.uuid4() for _ in range(3)]
    records = [
        MeasurementRecord(
            mother=mother,
            kind="milk_volume",
            measured_at=now - dt.timedelta(hours=3 - n),
            value=f"{20 + n}.5",
            method="hand_expression",
            basis="single_expression",
            side="left",
            expression_minutes=15,
            public_id=record_id,
        )
        for n, record_id in enumerate(ids)
    ]

    outcomes = care_records_write(records=records, by=cadre_user, now=now)

    stored = {row.public_id: row for row in Measurement.objects.filter(public_id__in=ids)}
    assert [outcome.row.pk for outcome in outcomes] == [stored[i].pk for i in ids]
    assert len({outcome.row.pk for outcome in outcomes}) == 3
    assert [
        (str(stored[i].value), stored[i].measured_at, stored[i].side, stored[i].recorded_by_id)
        for i in ids
    ] == [(f"{20 + n}.5", now - dt.timedelta(hours=3 - n), "left", cadre_user.pk) for n in range(3)]
    assert all(stored[i].district_id == outcomes[0].row.district_id for i in ids)


def test_a_public_id_stored_meanwhile_is_refused_by_the_database(mother, now, cadre_user):
    """The duplicate check reads before it writes; a row another push stored under the same id
    in between is refused by the unique constraint, as an IntegrityError (the push retries)."""
    from django.db import IntegrityError, transaction

    from kaderasi.core.bulk_insert import rows_insert

    (first,) = care_records_write(
        records=[_baseline(mother, now - dt.timedelta(hours=1), public_id=uuid.uuid4())],
        by=cadre_user,
        now=now,
    )
    twin = Measurement(
        mother=mother,
        district=first.row.district,
        kind="feeds",
        measured_at=now - dt.timedelta(minutes=30),
        value=8,
        public_id=first.row.public_id,
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        rows_insert(Measurement, [twin])

    assert Measurement.objects.count() == 1
