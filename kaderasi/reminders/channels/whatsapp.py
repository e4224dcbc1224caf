"""WhatsApp Cloud API: business-initiated messages must use templates approved by Meta, so each
rule names its template and which placeholders fill the template's parameters.

The Cloud API has no idempotency key, so an interrupted send is never repeated; the reminder's
UUID travels as `biz_opaque_callback_data` and the status webhook confirms such a message later."""

import re

from django.conf import settings

from kaderasi.reminders.channels import (
    ChannelError,
    MessageChannel,
    OutgoingMessage,
    Receipt,
    Recovery,
)
from kaderasi.reminders.channels.http import is_transient_status, request_json

# Graph API error codes worth retrying: throttling and temporary unavailability.
TRANSIENT_ERROR_CODES = {1, 2, 4, 17, 341, 80007, 130429, 131000, 131016, 131048, 131056, 133004}
LANGUAGE_CODES = {"id": "id", "en": "en"}


def template_parameter(value: str) -> str:
    """Template parameters may not contain new lines, tabs or more than four spaces in a row."""
    text = re.sub(r"\s*\n\s*", "; ", value.strip())
    text = text.replace("\t", " ")
    return re.sub(r" {4,}", "   ", text) or "-"


class WhatsAppChannel(MessageChannel):
    name = "whatsapp"
    recovery = Recovery.NONE

    def send(self, message: OutgoingMessage) -> Receipt:
        if not message.whatsapp_template:
            raise ChannelError(
                "This reminder rule has no approved WhatsApp template.", permanent=True
            )
        if not (settings.KADERASI_WHATSAPP_PHONE_NUMBER_ID and settings.KADERASI_WHATSAPP_TOKEN):
            raise ChannelError("The WhatsApp phone number id or access token is not set.")
        url = (
            f"{settings.KADERASI_WHATSAPP_API_URL.rstrip('/')}/"
            f"{settings.KADERASI_WHATSAPP_PHONE_NUMBER_ID}/messages"
        )
        payload = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": message.phone.lstrip("+"),
            "type": "template",
            "template": {
                "name": message.whatsapp_template,
                "language": {"code": LANGUAGE_CODES.get(message.language, message.language)},
                "components": [
                    {
                        "type": "body",
                        "parameters": [
                            {"type": "text", "text": template_parameter(value)}
                            for value in message.whatsapp_parameters
                        ],
                    }
                ],
            },
            "biz_opaque_callback_data": str(message.reminder_id),
        }
        response = request_json(
            "POST",
            url,
            payload=payload,
            headers={"Authorization": f"Bearer {settings.KADERASI_WHATSAPP_TOKEN}"},
            timeout=settings.KADERASI_WHATSAPP_TIMEOUT_SECONDS,
        )
        body = response.body if isinstance(response.body, dict) else {}
        if 200 <= response.status < 300:
            messages = body.get("messages") or [{}]
            provider_id = messages[0].get("id") or ""
            if not provider_id:
                raise ChannelError("WhatsApp accepted the request but returned no message id.")
            return Receipt(provider_message_id=provider_id)
        error = body.get("error") or {}
        code = error.get("code")
        transient = is_transient_status(response.status) or code in TRANSIENT_ERROR_CODES
        raise ChannelError(
            f"WhatsApp error {code or response.status}: {error.get('message', response.text)}",
            permanent=not transient,
        )
