"""Run one reminders sweep in a process of its own, for the concurrency and crash tests:
`python -m kaderasi.reminders.tests.sweeper --now ISO [--ready-file P --go-file P]`.

The database, outbox and channel come from the environment (DATABASE_URL, KADERASI_OUTBOX_PATH,
KADERASI_MESSAGE_BACKEND). Prints what it sent as JSON."""

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--now", required=True)
    parser.add_argument("--ready-file")
    parser.add_argument("--go-file")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    from kaderasi.reminders.services import reminder_sweep

    if args.ready_file:
        Path(args.ready_file).touch()
    if args.go_file:
        deadline = time.monotonic() + 60
        while not Path(args.go_file).exists():
            if time.monotonic() > deadline:
                return 3
            time.sleep(0.002)
    outcome = reminder_sweep(now=dt.datetime.fromisoformat(args.now))
    sent = [*outcome.dispatch.sent, *outcome.dispatch.recovered]
    print(
        json.dumps(
            {
                "sent": [str(row.public_id) for row in sent if row.status == "sent"],
                "counts": outcome.counts(),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
