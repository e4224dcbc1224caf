"""The development channel: prints each message to standard output."""

import sys

from kaderasi.reminders.channels import (
    MessageChannel,
    OutgoingMessage,
    Receipt,
    Recovery,
    mask_phone,
)


class ConsoleChannel(MessageChannel):
    """Prints the message with the reminder's UUID; the number is masked, because a worker's
    output usually ends up in a log."""

    name = "console"
    recovery = Recovery.NONE

    def __init__(self, stream=None):
        self.stream = stream

    def send(self, message: OutgoingMessage) -> Receipt:
        stream = self.stream or sys.stdout
        stream.write(
            f"--- reminder {message.reminder_id} ({message.kind} → {message.recipient_role}, "
            f"{mask_phone(message.phone)}, {message.language})\n{message.text}\n"
        )
        stream.flush()
        return Receipt(provider_message_id=f"console:{message.reminder_id}")
