"""Run every benchmark on SQLite and PostgreSQL; write bench/results.json and docs/performance.md.

    make bench                          # every module, SQLite then PostgreSQL when reachable
    make bench BENCH="sync_push"        # some modules (names without `bench_`)
    python bench/run.py --quick         # BENCH_SCALE=0.2: a smoke run of every module
    python bench/run.py --databases sqlite

PostgreSQL is used when DATABASE_URL names a PostgreSQL server, or when one answers on
127.0.0.1:5432 as user `postgres`. Each module runs in its own subprocess against its own
throwaway database: a fresh data directory with a SQLite file, or on PostgreSQL the database
`test_<name>_<module>` (`<name>` from DATABASE_URL, default `kd_bench`), created and dropped
around the module. A module that fails (an exception, a crash, or more than BENCH_TIMEOUT seconds,
default 1800) does not stop the others; its error is printed and `make bench` exits 1.

The contract of a module `bench/bench_<what>.py` (follow it when you add one):

* It exposes `run() -> dict` of measurements, and measures against the database run.py has
  already set up (the test environment is set up, migrations applied, the tables empty). It never
  calls `setup_test_environment`, `setup_databases` or `create_test_db` itself; to run alone it
  ends with `if __name__ == "__main__": harness.standalone(run)` and runs as
  `python -m bench.bench_<what>` (see bench/harness.py). A module
  written the older way (setting up its own database inside `run()`) still runs: run.py lets the
  second `setup_test_environment` pass.
* It sizes its data with `harness.scaled(n)` so `--quick` / BENCH_SCALE shrinks it, and keeps the
  whole module under a couple of minutes at scale 1 on a two-core machine.
* The keys of the dict become the dotted keys of results.json: a key holding a dot is taken as
  it is (`"report.pdf_seconds"`), any other key is prefixed with the module's name
  (`bench_sync_push` returning `records_per_s` gives `sync_push.records_per_s`), and nested dicts
  are flattened with dots (`{"dashboards": {"admin": {"p95_ms": 80}}}` gives
  `dashboards.admin.p95_ms`). Values are numbers (units in the key: `_ms`, `_s`, `_mb`, `_kb`,
  `_per_s`) or short strings.
* A module may declare `TARGETS = {"sync_push.p95_batch_ms": ("<=", 250), ...}` (full dotted keys):
  the goals, printed beside the figures in docs/performance.md with whether they are met.
* It may add keys that apply to one database only (COPY exists on PostgreSQL alone) and name
  them for what they measure (`sync_push.executemany_records_per_s` on SQLite).

results.json holds `machine` (CPU, cores, memory, versions), `run` (date, scale, seconds) and one
object per database (`sqlite`, `postgresql`) of dotted keys, plus `errors` when a module failed.
A run of some modules only keeps the other modules' figures from the previous run.
"""

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results.json"
PERFORMANCE = ROOT / "docs" / "performance.md"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/kd_bench"
TABLE_START = "<!-- bench:results:start (written by bench/run.py; do not edit by hand) -->"
TABLE_END = "<!-- bench:results:end -->"
DATABASE_TITLES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("modules", nargs="*", help="module names without bench_ (default: all)")
    parser.add_argument("--quick", action="store_true", help="BENCH_SCALE=0.2 unless set")
    parser.add_argument("--databases", help="comma-separated: sqlite,postgresql (default: both)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.prepare:
        return prepare()
    if args.child:
        return child(Path(args.child), Path(args.out))
    if args.quick:
        os.environ.setdefault("BENCH_SCALE", "0.2")
    modules = sorted(HERE.glob("bench_*.py"))
    if args.modules:
        unknown = set(args.modules) - {name_of(path) for path in modules}
        if unknown:
            parser.error(f"no module bench_{', bench_'.join(sorted(unknown))}.py in bench/")
        modules = [path for path in modules if name_of(path) in args.modules]
    databases = {"sqlite": None}
    postgres = postgres_url()
    if postgres:
        databases["postgresql"] = postgres
    else:
        print("PostgreSQL: not reachable (DATABASE_URL or 127.0.0.1:5432); SQLite only")
    if args.databases:
        wanted = args.databases.split(",")
        databases = {name: url for name, url in databases.items() if name in wanted}
    started = time.perf_counter()
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    whole = not args.modules
    errors: dict[str, dict[str, str]] = {}
    targets: dict[str, list] = dict(results.get("targets", {})) if not whole else {}
    for database, url in databases.items():
        figures = {} if whole else dict(results.get(database, {}))
        template = Template(url)
        for path in modules:
            name = name_of(path)
            print(f"== {DATABASE_TITLES[database]}: bench_{name}", flush=True)
            outcome = run_child(path, url, template)
            if "error" in outcome:
                errors.setdefault(database, {})[name] = outcome["error"]
                print(f"!! bench_{name} failed on {database}:\n{outcome['error']}", flush=True)
                continue
            figures = {
                key: value
                for key, value in figures.items()
                if not key.startswith(f"{name}.") and key not in outcome["owned"]
            }
            measured = flatten(name, outcome["measured"])
            measured[f"{name}.bench_seconds"] = outcome["seconds"]
            for key, value in measured.items():
                print(f"   {key} = {value}")
            figures.update(measured)
            targets.update(outcome["targets"])
        template.drop()
        results[database] = dict(sorted(figures.items()))
    for database in DATABASE_TITLES:
        if whole and database not in databases:
            results.pop(database, None)
    results["machine"] = machine(databases)
    results["run"] = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "scale": float(os.environ.get("BENCH_SCALE") or 1),
        "seconds": round(time.perf_counter() - started, 1),
        "modules": [name_of(path) for path in modules],
    }
    results["targets"] = dict(sorted(targets.items()))
    if errors:
        results["errors"] = errors
    else:
        results.pop("errors", None)
    results.pop("_machine", None)
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    write_performance(results)
    print(f"written {RESULTS.relative_to(ROOT)} and {PERFORMANCE.relative_to(ROOT)}")
    if errors:
        failed = ", ".join(f"{db}: {', '.join(names)}" for db, names in errors.items())
        print(f"FAILED ({failed})", file=sys.stderr)
        return 1
    return 0


def name_of(path: Path) -> str:
    return path.stem.removeprefix("bench_")


def flatten(name: str, measured: dict) -> dict:
    """The module's dict as dotted keys (see the contract above)."""
    flat: dict = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}", inner)
        else:
            flat[prefix] = value

    for key, value in measured.items():
        walk(key if "." in key else f"{name}.{key}", value)
    return flat


def postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if url and not url.startswith(("postgres://", "postgresql://")):
        return None
    url = url or DEFAULT_POSTGRES
    try:
        import psycopg

        parts = urlsplit(url)
        with psycopg.connect(
            urlunsplit(parts._replace(path="/postgres")), connect_timeout=3
        ) as connection:
            connection.execute("select 1")
    except Exception as error:
        print(f"PostgreSQL at {urlsplit(url).hostname}: {error.__class__.__name__}")
        return None
    return url


def child_env(data_dir: str, url: str | None, database_name: str) -> dict:
    """The environment of a subprocess: its own data directory and database."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "KADERASI_DATA_DIR", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(KADERASI_DATA_DIR=data_dir, DJANGO_SETTINGS_MODULE="config.settings_test")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    if url:
        parts = urlsplit(url)
        base = parts.path.strip("/") or "kd_bench"
        env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{base}_{database_name}"))
    return env


class Template:
    """A database migrated once per run; each module starts from a copy of it (CREATE DATABASE
    … TEMPLATE on PostgreSQL, a copy of the file on SQLite) instead of running every migration
    again. When it cannot be made, each module migrates its own database."""

    def __init__(self, url: str | None) -> None:
        self.url = url
        self.data_dir = tempfile.mkdtemp(prefix="kaderasi-bench-template-")
        env = child_env(self.data_dir, url, "template")
        self.name = env.get("DATABASE_URL", "").rsplit("/", 1)[-1]
        started = time.perf_counter()
        completed = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, str(Path(__file__).resolve()), "--prepare"],
            cwd=ROOT,
            env=env,
            check=False,
        )
        self.ready = completed.returncode == 0
        took = time.perf_counter() - started
        print(
            f"   migrated the template database in {took:.1f} s"
            if self.ready
            else "   no template database: each module migrates its own"
        )

    def copy_to(self, data_dir: str, env: dict) -> bool:
        if not self.ready:
            return False
        if self.url is None:
            source = Path(self.data_dir) / "test.sqlite3"
            shutil.copyfile(source, Path(data_dir) / "test.sqlite3")
            return True
        target = "test_" + env["DATABASE_URL"].rsplit("/", 1)[-1]
        with self._server() as server:
            server.execute(f'drop database if exists "{target}"')
            server.execute(f'create database "{target}" template "test_{self.name}"')
        return True

    def drop(self) -> None:
        shutil.rmtree(self.data_dir, ignore_errors=True)
        if self.url and self.ready:
            with self._server() as server:
                server.execute(f'drop database if exists "test_{self.name}"')

    def _server(self):
        import psycopg

        parts = urlsplit(self.url)
        return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


def prepare() -> int:
    """In a subprocess: migrate the template database and leave it there."""
    sys.path.insert(0, str(ROOT))
    from bench import harness

    harness.django_setup()
    from django.db import connection

    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    connection.close()
    return 0


def run_child(path: Path, url: str | None, template: Template) -> dict:
    """Run one module in a subprocess with its own data directory and database."""
    data_dir = tempfile.mkdtemp(prefix=f"kaderasi-bench-{name_of(path)}-")
    env = child_env(data_dir, url, name_of(path))
    if template.copy_to(data_dir, env):
        env["BENCH_PREPARED"] = "1"
    out = Path(data_dir) / "measured.json"
    started = time.perf_counter()
    timeout = float(os.environ.get("BENCH_TIMEOUT") or 1800)
    try:
        completed = subprocess.run(  # noqa: S603 - our own interpreter and script
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--child",
                str(path),
                "--out",
                str(out),
            ],
            cwd=ROOT,
            env=env,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s (BENCH_TIMEOUT)"}
    finally:
        seconds = round(time.perf_counter() - started, 1)
    if out.exists():
        outcome = json.loads(out.read_text())
    else:
        outcome = {"error": f"the subprocess died (exit status {completed.returncode})"}
    if completed.returncode and "error" not in outcome:
        outcome = {"error": f"exit status {completed.returncode}"}
    outcome["seconds"] = seconds
    shutil.rmtree(data_dir, ignore_errors=True)
    return outcome


def child(path: Path, out: Path) -> int:
    """In the subprocess: set up the throwaway database, call the module's run(), tear down."""
    sys.path.insert(0, str(ROOT))
    from bench import harness

    try:
        teardown = harness.database_setup()
    except Exception:
        out.write_text(json.dumps({"error": traceback.format_exc()}))
        return 1
    restore = tolerate_own_setup()
    try:
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        measured = module.run()
        if not isinstance(measured, dict):
            raise TypeError(f"{path.name}: run() returned {type(measured).__name__}, not a dict")
        owned = list(flatten(name_of(path), measured))
        outcome = {
            "measured": json.loads(json.dumps(measured, default=str)),
            "owned": owned,
            "targets": {key: list(goal) for key, goal in getattr(module, "TARGETS", {}).items()},
        }
        status = 0
    except BaseException:
        outcome = {"error": traceback.format_exc()}
        status = 1
    finally:
        restore()
        try:
            teardown()
        except Exception:
            print(traceback.format_exc(), file=sys.stderr)
    out.write_text(json.dumps(outcome))
    return status


def tolerate_own_setup():
    """Let a module written the older way set up its test environment and database again: while
    it runs, those calls do nothing (run.py has set both up and tears them down). Returns the
    function that puts them back."""
    from django.db import connection
    from django.test import utils

    saved = {
        name: getattr(utils, name)
        for name in (
            "setup_test_environment",
            "teardown_test_environment",
            "setup_databases",
            "teardown_databases",
        )
    }
    utils.setup_test_environment = lambda debug=None: None
    utils.teardown_test_environment = lambda: None
    utils.setup_databases = lambda *args, **kwargs: []
    utils.teardown_databases = lambda *args, **kwargs: None
    creation = connection.creation
    creation.create_test_db = lambda *args, **kwargs: connection.settings_dict["NAME"]
    creation.destroy_test_db = lambda *args, **kwargs: None

    def restore() -> None:
        for name, function in saved.items():
            setattr(utils, name, function)
        del creation.create_test_db, creation.destroy_test_db

    return restore


def machine(databases: dict) -> dict:
    info = {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "memory_gb": memory_gb(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }
    if databases.get("postgresql"):
        try:
            import psycopg

            parts = urlsplit(databases["postgresql"])
            with psycopg.connect(urlunsplit(parts._replace(path="/postgres"))) as connection:
                info["postgresql"] = connection.execute("show server_version").fetchone()[0]
        except Exception as error:
            info["postgresql"] = f"unknown ({error.__class__.__name__})"
    return info


def cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or platform.machine()
    found = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
    return found.group(1).strip() if found else platform.machine()


def memory_gb() -> float | None:
    try:
        text = Path("/proc/meminfo").read_text()
    except OSError:
        return None
    found = re.search(r"^MemTotal:\s*(\d+) kB", text, re.MULTILINE)
    return round(int(found.group(1)) / 1024 / 1024, 1) if found else None


def write_performance(results: dict) -> None:
    """The table of the last run between the markers of docs/performance.md (the prose around it
    is kept)."""
    databases = [db for db in DATABASE_TITLES if db in results]
    keys = sorted({key for db in databases for key in results[db]})
    targets = results.get("targets", {})
    head = "| measurement | " + " | ".join(DATABASE_TITLES[db] for db in databases) + " | goal |"
    lines = [head, "|---|" + "---:|" * len(databases) + "---|"]
    for key in keys:
        cells = [cell(results[db].get(key), targets.get(key)) for db in databases]
        goal = targets.get(key)
        lines.append(
            f"| `{key}` | " + " | ".join(cells) + f" | {f'{goal[0]} {goal[1]}' if goal else ''} |"
        )
    m = results["machine"]
    run = results["run"]
    about = (
        f"Last run: {run['date']}, scale {run['scale']:g}, {run['seconds']:g} s in all, on "
        f"{m['cpu']} ({m['cores']} cores, {m['memory_gb']} GB), Python {m['python']}, "
        f"SQLite {m['sqlite']}"
        + (f", PostgreSQL {m['postgresql']}" if "postgresql" in m else "")
        + ". ✓ meets its goal, ✗ misses it."
    )
    failed = [
        f"- **bench_{name} failed on {DATABASE_TITLES[db]}**: "
        f"`{error.strip().splitlines()[-1][:200]}`"
        for db, names in results.get("errors", {}).items()
        for name, error in names.items()
    ]
    block = "\n".join([TABLE_START, "", about, "", *lines, "", *failed, TABLE_END])
    if PERFORMANCE.exists():
        text = PERFORMANCE.read_text()
        if TABLE_START in text and TABLE_END in text:
            before, rest = text.split(TABLE_START, 1)
            after = rest.split(TABLE_END, 1)[1]
            PERFORMANCE.write_text(before + block + after)
            return
        PERFORMANCE.write_text(text.rstrip() + "\n\n" + block + "\n")
        return
    PERFORMANCE.write_text("# Performance\n\n" + block + "\n")


def cell(value, goal) -> str:
    if value is None:
        return "–"
    text = f"{value:,}" if isinstance(value, int | float) and not isinstance(value, bool) else value
    if goal and isinstance(value, int | float):
        operator, bound = goal
        met = value <= bound if operator == "<=" else value >= bound
        text = f"{text} {'✓' if met else '✗'}"
    return str(text)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
