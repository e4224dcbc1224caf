"""Benchmark: the midwife's village list (care:mother-list) with 1,000 and 5,000 mothers.

`run()` works in the throwaway test database bench/run.py set up: it fills one village with
post-partum and pregnant mothers (schedules, sessions done, open flags), renders the list as the
village midwife, and returns the median render time and the number of queries per size (`small`,
`large`; BENCH_SCALE shrinks both). Run it alone with
`python -m bench.bench_midwife_list`; `make bench` calls `run()`.
"""

import datetime as dt
import statistics
import time
from zoneinfo import ZoneInfo

from bench import harness

WIB = ZoneInfo("Asia/Jakarta")
NOW = dt.datetime(2026, 11, 29, 9, 0, tzinfo=WIB)
SIZES = (harness.scaled(1000, minimum=50), harness.scaled(5000, minimum=250))
REPEATS = 5


def run() -> dict:
    """Measure against the throwaway database bench/run.py (or `harness.standalone`) set up."""
    return _measure()


def _measure() -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from kaderasi.core import clock

    clock.now = lambda: NOW  # the list is judged at a fixed moment
    midwife, world = _world()
    client = Client()
    client.force_login(midwife)
    results: dict = {}
    built = 0
    for label, size in zip(("small", "large"), SIZES, strict=True):
        _mothers(world, start=built, count=size - built)
        built = size
        client.get("/mothers/")  # warm caches and the session
        for sort in ("flags", "adherence"):
            timings = []
            queries = 0
            for _ in range(REPEATS):
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.get("/mothers/", {"sort": sort})
                    timings.append(time.perf_counter() - started)
                assert response.status_code == 200
                queries = len(captured)
            results.setdefault(label, {})[f"sort_{sort}"] = {
                "mothers": size,
                "render_ms_median": round(statistics.median(timings) * 1000, 1),
                "queries": queries,
            }
    return results


def _world():
    from kaderasi.accounts.models import Role
    from kaderasi.tests import factories as f

    province = f.area("Jawa Tengah", "province")
    regency = f.area("Kabupaten Klaten", "regency", province)
    district = f.area("Kecamatan Wedi", "district", regency)
    village = f.area("Desa Pandes", "village", district)
    posyandus = [f.area(f"Posyandu {i}", "posyandu", village) for i in range(4)]
    programme = f.ProgrammeFactory(slug="bench", area=village)
    midwife = f.UserFactory(username="bench-bidan", role=Role.MIDWIFE, areas=[village])
    cadre = f.CadreFactory(programme=programme, posyandu=posyandus[0])
    return midwife, {
        "district": district,
        "posyandus": posyandus,
        "programme": programme,
        "cadre": cadre,
    }


def _mothers(world, *, start: int, count: int) -> None:
    """`count` mothers: half delivered in the last three days (schedules, sessions, a few red
    flags), half pregnant."""
    from django.apps import apps

    from kaderasi.care.catalogue import catalogue_ensure
    from kaderasi.care.models import (
        Delivery,
        Flag,
        FlagRule,
        MassageSession,
        Mother,
        Pairing,
        Pregnancy,
        Referral,
        ScheduledSession,
    )
    from kaderasi.care.scheduling import derive_schedule

    catalogue_ensure(apps)
    rule = FlagRule.objects.get(code="infant_weight_loss_referral")
    district = world["district"]
    mothers = Mother.objects.bulk_create(
        Mother(
            programme=world["programme"],
            posyandu=world["posyandus"][i % 4],
            code=f"B{i:06d}",
            name=f"Ibu {i}",
        )
        for i in range(start, start + count)
    )
    pregnancies = Pregnancy.objects.bulk_create(
        Pregnancy(mother=m, last_menstrual_period=dt.date(2026, 3, 1)) for m in mothers
    )
    delivered = list(zip(mothers[::2], pregnancies[::2], strict=True))
    births = {
        m.pk: NOW - dt.timedelta(hours=6 + (i * 7) % 66) for i, (m, _p) in enumerate(delivered)
    }
    Delivery.objects.bulk_create(
        Delivery(pregnancy=p, delivered_at=births[m.pk]) for m, p in delivered
    )
    Pairing.objects.bulk_create(
        Pairing(mother=m, cadre=world["cadre"], starts_at=births[m.pk]) for m, _p in delivered
    )
    rows = ScheduledSession.objects.bulk_create(
        ScheduledSession(
            mother=m,
            district=district,
            postpartum_day=plan.postpartum_day,
            slot=plan.slot,
            window_starts_at=plan.window_starts_at,
            window_ends_at=plan.window_ends_at,
        )
        for m, _p in delivered
        for plan in derive_schedule(
            delivered_at=births[m.pk],
            sessions_per_day=2,
            protocol_days=3,
            start_postpartum_day=1,
            time_zone=WIB,
        )
    )
    MassageSession.objects.bulk_create(
        MassageSession(
            mother_id=row.mother_id,
            district=district,
            scheduled_session=row,
            performed_by="cadre",
            started_at=row.window_starts_at,
            ended_at=row.window_starts_at + dt.timedelta(minutes=12),
        )
        for index, row in enumerate(rows)
        if row.window_ends_at <= NOW and index % 4
    )
    flags = Flag.objects.bulk_create(
        Flag(mother=m, district=district, rule=rule, severity="red", raised_at=NOW)
        for m, _p in delivered[::20]
    )
    Referral.objects.bulk_create(
        Referral(flag=flag, mother_id=flag.mother_id, district=district, opened_at=NOW)
        for flag in flags
    )


if __name__ == "__main__":
    harness.standalone(run)
