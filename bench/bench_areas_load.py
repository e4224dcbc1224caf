"""Benchmark of `kaderasi areas load --province 33`: Jawa Tengah's 35 regencies, 576 districts and
8,563 villages from the vendored idn-area-data, into an empty tree, then again (nothing to do).

Run: `python bench/run.py areas_load` from the repository root (a throwaway database)."""

import time


def run() -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kaderasi.regions.models import Area
    from kaderasi.regions.official import official_areas
    from kaderasi.regions.services import official_areas_load

    started = time.perf_counter()
    list(official_areas(within="33"))
    read = time.perf_counter() - started
    Area.objects.all().delete()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        first = official_areas_load(within="33")
    load = time.perf_counter() - started
    started = time.perf_counter()
    again = official_areas_load(within="33")
    reload = time.perf_counter() - started
    return {
        "areas_created": first.created,
        "read_vendored_data_s": round(read, 2),
        "load_province_33_s": round(load, 2),
        "load_province_33_queries": len(queries),
        "reload_unchanged_s": round(reload, 2),
        "reload_unchanged": again.unchanged,
        "database": connection.vendor,
    }
