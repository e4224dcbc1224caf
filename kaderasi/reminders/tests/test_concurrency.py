"""Nothing is sent twice: two sweeps in two processes at once, and a sender killed (SIGKILL)
after it claimed. Runs against the database of the test run: CI runs it on SQLite and on
PostgreSQL."""

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from kaderasi.reminders.models import Reminder, ReminderStatus
from kaderasi.reminders.services import reminder_sweep
from kaderasi.reminders.tests import factories as rf

pytestmark = pytest.mark.django_db(transaction=True)

WIB = rf.WIB
SWEEP_AT = dt.datetime(2026, 11, 29, 8, 40, tzinfo=WIB)
REPO = Path(django_settings.BASE_DIR)


def households(world, count: int) -> None:
    """`count` mothers in care of three cadres, each with a session at 09:00: several
    reminders each are due at 08:40."""
    rf.no_quiet_hours(world.programme)
    cadres = [
        rf.cadre_with_phone(
            programme=world.programme, posyandu=world.mawar, phone=f"+628121111000{index}"
        )
        for index in range(3)
    ]
    for index in range(count):
        mother = rf.mother_in_care(
            programme=world.programme,
            posyandu=world.mawar,
            cadre=cadres[index % 3],
            phone=f"+62812333{index:05d}",
        )
        rf.ScheduledSessionFactory(
            mother=mother, window_starts_at=dt.datetime(2026, 11, 29, 9, 0, tzinfo=WIB)
        )


def sweeper(env: dict, *extra: str, now: dt.datetime = SWEEP_AT) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kaderasi.reminders.tests.sweeper",
            "--now",
            now.isoformat(),
            *extra,
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(path: Path, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if process.poll() is not None:
            raise AssertionError(process.stderr.read())
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.01)


def finish(process: subprocess.Popen) -> dict:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


def written_ids(outbox) -> Counter:
    return Counter(line["id"] for line in outbox())


def test_two_sweeps_at_once_send_every_due_reminder_exactly_once(
    world, shared_database, process_env, outbox, tmp_path
):
    households(world, 8)
    shared_database.share()
    env = {
        **process_env,
        "KADERASI_MESSAGE_BACKEND": "kaderasi.reminders.tests.channels.SlowFileChannel",
        "KADERASI_REMINDER_CLAIM_BATCH": "3",
    }
    go = tmp_path / "go"
    first = sweeper(env, "--ready-file", str(tmp_path / "a"), "--go-file", str(go))
    second = sweeper(env, "--ready-file", str(tmp_path / "b"), "--go-file", str(go))
    wait_for(tmp_path / "a", first)
    wait_for(tmp_path / "b", second)
    go.touch()
    results = [finish(first), finish(second)]
    shared_database.collect()

    sent = Reminder.objects.filter(status=ReminderStatus.SENT)
    written = written_ids(outbox)
    assert sent.count() >= 8 * 3  # at least the baseline and two session reminders each
    assert written == Counter(
        {str(public_id): 1 for public_id in sent.values_list("public_id", flat=True)}
    )
    assert not Reminder.objects.filter(status=ReminderStatus.SENDING).exists()
    # Both sweeps really worked at the same time, each sending a share.
    assert all(result["sent"] for result in results)
    assert sorted(results[0]["sent"] + results[1]["sent"]) == sorted(written)
    # Planning twice at once still made one row per reminder.
    assert Reminder.objects.count() == len(
        set(Reminder.objects.values_list("planning_key", flat=True))
    )


@pytest.mark.parametrize(
    "channel", ["HangBeforeWriteChannel", "HangAfterWriteChannel"], ids=["before", "after"]
)
def test_a_sender_killed_mid_send_leaves_each_reminder_sent_exactly_once_after_recovery(
    world, shared_database, process_env, outbox, tmp_path, channel
):
    households(world, 3)
    shared_database.share()
    marker = tmp_path / "in-send"
    doomed = sweeper(
        {
            **process_env,
            "KADERASI_MESSAGE_BACKEND": f"kaderasi.reminders.tests.channels.{channel}",
            "KADERASI_TEST_MARKER": str(marker),
        }
    )
    wait_for(marker, doomed)
    os.kill(doomed.pid, signal.SIGKILL)
    doomed.wait(timeout=30)
    written_before = written_ids(outbox)
    assert sum(written_before.values()) == (1 if channel == "HangAfterWriteChannel" else 0)

    shared_database.collect()
    claimed = {
        str(public_id)
        for public_id in Reminder.objects.filter(status=ReminderStatus.SENDING).values_list(
            "public_id", flat=True
        )
    }
    assert len(claimed) >= 3

    # Within the lease nobody touches the claimed rows; after it, recovery settles them.
    within_lease = reminder_sweep(now=SWEEP_AT + dt.timedelta(minutes=2))
    assert within_lease.dispatch.recovered == []
    assert Reminder.objects.filter(status=ReminderStatus.SENDING).count() == len(claimed)
    recovery = reminder_sweep(now=SWEEP_AT + dt.timedelta(minutes=6))

    sent = Reminder.objects.filter(status=ReminderStatus.SENT)
    assert sent.count() >= 3 * 3
    assert written_ids(outbox) == Counter(
        {str(public_id): 1 for public_id in sent.values_list("public_id", flat=True)}
    )
    assert {str(row.public_id) for row in recovery.dispatch.recovered} == claimed
    assert claimed <= {str(public_id) for public_id in sent.values_list("public_id", flat=True)}
    assert not Reminder.objects.filter(status=ReminderStatus.SENDING).exists()
    confirmed = Reminder.objects.filter(status_reason="confirmed_after_interruption")
    assert {str(row.public_id) for row in confirmed} == set(written_before)
