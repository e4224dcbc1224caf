"""Danger signs that reach someone (issue 19): a red sign alerts the midwives covering the mother
at once, exactly once; unacknowledged, it escalates once to the coordinator and the puskesmas
contact after the programme's time; acknowledged, it does not."""

import datetime as dt

import pytest

from kaderasi.accounts.models import Role
from kaderasi.cadres.models import Cadre
from kaderasi.care.models import Referral
from kaderasi.care.services import danger_signs_report, referral_acknowledge
from kaderasi.core.errors import DomainError
from kaderasi.reminders.channels import configured_channel
from kaderasi.reminders.dispatch import dispatch_due
from kaderasi.reminders.errors import RemindersErrorCode
from kaderasi.reminders.models import (
    DangerAlertSettings,
    RecipientRole,
    Reminder,
    ReminderKind,
    ReminderRule,
    ReminderStatus,
    StatusReason,
)
from kaderasi.reminders.services import reminder_rule_validate, reminder_sweep
from kaderasi.reminders.tests import factories as rf
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db

WIB = rf.WIB
# 23:00: inside the quiet hours, which a danger sign does not wait for.
REPORTED = dt.datetime(2026, 11, 29, 23, 0, tzinfo=WIB)
MIDWIFE_PHONE = "+6281255550001"
CADRE_PHONE = "+6281211110001"
COORDINATOR_PHONE = "+6281266660001"


def minutes(n: int) -> dt.datetime:
    return REPORTED + dt.timedelta(minutes=n)


@pytest.fixture
def midwife(world):
    return f.UserFactory(
        username="sari-bidan",
        first_name="Sari",
        role=Role.MIDWIFE,
        areas=[world.pandes],
        phone=MIDWIFE_PHONE,
    )


@pytest.fixture
def coordinator(world):
    user = f.UserFactory(
        username="dewi-koordinator",
        role=Role.COORDINATOR,
        areas=[world.wedi],
        phone=COORDINATOR_PHONE,
    )
    world.programme.team.add(user)
    return user


@pytest.fixture
def cadre_login(world):
    user = f.UserFactory(username="wati-kader", role=Role.CADRE)
    rf.cadre_with_phone(
        programme=world.programme, posyandu=world.mawar, user=user, name="Wati", phone=CADRE_PHONE
    )
    return user


@pytest.fixture
def mother(world, cadre_login):
    return rf.mother_in_care(
        programme=world.programme, posyandu=world.mawar, cadre=Cadre.objects.get(user=cadre_login)
    )


def report(mother, by, signs, *, at=REPORTED, observed_at=None, notes="Darah banyak sejak pagi"):
    return danger_signs_report(
        mother=mother,
        signs=signs,
        observed_at=observed_at or at,
        now=at,
        by=by,
        notes=notes,
    )


def sent(outbox, kind):
    return [line for line in outbox() if line["kind"] == kind]


def test_a_red_sign_alerts_the_midwife_at_once_and_only_once(
    mother, cadre_login, midwife, coordinator, outbox
):
    report(mother, cadre_login, ["heavy_bleeding"])

    reminder_sweep(now=minutes(1))
    reminder_sweep(now=minutes(2))

    alerts = sent(outbox, ReminderKind.DANGER_SIGN_ALERT)
    assert len(alerts) == 1
    assert alerts[0]["to"] == MIDWIFE_PHONE
    assert alerts[0]["text"] == (
        f"TANDA BAHAYA (GAWAT DARURAT) pada ibu {mother.code}, Posyandu Mawar: Perdarahan "
        "tiba-tiba atau banyak dari jalan lahir (2 pembalut penuh dalam 30 menit). Catatan "
        "kader: Darah banyak sejak pagi. Telepon kader Wati sekarang: 0812-1111-0001 "
        f"tel:{CADRE_PHONE}. Lalu buka rujukannya di kaderasi."
    )
    assert mother.name not in alerts[0]["text"]
    row = Reminder.objects.get(kind=ReminderKind.DANGER_SIGN_ALERT)
    assert (row.status, row.user, row.mother) == (ReminderStatus.SENT, midwife, mother)


def test_unacknowledged_an_emergency_escalates_once_after_sixty_minutes(
    mother, cadre_login, midwife, coordinator, outbox
):
    report(mother, cadre_login, ["convulsions_or_fainting"])

    for minute in (1, 30, 59):
        reminder_sweep(now=minutes(minute))
    assert sent(outbox, ReminderKind.DANGER_SIGN_ESCALATION) == []

    reminder_sweep(now=minutes(60))
    reminder_sweep(now=minutes(61))
    reminder_sweep(now=minutes(120))

    escalations = sent(outbox, ReminderKind.DANGER_SIGN_ESCALATION)
    assert len(escalations) == 1
    assert escalations[0]["to"] == COORDINATOR_PHONE
    assert escalations[0]["recipient_role"] == RecipientRole.ESCALATION
    assert escalations[0]["text"].startswith(
        f"Belum ditanggapi bidan dalam 60 menit: TANDA BAHAYA (GAWAT DARURAT) pada ibu "
        f"{mother.code}, Posyandu Mawar: Ibu kejang atau pingsan. Bidan: Sari 0812-5555-0001."
    )
    assert len(sent(outbox, ReminderKind.DANGER_SIGN_ALERT)) == 1


def test_an_acknowledged_referral_does_not_escalate(
    mother, cadre_login, midwife, coordinator, outbox
):
    report(mother, cadre_login, ["heavy_bleeding"])
    reminder_sweep(now=minutes(1))
    referral_acknowledge(referral=Referral.objects.get(mother=mother), by=midwife, now=minutes(5))

    reminder_sweep(now=minutes(60))
    reminder_sweep(now=minutes(61))

    assert sent(outbox, ReminderKind.DANGER_SIGN_ESCALATION) == []
    escalation = Reminder.objects.get(kind=ReminderKind.DANGER_SIGN_ESCALATION)
    assert (escalation.status, escalation.status_reason) == (
        ReminderStatus.CANCELLED,
        StatusReason.NO_LONGER_DUE,
    )


def test_an_acknowledgement_between_planning_and_sending_stops_the_escalation(
    mother, cadre_login, midwife, coordinator, outbox
):
    report(mother, cadre_login, ["heavy_bleeding"])
    reminder_sweep(now=minutes(1))  # plans the escalation for minute 60
    referral_acknowledge(referral=Referral.objects.get(mother=mother), by=midwife, now=minutes(59))

    dispatch_due(now=minutes(60), channel=configured_channel())  # sending only, no planning

    assert sent(outbox, ReminderKind.DANGER_SIGN_ESCALATION) == []
    escalation = Reminder.objects.get(kind=ReminderKind.DANGER_SIGN_ESCALATION)
    assert escalation.status == ReminderStatus.CANCELLED


def test_a_sign_acknowledged_before_the_sweep_alerts_nobody(
    mother, cadre_login, midwife, coordinator, outbox
):
    report(mother, cadre_login, ["heavy_bleeding"])
    referral_acknowledge(referral=Referral.objects.get(mother=mother), by=midwife, now=REPORTED)

    reminder_sweep(now=minutes(1))
    reminder_sweep(now=minutes(90))

    assert outbox() == []


def test_a_same_day_sign_escalates_after_four_hours(
    mother, cadre_login, midwife, coordinator, outbox
):
    report(mother, cadre_login, ["foul_discharge"], notes="")
    reminder_sweep(now=minutes(1))
    reminder_sweep(now=minutes(60))
    reminder_sweep(now=minutes(239))
    assert sent(outbox, ReminderKind.DANGER_SIGN_ESCALATION) == []

    reminder_sweep(now=minutes(240))

    alert, escalation = (
        sent(outbox, ReminderKind.DANGER_SIGN_ALERT),
        sent(outbox, ReminderKind.DANGER_SIGN_ESCALATION),
    )
    assert len(alert) == len(escalation) == 1
    assert "(hari ini)" in alert[0]["text"]
    assert "Catatan kader: tidak ada." in alert[0]["text"]
    assert escalation[0]["text"].startswith("Belum ditanggapi bidan dalam 240 menit")


def test_the_time_to_acknowledge_is_the_programmes_setting(
    world, mother, cadre_login, midwife, coordinator, outbox
):
    DangerAlertSettings.objects.create(
        programme=world.programme, emergency_acknowledge_minutes=15, source="Programme 2026"
    )
    report(mother, cadre_login, ["grunting"])

    reminder_sweep(now=minutes(14))
    assert sent(outbox, ReminderKind.DANGER_SIGN_ESCALATION) == []
    reminder_sweep(now=minutes(15))
    assert len(sent(outbox, ReminderKind.DANGER_SIGN_ESCALATION)) == 1


def test_the_puskesmas_contact_is_told_too(
    world, mother, cadre_login, midwife, coordinator, outbox
):
    contact = f.UserFactory(username="puskesmas-wedi", role=Role.MIDWIFE, phone="+6281277770001")
    settings = DangerAlertSettings.objects.get(programme=None)
    settings.escalation_contact = contact
    settings.save()
    report(mother, cadre_login, ["heavy_bleeding"])

    reminder_sweep(now=minutes(60))

    assert sorted(line["to"] for line in sent(outbox, ReminderKind.DANGER_SIGN_ESCALATION)) == [
        COORDINATOR_PHONE,
        "+6281277770001",
    ]


def test_a_review_sign_alerts_nobody(mother, cadre_login, midwife, coordinator, outbox):
    report(mother, cadre_login, ["back_wound"])

    reminder_sweep(now=minutes(1))
    reminder_sweep(now=minutes(300))

    assert outbox() == []
    assert (
        not Reminder.objects.filter(mother=mother)
        .exclude(kind__in=[ReminderKind.SESSION_DUE, ReminderKind.MISSED_SESSION])
        .filter(kind__startswith="danger")
        .exists()
    )


def test_a_check_that_arrives_as_history_alerts_nobody(
    mother, cadre_login, midwife, coordinator, outbox
):
    report(mother, cadre_login, ["heavy_bleeding"], observed_at=REPORTED - dt.timedelta(days=8))

    reminder_sweep(now=minutes(1))
    reminder_sweep(now=minutes(61))

    assert outbox() == []


def test_a_late_phone_still_alerts_the_midwife_when_it_reaches_the_server(
    mother, cadre_login, midwife, coordinator, outbox
):
    """Offline for two days: the alert goes when the check arrives, not when it was observed."""
    report(mother, cadre_login, ["not_feeding"], observed_at=REPORTED - dt.timedelta(days=2))

    reminder_sweep(now=minutes(1))

    assert len(sent(outbox, ReminderKind.DANGER_SIGN_ALERT)) == 1


@pytest.mark.parametrize(
    ("kind", "recipient_role"),
    [
        (ReminderKind.DANGER_SIGN_ALERT, RecipientRole.CADRE),
        (ReminderKind.DANGER_SIGN_ESCALATION, RecipientRole.MIDWIFE),
        (ReminderKind.SESSION_DUE, RecipientRole.ESCALATION),
    ],
)
def test_a_danger_rule_to_a_recipient_planning_never_uses_is_refused(kind, recipient_role):
    with pytest.raises(DomainError) as refused:
        reminder_rule_validate(
            kind=kind,
            recipient_role=recipient_role,
            send_at=None,
            first_day=None,
            last_day=None,
            lead_days=None,
            message_id="{signs}",
            message_en="{signs}",
            whatsapp_parameters="",
        )
    assert (refused.value.code, refused.value.field) == (
        RemindersErrorCode.RULE_RECIPIENT_NOT_ALLOWED,
        "recipient_role",
    )


def test_the_shipped_danger_rules_pass_their_own_checks():
    for rule in ReminderRule.objects.filter(kind__startswith="danger_sign"):
        reminder_rule_validate(
            kind=rule.kind,
            recipient_role=rule.recipient_role,
            send_at=rule.send_at,
            first_day=rule.first_day,
            last_day=rule.last_day,
            lead_days=rule.lead_days,
            message_id=rule.message_id,
            message_en=rule.message_en,
            whatsapp_parameters=rule.whatsapp_parameters,
        )
        assert rule.respects_quiet_hours is False


def test_the_write_path_can_send_the_alert_at_once_through_the_task(
    mother, cadre_login, midwife, coordinator, outbox, monkeypatch
):
    from kaderasi.core import clock
    from kaderasi.reminders.tasks import danger_alerts_send

    monkeypatch.setattr(clock, "now", lambda: REPORTED)
    report(mother, cadre_login, ["heavy_bleeding"])

    danger_alerts_send.enqueue()
    danger_alerts_send.enqueue()

    assert [line["to"] for line in sent(outbox, ReminderKind.DANGER_SIGN_ALERT)] == [MIDWIFE_PHONE]


# --- a red sign that no midwife can be told of (review of issue 19) ----------------------------


def test_with_no_midwife_for_her_village_the_coordinator_is_told_at_once_not_after_the_wait(
    mother, cadre_login, coordinator, outbox
):
    report(mother, cadre_login, ["heavy_bleeding"])

    reminder_sweep(now=minutes(1))

    told = sent(outbox, ReminderKind.DANGER_SIGN_UNCOVERED)
    assert [line["to"] for line in told] == [COORDINATOR_PHONE]
    assert told[0]["text"].startswith(
        f"TANDA BAHAYA (GAWAT DARURAT) pada ibu {mother.code}, Posyandu Mawar, dan TIDAK ADA "
        "BIDAN di kaderasi yang bisa dihubungi untuk desanya: tidak ada bidan yang diberi tahu."
    )
    assert "Telepon kader Wati sekarang: 0812-1111-0001" in told[0]["text"]
    assert mother.name not in told[0]["text"]
    reminder_sweep(now=minutes(60))
    reminder_sweep(now=minutes(61))
    assert sent(outbox, ReminderKind.DANGER_SIGN_ESCALATION) == []
    assert len(sent(outbox, ReminderKind.DANGER_SIGN_UNCOVERED)) == 1


def test_a_midwife_without_a_number_counts_as_no_midwife(
    world, mother, cadre_login, coordinator, outbox
):
    f.UserFactory(username="bidan-tanpa-nomor", role=Role.MIDWIFE, areas=[world.pandes], phone="")
    report(mother, cadre_login, ["convulsions_or_fainting"])

    reminder_sweep(now=minutes(1))

    assert [line["to"] for line in sent(outbox, ReminderKind.DANGER_SIGN_UNCOVERED)] == [
        COORDINATOR_PHONE
    ]


def test_a_reachable_midwife_means_no_message_to_the_coordinator_at_once(
    mother, cadre_login, midwife, coordinator, outbox
):
    report(mother, cadre_login, ["heavy_bleeding"])

    reminder_sweep(now=minutes(1))

    assert sent(outbox, ReminderKind.DANGER_SIGN_UNCOVERED) == []
    assert [line["to"] for line in sent(outbox, ReminderKind.DANGER_SIGN_ALERT)] == [MIDWIFE_PHONE]


def test_with_no_midwife_and_no_coordinator_the_administrators_are_told(
    mother, cadre_login, outbox
):
    f.UserFactory(username="admin-dinkes", role=Role.ADMIN, phone="+6281299990001")
    report(mother, cadre_login, ["heavy_bleeding"])

    reminder_sweep(now=minutes(1))

    assert [line["to"] for line in sent(outbox, ReminderKind.DANGER_SIGN_UNCOVERED)] == [
        "+6281299990001"
    ]


def test_with_the_uncovered_rule_switched_off_the_escalation_still_goes_after_the_wait(
    world, mother, cadre_login, coordinator, outbox
):
    shipped = ReminderRule.objects.get(programme=None, kind=ReminderKind.DANGER_SIGN_UNCOVERED)
    ReminderRule.objects.create(
        programme=world.programme,
        kind=ReminderKind.DANGER_SIGN_UNCOVERED,
        recipient_role=RecipientRole.ESCALATION,
        is_active=False,
        message_id=shipped.message_id,
        message_en=shipped.message_en,
        source="Programme 2026: switched off",
    )
    report(mother, cadre_login, ["heavy_bleeding"])

    reminder_sweep(now=minutes(1))
    assert outbox() == []
    reminder_sweep(now=minutes(60))

    assert [line["to"] for line in sent(outbox, ReminderKind.DANGER_SIGN_ESCALATION)] == [
        COORDINATOR_PHONE
    ]


def test_the_cadre_is_told_who_hears_of_the_sign(world, mother, cadre_login, coordinator):
    from django.template.loader import render_to_string
    from django.utils import translation

    from kaderasi.care.danger_calls import (
        TOLD_ESCALATION,
        TOLD_MIDWIFE,
        TOLD_NOBODY,
        danger_calls_for,
        danger_report_confirmation,
    )

    with translation.override("en"):
        calls = danger_calls_for(mother)
        assert calls.told == TOLD_ESCALATION
        assert [c.phone for c in calls.callable] == [COORDINATOR_PHONE]
        confirmation = danger_report_confirmation(report(mother, cadre_login, ["heavy_bleeding"]))
        assert "no midwife in kaderasi can be reached for her village" in confirmation
        assert f"tel:{COORDINATOR_PHONE}" in confirmation
        assert "Sent: the midwife sees it" not in confirmation

        coordinator.is_active = False
        coordinator.save()
        assert danger_calls_for(mother).told == TOLD_NOBODY
        # The form's call box does not promise that the midwife will hear of it.
        box = render_to_string("care/_danger_call.html", {"calls": danger_calls_for(mother)})
        assert "Nobody in kaderasi can be told" in box and "sends it to the midwife" not in box

        f.UserFactory(username="bidan", role=Role.MIDWIFE, areas=[world.mawar], phone=MIDWIFE_PHONE)
        assert danger_calls_for(mother).told == TOLD_MIDWIFE
