"""Benchmark: the sync push (`POST /api/v1/sync/push`) as cadres' phones send it.

`run()` builds a throwaway test database with one programme and `MOTHERS` delivered mothers, each
paired with her own cadre, then pushes `BATCHES` batches of `BATCH` records (milk volumes, counts
and massage sessions, the mix a phone sends after a day offline) through Django's test client with
a device token, one cadre's phone after another. It returns records per second over the whole
run and the median and 95th-percentile time of one batch. In-process (no HTTP server): the figure
is the application's cost per record, validation, scoping, audit and flags included.

Run it alone with `python bench/bench_sync_push.py` (SQLite, or PostgreSQL with DATABASE_URL);
`make bench` calls `run()`.
"""

import datetime as dt
import os
import statistics
import sys
import time
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")
NOW = dt.datetime(2026, 11, 29, 20, 0, tzinfo=WIB)
MOTHERS = 40
BATCH = 200
BATCHES = 20


def run() -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    from django.test.utils import setup_databases, teardown_databases

    databases = setup_databases(verbosity=0, interactive=False)
    try:
        return _measure()
    finally:
        teardown_databases(databases, verbosity=0)


def _measure() -> dict:
    from django.test import Client

    from kaderasi.api.tokens import device_token_issue
    from kaderasi.core import clock

    clock.now = lambda: NOW
    phones = []
    for cadre_user, mother in _world():
        _token, secret = device_token_issue(user=cadre_user, device_name="bench", now=NOW)
        phones.append((Client(HTTP_AUTHORIZATION=f"Bearer {secret}"), mother))
    timings = []
    created = 0
    for number in range(BATCHES):
        client, mother = phones[number % len(phones)]
        records = _records(mother, number)
        started = time.perf_counter()
        response = client.post(
            "/api/v1/sync/push", {"records": records}, content_type="application/json"
        )
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.content[:300]
        results = response.json()["results"]
        created += sum(result["status"] == "created" for result in results)
    total = sum(timings)
    ordered = sorted(timings)
    return {
        "records_per_s": round(created / total),
        "records_created": created,
        "records_sent": BATCH * BATCHES,
        "median_batch_ms": round(statistics.median(timings) * 1000, 1),
        "p95_batch_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 1),
    }


def _world():
    from kaderasi.accounts.models import Role
    from kaderasi.tests import factories as f

    province = f.area("Jawa Tengah", "province")
    regency = f.area("Kabupaten Klaten", "regency", province)
    district = f.area("Kecamatan Wedi", "district", regency)
    village = f.area("Desa Pandes", "village", district)
    posyandu = f.area("Posyandu Mawar", "posyandu", village)
    programme = f.ProgrammeFactory(slug="bench", area=district)
    pairs = []
    for number in range(MOTHERS):
        user = f.UserFactory(username=f"kader-{number}", role=Role.CADRE)
        cadre = f.CadreFactory(
            programme=programme, posyandu=posyandu, user=user, code=f"K{number:03d}"
        )
        mother = f.delivered_mother(
            programme=programme,
            posyandu=posyandu,
            code=f"M{number:03d}",
            delivered_at=NOW - dt.timedelta(days=2, hours=10),
        )
        f.PairingFactory(mother=mother, cadre=cadre, starts_at=NOW - dt.timedelta(days=2, hours=9))
        pairs.append((user, mother))
    return pairs


def _records(mother, batch_number: int) -> list[dict]:
    """A phone's day: sessions, volumes and counts, each at its own minute (no two identical)."""
    start = NOW - dt.timedelta(hours=50) + dt.timedelta(minutes=batch_number)
    records = []
    for index in range(BATCH):
        moment = start + dt.timedelta(minutes=index * 13)
        base = {"id": str(uuid.uuid4()), "mother_id": str(mother.public_id)}
        kind = index % 4
        if kind == 0:
            records.append(
                {
                    **base,
                    "type": "massage_session",
                    "started_at": moment.isoformat(),
                    "ended_at": (moment + dt.timedelta(minutes=12)).isoformat(),
                    "performed_by": "cadre",
                    "steps_done": [1, 2, 3, 4, 5, 6, 7, 8, 9],
                    "comfort": 4,
                }
            )
        elif kind == 1:
            records.append(
                {
                    **base,
                    "type": "milk_volume",
                    "measured_at": moment.isoformat(),
                    "volume_ml": 20 + index % 50,
                    "method": "hand_expression",
                    "basis": "single_expression",
                }
            )
        elif kind == 2:
            records.append({**base, "type": "feeds", "measured_at": moment.isoformat(), "value": 9})
        else:
            records.append(
                {**base, "type": "wet_nappies", "measured_at": moment.isoformat(), "value": 6}
            )
    return records


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import json

    print(json.dumps(run()))
