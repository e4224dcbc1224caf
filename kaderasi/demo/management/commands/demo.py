"""kaderasi demo [--addr HOST:PORT] [--no-serve] [--no-worker]: migrate, load the demo, print
logins, then serve with the background worker (`kaderasi worker`) running beside the server, so
web exports finish and the rollups and reminders follow the clock."""

import contextlib
import ctypes
import ctypes.util
import signal
import subprocess
import sys
from collections.abc import Iterator

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kaderasi.core import clock
from kaderasi.demo.seeding import DEMO_PASSWORD, seed_demo

WORKER_STOP_TIMEOUT_SECONDS = 10
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def worker_command() -> list[str]:
    """The worker the demo runs beside its server: the same interpreter, settings and data
    directory (inherited through the environment)."""
    return [sys.executable, "-m", "kaderasi", "worker"]


def _stop_with_parent() -> None:
    """In the child, before it starts: ask Linux to send it SIGTERM when the demo process dies,
    even by SIGKILL, so the worker never outlives the server (elsewhere the `finally` below
    does the stopping)."""
    library = ctypes.util.find_library("c")
    if not sys.platform.startswith("linux") or library is None:
        return
    ctypes.CDLL(library, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@contextlib.contextmanager
def worker_beside(command: list[str]) -> Iterator[subprocess.Popen]:
    """Run `command` as a child process for as long as the block runs; stop it (SIGTERM, then
    SIGKILL after a grace period) however the block ends."""
    process = subprocess.Popen(command, preexec_fn=_stop_with_parent)  # noqa: S603
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=WORKER_STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _exit_on_sigterm(signum, frame) -> None:
    # Turn `kill PID` into a normal exit, so the worker is stopped by the `finally` above.
    sys.exit(128 + signum)


class Command(BaseCommand):
    help = "Migrate, load the demo programmes and logins, then serve kaderasi with its worker."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="HOST:PORT to serve on")
        parser.add_argument("--no-serve", action="store_true", help="prepare only; do not serve")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="serve without the background worker (when a `kaderasi worker` already runs)",
        )

    def handle(self, *args, addr: str, no_serve: bool, no_worker: bool, **options):
        call_command("migrate", interactive=False, verbosity=0)
        logins = seed_demo(now=clock.now())
        self.stdout.write(self.style.SUCCESS(_("Demo data ready.")))
        self.stdout.write(_("Demo logins (password: %(password)s):") % {"password": DEMO_PASSWORD})
        for login in logins:
            self.stdout.write(f"  {login.username:<12} {login.role.label}")
        if no_serve:
            return
        self.stdout.write(
            _("Open http://%(addr)s/ in a browser. Stop with Ctrl+C.") % {"addr": addr}
        )
        if no_worker:
            call_command("runserver", addr, use_reloader=False)
            return
        previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
        try:
            with worker_beside(worker_command()):
                call_command("runserver", addr, use_reloader=False)
        finally:
            signal.signal(signal.SIGTERM, previous)
