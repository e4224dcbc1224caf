"""The heartbeat of long background work: it beats at once, then on a timer beside the work, and
stops with it; a failing beat never breaks the work."""

import threading
import time

from kaderasi.core.heartbeats import heartbeat


def test_a_heartbeat_beats_at_once_then_on_its_timer_until_the_work_ends():
    beats = []

    with heartbeat(lambda: beats.append(threading.current_thread().name), every=0.01):
        assert beats == ["MainThread"]
        time.sleep(0.2)
    after = len(beats)
    time.sleep(0.05)

    assert after >= 5
    assert set(beats[1:]) == {"heartbeat"}
    assert len(beats) == after


def test_a_failing_beat_is_logged_and_the_work_goes_on(caplog):
    calls = []

    def beat():
        calls.append(1)
        if len(calls) > 1:
            raise RuntimeError("database gone")

    with heartbeat(beat, every=0.01):
        time.sleep(0.05)

    assert len(calls) >= 2
    assert "heartbeat failed" in caplog.text
