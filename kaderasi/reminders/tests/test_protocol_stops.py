"""Issue 19: the reminders read the schedule. A session the mother declined (skipped with its
reason) is not escalated as missed, and a birth outcome that stops the massage stops the
session, feeding and milk reminders too."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kaderasi.care.models import BirthOutcome, Delivery, SkipReason
from kaderasi.care.services.enrolment import danger_signs_report
from kaderasi.care.services.protocol import delivery_followup_record, scheduled_session_skip
from kaderasi.reminders.models import (
    RecipientRole,
    Reminder,
    ReminderKind,
    ReminderRule,
)
from kaderasi.reminders.services import reminder_sweep
from kaderasi.reminders.tests import factories as rf

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def cadre(world):
    return rf.cadre_with_phone(programme=world.programme, posyandu=world.mawar)


@pytest.fixture
def missed_session(world, cadre, midwife):
    midwife.phone = "+6281344440001"
    midwife.save()
    mother = rf.mother_in_care(programme=world.programme, posyandu=world.mawar, cadre=cadre)
    return rf.ScheduledSessionFactory(
        mother=mother,
        postpartum_day=2,
        window_starts_at=dt.datetime(2026, 11, 29, 8, 0, tzinfo=WIB),
    )


def test_a_session_the_mother_declined_is_not_escalated_as_missed(missed_session):
    scheduled_session_skip(
        scheduled_session=missed_session,
        reason=SkipReason.MOTHER_DECLINES,
        note="",
        by=None,
        now=dt.datetime(2026, 11, 29, 8, 30, tzinfo=WIB),
    )
    reminder_sweep(now=dt.datetime(2026, 11, 29, 10, 1, tzinfo=WIB))
    assert not Reminder.objects.filter(kind=ReminderKind.MISSED_SESSION).exists()


def test_a_session_not_declined_is_still_escalated(missed_session):
    reminder_sweep(now=dt.datetime(2026, 11, 29, 10, 1, tzinfo=WIB))
    assert Reminder.objects.filter(kind=ReminderKind.MISSED_SESSION).count() == 1


def test_a_birth_outcome_stops_the_feeding_guidance(world):
    ReminderRule.objects.create(
        programme=world.programme,
        kind=ReminderKind.FEEDING_GUIDANCE,
        recipient_role=RecipientRole.MOTHER,
        send_at=dt.time(9, 0),
        first_day=1,
        last_day=3,
        stale_after_minutes=12 * 60,
        message_id="Ibu {mother}, susui bayi 8–12 kali sehari.",
        message_en="Dear {mother}, feed your baby 8–12 times a day.",
        source="test",
    )
    delivered_at = dt.datetime(2026, 11, 28, 10, 0, tzinfo=WIB)
    stopped = rf.mother_in_care(
        programme=world.programme, posyandu=world.mawar, delivered_at=delivered_at
    )
    going_on = rf.mother_in_care(
        programme=world.programme,
        posyandu=world.mawar,
        delivered_at=delivered_at,
        phone="+6281233330002",
    )
    delivery_followup_record(
        delivery=Delivery.objects.get(pregnancy__mother=stopped),
        first_postnatal_check_at=None,
        gestational_age_weeks=None,
        birth_outcome=BirthOutcome.STILLBIRTH,
        birth_outcome_at=delivered_at,
        now=delivered_at + dt.timedelta(hours=1),
    )
    reminder_sweep(now=dt.datetime(2026, 11, 29, 9, 0, tzinfo=WIB))
    guidance = Reminder.objects.filter(kind=ReminderKind.FEEDING_GUIDANCE)
    assert set(guidance.values_list("mother", flat=True)) == {going_on.pk}


def test_a_danger_sign_that_stops_the_massage_stops_its_session_reminders(missed_session):
    # Given a danger sign that stops the massage, reported before the session's reminder
    danger_signs_report(
        mother=missed_session.mother,
        signs=["heavy_bleeding"],
        observed_at=dt.datetime(2026, 11, 29, 7, 0, tzinfo=WIB),
        now=dt.datetime(2026, 11, 29, 7, 0, tzinfo=WIB),
    )

    # When the reminders are planned over the session's window and after it
    reminder_sweep(now=dt.datetime(2026, 11, 29, 7, 31, tzinfo=WIB))
    reminder_sweep(now=dt.datetime(2026, 11, 29, 10, 1, tzinfo=WIB))

    # Then no message asks for the massage the screens forbid, nor escalates it as missed
    assert not Reminder.objects.filter(
        kind__in=[ReminderKind.SESSION_DUE, ReminderKind.MISSED_SESSION]
    ).exists()


def test_without_a_stop_the_session_is_reminded(missed_session):
    reminder_sweep(now=dt.datetime(2026, 11, 29, 7, 31, tzinfo=WIB))
    reminded = Reminder.objects.filter(kind=ReminderKind.SESSION_DUE)
    assert sorted(reminded.values_list("recipient_role", flat=True)) == [
        RecipientRole.CADRE,
        RecipientRole.MOTHER,
    ]
