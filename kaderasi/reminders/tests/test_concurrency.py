"""Nothing is sent twice: two sweeps in two processes at once, a sender killed (SIGKILL) after
it claimed, and a sweep that outlives its claim lease. Runs against the database of the test run:
CI runs it on SQLite and on PostgreSQL."""

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
from django.utils import timezone

from kaderasi.reminders.channels.file import FileChannel
from kaderasi.reminders.dispatch import dispatch_due
from kaderasi.reminders.models import Reminder, ReminderStatus
from kaderasi.reminders.services import reminder_plan, reminder_sweep
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


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=django_settings.KADERASI_REMINDER_CLAIM_LEASE_SECONDS)


def real_clock_later(delay: dt.timedelta):
    """The real clock, `delay` on: how another worker sees the time once that much has passed."""
    return lambda: timezone.now() + delay


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

    # Within the lease (on the real clock) nobody touches the claimed rows, even a sweep for a
    # later time; once the lease has run out, recovery settles them.
    within_lease = reminder_sweep(now=SWEEP_AT + dt.timedelta(minutes=6))
    assert within_lease.dispatch.recovered == []
    assert Reminder.objects.filter(status=ReminderStatus.SENDING).count() == len(claimed)
    recovery = reminder_sweep(
        now=SWEEP_AT + dt.timedelta(minutes=6),
        clock=real_clock_later(lease() + dt.timedelta(minutes=1)),
    )

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


# --- A sweep that outlives its claim lease -----------------------------------------------------


def due_at_sweep() -> dict[int, str]:
    """Plan at SWEEP_AT; the reminders due then (at least three per household), by pk."""
    reminder_plan(now=SWEEP_AT, channel_name="file")
    due = dict(
        Reminder.objects.filter(due_at__lte=SWEEP_AT, stale_at__gt=SWEEP_AT).values_list(
            "pk", "public_id"
        )
    )
    assert len(due) >= 3 * 3
    return {pk: str(public_id) for pk, public_id in due.items()}


def assert_each_written_once(outbox) -> None:
    written = written_ids(outbox)
    assert written and set(written.values()) == {1}


class GatewayDuringWhichAnotherSweepRuns(FileChannel):
    """Writes to the outbox file like the file channel; its first message takes so long that
    `other_sweep` (another worker's sweep) runs before it returns."""

    def __init__(self, other_sweep):
        super().__init__()
        self.other_sweep = other_sweep
        self.other_outcome = None

    def send(self, message):
        receipt = super().send(message)
        if self.other_outcome is None:
            self.other_outcome = self.other_sweep()
        return receipt


def test_a_sweep_whose_claims_were_recovered_by_another_sweep_does_not_send_them_again(
    world, reminder_defaults, outbox
):
    """The first sweep claims its batch at 08:40:05 (real time). Its gateway takes more than the
    lease over the first message; a sweep of another worker, past the lease on the real clock,
    recovers the batch and sends it. The first sweep then sends nothing more of it."""
    households(world, 3)
    due = due_at_sweep()
    claimed_at = dt.datetime(2026, 11, 29, 8, 40, 5, tzinfo=WIB)
    past_the_lease = claimed_at + lease() + dt.timedelta(minutes=1)
    gateway = GatewayDuringWhichAnotherSweepRuns(
        lambda: dispatch_due(
            now=past_the_lease, channel=FileChannel(), clock=lambda: past_the_lease
        )
    )

    slow = dispatch_due(now=SWEEP_AT, channel=gateway, clock=lambda: claimed_at)

    other = gateway.other_outcome
    # The other sweep took over every claim of the slow one: the message the slow gateway wrote
    # is confirmed from the outbox file, the others it sent itself. The slow sweep sent no more.
    assert {row.pk for row in other.recovered} == set(due)
    assert slow.sent == []
    assert set(due.values()) <= set(written_ids(outbox))
    assert_each_written_once(outbox)
    assert set(Reminder.objects.filter(pk__in=due).values_list("status", flat=True)) == {
        ReminderStatus.SENT
    }


def test_a_sweep_for_a_past_time_keeps_its_claims_while_a_worker_sweeps_at_the_real_time(
    world, reminder_defaults, outbox
):
    """`kaderasi reminders --now 2026-11-29T08:40` run at 16:00 while the worker sweeps every
    minute: its claims are stamped with the real time, so the worker does not take them over
    as if they had been abandoned at 08:40."""
    households(world, 3)
    due = due_at_sweep()
    real_time = dt.datetime(2026, 11, 29, 16, 0, tzinfo=WIB)
    a_minute_later = real_time + dt.timedelta(minutes=1)
    gateway = GatewayDuringWhichAnotherSweepRuns(
        lambda: dispatch_due(
            now=a_minute_later, channel=FileChannel(), clock=lambda: a_minute_later
        )
    )

    by_hand = dispatch_due(now=SWEEP_AT, channel=gateway, clock=lambda: real_time)

    assert gateway.other_outcome.recovered == []
    assert {row.pk for row in by_hand.sent} == set(due)
    assert not {row.pk for row in gateway.other_outcome.sent} & set(due)
    assert_each_written_once(outbox)
