"""Each channel against its gateway (local fakes on 127.0.0.1, never the outside network)."""

import datetime as dt
import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings as django_settings
from django.core import checks, mail
from django.core.exceptions import ImproperlyConfigured

from kaderasi.reminders.channels import (
    ChannelError,
    OutgoingMessage,
    Recovery,
    channel_named,
)
from kaderasi.reminders.channels.email import EmailChannel
from kaderasi.reminders.channels.file import FileChannel
from kaderasi.reminders.channels.sms_http import SmsHttpChannel
from kaderasi.reminders.channels.whatsapp import WhatsAppChannel, template_parameter


def message(**overrides) -> OutgoingMessage:
    values = {
        "reminder_id": uuid.UUID("6f1c2c1e-8a53-4f77-9d3c-6f0f3f7b1a01"),
        "kind": "session_due",
        "recipient_role": "family",
        "phone": "+6281298765432",
        "email": "",
        "language": "id",
        "text": "Halo Pak Budi, waktunya pijat oksitosin untuk Sri pukul 08.00–10.00 WIB.",
        "whatsapp_template": "kaderasi_session_family",
        "whatsapp_parameters": ("Pak Budi", "Sri", "08.00", "10.00", "WIB", "10–15"),
    }
    values.update(overrides)
    return OutgoingMessage(**values)


# --- file ----------------------------------------------------------------------------------


def test_the_file_channel_appends_one_json_line_and_finds_it_again(tmp_path):
    channel = FileChannel(tmp_path / "outbox.jsonl")
    receipt = channel.send(message())
    channel.send(message(reminder_id=uuid.uuid4()))
    lines = (tmp_path / "outbox.jsonl").read_text().splitlines()
    assert len(lines) == 2
    assert receipt.provider_message_id == "file:6f1c2c1e-8a53-4f77-9d3c-6f0f3f7b1a01"
    assert channel.find_sent(message().reminder_id) == receipt
    assert channel.find_sent(uuid.uuid4()) is None
    assert channel.recovery == Recovery.LOOKUP


def test_a_line_torn_by_a_killed_writer_is_not_taken_as_sent_nor_glued_to_the_next(tmp_path):
    path = tmp_path / "outbox.jsonl"
    torn = uuid.uuid4()
    path.write_text(f'{{"id": "{torn}", "text": "Hal')
    channel = FileChannel(path)
    channel.send(message())
    assert channel.find_sent(torn) is None
    assert channel.find_sent(message().reminder_id) is not None
    assert path.read_text().splitlines()[1].startswith('{"id": "6f1c2c1e')


# --- email ---------------------------------------------------------------------------------


def test_the_email_channel_uses_djangos_mail_with_the_reminder_id_as_message_id():
    EmailChannel().send(message(email="bidan@example.org", subject="kaderasi: Missed session"))
    (sent,) = mail.outbox
    assert sent.to == ["bidan@example.org"]
    assert sent.subject == "kaderasi: Missed session"
    assert (
        sent.extra_headers["Message-ID"]
        == "<6f1c2c1e-8a53-4f77-9d3c-6f0f3f7b1a01@kaderasi.reminders>"
    )


# --- sms-http ------------------------------------------------------------------------------


@pytest.fixture
def sms(settings, gateway):
    settings.KADERASI_SMS_HTTP_URL = f"{gateway.url}/send"
    settings.KADERASI_SMS_HTTP_TOKEN = "sekret"
    settings.KADERASI_SMS_HTTP_SENDER = "POSYANDU"
    settings.KADERASI_SMS_HTTP_STATUS_URL = ""
    settings.KADERASI_SMS_HTTP_IDEMPOTENT = False
    return gateway


def test_the_sms_gateway_gets_the_number_text_and_the_reminder_id_as_reference(sms):
    sms.answers = [(202, {"message_id": "abc-123"})]
    receipt = SmsHttpChannel().send(message())
    (request,) = sms.requests
    assert request["path"] == "/send"
    assert request["headers"]["Authorization"] == "Bearer sekret"
    assert request["json"] == {
        "to": "+6281298765432",
        "text": message().text,
        "reference": "6f1c2c1e-8a53-4f77-9d3c-6f0f3f7b1a01",
        "sender": "POSYANDU",
    }
    assert receipt.provider_message_id == "abc-123"


@pytest.mark.parametrize(
    ("status", "permanent"),
    [(500, False), (503, False), (429, False), (401, False), (400, True), (404, True)],
)
def test_sms_gateway_errors_are_retried_unless_the_gateway_refused_for_good(sms, status, permanent):
    sms.answers = [(status, {"error": "nope"})]
    with pytest.raises(ChannelError) as error:
        SmsHttpChannel().send(message())
    assert error.value.permanent is permanent
    assert error.value.reason.startswith(f"SMS gateway answered {status}")


def test_an_unreachable_sms_gateway_is_a_transient_failure(settings):
    settings.KADERASI_SMS_HTTP_URL = "http://127.0.0.1:9/send"
    with pytest.raises(ChannelError) as error:
        SmsHttpChannel().send(message())
    assert error.value.permanent is False


def test_basic_credentials_are_sent_when_no_token_is_set(settings, sms):
    settings.KADERASI_SMS_HTTP_TOKEN = ""
    settings.KADERASI_SMS_HTTP_USERNAME = "kaderasi"
    settings.KADERASI_SMS_HTTP_PASSWORD = "rahasia"
    SmsHttpChannel().send(message())
    assert sms.requests[0]["headers"]["Authorization"] == "Basic a2FkZXJhc2k6cmFoYXNpYQ=="


def test_the_sms_status_url_tells_recovery_whether_a_reference_was_accepted(settings, sms):
    settings.KADERASI_SMS_HTTP_STATUS_URL = f"{sms.url}/status/{{reference}}"
    known = "6f1c2c1e-8a53-4f77-9d3c-6f0f3f7b1a01"
    sms.lookups[f"/status/{known}"] = (200, {"id": "abc-123", "status": "delivered"})
    channel = SmsHttpChannel()
    assert channel.recovery == Recovery.LOOKUP
    assert channel.find_sent(uuid.UUID(known)).provider_message_id == "abc-123"
    assert channel.find_sent(uuid.uuid4()) is None


def test_an_idempotent_sms_gateway_is_simply_sent_the_message_again_after_a_crash(settings, sms):
    settings.KADERASI_SMS_HTTP_IDEMPOTENT = True
    assert SmsHttpChannel().recovery == Recovery.RESEND
    settings.KADERASI_SMS_HTTP_IDEMPOTENT = False
    assert SmsHttpChannel().recovery == Recovery.NONE


# --- whatsapp ------------------------------------------------------------------------------


@pytest.fixture
def cloud_api(settings, gateway):
    settings.KADERASI_WHATSAPP_API_URL = f"{gateway.url}/v21.0"
    settings.KADERASI_WHATSAPP_PHONE_NUMBER_ID = "1098765"
    settings.KADERASI_WHATSAPP_TOKEN = "EAAG-token"
    gateway.answers = [
        (200, {"messaging_product": "whatsapp", "messages": [{"id": "wamid.HBgM123"}]})
    ]
    return gateway


def test_whatsapp_sends_the_approved_template_with_parameters_and_the_reminder_id(cloud_api):
    receipt = WhatsAppChannel().send(message())
    (request,) = cloud_api.requests
    assert request["path"] == "/v21.0/1098765/messages"
    assert request["headers"]["Authorization"] == "Bearer EAAG-token"
    assert request["json"] == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "6281298765432",
        "type": "template",
        "template": {
            "name": "kaderasi_session_family",
            "language": {"code": "id"},
            "components": [
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": value}
                        for value in ("Pak Budi", "Sri", "08.00", "10.00", "WIB", "10–15")
                    ],
                }
            ],
        },
        "biz_opaque_callback_data": "6f1c2c1e-8a53-4f77-9d3c-6f0f3f7b1a01",
    }
    assert receipt.provider_message_id == "wamid.HBgM123"


def test_whatsapp_template_parameters_never_carry_new_lines(cloud_api):
    assert template_parameter("• 08.00 Sri\n• 16.00 Sri\n") == "• 08.00 Sri; • 16.00 Sri"
    assert template_parameter("a\tb      c") == "a b   c"
    assert template_parameter("") == "-"


def test_a_rule_without_an_approved_template_cannot_go_through_whatsapp(cloud_api):
    with pytest.raises(ChannelError) as error:
        WhatsAppChannel().send(message(whatsapp_template=""))
    assert error.value.permanent is True
    assert cloud_api.requests == []


@pytest.mark.parametrize(
    ("status", "code", "permanent"),
    [
        (400, 131026, True),  # message undeliverable
        (400, 132001, True),  # template does not exist
        (400, 131048, False),  # spam rate limit: later
        (429, 130429, False),  # throughput reached
        (500, 1, False),
        (401, 190, False),  # expired token: retried while an admin renews it
    ],
)
def test_whatsapp_errors_are_retried_only_when_they_may_pass(cloud_api, status, code, permanent):
    cloud_api.answers = [(status, {"error": {"code": code, "message": "Error text"}})]
    with pytest.raises(ChannelError) as error:
        WhatsAppChannel().send(message())
    assert error.value.permanent is permanent
    assert error.value.reason == f"WhatsApp error {code}: Error text"


def test_an_unknown_message_backend_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured, match="Unknown message backend 'pigeon'"):
        channel_named("pigeon")
    with pytest.raises(ImproperlyConfigured, match="is not a MessageChannel"):
        channel_named("kaderasi.reminders.tests.test_channels.message")


def test_every_built_in_backend_is_available_by_name():
    names = {
        name: channel_named(name).name
        for name in ("console", "file", "email", "sms-http", "whatsapp")
    }
    assert names == {
        "console": "console",
        "file": "file",
        "email": "email",
        "sms-http": "sms-http",
        "whatsapp": "whatsapp",
    }


@pytest.mark.django_db
def test_a_message_through_whatsapp_end_to_end_renders_the_rules_parameters(
    settings, cloud_api, world
):
    from kaderasi.reminders.models import Reminder, ReminderKind, ReminderStatus
    from kaderasi.reminders.services import reminder_sweep
    from kaderasi.reminders.tests import factories as rf

    settings.KADERASI_MESSAGE_BACKEND = "whatsapp"
    cadre = rf.cadre_with_phone(programme=world.programme, posyandu=world.mawar, name="Wati")
    mother = rf.mother_in_care(
        programme=world.programme, posyandu=world.mawar, cadre=cadre, name="Sri Rahayu"
    )
    rf.ScheduledSessionFactory(
        mother=mother, window_starts_at=dt.datetime(2026, 11, 29, 9, 0, tzinfo=rf.WIB)
    )
    reminder_sweep(now=dt.datetime(2026, 11, 29, 8, 30, tzinfo=rf.WIB))
    to_cadre = next(
        r["json"]
        for r in cloud_api.requests
        if r["json"]["template"]["name"] == "kaderasi_session_cadre"
    )
    assert [p["text"] for p in to_cadre["template"]["components"][0]["parameters"]] == [
        "Sri Rahayu",
        "09.00",
        "11.00",
        "WIB",
        "1",
        "1",
    ]
    sent = Reminder.objects.get(kind=ReminderKind.SESSION_DUE, recipient_role="cadre")
    assert (sent.status, sent.provider_message_id, sent.channel) == (
        ReminderStatus.SENT,
        "wamid.HBgM123",
        "whatsapp",
    )


def test_the_deploy_check_reports_a_backend_that_cannot_send(settings):
    from kaderasi.reminders.checks import check_message_backend

    settings.KADERASI_MESSAGE_BACKEND = "whatsapp"
    settings.KADERASI_WHATSAPP_TOKEN = ""
    (warning,) = check_message_backend()
    assert warning.id == "reminders.W001"
    assert "KADERASI_WHATSAPP_TOKEN" in warning.msg
    settings.KADERASI_MESSAGE_BACKEND = "pigeon"
    assert [message.id for message in check_message_backend()] == ["reminders.E001"]
    settings.KADERASI_MESSAGE_BACKEND = "file"
    assert check_message_backend() == []


def test_the_deploy_check_warns_that_the_console_backend_delivers_nothing_in_production(settings):
    from kaderasi.reminders.checks import check_console_backend_in_production

    settings.KADERASI_MESSAGE_BACKEND = "console"
    settings.DEBUG = False
    (warning,) = check_console_backend_in_production()
    assert (warning.id, warning.level) == ("reminders.W002", checks.WARNING)
    settings.DEBUG = True
    assert check_console_backend_in_production() == []
    settings.DEBUG = False
    for backend in ("file", "email", "sms-http", "whatsapp"):
        settings.KADERASI_MESSAGE_BACKEND = backend
        assert check_console_backend_in_production() == []


@pytest.mark.parametrize(
    ("debug", "backend"), [("true", "console"), ("false", "file"), ("", "file")]
)
def test_without_a_message_backend_set_production_writes_the_outbox_file(debug, backend, tmp_path):
    """Unset, the backend is the console in development and the outbox file otherwise, so a
    production server neither prints messages into its logs nor fails the deploy check."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("KADERASI_", "DJANGO_", "DEBUG"))
    }
    environment.update({"DEBUG": debug, "SECRET_KEY": "x" * 50, "KADERASI_DATA_DIR": str(tmp_path)})
    configured = subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.KADERASI_MESSAGE_BACKEND)"],
        cwd=django_settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    assert configured.stdout.strip() == backend
