"""Benchmark of the dashboards and their rollups at district-to-province scale.

`run()` writes a synthetic field into the database bench/run.py set up (one regency, `districts`
× `villages` × 2 posyandus, `mothers` post-partum mothers with six scheduled sessions each, most
of them done, milk volumes, referrals, cadres with scores and certificates) — with COPY on
PostgreSQL (psycopg), bulk inserts on SQLite — then measures:

* the full rebuild of the rollups (`kaderasi rollups rebuild`): `rollups.rebuild_seconds`;
* refreshing one mother after a change (what a service triggers on commit), the median of 20:
  `rollups.refresh_one_ms` (it must not grow with the number of mothers);
* the periodic refresh after 1 % of the mothers changed;
* each role's dashboard, cold once (`dashboards.regency.<role>.first_ms`), then 30 times after
  a warm-up: `dashboards.regency.<role>.p95_ms` and
  `dashboards.regency.<role>.queries` (the query count must not depend on the number of mothers);
  `bench_dashboards_national` measures the same pages at a million mothers
  (`dashboards.<role>.p95_ms`, the largest size run).

`rollups.mothers` and `dashboards.regency_mothers` say the size run (BENCH_DASHBOARD_MOTHERS,
default 20,000 × BENCH_SCALE). Run alone: `python -m bench.bench_dashboards` from the repository
root. The rebuild's target (30 s) is for 100,000 mothers on PostgreSQL; a run of exactly that
size also says `rollups.rebuild_seconds_100k`, the figure the target is checked against:
`BENCH_DASHBOARD_MOTHERS=100000 DATABASE_URL=postgres://… python -m bench.bench_dashboards`
(the field is written with COPY; generating it takes several minutes, 20 on a loaded machine,
so the whole `make bench` runs the default size; `BENCH_DASHBOARD_MOTHERS=100000 make bench
BENCH=dashboards` records the 100,000 figure in bench/results.json).
"""

import datetime as dt
import gc
import os
import statistics
import time
from zoneinfo import ZoneInfo

from bench import harness

WIB = ZoneInfo("Asia/Jakarta")
NOW = dt.datetime(2026, 11, 29, 9, 0, tzinfo=WIB)
WARM_UP_RENDERS = 3
MEASURED_RENDERS = 30
ROLES = {"admin": "admin", "dinkes": "district", "koordinator": "coordinator", "bidan": "midwife"}
# The size the rebuild's target is stated for (issue 15, item 5).
REBUILD_TARGET_MOTHERS = 100_000
TARGETS = {
    "rollups.refresh_one_ms": ("<=", 20),
    "rollups.rebuild_seconds_100k": ("<=", 30),
    **{f"dashboards.regency.{role}.p95_ms": ("<=", 100) for role in ROLES.values()},
}


def run() -> dict:
    """Measure the dashboards on a synthetic field; returns the numbers."""
    mothers = int(os.environ.get("BENCH_DASHBOARD_MOTHERS") or harness.scaled(20000, minimum=500))
    return _measure(mothers, districts=5, villages=10)


def _measure(mothers: int, *, districts: int, villages: int) -> dict:
    from auditlog.context import disable_auditlog

    from kaderasi.reports.rollups import (
        rollups_rebuild,
        rollups_refresh_due,
        rollups_refresh_for_mother,
    )

    started = time.perf_counter()
    with disable_auditlog():
        field = _synthetic_field(mothers, districts=districts, villages=villages)
    generate_seconds = time.perf_counter() - started

    # A table in service has statistics (autovacuum analyses it as it grows); one written a
    # moment ago by the generator has none, and PostgreSQL would plan a refresh's reads of the raw
    # tables blind: the one-mother refresh took seconds at 100,000 mothers without them.
    started = time.perf_counter()
    _analyze()
    analyze_seconds = time.perf_counter() - started

    started = time.perf_counter()
    rollups_rebuild(now=NOW)
    rebuild_seconds = time.perf_counter() - started

    from kaderasi.care.models import Mother

    one_mother = []
    for mother in Mother.objects.filter(pk__in=field["mother_ids"][:: max(1, mothers // 20)])[:20]:
        started = time.perf_counter()
        rollups_refresh_for_mother(mother=mother, now=NOW)
        one_mother.append(time.perf_counter() - started)

    from kaderasi.reports.models import RollupState
    from kaderasi.reports.rollups import WATERMARK_OVERLAP

    # The synthetic field was written seconds ago, inside the watermark's look-back; in the field
    # the last run is minutes old. Move the watermark past the look-back, then change 1 %.
    later = dt.datetime.now(dt.UTC) + WATERMARK_OVERLAP + dt.timedelta(seconds=1)
    RollupState.objects.update(refreshed_through=later)
    changed = field["mother_ids"][::100]
    Mother.objects.filter(pk__in=changed).update(updated_at=later + dt.timedelta(seconds=1))
    started = time.perf_counter()
    rollups_refresh_due(now=NOW)
    due_seconds = time.perf_counter() - started

    results = {
        "rollups.mothers": mothers,
        "rollups.generate_seconds": round(generate_seconds, 1),
        "rollups.analyze_seconds": round(analyze_seconds, 1),
        "rollups.rebuild_seconds": round(rebuild_seconds, 2),
        **(
            {"rollups.rebuild_seconds_100k": round(rebuild_seconds, 2)}
            if mothers == REBUILD_TARGET_MOTHERS
            else {}
        ),
        "rollups.refresh_one_ms": round(1000 * statistics.median(one_mother), 1),
        "rollups.refresh_due_1_percent_seconds": round(due_seconds, 2),
        "dashboards.regency_mothers": mothers,
        "dashboards.regency_posyandus": districts * villages * 2,
    }
    results.update(
        {
            key.replace("dashboards.", "dashboards.regency.", 1): value
            for key, value in dashboard_timings(field["users"], now=NOW).items()
        }
    )
    return results


def dashboard_timings(users: dict, *, now: dt.datetime) -> dict:
    """Each role's dashboard (the last twelve weeks): its first render, cold (the template loader,
    the chart cache and the database's buffers not yet warm for this role), as
    `dashboards.<role>.first_ms`; then, after three warm-up renders, thirty renders measured:
    `dashboards.<role>.p95_ms`, `.median_ms` and `.queries`. Ten samples made the p95 the slowest
    render, often the first; the cold render is its own figure."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    import kaderasi.core.clock as clock

    clock.now = lambda: now
    # A web worker freezes what it holds once the application is loaded (config/wsgi.py, decision
    # 0300), so its full garbage collections no longer walk Django and the apps. This process has
    # loaded the same application (and written the field, whose leftovers a worker never holds):
    # it freezes at the same point, before the first render, so that its renders pay the
    # collections a worker pays, not a walk over objects no worker has.
    gc.collect()
    gc.freeze()
    results = {}
    for username, role in ROLES.items():
        client = Client()
        client.force_login(users[username])
        started = time.perf_counter()
        response = client.get("/dashboard/", {"period": "12w"})
        results[f"dashboards.{role}.first_ms"] = round(1000 * (time.perf_counter() - started), 1)
        assert response.status_code == 200, response.status_code
        for _warm_up in range(WARM_UP_RENDERS):
            client.get("/dashboard/", {"period": "12w"})
        timings = []
        for _repeat in range(MEASURED_RENDERS):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get("/dashboard/", {"period": "12w"})
                timings.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
        timings.sort()
        results[f"dashboards.{role}.p95_ms"] = round(1000 * timings[int(0.95 * len(timings))], 1)
        results[f"dashboards.{role}.median_ms"] = round(1000 * statistics.median(timings), 1)
        results[f"dashboards.{role}.queries"] = len(queries)
    return results


def _insert(model, rows) -> list:
    """Insert `rows` (unsaved instances) with ids after the table's largest: COPY on PostgreSQL,
    a bulk insert elsewhere. Returns the rows, their pks set."""
    from django.db import connection
    from django.db.models import Max

    rows = list(rows)
    if not rows:
        return rows
    first_id = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    for offset, row in enumerate(rows):
        row.pk = first_id + offset
    if connection.vendor != "postgresql":
        model.objects.bulk_create(rows, batch_size=2000)
        return rows
    fields = [f for f in model._meta.concrete_fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    [f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields]
                )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
            [model._meta.db_table, first_id + len(rows) - 1],
        )
    return rows


def _analyze() -> None:
    """Statistics for every table, as autovacuum keeps them in service (PostgreSQL's ANALYZE of
    the database; SQLite's of its schema)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _synthetic_field(mothers: int, *, districts: int, villages: int) -> dict:
    """A regency of `districts` districts of `villages` villages of two posyandus each."""
    import random
    from decimal import Decimal

    from kaderasi.accounts.models import Role
    from kaderasi.accounts.services import user_ensure
    from kaderasi.cadres.models import Cadre
    from kaderasi.care.models import (
        Delivery,
        Flag,
        FlagRule,
        MassageSession,
        Measurement,
        Mother,
        Pairing,
        Pregnancy,
        Referral,
        ScheduledSession,
    )
    from kaderasi.programmes.models import Programme
    from kaderasi.regions.services import area_create
    from kaderasi.training.models import Certificate, TestAttempt, Training

    rng = random.Random(2026)  # noqa: S311 - reproducible synthetic data
    province = area_create(name="Provinsi Uji", level="province")
    regency = area_create(name="Kabupaten Uji", level="regency", parent=province)
    posyandus, district_of = [], {}
    for d in range(districts):
        district = area_create(name=f"Kecamatan {d}", level="district", parent=regency)
        for v in range(villages):
            village = area_create(name=f"Desa {d}-{v}", level="village", parent=district)
            for p in range(2):
                posyandu = area_create(
                    name=f"Posyandu {d}-{v}-{p}", level="posyandu", parent=village
                )
                posyandus.append(posyandu)
                district_of[posyandu.pk] = district
    first_district = district_of[posyandus[0].pk]
    first_village = posyandus[0].parent
    programme = Programme.objects.create(
        slug="bench", name="Bench programme", area=regency, starts_on=dt.date(2026, 1, 1)
    )
    users = {
        "admin": user_ensure(username="admin", password="x" * 12, role=Role.ADMIN),
        "dinkes": user_ensure(
            username="dinkes", password="x" * 12, role=Role.DISTRICT_OFFICE, areas=[regency]
        ),
        "koordinator": user_ensure(
            username="koordinator",
            password="x" * 12,
            role=Role.COORDINATOR,
            areas=[first_district],
        ),
        "bidan": user_ensure(
            username="bidan", password="x" * 12, role=Role.MIDWIFE, areas=[first_village]
        ),
    }
    programme.team.add(users["koordinator"])
    training = Training.objects.create(
        programme=programme,
        title="Pelatihan",
        starts_at=NOW - dt.timedelta(days=200),
        ends_at=NOW - dt.timedelta(days=200, hours=-5),
    )
    cadres = Cadre.objects.bulk_create(
        Cadre(
            programme=programme,
            code=f"K{i:05d}",
            name=f"Kader {i}",
            posyandu=posyandus[i % len(posyandus)],
        )
        for i in range(max(len(posyandus) * 4, mothers // 5))
    )
    TestAttempt.objects.bulk_create(
        TestAttempt(training=training, cadre=c, phase=phase, score=Decimal(rng.randint(30, 100)))
        for c in cadres
        for phase in ("pre", "post")
    )
    Certificate.objects.bulk_create(
        Certificate(
            cadre=c,
            issued_on=dt.date(2025, 6, 1),
            expires_on=dt.date(2027, 6, 1),
            refresher_due_on=dt.date(2027, 3, 1),
            verification_code=f"B{c.pk:09d}",
        )
        for c in cadres
    )
    mother_rows = _insert(
        Mother,
        (
            Mother(
                programme=programme,
                code=f"M{i:06d}",
                name=f"Ibu {i}",
                posyandu=posyandus[i % len(posyandus)],
            )
            for i in range(mothers)
        ),
    )
    pregnancies = _insert(
        Pregnancy,
        (Pregnancy(mother=m, last_menstrual_period=dt.date(2026, 1, 1)) for m in mother_rows),
    )
    delivered = {m.pk: NOW - dt.timedelta(hours=rng.randint(6, 24 * 80)) for m in mother_rows}
    _insert(
        Delivery,
        (Delivery(pregnancy=p, delivered_at=delivered[p.mother_id]) for p in pregnancies),
    )
    _insert(
        Pairing,
        (
            Pairing(mother=m, cadre=cadres[i % len(cadres)], starts_at=delivered[m.pk])
            for i, m in enumerate(mother_rows)
            if i % 5
        ),
    )
    sessions = _insert(
        ScheduledSession,
        (
            ScheduledSession(
                mother=m,
                district=district_of[m.posyandu_id],
                postpartum_day=day,
                slot=slot,
                window_starts_at=delivered[m.pk] + dt.timedelta(days=day - 1, hours=2 + 8 * slot),
                window_ends_at=delivered[m.pk] + dt.timedelta(days=day - 1, hours=6 + 8 * slot),
            )
            for m in mother_rows
            for day in (1, 2, 3)
            for slot in (1, 2)
        ),
    )
    _insert(
        MassageSession,
        (
            MassageSession(
                mother_id=s.mother_id,
                district_id=s.district_id,
                scheduled_session=s,
                performed_by="cadre",
                started_at=s.window_starts_at + dt.timedelta(minutes=30),
                ended_at=s.window_starts_at + dt.timedelta(minutes=42),
            )
            for s in sessions
            if s.window_starts_at < NOW and rng.random() < 0.8
        ),
    )
    _insert(
        Measurement,
        (
            Measurement(
                mother=m,
                district=district_of[m.posyandu_id],
                kind="milk_volume",
                measured_at=delivered[m.pk] + dt.timedelta(hours=hours),
                value=Decimal(volume),
                basis="24h_estimate",
                phase=phase,
                method="hand_expression",
            )
            for m in mother_rows
            for phase, hours, volume in (
                ("before", 5, rng.randint(5, 120)),
                ("after", 60, rng.randint(80, 700)),
            )
            if delivered[m.pk] + dt.timedelta(hours=hours) < NOW
        ),
    )
    rule = FlagRule.objects.create(
        code="bench", severity="amber", title_id="Uji", title_en="Test", source="bench"
    )
    flags = Flag.objects.bulk_create(
        Flag(
            mother=m,
            district=district_of[m.posyandu_id],
            rule=rule,
            severity="amber",
            raised_at=delivered[m.pk] + dt.timedelta(hours=30),
        )
        for m in mother_rows[::20]
    )
    Referral.objects.bulk_create(
        Referral(flag=f, mother_id=f.mother_id, district_id=f.district_id, opened_at=f.raised_at)
        for f in flags
    )
    return {"mother_ids": [m.pk for m in mother_rows], "users": users}


if __name__ == "__main__":
    harness.standalone(run)
