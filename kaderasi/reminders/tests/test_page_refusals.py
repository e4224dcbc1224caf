"""What the reminders pages and the gateways' webhooks answer to a request they cannot carry out:
a message on the page the user returns to, the field the problem is on, or a bare 400 to a
gateway, and in every case nothing changed."""

import datetime as dt
import hashlib
import hmac
import json

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from kaderasi.care.models import ConsentSubject
from kaderasi.care.services import consent_give, consent_withdraw
from kaderasi.reminders.models import (
    FamilyDelivery,
    FamilyMember,
    ProgrammeReminderSettings,
    RecipientPreference,
    RecipientRole,
    Reminder,
    ReminderKind,
    ReminderStatus,
    StatusReason,
)
from kaderasi.reminders.services import reminder_plan
from kaderasi.reminders.tests import factories as rf

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 29, 8, 40, tzinfo=rf.WIB)
APP_SECRET = "meta-app-secret"


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr("kaderasi.core.clock.now", lambda: NOW)


@pytest.fixture
def sri(world, cadre_user):
    """Sri of Posyandu Mawar, accompanied by the cadre user, who relays her reminders herself."""
    ProgrammeReminderSettings.objects.create(
        programme=world.programme, family_delivery=FamilyDelivery.CADRE_WHATSAPP
    )
    cadre = cadre_user.cadre
    cadre.phone = "+6281211110001"
    cadre.save()
    sri = rf.mother_in_care(programme=world.programme, posyandu=world.mawar, cadre=cadre)
    rf.ScheduledSessionFactory(
        mother=sri, window_starts_at=dt.datetime(2026, 11, 29, 9, 0, tzinfo=rf.WIB)
    )
    reminder_plan(now=NOW, channel_name="file")
    return sri


def flashed(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_marking_a_cancelled_reminder_without_htmx_goes_back_to_the_list_saying_why(
    client, cadre_user, sri
):
    reminder = Reminder.objects.get(
        kind=ReminderKind.SESSION_DUE, mother=sri, recipient_role=RecipientRole.MOTHER
    )
    Reminder.objects.filter(pk=reminder.pk).update(
        status=ReminderStatus.CANCELLED, status_reason=StatusReason.OPTED_OUT
    )
    client.force_login(cadre_user)

    with translation.override("en"):
        response = client.post(reverse("reminders:mark-sent", args=[reminder.public_id]))
        send_list = reverse("reminders:send-list")

    assert (response.status_code, response["Location"]) == (302, send_list)
    assert flashed(response) == ["This reminder can no longer be sent (Cancelled)."]
    reminder.refresh_from_db()
    assert (reminder.status, reminder.sent_at) == (ReminderStatus.CANCELLED, None)


@pytest.mark.parametrize(
    "data",
    [
        {"contact": "mother", "action": "pause"},
        {"contact": "neighbour", "action": "stop"},
        {"contact": "mother"},
    ],
)
def test_a_contact_change_the_page_cannot_have_sent_is_refused(client, midwife, sri, data):
    client.force_login(midwife)

    response = client.post(reverse("reminders:contact-update", args=[sri.public_id]), data)

    assert response.status_code == 400
    assert not RecipientPreference.objects.exists()


def test_stopping_one_family_member_leaves_the_mothers_own_reminders(client, midwife, sri):
    husband = rf.FamilyMemberFactory(mother=sri, phone="+6281298765432")
    client.force_login(midwife)

    response = client.post(
        reverse("reminders:contact-update", args=[sri.public_id]),
        {"contact": f"family:{husband.public_id}", "action": "stop"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("reminders:mother-reminders", args=[sri.public_id])
    [preference] = RecipientPreference.objects.filter(opted_out_at__isnull=False)
    assert (preference.family_member, preference.opted_out_at) == (husband, NOW)
    assert not RecipientPreference.objects.filter(mother=sri, opted_out_at__isnull=False).exists()


def test_a_family_member_of_another_mother_cannot_be_stopped_through_hers(
    client, midwife, sri, world
):
    other = rf.mother_in_care(
        programme=world.programme, posyandu=world.mawar, phone="+6281233339999"
    )
    theirs = rf.FamilyMemberFactory(mother=other)
    client.force_login(midwife)

    response = client.post(
        reverse("reminders:contact-update", args=[sri.public_id]),
        {"contact": f"family:{theirs.public_id}", "action": "stop"},
    )

    assert response.status_code == 404
    assert not RecipientPreference.objects.exists()


def test_editing_a_family_member_shows_what_is_recorded_and_saves_the_change(
    client, cadre_user, sri
):
    member = rf.FamilyMemberFactory(mother=sri, name="Pak Joko", phone="+6281298765432")
    url = reverse("reminders:family-member-edit", args=[sri.public_id, member.public_id])
    client.force_login(cadre_user)

    form = client.get(url).context["form"]
    response = client.post(
        url,
        {
            "name": "Pak Joko Santoso",
            "relationship": "husband",
            "phone": "0812 9876 5000",
            "language": "id",
        },
    )

    assert (form.initial["name"], form.initial["phone"]) == ("Pak Joko", "+6281298765432")
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.name, member.phone) == ("Pak Joko Santoso", "+6281298765000")
    assert FamilyMember.objects.filter(mother=sri).count() == 1


def test_a_family_member_who_no_longer_massages_cannot_be_edited(client, cadre_user, sri):
    member = rf.FamilyMemberFactory(mother=sri, ended_at=NOW - dt.timedelta(days=1))
    client.force_login(cadre_user)

    response = client.get(
        reverse("reminders:family-member-edit", args=[sri.public_id, member.public_id])
    )

    assert response.status_code == 404


def test_no_family_member_is_recorded_once_the_mother_withdrew_her_consent(
    client, cadre_user, midwife, sri
):
    consent = consent_give(
        mother=sri,
        subject=ConsentSubject.MOTHER,
        text_version="v1",
        given_at=NOW - dt.timedelta(days=2),
        by=midwife,
    )
    consent_withdraw(consent=consent, withdrawn_at=NOW - dt.timedelta(days=1), by=midwife)
    client.force_login(cadre_user)

    with translation.override("en"):
        response = client.post(
            reverse("reminders:family-member-add", args=[sri.public_id]),
            {
                "name": "Pak Joko",
                "relationship": "husband",
                "phone": "081298765432",
                "language": "id",
            },
        )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Consent for this mother's data was withdrawn; nothing more is recorded."
    ]
    assert not FamilyMember.objects.exists()


def test_ending_a_family_member_twice_says_so_and_keeps_the_first_end(client, midwife, sri):
    ended_at = NOW - dt.timedelta(days=1)
    member = rf.FamilyMemberFactory(mother=sri, ended_at=ended_at)
    client.force_login(midwife)

    with translation.override("en"):
        response = client.post(
            reverse("reminders:family-member-end", args=[sri.public_id, member.public_id])
        )

    assert response.status_code == 302
    assert flashed(response) == ["This person was already recorded as no longer massaging."]
    member.refresh_from_db()
    assert member.ended_at == ended_at


@pytest.fixture
def secrets(settings):
    settings.KADERASI_SMS_HTTP_INBOUND_SECRET = "gateway-shared-secret"
    settings.KADERASI_WHATSAPP_APP_SECRET = APP_SECRET
    return settings


def post_sms(client, data, **kwargs):
    return client.post(
        reverse("reminders:inbound-sms"),
        data,
        headers={"X-Kaderasi-Secret": "gateway-shared-secret"},
        **kwargs,
    )


def test_a_stop_the_sms_gateway_forwards_as_a_form_opts_the_number_out(client, secrets, sri):
    response = post_sms(client, {"from": "+6281233330001", "text": "STOP"})

    assert response.json() == {"action": "stop"}
    assert RecipientPreference.objects.filter(mother=sri, opted_out_at=NOW).exists()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", "application/json"),
        (json.dumps({"text": "STOP"}), "application/json"),
        (json.dumps({"from": "+62" + "1" * 40, "text": "STOP"}), "application/json"),
    ],
)
def test_the_sms_webhook_answers_400_to_a_body_it_cannot_read(
    client, secrets, sri, body, content_type
):
    response = post_sms(client, body, content_type=content_type)

    assert response.status_code == 400
    assert not RecipientPreference.objects.exists()


def test_a_signed_whatsapp_notification_that_is_not_json_is_answered_400(client, secrets):
    body = b"<xml>not json</xml>"
    signature = "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()

    response = client.post(
        reverse("reminders:inbound-whatsapp"),
        data=body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": signature},
    )

    assert response.status_code == 400
