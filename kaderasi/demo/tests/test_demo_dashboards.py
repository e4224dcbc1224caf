"""The demo's dashboards have numbers from the start, and `kaderasi demo` serves with its worker."""

import contextlib
import os
import subprocess
import sys
import time

import pytest
from django.urls import reverse

from kaderasi.accounts.models import User
from kaderasi.demo.management.commands import demo as demo_command
from kaderasi.demo.seeding import seed_demo
from kaderasi.reports.models import MotherRollup, RollupState
from kaderasi.reports.rollups import STATE_NAME


@pytest.mark.django_db
def test_the_demo_builds_the_rollups_so_the_dashboards_have_numbers(client, now, monkeypatch):
    monkeypatch.setattr("kaderasi.core.clock.now", lambda: now)

    seed_demo(now=now)

    assert RollupState.objects.get(name=STATE_NAME).last_rebuild_at == now
    assert MotherRollup.objects.filter(programme__slug="demo-live").exists()
    client.force_login(User.objects.get(username="bidan"))
    response = client.get(reverse("reports:dashboard"))
    board = response.context["board"]
    assert board.mothers["postpartum"] > 0
    assert board.cadres["certified"] > 0
    assert board.refreshed_at == now
    assert "kaderasi rollups rebuild" not in response.content.decode()


SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def test_the_worker_runs_while_the_block_runs_and_is_stopped_after_it():
    with demo_command.worker_beside(SLEEPER) as worker:
        assert worker.poll() is None

    assert worker.returncode is not None


def test_the_worker_is_stopped_when_the_server_is_interrupted():
    with pytest.raises(KeyboardInterrupt), demo_command.worker_beside(SLEEPER) as worker:
        raise KeyboardInterrupt

    assert worker.returncode is not None


def test_the_worker_dies_with_the_demo_process_even_when_it_is_killed(tmp_path):
    # A demo process that starts its worker and is then killed with SIGKILL (no cleanup runs).
    pid_file = tmp_path / "worker.pid"
    script = (
        "import os, signal, django\n"
        "django.setup()\n"
        "from kaderasi.demo.management.commands.demo import worker_beside\n"
        f"with worker_beside({SLEEPER!r}) as worker:\n"
        f"    open({str(pid_file)!r}, 'w').write(str(worker.pid))\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    subprocess.run([sys.executable, "-c", script], check=False, timeout=30)
    worker_pid = int(pid_file.read_text())

    assert _gone_within(worker_pid, seconds=5)


def test_serving_the_demo_runs_the_worker_beside_the_server(monkeypatch):
    seen = {}

    def runserver(name, *args, **options):
        if name == "runserver":
            seen["worker_running"] = seen["worker"].poll() is None

    real_worker_beside = demo_command.worker_beside

    @contextlib.contextmanager
    def worker_beside(command):
        seen["command"] = command
        with real_worker_beside(SLEEPER) as worker:
            seen["worker"] = worker
            yield worker

    monkeypatch.setattr(demo_command, "call_command", runserver)
    monkeypatch.setattr(demo_command, "seed_demo", lambda now: [])
    monkeypatch.setattr(demo_command, "worker_beside", worker_beside)

    demo_command.Command().handle(addr="127.0.0.1:8116", no_serve=False, no_worker=False)

    assert seen["command"] == [sys.executable, "-m", "kaderasi", "worker"]
    assert seen["worker_running"] is True
    assert seen["worker"].returncode is not None


def _gone_within(pid: int, *, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        try:  # a zombie waiting for init to reap it has stopped too
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().split()[2] == "Z":
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.1)
    return False
