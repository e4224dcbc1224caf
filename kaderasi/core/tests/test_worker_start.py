"""A web worker freezes what it loaded at start-up, so that a full garbage collection during a
request does not walk Django and the apps (decision 0300: one dashboard render in ten paid one)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_the_wsgi_application_freezes_the_objects_loaded_at_start_up(tmp_path):
    script = (
        "import gc; before = gc.get_freeze_count(); import config.wsgi; "
        "print(before, gc.get_freeze_count())"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "KADERASI_DATA_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT),
    }
    printed = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    before, frozen = (int(count) for count in printed.split())
    assert before == 0
    assert frozen > 10_000
