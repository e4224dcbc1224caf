"""Django imports every app's modules with each command; scipy and matplotlib (150 MB between
them) are imported only where a statistic is computed or a chart drawn, so a command that needs
neither (an import of a programme workbook, a sync push) does not carry them (issue 15)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_setting_django_up_imports_neither_scipy_nor_matplotlib(tmp_path):
    script = (
        "import sys, django; django.setup(); "
        "import kaderasi.reports.charts, kaderasi.evaluation.statistics, "
        "kaderasi.training.scoring, kaderasi.interop.management.commands; "
        "print(sorted(m for m in ('scipy', 'matplotlib') if m in sys.modules))"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "KADERASI_DATA_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT),
    }
    loaded = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assert loaded.strip() == "[]"
