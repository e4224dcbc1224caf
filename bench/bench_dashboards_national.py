"""The dashboards at national scale: a million mothers on PostgreSQL, read from their rollups.

`run()` writes the field of `bench/national_data.py` (1,200 posyandus in 4 regencies; mothers,
cadres and the rollup rows the dashboards read, by COPY) and renders each role's dashboard as
`bench_dashboards` does at 20,000 mothers (once cold, then 30 times after a warm-up):
`dashboards.<role>.first_ms`, `.p95_ms`, `.median_ms` and `.queries` at the largest size run.

`dashboards.national_mothers` says the size: BENCH_NATIONAL_MOTHERS, default 1,000,000 ×
BENCH_SCALE on PostgreSQL and 100,000 × BENCH_SCALE on SQLite (written by batched INSERTs, slower,
and a SQLite installation serves a district, not a country). `dashboards.generate_seconds` is the
generator's time. The figures are the dashboards reading rollups; how fast the rollups are rebuilt
at this size is `bench_dashboards`' `rollups.*`.
Run alone: `python -m bench.bench_dashboards_national` from the repository root; with
BENCH_KEEP_DATABASE=1 the database and its field are kept, and the next run with the same size
measures them again without writing them (`dashboards.generate_seconds` is then left out).
"""

import os
import time

from bench import harness
from bench.bench_dashboards import NOW, ROLES, dashboard_timings

TARGETS = {f"dashboards.{role}.p95_ms": ("<=", 100) for role in ROLES.values()}


def run() -> dict:
    from auditlog.context import disable_auditlog
    from django.db import connection

    from bench.national_data import national_field

    default = 1_000_000 if connection.vendor == "postgresql" else 100_000
    mothers = int(os.environ.get("BENCH_NATIONAL_MOTHERS") or harness.scaled(default, minimum=2000))
    field = kept_field(mothers)
    generate_seconds = None
    if field is None:
        started = time.perf_counter()
        with disable_auditlog():
            field = national_field(mothers=mothers, now=NOW)
        generate_seconds = time.perf_counter() - started
    results = {
        "dashboards.national_mothers": mothers,
        "dashboards.national_posyandus": field["posyandus"],
        "dashboards.national_day_rows": field["day_rows"],
    }
    if generate_seconds is not None:
        results["dashboards.generate_seconds"] = round(generate_seconds, 1)
    results.update(dashboard_timings(field["users"], now=NOW))
    return results


def kept_field(mothers: int) -> dict | None:
    """The field a previous run left (BENCH_KEEP_DATABASE=1, see bench/harness.py) when it holds
    `mothers` mothers and the bench users; None when the database is empty (or another size, which
    is then an error: the field is written into an empty database)."""
    from kaderasi.accounts.models import User
    from kaderasi.care.models import Mother
    from kaderasi.regions.models import Area, AreaLevel
    from kaderasi.reports.models import PosyanduDayRollup

    if not Mother.objects.exists():
        return None
    found = Mother.objects.count()
    if found != mothers:
        raise RuntimeError(f"the kept database holds {found} mothers, not {mothers}: drop it")
    users = {user.username: user for user in User.objects.filter(username__in=ROLES)}
    return {
        "users": users,
        "posyandus": Area.objects.filter(level=AreaLevel.POSYANDU).count(),
        "day_rows": PosyanduDayRollup.objects.count(),
    }


if __name__ == "__main__":
    harness.standalone(run)
