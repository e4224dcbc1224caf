"""A generic HTTP SMS gateway: POST {"to", "text", "reference", "sender"} as JSON to
KADERASI_SMS_HTTP_URL, with basic credentials or a bearer token.

The reminder's UUID travels as `reference`. After an interrupted send, the gateway is asked
whether it has that reference (KADERASI_SMS_HTTP_STATUS_URL, with {reference} in it); a gateway
that ignores a repeated reference (KADERASI_SMS_HTTP_IDEMPOTENT=true) is simply sent the message
again; otherwise the message is not repeated."""

import uuid
from urllib.parse import quote

from django.conf import settings

from kaderasi.reminders.channels import (
    ChannelError,
    MessageChannel,
    OutgoingMessage,
    Receipt,
    Recovery,
)
from kaderasi.reminders.channels.http import basic_auth, is_transient_status, request_json


class SmsHttpChannel(MessageChannel):
    name = "sms-http"

    def __init__(self):
        self.url = settings.KADERASI_SMS_HTTP_URL
        self.status_url = settings.KADERASI_SMS_HTTP_STATUS_URL
        self.timeout = settings.KADERASI_SMS_HTTP_TIMEOUT_SECONDS
        self.sender = settings.KADERASI_SMS_HTTP_SENDER
        if self.status_url:
            self.recovery = Recovery.LOOKUP
        elif settings.KADERASI_SMS_HTTP_IDEMPOTENT:
            self.recovery = Recovery.RESEND
        else:
            self.recovery = Recovery.NONE

    def _headers(self) -> dict[str, str]:
        if settings.KADERASI_SMS_HTTP_TOKEN:
            return {"Authorization": f"Bearer {settings.KADERASI_SMS_HTTP_TOKEN}"}
        if settings.KADERASI_SMS_HTTP_USERNAME:
            return {
                "Authorization": basic_auth(
                    settings.KADERASI_SMS_HTTP_USERNAME, settings.KADERASI_SMS_HTTP_PASSWORD
                )
            }
        return {}

    def send(self, message: OutgoingMessage) -> Receipt:
        if not self.url:
            raise ChannelError("KADERASI_SMS_HTTP_URL is not set.")
        payload = {"to": message.phone, "text": message.text, "reference": str(message.reminder_id)}
        if self.sender:
            payload["sender"] = self.sender
        response = request_json(
            "POST", self.url, payload=payload, headers=self._headers(), timeout=self.timeout
        )
        if 200 <= response.status < 300:
            return Receipt(provider_message_id=_message_id(response.body, message.reminder_id))
        raise ChannelError(
            f"SMS gateway answered {response.status}: {response.text}",
            permanent=not is_transient_status(response.status),
        )

    def find_sent(self, reminder_id: uuid.UUID) -> Receipt | None:
        url = self.status_url.replace("{reference}", quote(str(reminder_id)))
        response = request_json("GET", url, headers=self._headers(), timeout=self.timeout)
        if response.status == 404:
            return None
        if 200 <= response.status < 300:
            return Receipt(provider_message_id=_message_id(response.body, reminder_id))
        raise ChannelError(f"SMS gateway status lookup answered {response.status}")


def _message_id(body, reminder_id: uuid.UUID) -> str:
    if isinstance(body, dict):
        for field in ("id", "message_id", "messageId"):
            if body.get(field):
                return str(body[field])
    return f"sms:{reminder_id}"
