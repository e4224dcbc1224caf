"""planning.py: which reminders are due, from plain facts (no database)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kaderasi.care.timing import gestational_age
from kaderasi.reminders import planning
from kaderasi.reminders.models import RecipientRole, ReminderKind

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
WIT = ZoneInfo("Asia/Jayapura")
NOW = dt.datetime(2026, 11, 29, 9, 0, tzinfo=WIB)
WIDE = planning.Window(NOW - dt.timedelta(days=60), NOW + dt.timedelta(days=60))


def rule(kind, role, **fields):
    return planning.Rule(id=1, kind=kind, recipient_role=role, **fields)


def session(day, slot, starts_at, *, done=False, hours=2):
    return planning.Session(
        id=day * 10 + slot,
        public_id=f"s{day}{slot}",
        postpartum_day=day,
        slot=slot,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=hours),
        done=done,
    )


def mother(**fields):
    values = {"id": 7, "programme_id": 1, "zone": WIB}
    values.update(fields)
    return planning.MotherFacts(**values)


def plan(rules, *, mothers=(), certificates=(), cadres=(), window=WIDE, now=NOW):
    return planning.plan_reminders(
        mothers=mothers,
        certificates=certificates,
        cadres=cadres,
        rules={1: tuple(rules)},
        window=window,
        now=now,
    )


CADRE = planning.Recipient(RecipientRole.CADRE, 3, WIB)
SESSIONS = (
    session(1, 1, dt.datetime(2026, 11, 28, 8, 0, tzinfo=WIB)),
    session(1, 2, dt.datetime(2026, 11, 28, 16, 0, tzinfo=WIB)),
    session(2, 1, dt.datetime(2026, 11, 29, 8, 0, tzinfo=WIB)),
    session(2, 2, dt.datetime(2026, 11, 29, 16, 0, tzinfo=WIB)),
)


def test_antenatal_education_is_weekly_from_the_start_week_at_the_local_time_until_42_weeks():
    day_zero = dt.date(2026, 3, 1)
    pregnant = mother(pregnancy_id=5, pregnancy_day_zero=day_zero, zone=WITA)
    education = rule(
        ReminderKind.ANTENATAL_EDUCATION,
        RecipientRole.MOTHER,
        send_at=dt.time(9, 0),
        every_days=7,
    )
    window = planning.Window(
        dt.datetime(2026, 1, 1, tzinfo=WIB), dt.datetime(2027, 3, 1, tzinfo=WIB)
    )
    reminders = plan([education], mothers=[pregnant], window=window)
    assert [r.context["week"] for r in reminders] == [36, 37, 38, 39, 40, 41]
    first = reminders[0]
    assert first.due_at == dt.datetime(2026, 11, 8, 9, 0, tzinfo=WITA)
    assert first.key == "antenatal_education:mother:7:p5:d252"
    # The week counted here is the week care.timing reports on that day.
    assert (
        gestational_age(
            last_menstrual_period=day_zero, estimated_delivery_date=None, on=first.due_at.date()
        ).weeks
        == 36
    )


def test_antenatal_education_stops_once_the_delivery_is_recorded():
    delivered = mother(
        pregnancy_id=5,
        pregnancy_day_zero=None,
        delivered_at=dt.datetime(2026, 11, 20, 3, 0, tzinfo=WIB),
    )
    education = rule(ReminderKind.ANTENATAL_EDUCATION, RecipientRole.MOTHER, send_at=dt.time(9, 0))
    assert plan([education], mothers=[delivered]) == []


def test_the_day_zero_from_an_edd_alone_matches_care_timing():
    edd = dt.date(2026, 12, 20)
    zero = planning.pregnancy_day_zero(last_menstrual_period=None, estimated_delivery_date=edd)
    on = zero + dt.timedelta(weeks=36)
    age = gestational_age(last_menstrual_period=None, estimated_delivery_date=edd, on=on)
    assert (age.weeks, age.days) == (36, 0)


def test_session_reminders_go_to_the_family_member_who_massages_not_the_mother():
    husband = planning.Recipient(RecipientRole.FAMILY, 11, WIB)
    with_family = mother(sessions=SESSIONS[2:3], family=(husband,), cadre=CADRE)
    rules = [
        rule(ReminderKind.SESSION_DUE, RecipientRole.MOTHER, offset=dt.timedelta(minutes=-30)),
        rule(ReminderKind.SESSION_DUE, RecipientRole.FAMILY, offset=dt.timedelta(minutes=-30)),
        rule(ReminderKind.SESSION_DUE, RecipientRole.CADRE, offset=dt.timedelta(minutes=-30)),
    ]
    reminders = plan(rules, mothers=[with_family])
    assert sorted((r.recipient.role, r.recipient.id) for r in reminders) == [
        ("cadre", 3),
        ("family", 11),
    ]
    alone = mother(sessions=SESSIONS[2:3], cadre=CADRE)
    reminders = plan(rules, mothers=[alone])
    assert sorted(r.recipient.role for r in reminders) == ["cadre", "mother"]
    assert reminders[0].due_at == dt.datetime(2026, 11, 29, 7, 30, tzinfo=WIB)


def test_a_session_reminder_is_never_useful_after_its_window_and_not_planned_once_done():
    done = session(2, 1, dt.datetime(2026, 11, 29, 8, 0, tzinfo=WIB), done=True)
    pending = SESSIONS[3]
    reminders = plan(
        [rule(ReminderKind.SESSION_DUE, RecipientRole.MOTHER, stale_after=dt.timedelta(days=1))],
        mothers=[mother(sessions=(done, pending))],
    )
    assert [r.session_id for r in reminders] == [pending.id]
    assert reminders[0].stale_at == pending.ends_at


def test_a_missed_session_escalates_to_each_covering_midwife_after_the_delay():
    midwives = (
        planning.Recipient(RecipientRole.MIDWIFE, 21, WIB),
        planning.Recipient(RecipientRole.MIDWIFE, 22, WIB),
    )
    missed = session(1, 1, dt.datetime(2026, 11, 29, 5, 0, tzinfo=WIB))
    not_over = SESSIONS[2]
    done = session(1, 2, dt.datetime(2026, 11, 29, 4, 0, tzinfo=WIB), done=True)
    escalation = rule(
        ReminderKind.MISSED_SESSION, RecipientRole.MIDWIFE, offset=dt.timedelta(hours=2)
    )
    reminders = plan(
        [escalation], mothers=[mother(sessions=(missed, not_over, done), midwives=midwives)]
    )
    assert [(r.recipient.id, r.session_id) for r in reminders] == [(21, 11), (22, 11)]
    assert reminders[0].due_at == dt.datetime(2026, 11, 29, 9, 0, tzinfo=WIB)


def test_measurements_are_due_before_the_first_and_after_the_last_session_while_missing():
    rules = [
        rule(
            ReminderKind.BASELINE_MEASUREMENT,
            RecipientRole.CADRE,
            offset=dt.timedelta(hours=-1),
        ),
        rule(ReminderKind.FOLLOW_UP_MEASUREMENT, RecipientRole.CADRE),
    ]
    missing_both = mother(sessions=SESSIONS, cadre=CADRE)
    reminders = {r.kind: r for r in plan(rules, mothers=[missing_both])}
    assert reminders["baseline_measurement"].due_at == dt.datetime(2026, 11, 28, 7, 0, tzinfo=WIB)
    assert reminders["follow_up_measurement"].due_at == dt.datetime(2026, 11, 29, 18, 0, tzinfo=WIB)
    assert reminders["follow_up_measurement"].context["day"] == 2
    measured = mother(sessions=SESSIONS, cadre=CADRE, has_baseline=True, has_follow_up=True)
    assert plan(rules, mothers=[measured]) == []


def test_feeding_guidance_is_sent_once_on_each_of_the_first_three_postpartum_days():
    delivered = mother(delivered_at=dt.datetime(2026, 11, 28, 10, 0, tzinfo=WIB))
    guidance = rule(
        ReminderKind.FEEDING_GUIDANCE,
        RecipientRole.MOTHER,
        send_at=dt.time(8, 0),
        first_day=1,
        last_day=3,
    )
    reminders = plan([guidance], mothers=[delivered])
    # Day 1 runs 28 Nov 10:00 – 29 Nov 10:00: its 08:00 is the 29th.
    assert [r.due_at.day for r in reminders] == [29, 30, 1]
    assert [r.context["day"] for r in reminders] == [1, 2, 3]


def test_the_refresher_comes_lead_days_before_expiry_or_on_the_refresher_date_if_earlier():
    refresher = rule(
        ReminderKind.CERTIFICATE_REFRESHER,
        RecipientRole.CADRE,
        send_at=dt.time(9, 0),
        lead_days=30,
    )
    certificate = planning.CertificateFacts(
        id=1, public_id="c1", programme_id=1, cadre=CADRE, expires_on=dt.date(2027, 1, 10)
    )
    (reminder,) = plan([refresher], certificates=[certificate])
    assert reminder.due_at == dt.datetime(2026, 12, 11, 9, 0, tzinfo=WIB)
    earlier = planning.CertificateFacts(
        id=1,
        public_id="c1",
        programme_id=1,
        cadre=CADRE,
        expires_on=dt.date(2027, 1, 10),
        refresher_due_on=dt.date(2026, 12, 1),
    )
    (reminder,) = plan([refresher], certificates=[earlier])
    assert reminder.due_at.date() == dt.date(2026, 12, 1)


def test_the_morning_digest_lists_one_day_of_tasks_of_all_her_clients_in_one_message():
    first = mother(id=1, sessions=SESSIONS, cadre=CADRE, has_baseline=True)
    pregnant = mother(id=2, cadre=CADRE, pregnancy_id=9, pregnancy_day_zero=dt.date(2026, 3, 22))
    elsewhere = mother(id=3, sessions=SESSIONS, cadre=None)
    digest = rule(ReminderKind.MORNING_DIGEST, RecipientRole.CADRE, send_at=dt.time(6, 0))
    window = planning.Window(NOW - dt.timedelta(hours=4), NOW + dt.timedelta(hours=2))
    (reminder,) = plan(
        [digest],
        mothers=[first, pregnant, elsewhere],
        cadres=[planning.CadreFacts(recipient=CADRE, programme_id=1)],
        window=window,
    )
    assert reminder.key == "morning_digest:cadre:3:2026-11-29"
    assert reminder.due_at == dt.datetime(2026, 11, 29, 6, 0, tzinfo=WIB)
    tasks = reminder.context["tasks"]
    assert [(t["kind"], t["mother_id"]) for t in tasks] == [
        ("session_due", 1),
        ("session_due", 1),
        ("follow_up_measurement", 1),
        ("antenatal_education", 2),
    ]
    assert tasks[3]["week"] == 36


def test_the_digest_day_is_the_cadres_local_day():
    late_evening_wib = session(3, 1, dt.datetime(2026, 11, 29, 22, 30, tzinfo=WIB), hours=1)
    tasks_wib = planning.digest_tasks([mother(sessions=(late_evening_wib,))], WIB)
    tasks_wit = planning.digest_tasks([mother(sessions=(late_evening_wib,))], WIT)
    assert dt.date(2026, 11, 29) in tasks_wib
    assert dt.date(2026, 11, 30) in tasks_wit  # 22:30 WIB is 00:30 WIT the next day


def test_only_reminders_due_in_the_window_are_planned():
    window = planning.Window(NOW, NOW + dt.timedelta(hours=12))
    reminders = plan(
        [rule(ReminderKind.SESSION_DUE, RecipientRole.MOTHER)],
        mothers=[mother(sessions=SESSIONS)],
        window=window,
    )
    assert [r.session_id for r in reminders] == [SESSIONS[3].id]


@pytest.mark.parametrize(
    ("zone", "local_hour", "released_at"),
    [
        (WIB, 21, dt.datetime(2026, 11, 30, 7, 0, tzinfo=WIB)),
        (WITA, 22, dt.datetime(2026, 11, 30, 7, 0, tzinfo=WITA)),
        (WIT, 23, dt.datetime(2026, 11, 30, 7, 0, tzinfo=WIT)),
    ],
)
def test_quiet_hours_end_at_seven_in_the_recipients_zone(zone, local_hour, released_at):
    # 21:00 WIB = 22:00 WITA = 23:00 WIT: the same moment, in quiet hours everywhere.
    at = dt.datetime(2026, 11, 29, 21, 0, tzinfo=WIB)
    assert at.astimezone(zone).hour == local_hour
    end = planning.quiet_hours_end(at, zone=zone, starts=dt.time(20), ends=dt.time(7))
    assert end == released_at


def test_the_same_moment_is_quiet_in_wit_but_not_in_wib():
    at = dt.datetime(2026, 11, 29, 18, 30, tzinfo=WIB)  # 20:30 WIT
    quiet = {"starts": dt.time(20), "ends": dt.time(7)}
    assert planning.quiet_hours_end(at, zone=WIB, **quiet) is None
    assert planning.quiet_hours_end(at, zone=WITA, **quiet) is None
    assert planning.quiet_hours_end(at, zone=WIT, **quiet) == dt.datetime(
        2026, 11, 30, 7, 0, tzinfo=WIT
    )


def test_quiet_hours_after_midnight_end_the_same_morning_and_equal_bounds_mean_none():
    at = dt.datetime(2026, 11, 29, 5, 15, tzinfo=WITA)
    end = planning.quiet_hours_end(at, zone=WITA, starts=dt.time(20), ends=dt.time(7))
    assert end == dt.datetime(2026, 11, 29, 7, 0, tzinfo=WITA)
    assert planning.quiet_hours_end(at, zone=WITA, starts=dt.time(0), ends=dt.time(0)) is None
    assert (
        planning.quiet_hours_end(
            dt.datetime(2026, 11, 29, 7, 0, tzinfo=WITA),
            zone=WITA,
            starts=dt.time(20),
            ends=dt.time(7),
        )
        is None
    )


def test_quiet_hours_within_one_day_are_supported():
    at = dt.datetime(2026, 11, 29, 12, 30, tzinfo=WIB)
    end = planning.quiet_hours_end(at, zone=WIB, starts=dt.time(12), ends=dt.time(14))
    assert end == dt.datetime(2026, 11, 29, 14, 0, tzinfo=WIB)


def test_retries_back_off_exponentially_up_to_the_cap():
    base, cap = dt.timedelta(minutes=1), dt.timedelta(minutes=10)
    delays = [planning.retry_delay(n, base=base, cap=cap) for n in range(1, 6)]
    assert delays == [
        dt.timedelta(minutes=1),
        dt.timedelta(minutes=2),
        dt.timedelta(minutes=4),
        dt.timedelta(minutes=8),
        dt.timedelta(minutes=10),
    ]
