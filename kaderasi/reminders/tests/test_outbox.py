"""Planning the outbox: one row per reminder whatever the number of sweeps, following the
schedule, consent, opt-outs, rules and family members."""

import datetime as dt

import pytest

from kaderasi.care.models import ConsentSubject
from kaderasi.care.services import consent_give, consent_withdraw
from kaderasi.reminders.models import (
    Channel,
    FamilyDelivery,
    OptOutSource,
    ProgrammeReminderSettings,
    RecipientPreference,
    RecipientRole,
    Reminder,
    ReminderKind,
    ReminderRule,
    ReminderStatus,
    StatusReason,
)
from kaderasi.reminders.services import (
    inbound_reply_record,
    recipient_opt_in,
    recipient_opt_out,
    reminder_plan,
    reminder_sweep,
)
from kaderasi.reminders.tests import factories as rf

pytestmark = pytest.mark.django_db

WIB = rf.WIB
MORNING = dt.datetime(2026, 11, 29, 7, 0, tzinfo=WIB)


@pytest.fixture
def cadre(world):
    return rf.cadre_with_phone(programme=world.programme, posyandu=world.mawar)


@pytest.fixture
def mother(world, cadre):
    return rf.mother_in_care(programme=world.programme, posyandu=world.mawar, cadre=cadre)


@pytest.fixture
def session(mother):
    return rf.ScheduledSessionFactory(
        mother=mother,
        postpartum_day=2,
        slot=1,
        window_starts_at=dt.datetime(2026, 11, 29, 9, 0, tzinfo=WIB),
    )


def session_reminders(session, **filters):
    return Reminder.objects.filter(
        kind=ReminderKind.SESSION_DUE, scheduled_session=session, **filters
    )


def test_planning_again_never_adds_a_second_row_for_the_same_reminder(session):
    reminder_plan(now=MORNING, channel_name="file")
    first = set(Reminder.objects.values_list("planning_key", "public_id"))
    reminder_plan(now=MORNING, channel_name="file")
    reminder_plan(now=MORNING + dt.timedelta(minutes=1), channel_name="file")
    assert set(Reminder.objects.values_list("planning_key", "public_id")) == first
    assert session_reminders(session).count() == 2  # the cadre and the mother


def test_a_session_reminder_is_planned_half_an_hour_before_its_window(session, cadre):
    reminder_plan(now=MORNING, channel_name="file")
    to_cadre = session_reminders(session).get(recipient_role=RecipientRole.CADRE)
    assert to_cadre.cadre == cadre
    assert to_cadre.due_at == dt.datetime(2026, 11, 29, 8, 30, tzinfo=WIB)
    assert to_cadre.stale_at == session.window_ends_at
    assert to_cadre.status == ReminderStatus.PLANNED
    assert to_cadre.district.name == "Kecamatan Wedi"
    assert to_cadre.channel == "file"


def test_a_changed_schedule_cancels_the_old_reminders_and_plans_the_new_ones(session, mother):
    reminder_plan(now=MORNING, channel_name="file")
    session.cancelled_at = MORNING
    session.save()
    moved = rf.ScheduledSessionFactory(
        mother=mother,
        postpartum_day=2,
        slot=1,
        window_starts_at=dt.datetime(2026, 11, 29, 11, 0, tzinfo=WIB),
    )
    reminder_plan(now=MORNING + dt.timedelta(minutes=1), channel_name="file")
    assert set(session_reminders(session).values_list("status", "status_reason")) == {
        (ReminderStatus.CANCELLED, StatusReason.NO_LONGER_DUE)
    }
    assert session_reminders(moved, status=ReminderStatus.PLANNED).count() == 2


def test_a_session_done_early_cancels_what_is_no_longer_due(session):
    reminder_plan(now=MORNING, channel_name="file")
    rf.session_done(session)
    reminder_plan(now=MORNING + dt.timedelta(minutes=1), channel_name="file")
    assert session_reminders(session, status=ReminderStatus.CANCELLED).count() == 2


def test_withdrawn_consent_cancels_every_reminder_about_the_mother_and_sends_nothing(
    session, mother, midwife, outbox
):
    consent = consent_give(
        mother=mother,
        subject=ConsentSubject.MOTHER,
        text_version="v1",
        given_at=MORNING - dt.timedelta(days=30),
        by=midwife,
    )
    reminder_plan(now=MORNING, channel_name="file")
    assert Reminder.objects.filter(mother=mother, status=ReminderStatus.PLANNED).exists()
    consent_withdraw(consent=consent, withdrawn_at=MORNING, by=midwife)
    outcome = reminder_sweep(now=dt.datetime(2026, 11, 29, 8, 30, tzinfo=WIB))
    assert outbox() == []
    assert outcome.counts()["sent"] == 0
    assert set(
        Reminder.objects.filter(mother=mother)
        .exclude(status=ReminderStatus.SKIPPED)
        .values_list("status", "status_reason")
    ) == {(ReminderStatus.CANCELLED, StatusReason.CONSENT_WITHDRAWN)}


def test_a_reminder_claimed_after_consent_is_withdrawn_is_cancelled_not_sent(
    session, mother, midwife, outbox
):
    consent = consent_give(
        mother=mother,
        subject=ConsentSubject.MOTHER,
        text_version="v1",
        given_at=MORNING - dt.timedelta(days=30),
        by=midwife,
    )
    reminder_plan(now=MORNING, channel_name="file")
    consent_withdraw(consent=consent, withdrawn_at=MORNING, by=midwife)
    # Dispatch alone (no planning in between): the last check before sending catches it.
    from kaderasi.reminders.channels.file import FileChannel
    from kaderasi.reminders.dispatch import dispatch_due

    outcome = dispatch_due(now=dt.datetime(2026, 11, 29, 8, 30, tzinfo=WIB), channel=FileChannel())
    assert outbox() == []
    reasons = {(r.kind, r.status_reason) for r in outcome.cancelled}
    assert (ReminderKind.SESSION_DUE, StatusReason.CONSENT_WITHDRAWN) in reasons
    # Everything about her is cancelled for the withdrawal; the cadre's digest listed only her,
    # so it has nothing left to say.
    assert {reason for kind, reason in reasons if kind != ReminderKind.MORNING_DIGEST} == {
        StatusReason.CONSENT_WITHDRAWN
    }
    assert (ReminderKind.MORNING_DIGEST, StatusReason.NO_LONGER_DUE) in reasons


def test_an_opted_out_mother_gets_nothing_and_resuming_plans_her_reminders_again(
    session, mother, cadre_user
):
    reminder_plan(now=MORNING, channel_name="file")
    to_mother = session_reminders(session).get(recipient_role=RecipientRole.MOTHER)
    recipient_opt_out(recipient=mother, now=MORNING, source=OptOutSource.STAFF, by=cadre_user)
    to_mother.refresh_from_db()
    assert (to_mother.status, to_mother.status_reason) == (
        ReminderStatus.CANCELLED,
        StatusReason.OPTED_OUT,
    )
    reminder_plan(now=MORNING + dt.timedelta(minutes=1), channel_name="file")
    to_mother.refresh_from_db()
    assert to_mother.status == ReminderStatus.CANCELLED
    # Her cadre's reminder about the same session is not hers to stop.
    assert session_reminders(session, recipient_role=RecipientRole.CADRE).get().status == (
        ReminderStatus.PLANNED
    )
    recipient_opt_in(recipient=mother, by=cadre_user)
    reminder_plan(now=MORNING + dt.timedelta(minutes=2), channel_name="file")
    to_mother.refresh_from_db()
    assert to_mother.status == ReminderStatus.PLANNED
    assert session_reminders(session).count() == 2


def test_a_stop_reply_opts_out_everyone_on_that_number(session, mother):
    reminder_plan(now=MORNING, channel_name="file")
    assert inbound_reply_record(phone="6281233330001", text=" Stop. ", now=MORNING) == "stop"
    preference = RecipientPreference.objects.get(mother=mother)
    assert preference.opt_out_source == OptOutSource.REPLY
    assert session_reminders(session, recipient_role=RecipientRole.MOTHER).get().status == (
        ReminderStatus.CANCELLED
    )
    assert inbound_reply_record(phone="+6281233330001", text="MULAI", now=MORNING) == "start"
    preference.refresh_from_db()
    assert preference.opted_out_at is None
    assert inbound_reply_record(phone="+6281233330001", text="terima kasih", now=MORNING) == ""


def test_a_reminder_planned_too_late_to_be_useful_is_recorded_as_skipped(mother):
    old = rf.ScheduledSessionFactory(
        mother=mother, window_starts_at=dt.datetime(2026, 11, 28, 9, 0, tzinfo=WIB)
    )
    outcome = reminder_plan(now=MORNING, channel_name="file")
    rows = session_reminders(old)
    assert set(rows.values_list("status", "status_reason")) == {
        (ReminderStatus.SKIPPED, StatusReason.STALE)
    }
    assert len([r for r in outcome.skipped_stale if r.kind == ReminderKind.SESSION_DUE]) == 2


def test_a_programme_rule_replaces_the_default_and_an_inactive_one_switches_it_off(world, session):
    default = ReminderRule.objects.get(
        programme=None, kind=ReminderKind.SESSION_DUE, recipient_role=RecipientRole.CADRE
    )
    ReminderRule.objects.create(
        programme=world.programme,
        kind=ReminderKind.SESSION_DUE,
        recipient_role=RecipientRole.CADRE,
        offset_minutes=-60,
        stale_after_minutes=120,
        message_id=default.message_id,
        message_en=default.message_en,
        source="Pandes cadres walk far: an hour's notice.",
    )
    ReminderRule.objects.create(
        programme=world.programme,
        kind=ReminderKind.SESSION_DUE,
        recipient_role=RecipientRole.MOTHER,
        is_active=False,
        message_id="-",
        message_en="-",
        source="Mothers are reminded by their cadre in person.",
    )
    reminder_plan(now=MORNING, channel_name="file")
    (to_cadre,) = session_reminders(session)
    assert to_cadre.recipient_role == RecipientRole.CADRE
    assert to_cadre.due_at == dt.datetime(2026, 11, 29, 8, 0, tzinfo=WIB)


def test_the_family_member_who_massages_receives_the_session_reminders_instead_of_the_mother(
    session, mother
):
    reminder_plan(now=MORNING, channel_name="file")
    husband = rf.FamilyMemberFactory(mother=mother)
    reminder_plan(now=MORNING + dt.timedelta(minutes=1), channel_name="file")
    planned = session_reminders(session, status=ReminderStatus.PLANNED)
    assert sorted(planned.values_list("recipient_role", flat=True)) == ["cadre", "family"]
    assert planned.get(recipient_role=RecipientRole.FAMILY).family_member == husband
    assert session_reminders(session, recipient_role=RecipientRole.MOTHER).get().status == (
        ReminderStatus.CANCELLED
    )


def test_without_a_gateway_messages_to_the_household_are_sent_by_the_cadre(
    world, session, cadre, outbox
):
    ProgrammeReminderSettings.objects.create(
        programme=world.programme, family_delivery=FamilyDelivery.CADRE_WHATSAPP
    )
    reminder_plan(now=MORNING, channel_name="file")
    to_mother = session_reminders(session).get(recipient_role=RecipientRole.MOTHER)
    assert (to_mother.channel, to_mother.relay_cadre) == (Channel.CADRE_WHATSAPP, cadre)
    to_cadre = session_reminders(session).get(recipient_role=RecipientRole.CADRE)
    assert to_cadre.channel == "file"
    reminder_sweep(now=dt.datetime(2026, 11, 29, 8, 30, tzinfo=WIB))
    assert [line["id"] for line in outbox() if line["kind"] == "session_due"] == [
        str(to_cadre.public_id)
    ]
    to_mother.refresh_from_db()
    assert to_mother.status == ReminderStatus.PLANNED  # waits for the cadre's tap
    reminder_sweep(now=dt.datetime(2026, 11, 29, 11, 0, tzinfo=WIB))
    to_mother.refresh_from_db()
    assert (to_mother.status, to_mother.status_reason) == (
        ReminderStatus.SKIPPED,
        StatusReason.STALE,
    )


def test_reminders_are_written_in_the_recipients_language(session, mother, outbox):
    from kaderasi.reminders.services import recipient_language_set

    recipient_language_set(recipient=mother, language="en")
    reminder_sweep(now=dt.datetime(2026, 11, 29, 8, 30, tzinfo=WIB))
    texts = {line["recipient_role"]: line["text"] for line in outbox()}
    assert texts["mother"].startswith(f"Dear {mother.name}, it is time for your oxytocin massage")
    assert "between 09:00 and 11:00 WIB, for 10–15 minutes" in texts["mother"]
    assert texts["cadre"].startswith(f"Pengingat pijat oksitosin: {mother.name}, hari ini")
    assert "09.00–11.00 WIB" in texts["cadre"]
