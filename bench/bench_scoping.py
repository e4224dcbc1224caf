"""How long the scoped mother list takes for a midwife as a district grows (selector only)."""

import datetime as dt
import time
from zoneinfo import ZoneInfo

from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from bench import harness

WIB = ZoneInfo("Asia/Jakarta")


def _world(villages: int, mothers_per_posyandu: int):
    from kaderasi.accounts.models import Role, User
    from kaderasi.care.models import Mother
    from kaderasi.programmes.models import Programme
    from kaderasi.regions.services import area_create

    province = area_create(name="Bench Province", level="province")
    regency = area_create(name="Bench Regency", level="regency", parent=province)
    district = area_create(name="Bench District", level="district", parent=regency)
    programme = Programme.objects.create(
        slug="bench-scoping", name="Bench", area=district, starts_on=dt.date(2026, 1, 1)
    )
    posyandus = []
    for v in range(villages):
        village = area_create(name=f"Village {v}", level="village", parent=district)
        posyandus += [
            area_create(name=f"Posyandu {v}-{p}", level="posyandu", parent=village)
            for p in range(3)
        ]
    Mother.objects.bulk_create(
        Mother(programme=programme, code=f"M{i}", name=f"Ibu {i}", posyandu=posyandu)
        for i, posyandu in enumerate(posyandus * mothers_per_posyandu)
    )
    midwife = User.objects.create(username="bench-midwife", role=Role.MIDWIFE)
    midwife.areas.set([posyandus[0].parent])
    return midwife


def run() -> dict:
    from kaderasi.care.selectors import mothers_visible_to

    midwife = _world(villages=50, mothers_per_posyandu=20)  # 3,000 mothers in the district
    reset_queries()
    timings = []
    for _ in range(20):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            rows = list(mothers_visible_to(midwife))
        timings.append(time.perf_counter() - started)
    timings.sort()
    return {
        "mothers_in_district": 3000,
        "mothers_visible_to_midwife": len(rows),
        "queries": len(queries),
        "median_ms": round(timings[len(timings) // 2] * 1000, 2),
    }


if __name__ == "__main__":
    harness.standalone(run)
