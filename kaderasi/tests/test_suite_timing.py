"""The suite asserts no timing (speed goals live in bench/) but does not wait forever.

A test that hangs (a browser call that never returns: the crawl waited 25 minutes on one in a
run with eight workers) fails after the suite's timeout with every thread's stack, and the run goes
on with a new worker instead of waiting for CI's limit (decision 0270)."""

import subprocess
import sys
import time
import tomllib
from pathlib import Path

from hypothesis import settings

ROOT = Path(__file__).resolve().parents[2]


def test_hypothesis_gives_an_example_all_the_time_it_needs():
    assert settings.default.deadline is None


def test_the_suite_fails_a_hung_test_with_its_stack_and_runs_the_rest():
    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]
    options = options["ini_options"]
    assert options["timeout_method"] == "thread"
    assert 60 <= options["faulthandler_timeout"] < options["timeout"] <= 600


def test_a_hung_test_fails_and_the_other_tests_still_run(tmp_path):
    (tmp_path / "test_hang.py").write_text(
        "import time\n\n"
        "def test_hangs():\n    time.sleep(120)\n\n"
        "def test_one():\n    assert True\n\n"
        "def test_two():\n    assert True\n"
    )
    started = time.monotonic()
    run = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "-c", str(ROOT / "pyproject.toml")),
            *("--rootdir", str(tmp_path), "-p", "no:cacheprovider", "-p", "no:django"),
            *(
                "-n",
                "2",
                "-o",
                "timeout=4",
                "-o",
                "faulthandler_timeout=2",
                str(tmp_path / "test_hang.py"),
            ),
        ],
        capture_output=True,
        text=True,
        timeout=110,
        cwd=tmp_path,
    )
    assert time.monotonic() - started < 100
    assert run.returncode == 1
    assert "Timeout (0:00:02)!" in run.stderr
    assert 'test_hang.py", line 4 in test_hangs' in run.stderr  # the hung test's stack
    assert "worker 'gw" in run.stdout and "crashed while running" in run.stdout
    assert "1 failed, 2 passed" in run.stdout
