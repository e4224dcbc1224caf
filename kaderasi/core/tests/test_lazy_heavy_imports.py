"""Django imports every app's modules with each command; scipy and matplotlib (150 MB between
them) are imported only where a statistic is computed or a chart drawn, so a command that needs
neither (an import of a programme workbook, a sync push) does not carry them (issue 15)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def printed_by(script: str, tmp_path) -> str:
    """What `script` prints when run in a new Python process with the test settings."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "KADERASI_DATA_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_setting_django_up_imports_neither_scipy_nor_matplotlib(tmp_path):
    script = (
        "import sys, django; django.setup(); "
        "import kaderasi.reports.charts, kaderasi.evaluation.statistics, "
        "kaderasi.training.scoring, kaderasi.interop.management.commands; "
        "print(sorted(m for m in ('scipy', 'matplotlib') if m in sys.modules))"
    )
    loaded = printed_by(script, tmp_path)

    assert loaded.strip() == "[]"


def test_the_wsgi_application_freezes_the_objects_loaded_at_start_up(tmp_path):
    """A web worker freezes what it loaded at start-up, so that a full garbage collection during
    a request does not walk Django and the apps (decision 0300: one dashboard render in ten paid
    one)."""
    script = (
        "import gc; before = gc.get_freeze_count(); import config.wsgi; "
        "print(before, gc.get_freeze_count())"
    )
    before, frozen = (int(count) for count in printed_by(script, tmp_path).split())

    # Objects frozen before the import are not the worker's doing (in CI's coverage run, Python
    # 3.12 with coverage started in every subprocess, 375 were): the import must freeze thousands.
    assert frozen - before > 10_000
