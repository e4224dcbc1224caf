"""Benchmark of the programme report at district scale, and of the Pandes 2018 report.

`run()` writes a synthetic two-group programme of `mothers` mothers (a tenth of them in the
comparison group) with a baseline and a follow-up milk volume each (24-hour estimates on
postpartum days 1–2 and 4–6), `mothers // 10` cadres with a pre-test and a post-test, into the
database `make bench` prepared, then measures `kaderasi evaluate SLUG --format pdf|xlsx|text` each
in a subprocess of its own (wall time and the process's peak resident memory, read with
`os.wait4`), and the Pandes 2018 demo report as a PDF (in this process, best of three).

The subprocesses share a bytecode cache of the run's own (PYTHONPYCACHEPREFIX, decision 0230), as
an installed kaderasi has compiled bytecode: without one (PYTHONDONTWRITEBYTECODE=1 in the
environment and `make install --no-compile`) every process compiled about 1,700 modules again,
3.4 s of CPU, and the figures depended on the machine's caches rather than on the report. The
first PDF fills the cache untimed; its time is `report.pdf_first_seconds`.

Keys: `report.pdf_seconds`, `report.pdf_peak_mb`, `report.pdf_pages`, `report.xlsx_seconds`,
`report.xlsx_peak_mb`, `report.text_seconds`, `report.text_lines`, `report.pandes_pdf_seconds`,
`report.pdf_first_seconds` and `report.mothers` (the size run).

Run alone: `python -m bench.bench_reports` from the repository root (`make bench BENCH=reports`
for both databases).
"""

import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from bench import harness

ROOT = Path(__file__).resolve().parent.parent
WIB = ZoneInfo("Asia/Jakarta")
NOW = dt.datetime(2026, 11, 29, 9, 0, tzinfo=WIB)
SLUG = "bench-report"
TARGETS = {
    "report.pdf_seconds": ("<=", 15),
    "report.pdf_peak_mb": ("<=", 500),
    "report.xlsx_seconds": ("<=", 10),
    "report.pandes_pdf_seconds": ("<=", 1.5),
}


def run(mothers: int | None = None) -> dict:
    """Measure the report of a synthetic programme of `mothers` mothers (5,000 at scale 1);
    returns the numbers."""
    from auditlog.context import disable_auditlog

    mothers = mothers or harness.scaled(5000, minimum=50)
    with disable_auditlog():
        _synthetic_programme(mothers)
    results: dict = {"report.mothers": mothers}
    with tempfile.TemporaryDirectory(prefix="kaderasi-bench-report-") as folder:
        bytecode = Path(folder) / "bytecode"
        first_seconds, _peak_mb = _evaluate("pdf", Path(folder) / "first.pdf", bytecode)
        results["report.pdf_first_seconds"] = round(first_seconds, 2)
        for output_format in ("pdf", "xlsx", "text"):
            path = Path(folder) / f"report.{output_format}"
            seconds, peak_mb = _evaluate(output_format, path, bytecode)
            results[f"report.{output_format}_seconds"] = round(seconds, 2)
            results[f"report.{output_format}_peak_mb"] = round(peak_mb)
            if output_format == "pdf":
                results["report.pdf_pages"] = _pdf_pages(path)
                results["report.pdf_kb"] = round(path.stat().st_size / 1024)
            if output_format == "text":
                results["report.text_lines"] = len(path.read_text(encoding="utf-8").splitlines())
    results["report.pandes_pdf_seconds"] = round(_pandes_pdf_seconds(), 2)
    return results


def _evaluate(output_format: str, path: Path, bytecode: Path) -> tuple[float, float]:
    """Run `kaderasi evaluate` in a subprocess against the bench database, its modules' bytecode
    read from and written to `bytecode`: (seconds, peak MB)."""
    environment = {
        **{name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"},
        "PYTHONPYCACHEPREFIX": str(bytecode),
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": _database_url(),
    }
    command = [
        sys.executable,
        "-m",
        "kaderasi",
        "evaluate",
        SLUG,
        "--format",
        output_format,
        "--output",
        str(path),
        "--language",
        "id",
    ]
    started = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and command
        command, cwd=ROOT, env=environment, stderr=subprocess.DEVNULL
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"kaderasi evaluate --format {output_format} failed")
    return seconds, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def _database_url() -> str:
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings.get("USER") or ""
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{settings['NAME']}"


def _pdf_pages(path: Path) -> int:
    info = subprocess.run(  # noqa: S603 - poppler pdfinfo on our own file
        ["pdfinfo", str(path)],  # noqa: S607 - poppler-utils on the PATH
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def _pandes_pdf_seconds() -> float:
    from kaderasi.cadres.models import Cadre
    from kaderasi.care.models import Mother
    from kaderasi.demo.pandes import seed_pandes
    from kaderasi.evaluation.results import programme_evaluation
    from kaderasi.reports.documents import render_programme_report_pdf
    from kaderasi.reports.skills import programme_skill_steps

    programme = seed_pandes(now=NOW)
    timings = []
    for _repeat in range(3):
        started = time.perf_counter()
        evaluation = programme_evaluation(
            programme, cadres=Cadre.objects.all(), mothers=Mother.objects.all()
        )
        render_programme_report_pdf(
            programme=programme,
            evaluation=evaluation,
            now=NOW,
            language="id",
            skills=programme_skill_steps(programme, language="id"),
        )
        timings.append(time.perf_counter() - started)
    return min(timings)


def _synthetic_programme(mothers: int) -> None:
    """A regency's programme: 10 villages of 2 posyandus, `mothers` mothers, a tenth of them in
    the comparison group, each with a baseline and a follow-up 24-hour volume."""
    import random
    from decimal import Decimal

    from kaderasi.cadres.models import Cadre
    from kaderasi.care.models import Delivery, Measurement, Mother, Pairing, Pregnancy
    from kaderasi.programmes.models import Programme, StudyDesign
    from kaderasi.regions.services import area_create
    from kaderasi.training.models import TestAttempt, Training

    rng = random.Random(2026)  # noqa: S311 - reproducible synthetic data
    province = area_create(name="Provinsi Laporan", level="province")
    regency = area_create(name="Kabupaten Laporan", level="regency", parent=province)
    district = area_create(name="Kecamatan Laporan", level="district", parent=regency)
    posyandus = []
    for v in range(10):
        village = area_create(name=f"Desa {v}", level="village", parent=district)
        for p in range(2):
            posyandus.append(
                area_create(name=f"Posyandu {v}-{p}", level="posyandu", parent=village)
            )
    programme = Programme.objects.create(
        slug=SLUG,
        name="Pijat oksitosin kabupaten (bench)",
        area=regency,
        starts_on=dt.date(2026, 1, 1),
        design=StudyDesign.TWO_GROUP,
    )
    training = Training.objects.create(
        programme=programme,
        title="Pelatihan kader",
        starts_at=NOW - dt.timedelta(days=300),
        ends_at=NOW - dt.timedelta(days=300, hours=-5),
    )
    cadres = Cadre.objects.bulk_create(
        Cadre(
            programme=programme,
            code=f"K{i:05d}",
            name=f"Kader {i}",
            posyandu=posyandus[i % len(posyandus)],
        )
        for i in range(max(20, mothers // 10))
    )
    TestAttempt.objects.bulk_create(
        TestAttempt(
            training=training,
            cadre=cadre,
            phase=phase,
            score=Decimal(rng.randint(low, high)),
            taken_on=(NOW - dt.timedelta(days=300)).date(),
        )
        for cadre in cadres
        for phase, low, high in (("pre", 30, 80), ("post", 60, 100))
    )
    mother_rows = Mother.objects.bulk_create(
        Mother(
            programme=programme,
            code=f"M{i:06d}",
            name=f"Ibu {i}",
            posyandu=posyandus[i % len(posyandus)],
            group="comparison" if i % 10 == 0 else "intervention",
        )
        for i in range(mothers)
    )
    pregnancies = Pregnancy.objects.bulk_create(
        Pregnancy(mother=m, last_menstrual_period=dt.date(2025, 6, 1)) for m in mother_rows
    )
    delivered = {
        m.pk: NOW - dt.timedelta(days=200) + dt.timedelta(hours=rng.randint(0, 24 * 60))
        for m in mother_rows
    }
    Delivery.objects.bulk_create(
        Delivery(pregnancy=p, delivered_at=delivered[p.mother_id]) for p in pregnancies
    )
    Pairing.objects.bulk_create(
        Pairing(mother=m, cadre=cadres[i % len(cadres)], starts_at=delivered[m.pk])
        for i, m in enumerate(mother_rows)
        if m.group == "intervention"
    )
    district_id = district.pk
    Measurement.objects.bulk_create(
        (
            Measurement(
                mother=m,
                district_id=district_id,
                kind="milk_volume",
                measured_at=delivered[m.pk] + dt.timedelta(hours=hours),
                value=Decimal(volume),
                basis="24h_estimate",
                phase=phase,
                method="hand_expression",
            )
            for m in mother_rows
            for phase, hours, volume in (
                ("before", rng.randint(4, 40), rng.randint(5, 120)),
                ("after", rng.randint(80, 140), rng.randint(80, 700)),
            )
        ),
        batch_size=2000,
    )


if __name__ == "__main__":
    harness.standalone(run)
