"""A newcomer's first minutes (issue 18, Build 10): `kaderasi demo` as the README shows it runs
without environment variables, and the README's Indonesian summary names every demo login and says
that the demo also starts a worker."""

import os
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[3] / "README.md"
DEMO_LOGINS = ["admin", "koordinator", "bidan", "kader", "dinkes"]


def _kaderasi(*args: str) -> subprocess.CompletedProcess:
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    return subprocess.run(
        [sys.executable, "-m", "kaderasi", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_kaderasi_demo_starts_without_any_environment_variable():
    finished = _kaderasi("demo", "--help")
    assert (finished.returncode, finished.stderr) == (0, "")
    assert "--no-worker" in finished.stdout


def test_other_commands_still_refuse_to_start_without_a_secret_key():
    finished = _kaderasi("check")
    assert finished.returncode == 1
    assert "SECRET_KEY must be set when DEBUG is off." in finished.stderr


def test_the_indonesian_summary_names_every_demo_login_and_the_worker():
    summary = README.read_text().split("\n\n", 2)[1]
    assert summary.startswith("> **Ringkasan (Bahasa Indonesia).**")
    assert [login for login in DEMO_LOGINS if f"`{login}`" not in summary] == []
    assert "*worker*" in summary


def test_the_readme_says_the_demo_starts_a_worker_and_needs_no_environment():
    try_it = README.read_text().split("## Try it", 1)[1].split("## Test it", 1)[0]
    assert "background\nworker (`kaderasi worker`" in try_it
    assert re.search(r"It needs no environment variable", try_it)
    assert [login for login in DEMO_LOGINS if f"| `{login}` |" not in try_it] == []
