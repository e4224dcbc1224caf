"""Dispatch: quiet hours in WIB, WITA and WIT, escalation, the digest, retries with backoff,
recovery of an interrupted send, and the `reminders` command."""

import datetime as dt
import io
import json
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from kaderasi.reminders.channels.console import ConsoleChannel
from kaderasi.reminders.channels.file import FileChannel
from kaderasi.reminders.dispatch import dispatch_due
from kaderasi.reminders.models import (
    RecipientRole,
    Reminder,
    ReminderKind,
    ReminderRule,
    ReminderStatus,
    StatusReason,
)
from kaderasi.reminders.services import reminder_plan, reminder_sweep
from kaderasi.reminders.tests import factories as rf
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db

WIB = rf.WIB


def posyandu_in(province_name: str, suffix: str):
    province = f.area(province_name, "province")
    regency = f.area(f"Kabupaten {suffix}", "regency", province)
    district = f.area(f"Kecamatan {suffix}", "district", regency)
    village = f.area(f"Desa {suffix}", "village", district)
    return f.area(f"Posyandu {suffix}", "posyandu", village)


def sent_ids(outbox) -> list[str]:
    return [line["id"] for line in outbox()]


@pytest.fixture
def cadre(world):
    return rf.cadre_with_phone(programme=world.programme, posyandu=world.mawar)


# --- Quiet hours across the three Indonesian time zones --------------------------------------


def test_quiet_hours_delay_by_the_recipients_own_clock_in_wib_wita_and_wit(world, outbox):
    """Feeding guidance at 06:00 local time (a programme's choice) is due at three different
    moments; at 06:00 WIB the mother in Java is still in quiet hours, while in Makassar (07:00
    WITA) and Jayapura (08:00 WIT) they are over."""
    ReminderRule.objects.create(
        programme=world.programme,
        kind=ReminderKind.FEEDING_GUIDANCE,
        recipient_role=RecipientRole.MOTHER,
        send_at=dt.time(6, 0),
        first_day=2,
        last_day=2,
        stale_after_minutes=12 * 60,
        message_id="Ibu {mother}, susui bayi 8–12 kali sehari.",
        message_en="Dear {mother}, feed your baby 8–12 times a day.",
        source="test",
    )
    # Day 2 begins at 03:00 WIB = 04:00 WITA = 05:00 WIT on 29 November.
    delivered = dt.datetime(2026, 11, 27, 20, 0, tzinfo=dt.UTC)
    mothers = {
        "WIB": rf.mother_in_care(
            programme=world.programme, posyandu=world.mawar, delivered_at=delivered
        ),
        "WITA": rf.mother_in_care(
            programme=world.programme,
            posyandu=posyandu_in("Sulawesi Selatan", "Maros"),
            delivered_at=delivered,
        ),
        "WIT": rf.mother_in_care(
            programme=world.programme,
            posyandu=posyandu_in("Papua", "Jayapura"),
            delivered_at=delivered,
        ),
    }
    six_wib = dt.datetime(2026, 11, 29, 6, 0, tzinfo=WIB)
    outcome = reminder_sweep(now=six_wib)

    guidance = {
        zone: Reminder.objects.get(kind=ReminderKind.FEEDING_GUIDANCE, mother=mother)
        for zone, mother in mothers.items()
    }
    assert guidance["WIT"].due_at == dt.datetime(2026, 11, 29, 6, 0, tzinfo=rf.WIT)
    assert guidance["WITA"].due_at == dt.datetime(2026, 11, 29, 6, 0, tzinfo=rf.WITA)
    assert (guidance["WIB"].status, guidance["WIB"].status_reason) == (
        ReminderStatus.DELAYED,
        StatusReason.QUIET_HOURS,
    )
    assert guidance["WIB"].next_attempt_at == dt.datetime(2026, 11, 29, 7, 0, tzinfo=WIB)
    assert guidance["WITA"].status == ReminderStatus.SENT
    assert guidance["WIT"].status == ReminderStatus.SENT
    assert [r.pk for r in outcome.dispatch.delayed] == [guidance["WIB"].pk]

    # Delayed, not dropped: sent as soon as quiet hours end in Java.
    reminder_sweep(now=dt.datetime(2026, 11, 29, 6, 59, tzinfo=WIB))
    guidance["WIB"].refresh_from_db()
    assert guidance["WIB"].status == ReminderStatus.DELAYED
    reminder_sweep(now=dt.datetime(2026, 11, 29, 7, 0, tzinfo=WIB))
    guidance["WIB"].refresh_from_db()
    assert guidance["WIB"].status == ReminderStatus.SENT
    assert sorted(sent_ids(outbox)) == sorted(str(g.public_id) for g in guidance.values())


def test_an_evening_reminder_is_held_overnight_in_wit_but_sent_at_once_in_wib(world):
    session_starts = dt.datetime(2026, 11, 29, 19, 30, tzinfo=WIB)  # 21:30 WIT
    in_java = rf.mother_in_care(programme=world.programme, posyandu=world.mawar)
    in_papua = rf.mother_in_care(
        programme=world.programme, posyandu=posyandu_in("Papua", "Sentani")
    )
    for mother in (in_java, in_papua):
        rf.ScheduledSessionFactory(mother=mother, window_starts_at=session_starts)
    reminder_sweep(now=dt.datetime(2026, 11, 29, 19, 0, tzinfo=WIB))
    java = Reminder.objects.get(kind=ReminderKind.SESSION_DUE, mother=in_java)
    papua = Reminder.objects.get(kind=ReminderKind.SESSION_DUE, mother=in_papua)
    assert java.status == ReminderStatus.SENT
    assert (papua.status, papua.next_attempt_at) == (
        ReminderStatus.DELAYED,
        dt.datetime(2026, 11, 30, 7, 0, tzinfo=rf.WIT),
    )


# --- Escalation, digest --------------------------------------------------------------------


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


def test_a_missed_session_escalates_to_the_midwife_of_the_village_after_the_delay(
    world, missed_session, midwife, cadre, outbox
):
    other_village = f.UserFactory(
        username="rina-bidan", role="midwife", areas=[world.canan], phone="+6281344440002"
    )
    reminder_sweep(now=dt.datetime(2026, 11, 29, 9, 59, tzinfo=WIB))
    assert not Reminder.objects.filter(kind=ReminderKind.MISSED_SESSION).exists()
    reminder_sweep(now=dt.datetime(2026, 11, 29, 10, 1, tzinfo=WIB))
    escalation = Reminder.objects.get(kind=ReminderKind.MISSED_SESSION)
    assert (escalation.user, escalation.due_at, escalation.status) == (
        midwife,
        dt.datetime(2026, 11, 29, 12, 0, tzinfo=WIB),
        ReminderStatus.PLANNED,
    )
    reminder_sweep(now=dt.datetime(2026, 11, 29, 12, 0, tzinfo=WIB))
    (line,) = [line for line in outbox() if line["kind"] == "missed_session"]
    assert line["to"] == "+6281344440001"
    assert line["text"] == (
        f"Sesi pijat oksitosin {missed_session.mother.name} (hari ke-2, sesi 1, 08.00–10.00 WIB) "
        f"belum tercatat. Kader: {cadre.name}. Mohon ditindaklanjuti."
    )
    assert not Reminder.objects.filter(user=other_village).exists()


def test_a_session_recorded_late_calls_off_the_escalation(missed_session, outbox):
    reminder_sweep(now=dt.datetime(2026, 11, 29, 10, 30, tzinfo=WIB))
    rf.session_done(missed_session)  # synced from an offline phone at 11:00
    reminder_sweep(now=dt.datetime(2026, 11, 29, 12, 0, tzinfo=WIB))
    escalation = Reminder.objects.get(kind=ReminderKind.MISSED_SESSION)
    assert (escalation.status, escalation.status_reason) == (
        ReminderStatus.CANCELLED,
        StatusReason.NO_LONGER_DUE,
    )
    assert "missed_session" not in [line["kind"] for line in outbox()]


def test_the_morning_digest_is_one_message_listing_the_days_tasks_of_all_her_clients(
    world, cadre, outbox
):
    sri = rf.mother_in_care(
        programme=world.programme, posyandu=world.mawar, cadre=cadre, name="Sri Rahayu"
    )
    world.programme.max_active_clients_per_cadre = 2
    world.programme.save()
    tutik = rf.mother_in_care(
        programme=world.programme,
        posyandu=world.mawar,
        cadre=cadre,
        name="Tutik Lestari",
        phone="+6281233330002",
    )
    rf.sessions_for(sri, first_day_starts_at=dt.datetime(2026, 11, 29, 8, 0, tzinfo=WIB), days=1)
    rf.sessions_for(tutik, first_day_starts_at=dt.datetime(2026, 11, 29, 9, 0, tzinfo=WIB), days=1)
    f.MeasurementFactory(mother=sri, phase="before")
    f.MeasurementFactory(mother=tutik, phase="before")
    f.MeasurementFactory(mother=tutik, phase="after")
    reminder_sweep(now=dt.datetime(2026, 11, 29, 6, 30, tzinfo=WIB))
    digests = [line for line in outbox() if line["kind"] == "morning_digest"]
    assert len(digests) == 1
    assert digests[0]["to"] == cadre.phone
    lines = digests[0]["text"].splitlines()
    assert lines[0] == f"Selamat pagi, {cadre.name}. Tugas Anda hari ini, Minggu, 29 November 2026:"
    assert lines[1:] == [
        "• 08.00–10.00 WIB: pijat oksitosin untuk Sri Rahayu (hari ke-1, sesi ke-1)",
        "• 09.00–11.00 WIB: pijat oksitosin untuk Tutik Lestari (hari ke-1, sesi ke-1)",
        "• 16.00–18.00 WIB: pijat oksitosin untuk Sri Rahayu (hari ke-1, sesi ke-2)",
        "• 17.00–19.00 WIB: pijat oksitosin untuk Tutik Lestari (hari ke-1, sesi ke-2)",
        "• mulai 18.00 WIB: volume ASI lanjutan Sri Rahayu",
    ]
    # At 06:30 the digest is out while the mothers' messages wait for the end of quiet hours.
    assert {line["recipient_role"] for line in outbox()} == {"cadre"}


# --- Failures, retries, addresses ------------------------------------------------------------


@pytest.fixture
def due_reminder(world, cadre):
    mother = rf.mother_in_care(programme=world.programme, posyandu=world.mawar, cadre=cadre)
    rf.no_quiet_hours(world.programme)
    session = rf.ScheduledSessionFactory(
        mother=mother, window_starts_at=dt.datetime(2026, 11, 29, 10, 0, tzinfo=WIB)
    )
    reminder_plan(now=dt.datetime(2026, 11, 29, 9, 0, tzinfo=WIB), channel_name="file")
    return Reminder.objects.get(
        kind=ReminderKind.SESSION_DUE, scheduled_session=session, recipient_role=RecipientRole.CADRE
    )


def test_a_failing_gateway_is_retried_with_exponential_backoff_then_failed_with_the_reason(
    settings, due_reminder
):
    settings.KADERASI_MESSAGE_BACKEND = "kaderasi.reminders.tests.channels.FailingChannel"
    settings.KADERASI_REMINDER_MAX_ATTEMPTS = 4
    settings.KADERASI_REMINDER_RETRY_SECONDS = 60
    now = dt.datetime(2026, 11, 29, 9, 30, tzinfo=WIB)
    waits = []
    for _attempt in range(4):
        reminder_sweep(now=now)
        due_reminder.refresh_from_db()
        if due_reminder.status != ReminderStatus.DELAYED:
            break
        waits.append(due_reminder.next_attempt_at - now)
        # Nothing happens before the next attempt is due.
        reminder_sweep(now=due_reminder.next_attempt_at - dt.timedelta(seconds=1))
        assert Reminder.objects.get(pk=due_reminder.pk).attempts == len(waits)
        now = due_reminder.next_attempt_at
    assert waits == [dt.timedelta(minutes=1), dt.timedelta(minutes=2), dt.timedelta(minutes=4)]
    assert (due_reminder.status, due_reminder.status_reason, due_reminder.attempts) == (
        ReminderStatus.FAILED,
        StatusReason.GAVE_UP,
        4,
    )
    assert due_reminder.last_error == "SMS gateway answered 503: try later"


def test_a_refused_message_fails_at_once_with_the_reason(settings, due_reminder):
    settings.KADERASI_MESSAGE_BACKEND = "kaderasi.reminders.tests.channels.RejectingChannel"
    reminder_sweep(now=dt.datetime(2026, 11, 29, 9, 30, tzinfo=WIB))
    due_reminder.refresh_from_db()
    assert (due_reminder.status, due_reminder.status_reason, due_reminder.attempts) == (
        ReminderStatus.FAILED,
        StatusReason.REJECTED,
        1,
    )
    assert due_reminder.last_error == "SMS gateway answered 400: invalid number"


def test_a_recipient_without_a_phone_number_is_skipped_and_says_why(due_reminder, outbox):
    cadre = due_reminder.cadre
    cadre.phone = ""
    cadre.save()
    reminder_sweep(now=dt.datetime(2026, 11, 29, 9, 30, tzinfo=WIB))
    due_reminder.refresh_from_db()
    assert (due_reminder.status, due_reminder.status_reason) == (
        ReminderStatus.SKIPPED,
        StatusReason.NO_ADDRESS,
    )
    assert str(due_reminder.public_id) not in sent_ids(outbox)


def test_a_reminder_not_sent_in_time_is_skipped_on_purpose(settings, due_reminder):
    settings.KADERASI_MESSAGE_BACKEND = "kaderasi.reminders.tests.channels.FailingChannel"
    reminder_sweep(now=dt.datetime(2026, 11, 29, 9, 30, tzinfo=WIB))
    reminder_sweep(now=dt.datetime(2026, 11, 29, 12, 1, tzinfo=WIB))
    due_reminder.refresh_from_db()
    assert (due_reminder.status, due_reminder.status_reason) == (
        ReminderStatus.SKIPPED,
        StatusReason.STALE,
    )


def test_the_console_channel_prints_only_the_reminders_id_kind_and_channel(settings, due_reminder):
    """Without DEBUG the console's output goes to a production log: no text, no names."""
    settings.DEBUG = False
    stream = io.StringIO()
    dispatch_due(now=dt.datetime(2026, 11, 29, 9, 30, tzinfo=WIB), channel=ConsoleChannel(stream))
    printed = stream.getvalue()
    assert f"--- reminder {due_reminder.public_id} (session_due, console)\n" in printed
    assert sorted(printed.splitlines()) == sorted(
        f"--- reminder {row.public_id} ({row.kind}, console)"
        for row in Reminder.objects.filter(status=ReminderStatus.SENT)
    )


def test_the_console_channel_in_development_prints_the_text_and_masks_the_number(
    settings, due_reminder
):
    settings.DEBUG = True
    stream = io.StringIO()
    dispatch_due(now=dt.datetime(2026, 11, 29, 9, 30, tzinfo=WIB), channel=ConsoleChannel(stream))
    printed = stream.getvalue()
    assert f"--- reminder {due_reminder.public_id} (session_due → cadre, …001, id)" in printed
    assert due_reminder.mother.name in printed
    assert due_reminder.cadre.phone not in printed


# --- An interrupted send is recovered without sending twice ----------------------------------


def abandon(reminder: Reminder, *, channel: str, claimed_at: dt.datetime) -> None:
    """What a sender killed after claiming leaves behind (`claimed_at` on the real clock)."""
    Reminder.objects.filter(pk=reminder.pk).update(
        status=ReminderStatus.SENDING,
        claim_token=uuid.uuid4(),
        claimed_at=claimed_at,
        attempts=1,
        channel=channel,
    )


def test_an_interrupted_send_found_in_the_outbox_file_is_marked_sent_not_written_again(
    due_reminder, outbox
):
    claimed = dt.datetime(2026, 11, 29, 9, 30, tzinfo=WIB)
    abandon(due_reminder, channel="file", claimed_at=claimed)
    FileChannel().send(rf_message(due_reminder))  # the killed sender had written it before dying
    four_minutes_on = claimed + dt.timedelta(minutes=4)
    dispatch_due(now=four_minutes_on, channel=FileChannel(), clock=at(four_minutes_on))
    assert Reminder.objects.get(pk=due_reminder.pk).status == ReminderStatus.SENDING  # leased
    six_minutes_on = claimed + dt.timedelta(minutes=6)
    dispatch_due(now=six_minutes_on, channel=FileChannel(), clock=at(six_minutes_on))
    due_reminder.refresh_from_db()
    assert (due_reminder.status, due_reminder.status_reason) == (
        ReminderStatus.SENT,
        StatusReason.CONFIRMED_AFTER_INTERRUPTION,
    )
    assert sent_ids(outbox).count(str(due_reminder.public_id)) == 1


def test_an_interrupted_send_missing_from_the_outbox_file_is_sent_once(due_reminder, outbox):
    claimed = dt.datetime(2026, 11, 29, 9, 30, tzinfo=WIB)
    abandon(due_reminder, channel="file", claimed_at=claimed)
    six_minutes_on = claimed + dt.timedelta(minutes=6)
    dispatch_due(now=six_minutes_on, channel=FileChannel(), clock=at(six_minutes_on))
    due_reminder.refresh_from_db()
    assert (due_reminder.status, due_reminder.attempts) == (ReminderStatus.SENT, 2)
    assert sent_ids(outbox).count(str(due_reminder.public_id)) == 1


def test_an_interrupted_send_on_a_channel_that_cannot_tell_is_never_repeated(due_reminder):
    claimed = dt.datetime(2026, 11, 29, 9, 30, tzinfo=WIB)
    abandon(due_reminder, channel="console", claimed_at=claimed)
    stream = io.StringIO()
    six_minutes_on = claimed + dt.timedelta(minutes=6)
    dispatch_due(now=six_minutes_on, channel=ConsoleChannel(stream), clock=at(six_minutes_on))
    due_reminder.refresh_from_db()
    assert (due_reminder.status, due_reminder.status_reason) == (
        ReminderStatus.FAILED,
        StatusReason.OUTCOME_UNKNOWN,
    )
    assert str(due_reminder.public_id) not in stream.getvalue()


def test_the_lease_runs_on_the_real_clock_not_on_the_time_a_sweep_is_run_for(due_reminder):
    """A sweep for a later moment (`kaderasi reminders --now`) does not take over a claim made
    a minute ago, however far its `now` lies from the claim."""
    claimed = dt.datetime(2026, 11, 29, 9, 30, tzinfo=WIB)
    abandon(due_reminder, channel="file", claimed_at=claimed)
    outcome = dispatch_due(
        now=claimed + dt.timedelta(hours=1),
        channel=FileChannel(),
        clock=at(claimed + dt.timedelta(minutes=1)),
    )
    assert outcome.recovered == []
    assert Reminder.objects.get(pk=due_reminder.pk).status == ReminderStatus.SENDING


def at(moment: dt.datetime):
    """A clock standing at `moment` (the real time, for the claim lease)."""
    return lambda: moment


def rf_message(reminder):
    from kaderasi.reminders.channels import OutgoingMessage

    return OutgoingMessage(
        reminder_id=reminder.public_id,
        kind=reminder.kind,
        recipient_role=reminder.recipient_role,
        phone=reminder.cadre.phone,
        email="",
        language="id",
        text="Pengingat",
    )


# --- The command -----------------------------------------------------------------------------


def run_reminders(*arguments: str) -> str:
    """`kaderasi reminders …` as an operator runs it: in Indonesian, the default language (set
    here, so that a language another test left active does not leak in)."""
    output = io.StringIO()
    with translation.override("id"):
        call_command("reminders", *arguments, stdout=output)
    return output.getvalue()


def test_the_reminders_command_twice_at_the_same_time_sends_nothing_the_second_time(
    world, cadre, outbox
):
    mother = rf.mother_in_care(programme=world.programme, posyandu=world.mawar, cadre=cadre)
    rf.sessions_for(mother, first_day_starts_at=dt.datetime(2026, 11, 29, 8, 0, tzinfo=WIB))
    first = run_reminders("--now", "2026-11-29T06:30:00+07:00")
    written = outbox()
    second = run_reminders("--now", "2026-11-29T06:30:00+07:00")
    assert [line["kind"] for line in written] == ["morning_digest"]
    assert outbox() == written
    assert "terkirim: 1" in first
    assert "terjadwal: 0  terkirim: 0  ditunda: 0  dilewati: 0  gagal: 0" in second
    # Lines name reminders by UUID, kind and role: never a name or a phone number.
    assert mother.name not in first
    assert mother.phone not in first
    digest = Reminder.objects.get(kind=ReminderKind.MORNING_DIGEST, status=ReminderStatus.SENT)
    assert (
        f"  terkirim   {digest.public_id} 2026-11-29 06:00 Ringkasan tugas hari ini (pagi) → Kader"
        in (first.splitlines())
    )


def test_a_dry_run_reports_what_would_happen_and_keeps_nothing(world, cadre, outbox):
    mother = rf.mother_in_care(programme=world.programme, posyandu=world.mawar, cadre=cadre)
    rf.sessions_for(mother, first_day_starts_at=dt.datetime(2026, 11, 29, 8, 0, tzinfo=WIB))
    output = run_reminders("--now", "2026-11-29T07:45", "--dry-run")
    assert output.splitlines()[0] == (
        "Pemeriksaan pengingat pada 2026-11-29 07:45 WIB "
        "(uji coba: tidak ada yang dikirim, tidak ada yang disimpan)"
    )
    # The digest, the baseline measurement and the first session's two reminders.
    assert "terkirim: 4" in output
    assert Reminder.objects.count() == 0
    assert outbox() == []


def test_the_command_names_kinds_and_recipients_in_words_and_says_why_a_reminder_waits(
    world, cadre
):
    mother = rf.mother_in_care(programme=world.programme, posyandu=world.mawar, cadre=cadre)
    rf.ScheduledSessionFactory(
        mother=mother, window_starts_at=dt.datetime(2026, 11, 29, 7, 0, tzinfo=WIB)
    )
    output = run_reminders("--now", "2026-11-29T06:50+07:00")
    held = Reminder.objects.get(kind=ReminderKind.SESSION_DUE, recipient_role=RecipientRole.MOTHER)
    assert (
        f"  ditunda    {held.public_id} 2026-11-29 06:30 Sesi pijat akan segera dimulai → Ibu "
        "(Ditahan selama jam tenang) sampai 2026-11-29 07:00"
    ) in output.splitlines()
    assert "session_due" not in output
    assert "→ mother" not in output


def test_the_command_names_kinds_and_recipients_in_the_language_in_use(world, cadre):
    mother = rf.mother_in_care(programme=world.programme, posyandu=world.mawar, cadre=cadre)
    rf.ScheduledSessionFactory(
        mother=mother, window_starts_at=dt.datetime(2026, 11, 29, 9, 0, tzinfo=WIB)
    )
    rf.no_quiet_hours(world.programme)
    output = io.StringIO()
    with translation.override("en"):
        call_command("reminders", "--now", "2026-11-29T08:30+07:00", stdout=output)
    sent = Reminder.objects.get(kind=ReminderKind.SESSION_DUE, recipient_role=RecipientRole.CADRE)
    assert (
        f"  sent       {sent.public_id} 2026-11-29 08:30 Massage session coming up → Cadre"
    ) in output.getvalue().splitlines()


def test_the_command_refuses_a_time_it_cannot_read():
    with pytest.raises(CommandError, match="ISO 8601"):
        run_reminders("--now", "tomorrow morning")


@pytest.mark.parametrize("empty", ["", "  "])
def test_the_command_refuses_an_empty_time_instead_of_sweeping_now(empty, outbox):
    with (
        translation.override("en"),
        pytest.raises(CommandError, match="--now was given without a time"),
    ):
        call_command("reminders", "--now", empty, stdout=io.StringIO())
    assert Reminder.objects.count() == 0
    assert outbox() == []


def test_the_outbox_file_holds_one_json_object_per_line(due_reminder, outbox, reminder_settings):
    reminder_sweep(now=dt.datetime(2026, 11, 29, 9, 30, tzinfo=WIB))
    raw = reminder_settings.KADERASI_OUTBOX_PATH.read_text().splitlines()
    records = [json.loads(line) for line in raw]
    mine = next(r for r in records if r["id"] == str(due_reminder.public_id))
    assert mine["to"] == due_reminder.cadre.phone
    assert mine["language"] == "id"
    assert mine["whatsapp_template"] == "kaderasi_session_cadre"
    assert mine["sent_at"] == "2026-11-29T09:30:00+07:00"
