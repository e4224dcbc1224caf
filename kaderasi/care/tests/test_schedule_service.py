"""The schedule kept in step with the delivery, the consent and the protocol."""

import datetime as dt

import pytest

from kaderasi.care import services
from kaderasi.care.models import ConsentSubject, Flag, MassageSession, ScheduledSession, StudyGroup
from kaderasi.care.tests.factories import at, delivered, session

pytestmark = pytest.mark.django_db

NOW = at(12, 9)


@pytest.fixture
def mother(world):
    return delivered(
        programme=world.programme, posyandu=world.mawar, delivered_at=at(8, 23, 30), now=NOW
    )


def _live(mother):
    return list(
        ScheduledSession.objects.filter(mother=mother, cancelled_at__isnull=True)
        .order_by("window_starts_at")
        .values_list("postpartum_day", "slot", "window_starts_at")
    )


def test_recording_the_delivery_plans_two_sessions_a_day_for_three_days(mother):
    assert _live(mother) == [
        (1, 1, at(9, 6)),
        (1, 2, at(9, 13, 30)),
        (2, 1, at(10, 6)),
        (2, 2, at(10, 13, 30)),
        (3, 1, at(11, 6)),
        (3, 2, at(11, 13, 30)),
    ]
    assert {row.district.name for row in ScheduledSession.objects.all()} == {"Kecamatan Wedi"}


def test_reconciling_again_changes_nothing(mother):
    rows = set(ScheduledSession.objects.values_list("pk", "updated_at"))
    services.schedule_reconcile(mother=mother, now=NOW)
    assert set(ScheduledSession.objects.values_list("pk", "updated_at")) == rows


def test_a_corrected_delivery_time_cancels_the_superseded_sessions_and_keeps_what_was_done(
    mother,
):
    done = session(mother, at(9, 7), now=NOW)
    assert done.scheduled_session.postpartum_day == 1
    pregnancy = mother.pregnancies.get()
    services.delivery_record(pregnancy=pregnancy, delivered_at=at(9, 10, 0), now=NOW)
    # Day 1 now runs from 10:00 on the 9th: the evenings keep their windows, the mornings move
    # to the next day (10:00 is the end of each postpartum day), and the massage at 07:00 on the
    # 9th is before the corrected birth.
    assert _live(mother) == [
        (1, 2, at(9, 13, 30)),
        (1, 1, at(10, 6)),
        (2, 2, at(10, 13, 30)),
        (2, 1, at(11, 6)),
        (3, 2, at(11, 13, 30)),
        (3, 1, at(12, 6)),
    ]
    cancelled = ScheduledSession.objects.filter(mother=mother, cancelled_at__isnull=False)
    assert sorted(cancelled.values_list("postpartum_day", "slot")) == [(1, 1), (2, 1), (3, 1)]
    done.refresh_from_db()
    assert done.scheduled_session.cancelled_at is not None  # counts for no live session now


def test_a_session_done_before_a_correction_counts_for_the_re_planned_session(mother):
    done = session(mother, at(10, 15), now=NOW)  # day 2 evening
    services.delivery_record(pregnancy=mother.pregnancies.get(), delivered_at=at(9, 0, 30), now=NOW)
    done.refresh_from_db()
    assert done.scheduled_session.cancelled_at is None
    assert (done.scheduled_session.postpartum_day, done.scheduled_session.slot) == (2, 2)


def test_a_changed_protocol_re_plans_the_mothers_still_inside_it(world, mother):
    world.programme.sessions_per_day = 3
    world.programme.save()
    changed = services.schedules_reconcile_programme(programme=world.programme, now=at(9, 8))
    assert changed == 1
    assert [row[:2] for row in _live(mother)][:3] == [(1, 1), (1, 2), (1, 3)]
    assert len(_live(mother)) == 9


def test_the_sweep_catches_a_protocol_change_it_was_not_told_about(world, mother):
    world.programme.protocol_days = 2
    world.programme.save()
    assert services.schedule_sweep(now=at(9, 8))["schedules_changed"] == 1
    assert len(_live(mother)) == 4
    assert services.schedule_sweep(now=at(9, 8))["schedules_changed"] == 0


def test_a_mother_of_the_comparison_group_has_no_schedule(world):
    mother = delivered(
        programme=world.programme,
        posyandu=world.mawar,
        delivered_at=at(8, 23, 30),
        now=NOW,
        group=StudyGroup.COMPARISON,
    )
    assert _live(mother) == []


def test_an_ended_programme_plans_nothing_for_its_imported_history(world):
    world.programme.ends_on = dt.date(2026, 11, 1)
    world.programme.save()
    mother = delivered(
        programme=world.programme, posyandu=world.mawar, delivered_at=at(8, 23, 30), now=NOW
    )
    assert _live(mother) == []


def test_withdrawing_consent_cancels_the_sessions_not_yet_over(mother, midwife):
    consent = services.consent_give(
        mother=mother,
        subject=ConsentSubject.MOTHER,
        text_version="2026-1",
        given_at=at(8, 12),
        by=midwife,
    )
    services.consent_withdraw(consent=consent, withdrawn_at=at(10, 14), by=midwife, now=at(10, 14))
    # Day 1's sessions and day 2's morning closed before the withdrawal; the rest are cancelled.
    assert [row[:2] for row in _live(mother)] == [(1, 1), (1, 2), (2, 1)]
    services.schedule_sweep(now=at(12, 12))
    assert [row[:2] for row in _live(mother)] == [(1, 1), (1, 2), (2, 1)]


@pytest.mark.parametrize("withdrawn", [False, True])
def test_the_sweep_flags_no_missed_session_of_a_mother_who_withdrew(mother, midwife, withdrawn):
    consent = services.consent_give(
        mother=mother,
        subject=ConsentSubject.MOTHER,
        text_version="v",
        given_at=at(8, 23, 40),
        by=midwife,
    )
    session(mother, at(9, 7), now=at(9, 8))
    # The evening window of the 9th closes at 21:00 undone; she withdraws half an hour later.
    if withdrawn:
        services.consent_withdraw(
            consent=consent, withdrawn_at=at(9, 21, 30), by=midwife, now=at(9, 21, 30)
        )
    raised = services.schedule_sweep(now=at(9, 23, 5))["missed_flags"]
    assert raised == (0 if withdrawn else 1)
    assert Flag.objects.filter(mother=mother).count() == raised


@pytest.mark.parametrize("withdrawn", [False, True])
def test_the_sweep_flags_no_missing_stool_of_an_infant_whose_consent_was_withdrawn(
    mother, midwife, withdrawn
):
    consent = services.consent_give(
        mother=mother,
        subject=ConsentSubject.INFANT,
        text_version="v",
        given_at=at(8, 23, 40),
        by=midwife,
    )
    services.measurement_record(
        mother=mother, kind="stools", measured_at=at(9, 22), value=0, now=at(9, 22)
    )
    if withdrawn:
        services.consent_withdraw(
            consent=consent, withdrawn_at=at(10, 8), by=midwife, now=at(10, 8)
        )
    raised = services.schedule_sweep(now=at(10, 23, 31))["stool_flags"]
    assert raised == (0 if withdrawn else 1)


def test_a_session_is_matched_to_the_window_that_holds_it(mother):
    done = session(mother, at(9, 14), now=NOW)
    assert (done.scheduled_session.postpartum_day, done.scheduled_session.slot) == (1, 2)


def test_a_session_outside_every_window_counts_for_the_nearest_free_one_of_its_day(mother):
    first = session(mother, at(9, 22), now=NOW)
    second = session(mother, at(9, 22, 30), now=NOW)
    third = session(mother, at(9, 23), now=NOW)
    assert (first.scheduled_session.slot, second.scheduled_session.slot) == (2, 1)
    assert third.scheduled_session is None
    assert MassageSession.objects.filter(mother=mother).count() == 3
