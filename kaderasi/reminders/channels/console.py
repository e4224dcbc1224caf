"""The development channel: prints each message to standard output."""

import sys

from django.conf import settings

from kaderasi.reminders.channels import (
    MessageChannel,
    OutgoingMessage,
    Receipt,
    Recovery,
    mask_phone,
)


class ConsoleChannel(MessageChannel):
    """Prints the reminder's UUID, kind and channel. A worker's output usually ends up in a log,
    and a message's text names the mother and her cadre, so the text (with the number masked)
    is printed only when DEBUG is on."""

    name = "console"
    recovery = Recovery.NONE

    def __init__(self, stream=None):
        self.stream = stream

    def send(self, message: OutgoingMessage) -> Receipt:
        stream = self.stream or sys.stdout
        if settings.DEBUG:
            stream.write(
                f"--- reminder {message.reminder_id} ({message.kind} → {message.recipient_role}, "
                f"{mask_phone(message.phone)}, {message.language})\n{message.text}\n"
            )
        else:
            stream.write(f"--- reminder {message.reminder_id} ({message.kind}, {self.name})\n")
        stream.flush()
        return Receipt(provider_message_id=f"console:{message.reminder_id}")
