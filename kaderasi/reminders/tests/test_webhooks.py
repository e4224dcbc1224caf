"""Replies and delivery reports from the gateways: STOP opts out, signatures are checked."""

import datetime as dt
import hashlib
import hmac
import json
import uuid

import pytest
from django.urls import reverse

from kaderasi.reminders.models import (
    OptOutSource,
    RecipientPreference,
    Reminder,
    ReminderStatus,
    StatusReason,
)
from kaderasi.reminders.tests import factories as rf

pytestmark = pytest.mark.django_db

APP_SECRET = "meta-app-secret"


@pytest.fixture
def mother(world):
    return rf.mother_in_care(programme=world.programme, posyandu=world.mawar)


@pytest.fixture
def secrets(settings):
    settings.KADERASI_SMS_HTTP_INBOUND_SECRET = "gateway-shared-secret"
    settings.KADERASI_WHATSAPP_APP_SECRET = APP_SECRET
    settings.KADERASI_WHATSAPP_VERIFY_TOKEN = "kaderasi-verify"
    return settings


def opted_out(mother) -> bool:
    return RecipientPreference.objects.filter(mother=mother, opted_out_at__isnull=False).exists()


def test_a_stop_forwarded_by_the_sms_gateway_opts_the_number_out(client, secrets, mother):
    response = client.post(
        reverse("reminders:inbound-sms"),
        data=json.dumps({"from": "+6281233330001", "text": "STOP"}),
        content_type="application/json",
        headers={"X-Kaderasi-Secret": "gateway-shared-secret"},
    )
    assert response.json() == {"action": "stop"}
    preference = RecipientPreference.objects.get(mother=mother)
    assert preference.opt_out_source == OptOutSource.REPLY


def test_the_sms_webhook_refuses_a_wrong_secret_and_changes_nothing(client, secrets, mother):
    response = client.post(
        reverse("reminders:inbound-sms"),
        {"from": "+6281233330001", "text": "STOP"},
        headers={"X-Kaderasi-Secret": "guess"},
    )
    assert response.status_code == 403
    assert not opted_out(mother)


def test_the_sms_webhook_is_closed_until_a_secret_is_configured(client, settings, mother):
    settings.KADERASI_SMS_HTTP_INBOUND_SECRET = ""
    response = client.post(
        reverse("reminders:inbound-sms"), {"from": "+6281233330001", "text": "STOP"}
    )
    assert response.status_code == 403
    assert not opted_out(mother)


def test_whatsapp_subscribes_the_webhook_with_the_verify_token(client, secrets):
    url = reverse("reminders:inbound-whatsapp")
    ok = client.get(
        url, {"hub.mode": "subscribe", "hub.verify_token": "kaderasi-verify", "hub.challenge": "42"}
    )
    assert (ok.status_code, ok.content) == (200, b"42")
    wrong = client.get(
        url, {"hub.mode": "subscribe", "hub.verify_token": "other", "hub.challenge": "42"}
    )
    assert wrong.status_code == 403


def post_whatsapp(client, payload, *, secret=APP_SECRET):
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(
        reverse("reminders:inbound-whatsapp"),
        data=body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": signature},
    )


def notification(*, messages=(), statuses=()):
    value = {
        "messaging_product": "whatsapp",
        "messages": list(messages),
        "statuses": list(statuses),
    }
    return {"object": "whatsapp_business_account", "entry": [{"changes": [{"value": value}]}]}


def test_a_whatsapp_reply_stop_opts_out_and_a_badly_signed_one_is_refused(client, secrets, mother):
    stop = notification(
        messages=[{"from": "6281233330001", "type": "text", "text": {"body": "berhenti"}}]
    )
    assert post_whatsapp(client, stop, secret="forged").status_code == 403
    assert not opted_out(mother)
    response = post_whatsapp(client, stop)
    assert response.json() == {"replies": 1, "statuses": 0}
    assert opted_out(mother)


def test_a_delivery_report_confirms_an_interrupted_whatsapp_send_and_records_a_failure(
    client, secrets, world, mother
):
    rf.ScheduledSessionFactory(
        mother=mother, window_starts_at=dt.datetime(2026, 11, 29, 9, 0, tzinfo=rf.WIB)
    )
    from kaderasi.reminders.services import reminder_plan

    reminder_plan(now=dt.datetime(2026, 11, 29, 8, 0, tzinfo=rf.WIB), channel_name="whatsapp")
    interrupted, delivered = Reminder.objects.filter(mother=mother).order_by("pk")[:2]
    Reminder.objects.filter(pk=interrupted.pk).update(
        status=ReminderStatus.FAILED, status_reason=StatusReason.OUTCOME_UNKNOWN
    )
    Reminder.objects.filter(pk=delivered.pk).update(
        status=ReminderStatus.SENT,
        sent_at=dt.datetime(2026, 11, 29, 8, 30, tzinfo=rf.WIB),
        provider_message_id="wamid.B",
    )
    payload = notification(
        statuses=[
            {
                "id": "wamid.A",
                "status": "delivered",
                "biz_opaque_callback_data": str(interrupted.public_id),
            },
            {
                "id": "wamid.B",
                "status": "failed",
                "errors": [{"code": 131026, "title": "Message undeliverable"}],
            },
            {
                "id": "wamid.unknown",
                "status": "read",
                "biz_opaque_callback_data": str(uuid.uuid4()),
            },
        ]
    )
    assert post_whatsapp(client, payload).json() == {"replies": 0, "statuses": 2}
    interrupted.refresh_from_db()
    delivered.refresh_from_db()
    assert (interrupted.status, interrupted.status_reason, interrupted.provider_message_id) == (
        ReminderStatus.SENT,
        StatusReason.CONFIRMED_AFTER_INTERRUPTION,
        "wamid.A",
    )
    assert (delivered.status, delivered.status_reason, delivered.last_error) == (
        ReminderStatus.FAILED,
        StatusReason.UNDELIVERABLE,
        "131026: Message undeliverable",
    )


def test_a_malformed_whatsapp_notification_is_ignored_not_an_error(client, secrets):
    response = post_whatsapp(client, {"entry": "nonsense"})
    assert response.json() == {"replies": 0, "statuses": 0}
