"""Importing a district programme workbook: 5,000 mothers with 10,000 milk volumes (issue 15,
build 3: at most 60 s on SQLite, memory at most 300 MB whatever the file's size).

The workbook has the shape of a district two-group study (issue 13, build 5): 500 cadres across
10 villages, each accompanying 5 intervention mothers, and as many comparison mothers without a
cadre placed by the mothers sheet's posyandu and village columns. It is written as an .xlsx file
on disk and imported with `kaderasi import-programme` (reading, checking and writing, as an
administrator would), then evaluated. A workbook four times the size (20,000 mothers, 40,000
volumes) is imported after it into a second programme: `import.peak_mb` is the process's peak
after the first import, `import.peak_mb_large` after the second, so their difference is what the
larger file added to the peak (decision 0195: it should not grow with the file).
"""

import datetime as dt
import io
import resource
import time
from pathlib import Path

from bench import harness

TARGETS = {
    "import.seconds": ("<=", 60),
    "import.peak_mb": ("<=", 300),
    "import.peak_mb_large": ("<=", 300),
}

VILLAGES = 10
CADRES = 500
MOTHERS_PER_CADRE = 5  # intervention; as many comparison mothers again
LARGE = 4  # the larger workbook has this many times the cadres, mothers and volumes


def workbook_file(folder: Path, *, cadres: int, villages: int, name: str = "district") -> Path:
    """The district two-group workbook as an .xlsx file (xlsxwriter's constant memory mode)."""
    import xlsxwriter

    path = folder / f"{name}-two-group.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheets = {
        "programme": book.add_worksheet("programme"),
        "cadres": book.add_worksheet("cadres"),
        "mothers": book.add_worksheet("mothers"),
        "milk_volumes": book.add_worksheet("milk_volumes"),
    }
    rows = {name: 0 for name in sheets}

    def write(name, values):
        for column, value in enumerate(values):
            if value not in (None, ""):
                sheets[name].write(rows[name], column, value)
        rows[name] += 1

    write("programme", ["field", "value"])
    write("programme", ["design", "two_group"])
    write("programme", ["area", "Bench Province / Bench Regency / Bench District"])
    write("cadres", ["code", "name", "posyandu", "village"])
    write(
        "mothers", ["code", "name", "cadre_code", "group", "delivery_date", "posyandu", "village"]
    )
    write("milk_volumes", ["mother_code", "phase", "volume_ml", "measured_on", "postpartum_day"])
    delivered = dt.date(2026, 3, 1)
    number = 0
    for c in range(cadres):
        village = f"Village {c % villages}"
        posyandu = f"Posyandu {c % villages}-{c % 3}"
        cadre = f"K{c + 1:04d}"
        write("cadres", [cadre, f"Kader {cadre}", posyandu, village])
        for m in range(MOTHERS_PER_CADRE * 2):
            number += 1
            code = f"M{number:05d}"
            comparison = m % 2 == 1
            write(
                "mothers",
                [
                    code,
                    f"Ibu {code}",
                    "" if comparison else cadre,
                    "comparison" if comparison else "intervention",
                    delivered.isoformat(),
                    posyandu if comparison else "",
                    village if comparison else "",
                ],
            )
            write("milk_volumes", [code, "before", 30 + m, delivered.isoformat(), 1])
            after = (delivered + dt.timedelta(days=2)).isoformat()
            gain = 150 if comparison else 220
            write("milk_volumes", [code, "after", 30 + m + gain + c % 7, after, 3])
    book.close()
    return path


def _areas(villages: int) -> None:
    from kaderasi.regions.services import area_create

    province = area_create(name="Bench Province", level="province")
    regency = area_create(name="Bench Regency", level="regency", parent=province)
    district = area_create(name="Bench District", level="district", parent=regency)
    for v in range(villages):
        area_create(name=f"Village {v}", level="village", parent=district)


def _peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux: the peak resident memory of this process.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _import(call_command, path: Path, slug: str) -> float:
    """Import `path` into the new programme `slug` as the command does; its wall time."""
    started = time.perf_counter()
    call_command(
        "import-programme",
        str(path),
        "--programme",
        slug,
        "--as",
        "bench-admin",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    return time.perf_counter() - started


def run() -> dict:
    import tempfile

    from django.core.management import call_command

    from kaderasi.accounts.models import Role, User
    from kaderasi.cadres.models import Cadre
    from kaderasi.care.models import Mother
    from kaderasi.evaluation.results import programme_evaluation
    from kaderasi.programmes.models import Programme

    cadres = harness.scaled(CADRES, minimum=VILLAGES)
    _areas(VILLAGES)
    User.objects.create(username="bench-admin", role=Role.ADMIN, is_superuser=True)
    folder = Path(tempfile.mkdtemp(prefix="bench-import-"))
    path = workbook_file(folder, cadres=cadres, villages=VILLAGES)
    large_path = workbook_file(folder, cadres=cadres * LARGE, villages=VILLAGES, name="large")
    mothers = cadres * MOTHERS_PER_CADRE * 2
    before_mb = _peak_mb()
    seconds = _import(call_command, path, "bench-district")
    peak_mb = _peak_mb()
    large_seconds = _import(call_command, large_path, "bench-district-large")
    peak_mb_large = _peak_mb()
    started = time.perf_counter()
    evaluation = programme_evaluation(
        Programme.objects.get(slug="bench-district"),
        cadres=Cadre.objects.filter(programme__slug="bench-district"),
        mothers=Mother.objects.filter(programme__slug="bench-district"),
    )
    evaluate_seconds = time.perf_counter() - started
    assert evaluation["comparison"]["n_comparison"] == mothers // 2
    return {
        "import.mothers": mothers,
        "import.mothers_per_s": round(mothers / seconds, 1),
        "import.seconds": round(seconds, 2),
        "import.peak_mb": round(peak_mb, 1),
        "import.peak_mb_before_import": round(before_mb, 1),
        "import.file_kb": round(path.stat().st_size / 1024, 1),
        "import.large_mothers": mothers * LARGE,
        "import.large_seconds": round(large_seconds, 2),
        "import.large_file_kb": round(large_path.stat().st_size / 1024, 1),
        "import.peak_mb_large": round(peak_mb_large, 1),
        "import.peak_mb_growth_large": round(peak_mb_large - peak_mb, 1),
        "import.evaluate_seconds": round(evaluate_seconds, 2),
    }


if __name__ == "__main__":
    harness.standalone(run)
