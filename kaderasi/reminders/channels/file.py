"""Appends one JSON object per message to $KADERASI_DATA_DIR/outbox.jsonl (KADERASI_OUTBOX_PATH).

Write, then mark: the line is flushed to disk before the reminder is marked sent. After a crash
between the two, recovery finds the reminder's UUID in the file and marks it sent without
writing it again."""

import fcntl
import json
import os
import uuid
from pathlib import Path

from django.conf import settings

from kaderasi.reminders.channels import MessageChannel, OutgoingMessage, Receipt, Recovery


class FileChannel(MessageChannel):
    name = "file"
    recovery = Recovery.LOOKUP

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path or settings.KADERASI_OUTBOX_PATH)

    def send(self, message: OutgoingMessage) -> Receipt:
        record = {
            "id": str(message.reminder_id),
            "kind": message.kind,
            "recipient_role": message.recipient_role,
            "to": message.phone,
            "email": message.email,
            "language": message.language,
            "text": message.text,
            "whatsapp_template": message.whatsapp_template,
            "whatsapp_parameters": list(message.whatsapp_parameters),
            "sent_at": message.sent_at,
        }
        line = json.dumps(record, ensure_ascii=False) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a+b") as outbox:
            fcntl.flock(outbox, fcntl.LOCK_EX)
            try:
                # A writer killed mid-line leaves a torn line: start ours on a fresh one.
                outbox.seek(0, os.SEEK_END)
                if outbox.tell() > 0:
                    outbox.seek(-1, os.SEEK_END)
                    if outbox.read(1) != b"\n":
                        outbox.write(b"\n")
                outbox.write(line.encode())
                outbox.flush()
                os.fsync(outbox.fileno())
            finally:
                fcntl.flock(outbox, fcntl.LOCK_UN)
        return Receipt(provider_message_id=f"file:{message.reminder_id}")

    def find_sent(self, reminder_id: uuid.UUID) -> Receipt | None:
        wanted = str(reminder_id)
        if not self.path.exists():
            return None
        with open(self.path, encoding="utf-8", errors="replace") as outbox:
            for line in outbox:
                if wanted not in line:
                    continue
                try:
                    record = json.loads(line)
                except ValueError:
                    continue  # a torn line: that write never completed
                if record.get("id") == wanted:
                    return Receipt(provider_message_id=f"file:{wanted}")
        return None
