"""Channels used by the tests (selected with KADERASI_MESSAGE_BACKEND as dotted paths)."""

import os
import time
from pathlib import Path

from kaderasi.reminders.channels import ChannelError, MessageChannel, OutgoingMessage, Receipt
from kaderasi.reminders.channels.file import FileChannel


class FailingChannel(MessageChannel):
    """Every send fails, as a gateway that is down would."""

    name = "sms-http"

    def send(self, message: OutgoingMessage) -> Receipt:
        raise ChannelError("SMS gateway answered 503: try later")


class RejectingChannel(MessageChannel):
    """Every send is refused for good, as an invalid number would be."""

    name = "sms-http"

    def send(self, message: OutgoingMessage) -> Receipt:
        raise ChannelError("SMS gateway answered 400: invalid number", permanent=True)


def _touch_marker() -> None:
    marker = os.environ.get("KADERASI_TEST_MARKER")
    if marker:
        Path(marker).touch()


class SlowFileChannel(FileChannel):
    """The outbox file, a little slow (a real gateway takes time), so sweeps overlap."""

    def send(self, message: OutgoingMessage) -> Receipt:
        time.sleep(0.01)
        return super().send(message)


class HangBeforeWriteChannel(FileChannel):
    """Claims, then hangs before writing anything: killed here, nothing was sent."""

    def send(self, message: OutgoingMessage) -> Receipt:
        _touch_marker()
        time.sleep(600)
        return super().send(message)


class HangAfterWriteChannel(FileChannel):
    """Writes the message, then hangs before the reminder is marked sent: killed here, the
    message went out but the database does not know it yet."""

    def send(self, message: OutgoingMessage) -> Receipt:
        receipt = super().send(message)
        _touch_marker()
        time.sleep(600)
        return receipt
