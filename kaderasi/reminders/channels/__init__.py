"""Message channels behind one small interface, chosen by KADERASI_MESSAGE_BACKEND.

A channel sends one message and returns the gateway's id for it. Sending again after a crash must
never deliver a message twice, so each channel says how an interrupted send is recovered:
`LOOKUP` asks the channel whether it already has the message (the outbox file is searched for
the reminder's UUID), `RESEND` sends again with the same reference because the gateway ignores a
repeated one, and `NONE` gives up (at most once) when the channel cannot tell."""

import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

BUILT_IN_CHANNELS = {
    "console": "kaderasi.reminders.channels.console.ConsoleChannel",
    "file": "kaderasi.reminders.channels.file.FileChannel",
    "email": "kaderasi.reminders.channels.email.EmailChannel",
    "sms-http": "kaderasi.reminders.channels.sms_http.SmsHttpChannel",
    "whatsapp": "kaderasi.reminders.channels.whatsapp.WhatsAppChannel",
}


@dataclass(frozen=True)
class OutgoingMessage:
    """One rendered message. `reminder_id` is the reference given to gateways."""

    reminder_id: uuid.UUID
    kind: str
    recipient_role: str
    phone: str
    email: str
    language: str
    text: str
    subject: str = ""
    whatsapp_template: str = ""
    whatsapp_parameters: tuple[str, ...] = ()
    sent_at: str = ""


@dataclass(frozen=True)
class Receipt:
    provider_message_id: str


class ChannelError(Exception):
    """Sending failed. A permanent error (a refused number, a missing template) is not retried."""

    def __init__(self, reason: str, *, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason[:500]
        self.permanent = permanent


class Recovery(StrEnum):
    LOOKUP = "lookup"
    RESEND = "resend"
    NONE = "none"


class MessageChannel(ABC):
    name: str = ""
    # What the channel addresses: a phone number (E.164) or an e-mail address.
    address: str = "phone"
    recovery: Recovery = Recovery.NONE

    @abstractmethod
    def send(self, message: OutgoingMessage) -> Receipt:
        """Hand `message` to the gateway; raise ChannelError when it is not accepted."""

    def find_sent(self, reminder_id: uuid.UUID) -> Receipt | None:
        """For `LOOKUP` channels: the receipt of a message already accepted, else None."""
        raise NotImplementedError


def channel_named(name: str) -> MessageChannel:
    """An instance of the channel `name`: a built-in name or the dotted path of a
    MessageChannel subclass (for a deployment's own gateway)."""
    path = BUILT_IN_CHANNELS.get(name, name)
    if "." not in path:
        raise ImproperlyConfigured(
            f"Unknown message backend {name!r}; use one of {', '.join(BUILT_IN_CHANNELS)}."
        )
    channel_class = import_string(path)
    if not (isinstance(channel_class, type) and issubclass(channel_class, MessageChannel)):
        raise ImproperlyConfigured(f"{path} is not a MessageChannel.")
    return channel_class()


def configured_channel() -> MessageChannel:
    return channel_named(settings.KADERASI_MESSAGE_BACKEND)


def channel_for_recovery(name: str, configured: MessageChannel) -> MessageChannel:
    """The channel that may have sent a message recorded as sent through `name`."""
    if name == configured.name:
        return configured
    if name in BUILT_IN_CHANNELS:
        return channel_named(name)
    return configured


def mask_phone(phone: str) -> str:
    """A phone number shown only by its last three digits (for development output)."""
    return f"…{phone[-3:]}" if phone else "-"
