"""Run kaderasi's benchmarks and write bench/results.json.

Each `bench/bench_*.py` module exposes `run() -> dict` of measurements (numbers with units in the
key names). They run against a throwaway database (SQLite in a temporary data directory, or the
PostgreSQL server in DATABASE_URL with a `test_` database), never against real data.

Usage: python bench/run.py [name ...]     (make bench)
"""

import datetime as dt
import importlib.util
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def main(selected: list[str]) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    os.environ.setdefault("KADERASI_DATA_DIR", tempfile.mkdtemp(prefix="kaderasi-bench-"))
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    results_path = HERE / "results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    try:
        for path in sorted(HERE.glob("bench_*.py")):
            name = path.stem.removeprefix("bench_")
            if selected and name not in selected:
                continue
            spec = importlib.util.spec_from_file_location(path.stem, path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            started = time.perf_counter()
            measured = module.run()
            measured["bench_seconds"] = round(time.perf_counter() - started, 2)
            results[name] = measured
            print(f"{name}: {json.dumps(measured)}")
    finally:
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
    results["_machine"] = {
        "date": dt.date.today().isoformat(),
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "database": connection.vendor,
    }
    results_path.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"written {results_path.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
