"""Security and personal data measured against a production server (issue 14, items 2–13).

`run()` writes the demo (`pandes-2018`, `demo-live`, one login per role) and a second region
(another regency's programme with mothers whose NIK and phone are known) into the throwaway
database, starts gunicorn (2 workers, production settings, DEBUG off, its access log in the data
directory) and a real background worker (`kaderasi worker`, its queue in SQLite in the data
directory), and measures over HTTP:

2. `tokens`: a device token and a web session of a user, after her password is changed (in the
   admin, over HTTP), after she is deactivated and after her role changes: requests accepted after
   each (0 expected), beside the control (both accepted before);
3. `formulas`: a programme name and a report conclusion beginning with `=`, `+`, `-`, `@`; every
   XLSX the server hands out (evaluation, programme workbook with and without names, the report
   export made by the worker) and the CSV files of `kaderasi export-programme`: formula cells
   (0 expected) and cells holding the text (the control);
4. `killed_worker`: a report export whose worker is killed with SIGKILL while it runs: seconds from
   the worker's restart until the export leaves "running" (re-queued or failed with a message),
   and how it ended;
5. `identity_check`: registering a mother with the NIK or phone of a mother in another region and
   with one nobody has: answers that differ (0 expected); a NIK of her own village is refused (the
   control); the check number at which the hourly limit refuses;
6. `identifiers`: plaintext NIKs and phone numbers in a dump of the database (`sqlite3 .dump` /
   `pg_dump`) and in the audit log (0 expected), and names, NIKs and phones searched for in the
   village list found in gunicorn's access log (0 expected);
7. `read_audit`: entries each read interface leaves for one mother (1 each expected);
8. `admin_filters`: change lists of the admin whose filters offer a name of another region to a
   coordinator (0 expected), of all change lists;
9. `uploads`: a 1.4 M-row CSV, a zip bomb, a NUL byte, a UTF-16 file and a 200,000-character cell
   posted to the import page: the answer's status; what the user then reads (an upload the form
   takes is imported in the background, decision 0160: the probe follows the redirect to the
   job's page and polls it until the job ends, as the page does): whether a message says what is
   wrong, the message, the job's end, seconds until then, peak memory of the gunicorn workers and
   of the background worker (MB); server errors and tracebacks (0 expected);
10. `headers`: personal-data pages and downloads without a CSP with a nonce, a Permissions-Policy
    or `Cache-Control: no-store` (0 expected), and the status of `/verify/?code=a/b`;
11. `district`: mothers' names on the district office's pages (0 expected) and her mother pages
    that open (0 expected);
12. `backup`: tables that differ after `kaderasi backup` then `kaderasi restore` (0 expected);
13. `two_factor`: with KADERASI_TWO_FACTOR_REQUIRED on, pages an administrator or an enrolled
    coordinator reaches after the password alone, and device tokens they get (0 expected);
    with the code the coordinator gets in (the control).

Every answer of the run is also counted from the access log: `server_errors` (5xx, 0 expected).
Run it alone with `python -m bench.bench_security`; `python -m bench.bench_security --table` prints
the table of docs/security.md from bench/results.json.
"""

import html
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import zipfile
from collections import Counter
from pathlib import Path

from bench import harness
from bench.bench_sync_push import GunicornServer, current_database_url, production_env, start_worker
from bench.web_client import Browser, form_login, request, token_request

DEMO_USERS = ("admin", "koordinator", "bidan", "kader", "dinkes")
PASSWORD = "kaderasi-demo"  # noqa: S105 - the published demo password
PRODUCTION = {
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "HUEY_IMMEDIATE": "false",
    "HUEY_URL": "",
    "HUEY_NAME": "bench-security",
}
# The bench's worker stamps a running export every 2 s and takes one whose stamp is 10 s old as
# lost (production: 10 s and 30 s), so the export its killed worker left is taken back about 20 s
# sooner; the figure says which settings it was measured with.
WORKER = {
    **PRODUCTION,
    "KADERASI_TASK_HEARTBEAT_SECONDS": "2",
    "KADERASI_TASK_STALE_SECONDS": "10",
}
UPLOAD_ROWS = 1_400_000
FORMULA_STARTS = ("=", "+", "-", "@")
# What follows the first character in every field the formula probe fills.
FORMULA_TAIL = "1+1 cmd|' /C calc'!A0"
TARGETS = {
    "security.tokens.accepted_after_changes": ("<=", 0),
    "security.formulas.formula_cells": ("<=", 0),
    "security.killed_worker.seconds_after_restart": ("<=", 60),
    "security.identity_check.answers_differing": ("<=", 0),
    "security.identifiers.plain_in_dump": ("<=", 0),
    "security.identifiers.plain_in_audit_log": ("<=", 0),
    "security.identifiers.in_access_log": ("<=", 0),
    "security.admin_filters.change_lists_leaking": ("<=", 0),
    "security.uploads.server_errors": ("<=", 0),
    "security.headers.responses_missing_a_header": ("<=", 0),
    "security.district.names_shown": ("<=", 0),
    "security.backup.tables_differing": ("<=", 0),
    "security.two_factor.pages_without_code": ("<=", 0),
    "security.server_errors": ("<=", 0),
}


def run() -> dict:
    from django.conf import settings
    from django.utils import timezone

    from kaderasi.demo.seeding import seed_demo

    started = time.monotonic()
    seed_demo(now=timezone.now())
    elsewhere = _second_region()
    harness.production_passwords(DEMO_USERS)
    data_dir = Path(settings.DATA_DIR)
    access_log = data_dir / "gunicorn-access.log"
    measured: dict = {"server": "gunicorn, 2 workers, DEBUG off"}
    probe = _timed(measured)
    _identified_mother()
    measured["seed_seconds"] = round(time.monotonic() - started, 1)
    worker = _worker(data_dir)
    try:
        with GunicornServer(
            workers=2, env=PRODUCTION, args=(f"--access-logfile={access_log}",)
        ) as server:
            port = server.port
            admin = Browser.signed_in(port, "admin", PASSWORD)
            coordinator = Browser.signed_in(port, "koordinator", PASSWORD)
            midwife = Browser.signed_in(port, "bidan", PASSWORD)
            probe("formulas", _formulas, coordinator, data_dir)
            watch, worker = _kill_the_worker_mid_export(coordinator, worker, data_dir)
            probe("tokens", _tokens, port, admin)
            probe("identity_check", _identity_check, midwife, elsewhere)
            probe("read_audit", _read_audit, coordinator, port, data_dir)
            probe("admin_filters", _admin_filters, coordinator, elsewhere)
            probe("uploads", _uploads, coordinator, server, worker, data_dir)
            probe("headers", _headers, coordinator, port)
            probe("district", _district, port)
            probe("identifiers", _identifiers, midwife, access_log)
            measured["killed_worker"] = watch()
    finally:
        _stop(worker)
    measured["server_errors"] = _server_errors(access_log)
    probe("backup", _backup, data_dir)
    probe("two_factor", _two_factor)
    measured["seconds"] = round(time.monotonic() - started, 1)
    return measured


# --- the data ------------------------------------------------------------------------------------


def _timed(measured: dict):
    """`probe(name, function, *args)` puts the function's figures under `name`, with the seconds
    it took."""

    def probe(name: str, function, *args) -> None:
        started = time.monotonic()
        measured[name] = function(*args)
        measured[name]["probe_seconds"] = round(time.monotonic() - started, 1)
        print(f"security.{name}: {measured[name]}", file=sys.stderr, flush=True)

    return probe


def _second_region() -> dict:
    """Another regency (Sleman) with a programme, a cadre, a training, a midwife and mothers
    whose NIK and phone number are known: what nobody in Klaten may learn about."""
    from kaderasi.accounts.models import Role
    from kaderasi.tests import factories as f

    province = f.area("DI Yogyakarta", "province")
    regency = f.area("Kabupaten Sleman", "regency", province)
    district = f.area("Kecamatan Mlati", "district", regency)
    village = f.area("Desa Sendangadi", "village", district)
    posyandu = f.area("Posyandu Sakura", "posyandu", village)
    programme = f.ProgrammeFactory(slug="sleman-probe", name="Program Sleman", area=village)
    training = f.TrainingFactory(programme=programme, title="Pelatihan Sleman")
    cadre = f.CadreFactory(programme=programme, posyandu=posyandu, name="Kader Sleman")
    f.TestAttemptFactory(training=training, cadre=cadre, phase="pre", score=60)
    user = f.UserFactory(
        username="bidan-sleman",
        first_name="Bidan",
        last_name="Sleman",
        role=Role.MIDWIFE,
        areas=[village],
    )
    mothers = [
        f.delivered_mother(
            programme=programme,
            posyandu=posyandu,
            name=f"Ibu Sleman {number}",
            nik=f"340401550190{number:04d}",
            phone=f"+6281390000{number:03d}",
        )
        for number in range(3)
    ]
    f.PairingFactory(mother=mothers[0], cadre=cadre)
    return {
        "mothers": mothers,
        "names": {
            str(programme),
            str(training),
            str(cadre),
            str(user),
            str(posyandu),
            str(village),
            str(district),
            str(regency),
        },
    }


def _worker(data_dir: Path) -> subprocess.Popen:
    log = (data_dir / "worker.log").open("ab")
    return start_worker(WORKER, stdout=log, stderr=log)


def _stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def _identified_mother():
    """The demo mother of the midwife's village with a NIK and a phone number (the demo's mothers
    have none: one is given them)."""
    from kaderasi.care.models import Mother

    mother = Mother.objects.filter(programme=_demo_programme()).order_by("pk").first()
    if not mother.nik:
        mother.nik = "3310015501900001"
        mother.phone = "+6281329000001"
        mother.save()
    return mother


def _demo_programme():
    from kaderasi.programmes.models import Programme

    return Programme.objects.get(slug="pandes-2018")


# --- 3. formula cells ----------------------------------------------------------------------------


def _formulas(coordinator: Browser, data_dir: Path) -> dict:
    """Every dangerous first character at the start of every text field a spreadsheet carries:
    four rounds, each giving the programme's name, description and data note, the report's
    conclusion and a mother's name one character each, rotated, so that each field starts with
    each character once. The downloads the server makes while one waits (the evaluation, the
    programme workbook with and without names) are opened in every round; the report workbook
    the worker makes and the CSV files of `export-programme` in the first round only (each
    carries four of the five fields or all five, so all four characters at once)."""
    from kaderasi.care.models import Mother
    from kaderasi.programmes.models import Programme

    programme = _demo_programme()
    mother = Mother.objects.filter(programme=programme).order_by("pk").first()
    original = {
        "name": programme.name,
        "description": programme.description,
        "data_note": programme.data_note,
    }
    mother_name = mother.name
    slug = programme.slug
    downloads = [
        f"/programmes/{slug}/evaluation.xlsx",
        f"/programmes/{slug}/export.xlsx",
        f"/programmes/{slug}/export.xlsx?pseudonymised=1",
    ]
    found = Counter()
    try:
        for round_number in range(len(FORMULA_STARTS)):
            starts = FORMULA_STARTS[round_number:] + FORMULA_STARTS[:round_number]
            name, description, data_note, conclusion = (f"{c}{FORMULA_TAIL}" for c in starts)
            Programme.objects.filter(pk=programme.pk).update(
                name=f"{name} Pandes", description=description, data_note=data_note
            )
            Mother.objects.filter(pk=mother.pk).update(name=conclusion)
            response, _ = coordinator.post(
                f"/programmes/{slug}/report/conclusion/", {"conclusion": f"{conclusion} simpulan"}
            )
            _expect(response, 302, "conclusion")
            found += _spreadsheets_checked(coordinator, downloads)
            if round_number == 0:
                report = _report_export(coordinator, slug, "xlsx", pseudonymised=False)
                found += _cells_counted("report.xlsx", *report)
                folder = data_dir / "formulas-csv"
                _command("export-programme", slug, "--output", str(folder), "--format", "csv")
                for path in sorted(folder.glob("*.csv")):
                    found += _csv_cells(path)
    finally:
        Programme.objects.filter(pk=programme.pk).update(**original)
        Mother.objects.filter(pk=mother.pk).update(name=mother_name)
    return {
        "first_characters": "".join(FORMULA_STARTS),
        "files_opened": found["files"],
        "formula_cells": found["formulas"],
        "cells_holding_the_text": found["texts"],
        # The control: the characters the cells holding the text begin with (all four).
        "first_characters_seen": "".join(c for c in FORMULA_STARTS if found[f"start {c}"]),
    }


def _spreadsheets_checked(browser: Browser, paths: list[str]) -> Counter:
    """Download each XLSX of `paths` (a query string allowed), open it, count its cells."""
    found = Counter()
    for path in paths:
        address, _sep, query = path.partition("?")
        found += _cells_counted(path, *browser.get(address, **dict(urllib.parse.parse_qsl(query))))
    return found


def _cells_counted(what: str, response, body: bytes) -> Counter:
    _expect(response, 200, what)
    return _xlsx_cells(body)


def _xlsx_cells(body: bytes) -> Counter:
    """A workbook's formula cells, and its cells holding the probe's text by first character."""
    import io

    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(body), data_only=False)
    found = Counter(files=1)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    found["formulas"] += 1
                elif isinstance(cell.value, str):
                    found += _text_found(cell.value)
    return found


def _text_found(value: str) -> Counter:
    """A cell holding the probe's text: counted, with the character it was given to begin with
    (a CSV cell may carry a quote before it)."""
    at = value.find(FORMULA_TAIL)
    if at < 1:
        return Counter()
    return Counter({"texts": 1, f"start {value[at - 1]}": 1})


def _csv_cells(path: Path) -> Counter:
    """A cell a spreadsheet would run: it starts with =, +, -, @, a tab or a carriage return and
    is not a number."""
    import csv

    found = Counter(files=1)
    with path.open(encoding="utf-8-sig", newline="") as file:
        for row in csv.reader(file):
            for value in row:
                found += _text_found(value)
                if value[:1] in ("=", "+", "-", "@", "\t", "\r") and not _number(value):
                    found["formulas"] += 1
    return found


def _number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _report_export(coordinator: Browser, slug: str, format: str, *, pseudonymised: bool):
    """Ask for a report export, wait for the worker to finish it, download it."""
    from kaderasi.reports.models import ReportExport

    export = _report_export_request(coordinator, slug, format, pseudonymised=pseudonymised)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        export = ReportExport.objects.get(pk=export.pk)
        if export.status in ("done", "failed"):
            break
        time.sleep(0.2)
    if export.status != "done":
        raise AssertionError(f"the report export is {export.status}: {export.error_message!r}")
    return coordinator.get(f"/report-exports/{export.public_id}/download/")


def _report_export_request(coordinator: Browser, slug: str, format: str, *, pseudonymised: bool):
    from kaderasi.reports.models import ReportExport

    fields = {"format": format, "language": "id"}
    if pseudonymised:
        fields["pseudonymised"] = "on"
    response, _ = coordinator.post(f"/programmes/{slug}/report/exports/", fields)
    _expect(response, 302, "report export")
    public_id = response.getheader("Location").rstrip("/").rsplit("/", 1)[-1]
    return ReportExport.objects.get(public_id=public_id)


# --- 4. a worker killed mid-export ---------------------------------------------------------------


def _kill_the_worker_mid_export(coordinator: Browser, worker, data_dir: Path):
    """Kill the worker with SIGKILL while it prepares a PDF report, start it again, and watch (in
    a thread, while the other probes run) until the export leaves "running". Returns the function
    that waits for the figure, and the new worker."""
    from kaderasi.reports.models import ReportExport

    slug = _demo_programme().slug
    for _attempt in range(3):
        export = _report_export_request(coordinator, slug, "pdf", pseudonymised=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            export = ReportExport.objects.get(pk=export.pk)
            if export.status != "queued":
                break
            time.sleep(0.05)
        if export.status == "running":
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait()
            killed = ReportExport.objects.get(pk=export.pk)
            break
    else:
        raise AssertionError("no export was caught running in three tries")
    if killed.status != "running":
        raise AssertionError(f"the export finished ({killed.status}) before the kill")
    worker = _worker(data_dir)
    restarted = time.monotonic()
    outcome: dict = {
        "progress_when_killed": killed.progress,
        "heartbeat_seconds": int(WORKER["KADERASI_TASK_HEARTBEAT_SECONDS"]),
        "stale_seconds": int(WORKER["KADERASI_TASK_STALE_SECONDS"]),
    }

    def watch_it() -> None:
        from django.db import connection

        try:
            deadline = restarted + 120
            left = None
            while time.monotonic() < deadline:
                row = ReportExport.objects.get(pk=export.pk)
                if left is None and (row.status != "running" or row.interruptions):
                    left = time.monotonic() - restarted
                    outcome["seconds_after_restart"] = round(left, 1)
                    outcome["first_seen"] = "requeued" if row.status != "failed" else "failed"
                if row.status in ("done", "failed"):
                    outcome["ended"] = row.status
                    outcome["seconds_to_end_after_restart"] = round(time.monotonic() - restarted, 1)
                    outcome["interruptions"] = row.interruptions
                    break
                time.sleep(0.5)
            else:
                outcome.setdefault("seconds_after_restart", "> 120")
                outcome["ended"] = "still running after 120 s"
        finally:
            connection.close()

    thread = threading.Thread(target=watch_it, name="killed-worker-watch")
    thread.start()

    def watch() -> dict:
        thread.join()
        if outcome.get("ended") == "failed":
            # The message its requester reads on the export's page.
            _response, body = coordinator.get(f"/report-exports/{export.public_id}/")
            outcome["failure_shown"] = int(b"error" in body or b"gagal" in body.lower())
        return outcome

    return watch, worker


# --- 2. tokens and sessions end ------------------------------------------------------------------


def _tokens(port: int, admin: Browser) -> dict:
    from kaderasi.accounts.models import Role, User

    harness_user = "probe-{}"
    changes = {
        "password_change": lambda user: _admin_sets_password(admin, user),
        "deactivation": lambda user: _saved(user, is_active=False),
        "role_change": lambda user: _saved(user, role=Role.MIDWIFE),
    }
    accepted_before = accepted_after = 0
    figures = {}
    for change, make in changes.items():
        user = User.objects.create(username=harness_user.format(change), role=Role.CADRE)
        harness.production_passwords([user.username])
        token = _device_token(port, user.username)
        session = Browser.signed_in(port, user.username, PASSWORD)
        accepted_before += _token_works(port, token) + _session_works(session)
        make(user)
        after = _token_works(port, token) + _session_works(session)
        figures[f"accepted_after_{change}"] = after
        accepted_after += after
    return {
        **figures,
        "accepted_after_changes": accepted_after,
        "accepted_before_of_6": accepted_before,
    }


def _device_token(port: int, username: str) -> str:
    response, body = token_request(port, username, PASSWORD)
    _expect(response, 201, "token")
    return json.loads(body)["token"]


def _token_works(port: int, token: str) -> int:
    response, _ = request(port, "GET", "/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    return int(response.status == 200)


def _session_works(browser: Browser) -> int:
    response, _ = browser.get("/")
    return int(response.status == 200)


def _admin_sets_password(admin: Browser, user) -> None:
    new = "a new password 2026"
    response, body = admin.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": new, "password2": new, "usable_password": "true"},
    )
    _expect(response, 302, f"admin password change: {body[:300]!r}")


def _saved(user, **changes) -> None:
    for name, value in changes.items():
        setattr(user, name, value)
    user.save()


# --- 5. the duplicate-identity check -------------------------------------------------------------


def _identity_check(midwife: Browser, elsewhere: dict) -> dict:
    """Register mothers in the midwife's village: with the NIK or phone of a mother of another
    region, and with ones nobody has; the answers are compared by status and the fields they
    mark. Then fresh NIKs until the hourly limit refuses."""
    from kaderasi.care.models import Mother

    programme = _demo_programme()
    posyandu = Mother.objects.filter(programme=programme).values_list("posyandu", flat=True).first()
    own_nik = _identified_mother().nik
    numbers = iter(range(10_000))
    checks = 0

    def register(**identity):
        nonlocal checks
        checks += 1
        number = next(numbers)
        response, body = midwife.post(
            "/mothers/new/",
            {
                "programme": programme.pk,
                "posyandu": posyandu,
                "name": f"Ibu Probe {number}",
                "stage": "pregnant",
                "estimated_delivery_date": "2027-03-01",
                "group": "intervention",
                **identity,
            },
        )
        errors = sorted(set(re.findall(rb'id="error_\d*_?id_(\w+)', body)))
        return (response.status, tuple(errors)), response

    differing = pairs = 0
    for number, mother in enumerate(elsewhere["mothers"]):
        for field, theirs, fresh in (
            ("nik", mother.nik, f"330901990101{number:04d}"),
            ("phone", str(mother.phone), f"+6285700000{number:03d}"),
        ):
            known, _ = register(**{field: theirs})
            unknown, _ = register(**{field: fresh})
            pairs += 1
            differing += known != unknown
    own, _ = register(nik=own_nik)
    throttled_at = None
    while checks < 200:
        (status, _errors), _ = register(nik=f"3309019902{checks:06d}")
        if status != 302:
            throttled_at = checks
            break
    from django.conf import settings

    return {
        "pairs_compared": pairs,
        "answers_differing": differing,
        "own_village_duplicate_refused": int(own[0] != 302),
        "limit_per_hour": settings.KADERASI_IDENTITY_LOOKUPS_PER_HOUR,
        "refused_at_check": throttled_at or "not refused in 200",
    }


# --- 6. identifiers at rest and in the logs ------------------------------------------------------


def _identifiers(midwife: Browser, access_log: Path) -> dict:
    from auditlog.models import LogEntry

    niks, phones = _plain_identifiers()
    dump = _dump()
    plain_in_dump = sum(value in dump for value in niks | phones)
    audit = "\n".join(
        json.dumps(entry.changes) if not isinstance(entry.changes, str) else entry.changes
        for entry in LogEntry.objects.all()
    )
    plain_in_audit = sum(value in audit for value in niks | phones)
    mother = _identified_mother()
    searched = [mother.name, mother.nik, *([str(mother.phone)] if mother.phone else [])]
    found = 0
    for term in searched:
        response, body = midwife.get("/mothers/", q=term)
        _expect(response, 200, "search")
        found += html.escape(mother.name).encode() in body
    time.sleep(1)  # gunicorn writes its access log line after the answer
    log = access_log.read_text(errors="replace")
    variants = {
        form
        for term in searched
        for form in (term, urllib.parse.quote(term), urllib.parse.quote_plus(term))
    }
    return {
        "niks": len(niks),
        "phones": len(phones),
        "dump_mb": round(len(dump) / 1e6, 1),
        "plain_in_dump": plain_in_dump,
        "audit_entries": LogEntry.objects.count(),
        "plain_in_audit_log": plain_in_audit,
        "masked_in_audit_log": audit.count("*" * 8),
        "searches_that_found_her": found,
        "in_access_log": sum(variant in log for variant in variants),
        "access_log_lines": log.count("\n"),
    }


def _plain_identifiers() -> tuple[set[str], set[str]]:
    """Every NIK and phone number the database holds, in the forms a reader would search for."""
    from kaderasi.accounts.models import User
    from kaderasi.cadres.models import Cadre
    from kaderasi.care.models import Mother

    niks = {mother.nik for mother in Mother.objects.all() if mother.nik}
    phones = set()
    for model in (Mother, Cadre, User):
        for row in model.objects.all():
            if row.phone:
                international = str(row.phone)
                phones |= {international, "0" + international.removeprefix("+62")}
    return niks, phones


def _dump() -> str:
    from django.db import connection

    if connection.vendor == "sqlite":
        with sqlite3.connect(connection.settings_dict["NAME"]) as database:
            return "\n".join(database.iterdump())
    settings = connection.settings_dict
    return subprocess.run(  # noqa: S603 - pg_dump of our own database
        [
            shutil.which("pg_dump") or "/usr/bin/pg_dump",
            "--host",
            settings["HOST"] or "127.0.0.1",
            "--port",
            str(settings["PORT"] or 5432),
            "--username",
            settings["USER"],
            settings["NAME"],
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PGPASSWORD": settings["PASSWORD"] or ""},
    ).stdout


# --- 7. the read audit ---------------------------------------------------------------------------


def _read_audit(coordinator: Browser, port: int, data_dir: Path) -> dict:
    from django.utils import timezone

    from kaderasi.accounts.models import User
    from kaderasi.api.tokens import device_token_issue
    from kaderasi.care.models import MotherRead, ReadInterface, Referral
    from kaderasi.reports.models import ReportExport

    referral = Referral.objects.select_related("mother__programme").first()
    if referral is None:
        raise AssertionError("the demo has no referral")
    mother = referral.mother
    slug = mother.programme.slug
    _token, secret = device_token_issue(
        user=User.objects.get(username="bidan"), device_name="bench", now=timezone.now()
    )
    phone = {"Authorization": f"Bearer {secret}"}
    report = ReportExport.objects.filter(
        programme=mother.programme, format="xlsx", pseudonymised=False, status="done"
    ).first()
    if report is None:
        _report_export(coordinator, slug, "xlsx", pseudonymised=False)
        report = ReportExport.objects.filter(
            programme=mother.programme, format="xlsx", pseudonymised=False, status="done"
        ).first()
    mother_id = mother.public_id
    reads = {
        ReadInterface.MOTHER_PAGE: lambda: coordinator.get(f"/mothers/{mother_id}/"),
        ReadInterface.REMINDERS_PAGE: lambda: coordinator.get(f"/mothers/{mother_id}/reminders/"),
        ReadInterface.REFERRAL: lambda: coordinator.get(f"/referrals/{referral.public_id}/"),
        ReadInterface.FHIR_DOWNLOAD: lambda: coordinator.get(f"/mothers/{mother_id}/fhir.json"),
        ReadInterface.WORKBOOK_EXPORT: lambda: coordinator.get(f"/programmes/{slug}/export.xlsx"),
        ReadInterface.REPORT_DOWNLOAD: lambda: coordinator.get(
            f"/report-exports/{report.public_id}/download/"
        ),
        ReadInterface.API_PULL: lambda: request(port, "GET", "/api/v1/sync/pull", headers=phone),
        ReadInterface.API_MOTHER: lambda: request(
            port, "GET", f"/api/v1/mothers/{mother_id}", headers=phone
        ),
        ReadInterface.COMMAND_EXPORT: lambda: _command(
            "export-programme", slug, "--output", str(data_dir / "read-audit.xlsx")
        ),
        ReadInterface.SUBJECT_EXPORT: lambda: coordinator.get(f"/mothers/{mother_id}/data.json"),
    }
    missing = set(ReadInterface) - set(reads)
    if missing:
        raise AssertionError(f"read interfaces the probe does not drive: {sorted(missing)}")
    entries = {}
    for interface, read in reads.items():
        before = MotherRead.objects.filter(mother=mother, interface=interface).count()
        answer = read()
        if answer is not None:
            _expect(answer[0], 200, interface)
        entries[str(interface)] = (
            MotherRead.objects.filter(mother=mother, interface=interface).count() - before
        )
    return {
        "interfaces": len(entries),
        "interfaces_with_exactly_one_entry": sum(count == 1 for count in entries.values()),
        "entries": entries,
    }


# --- 8. admin filters ----------------------------------------------------------------------------

CHANGE_LIST = re.compile(rb'href="(/admin/\w+/\w+/)"')
FILTER = re.compile(rb'<(?:nav|div) id="changelist-filter".*?</(?:nav|div)>\s*</div>', re.S)


def _admin_filters(coordinator: Browser, elsewhere: dict) -> dict:
    response, body = coordinator.get("/admin/")
    _expect(response, 200, "admin index")
    change_lists = sorted({path.decode() for path in CHANGE_LIST.findall(body)})
    leaking = []
    offered = 0
    for path in change_lists:
        response, body = coordinator.get(path)
        if response.status != 200:
            continue
        text = html.unescape(b"".join(_filter_blocks(body)).decode())
        choices = re.findall(r"<a [^>]*>(.*?)</a>", text, re.S)
        offered += len(choices)
        if any(name in choice for choice in choices for name in elsewhere["names"]):
            leaking.append(path)
    return {
        "change_lists": len(change_lists),
        "filter_choices_offered": offered,
        "change_lists_leaking": len(leaking),
    }


def _filter_blocks(body: bytes) -> list[bytes]:
    start = body.find(b'id="changelist-filter"')
    if start < 0:
        return []
    end = body.find(b"</nav>", start)
    return [body[start : end if end > 0 else len(body)]]


# --- 9. uploads ----------------------------------------------------------------------------------


def _uploads(coordinator: Browser, server: GunicornServer, worker, data_dir: Path) -> dict:
    folder = data_dir / "uploads"
    folder.mkdir(exist_ok=True)
    files = {
        "rows_1_4m": _many_rows(folder / "rows.xlsx", harness.scaled(UPLOAD_ROWS, minimum=6000)),
        "zip_bomb": _zip_bomb(folder / "bomb.xlsx"),
        "nul_byte": _written(folder / "nul" / "mothers.csv", b"code,name\r\nM001,Ibu\x00 A\r\n"),
        "utf16": _written(
            folder / "utf16" / "mothers.csv",
            "code,name\r\nM001,Ibu Ä\r\n".encode("utf-16-le"),
        ),
        "cell_200k": _written(
            folder / "cell" / "mothers.csv", b"code,name\r\nM001," + b"A" * 200_000 + b"\r\n"
        ),
    }
    figures: dict = {}
    errors = tracebacks = 0
    for name, path in files.items():
        _reset_peak_memory(server)
        _reset_process_peak(worker.pid)
        started = time.monotonic()
        response, body = coordinator.upload(
            "/import/",
            {"slug": f"probe-{name.replace('_', '-')}", "name": "Probe"},
            {"files": path},
        )
        errors += response.status >= 500
        tracebacks += b"Traceback" in body
        job_status = "refused by the form"
        if response.status == 302:
            job_status, body = _import_job_end(coordinator, response.getheader("Location"))
            errors += job_status.startswith("5")
            tracebacks += b"Traceback" in body
        seconds = time.monotonic() - started
        message = _error_message(body)
        figures[name] = {
            "status": response.status,
            "job_status": job_status,
            "message_shown": int(bool(message)),
            "message": message[:90],
            "seconds": round(seconds, 1),
            "peak_mb": _peak_memory_mb(server),
            "task_peak_mb": _process_peak_mb(worker.pid),
        }
    rows = harness.scaled(UPLOAD_ROWS, minimum=6000)
    figures["rows_1_4m"]["rows"] = rows
    figures["rows_1_4m"]["file_mb"] = round(files["rows_1_4m"].stat().st_size / 1e6, 1)
    figures["rows_1_4m"]["message_names_row_limit"] = int(
        _row_limit_named(figures["rows_1_4m"]["message"])
    )
    figures["zip_bomb"]["file_mb"] = round(files["zip_bomb"].stat().st_size / 1e6, 2)
    figures["server_errors"] = errors
    figures["tracebacks"] = tracebacks
    return figures


def _import_job_end(browser: Browser, location: str, *, timeout: float = 600) -> tuple[str, bytes]:
    """Poll an import job's page, as the page itself does, until the job ends: (how it ended,
    the page's body). A job that is done redirects to the import's summary."""
    path = urllib.parse.urlsplit(location).path
    deadline = time.monotonic() + timeout
    while True:
        response, body = browser.get(path)
        if response.status == 302:
            return "done", body
        if response.status != 200:
            return str(response.status), body
        found = re.search(rb'id="import-progress"[^>]*data-status="(\w+)"', body)
        status = found.group(1).decode() if found else "unknown"
        if status in ("rejected", "failed", "unknown"):
            return status, body
        if time.monotonic() > deadline:
            raise AssertionError(f"the import job at {path} is still {status} after {timeout} s")
        time.sleep(0.5)


def _row_limit_named(message: str) -> bool:
    """Whether the row-limit refusal names the web page's limit (WEB_MAX_ROWS data rows, however
    the number is grouped): the reader stops a larger file at that limit plus the header rows it
    allows, a number a user splitting her file must not be told."""
    from kaderasi.interop.import_jobs import WEB_MAX_ROWS

    digits = re.sub(r"(?<=\d)[.,\s](?=\d{3})", "", message)
    return re.search(rf"\b{WEB_MAX_ROWS}\b", digits) is not None


def _error_message(body: bytes) -> str:
    """The first error the page shows: on a field, the job's refusal, or its list of problems."""
    text = body.decode(errors="replace")
    found = (
        re.search(r'<p class="error" role="alert">(.*?)</p>', text, re.S)
        or re.search(r'<p class="import-state failed" role="alert">(.*?)</p>', text, re.S)
        or re.search(r'<span class="problem-message">(.*?)</span>', text, re.S)
    )
    return html.unescape(found.group(1)).strip() if found else ""


XLSX_PARTS = {
    "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
    'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
    'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    'worksheet+xml"/></Types>',
    "_rels/.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>",
    "xl/workbook.xml": '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
    'main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="mothers" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
    'org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>",
}


def _many_rows(path: Path, rows: int) -> Path:
    """An .xlsx workbook of `rows` mothers, its sheet streamed into the zip (a few MB on the
    wire, about 100 MB unpacked: under the size limits, so the row limit is what refuses it)."""
    cell = '<c t="inlineStr"><is><t>{}</t></is></c>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in XLSX_PARTS.items():
            archive.writestr(name, content)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b"<sheetData><row>"
                + (cell.format("code") + cell.format("name")).encode()
                + b"</row>"
            )
            chunk = []
            for number in range(rows):
                chunk.append(
                    f"<row>{cell.format(f'M{number}')}{cell.format(f'Ibu {number}')}</row>"
                )
                if len(chunk) == 20_000:
                    sheet.write("".join(chunk).encode())
                    chunk.clear()
            sheet.write("".join(chunk).encode())
            sheet.write(b"</sheetData></worksheet>")
    return path


def _zip_bomb(path: Path) -> Path:
    """An .xlsx whose one sheet unpacks to 1 GB of spaces (about 1 MB on the wire)."""
    block = b" " * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for _ in range(1024):
                sheet.write(block)
    return path


def _written(path: Path, content: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def _gunicorn_workers(server: GunicornServer) -> list[int]:
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children")
    return [int(pid) for pid in children.read_text().split()]


def _reset_peak_memory(server: GunicornServer) -> None:
    for pid in _gunicorn_workers(server):
        _reset_process_peak(pid)


def _peak_memory_mb(server: GunicornServer) -> float:
    return max(_process_peak_mb(pid) for pid in _gunicorn_workers(server))


def _reset_process_peak(pid: int) -> None:
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def _process_peak_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"^VmHWM:\s*(\d+) kB", status, re.M)
    return round(int(found.group(1)) / 1024 if found else 0, 1)


# --- 10. headers ---------------------------------------------------------------------------------


def _headers(coordinator: Browser, port: int) -> dict:
    from kaderasi.care.models import Mother, Referral
    from kaderasi.reports.models import ReportExport

    mother = Mother.objects.filter(programme=_demo_programme()).first()
    slug = mother.programme.slug
    report = ReportExport.objects.filter(status="done").first()
    referral = Referral.objects.first()
    paths = [
        "/",
        "/mothers/",
        f"/mothers/{mother.public_id}/",
        f"/mothers/{mother.public_id}/reminders/",
        f"/mothers/{mother.public_id}/fhir.json",
        f"/mothers/{mother.public_id}/data.json",
        f"/referrals/{referral.public_id}/",
        "/referrals/",
        f"/programmes/{slug}/",
        f"/programmes/{slug}/evaluation/",
        f"/programmes/{slug}/evaluation.xlsx",
        f"/programmes/{slug}/evaluation.pdf",
        f"/programmes/{slug}/export.xlsx",
        f"/programmes/{slug}/report/",
        f"/report-exports/{report.public_id}/download/",
        "/dashboard/",
        "/dashboard/mothers/",
        "/admin/care/mother/",
    ]
    missing: Counter = Counter()
    pages = inline_scripts = 0
    for path in paths:
        response, body = coordinator.get(path)
        _expect(response, 200, path)
        policy = response.getheader("Content-Security-Policy") or ""
        page = (response.getheader("Content-Type") or "").startswith("text/html")
        pages += page
        # Every answer has the policy; every inline script of a page carries its nonce.
        nonce = re.search(r"'nonce-([^']+)'", policy)
        inline = [
            tag
            for tag in (re.findall(rb"<script(?![^>]*\bsrc=)[^>]*>", body) if page else [])
            if b"json" not in tag  # a data block (json_script) never runs
        ]
        if not policy or any(
            nonce is None or f'nonce="{nonce.group(1)}"'.encode() not in tag for tag in inline
        ):
            missing["csp"] += 1
            print(f"CSP missing or without the nonce: {path}", file=sys.stderr)
        inline_scripts += len(inline)
        if not response.getheader("Permissions-Policy"):
            missing["permissions_policy"] += 1
        if "no-store" not in (response.getheader("Cache-Control") or ""):
            missing["no_store"] += 1
            print(f"no no-store: {path}", file=sys.stderr)
    verify, _ = request(port, "GET", "/verify/?code=a/b")
    return {
        "responses_checked": len(paths),
        "of_them_pages": pages,
        "inline_scripts_seen": inline_scripts,
        "responses_missing_a_header": sum(missing.values()),
        **{f"missing_{name}": count for name, count in missing.items()},
        "verify_slash_code_status": verify.status,
    }


# --- 11. the district office ---------------------------------------------------------------------


def _district(port: int) -> dict:
    from kaderasi.care.models import Mother

    district = Browser.signed_in(port, "dinkes", PASSWORD)
    programmes = ("pandes-2018", "demo-live")
    names = {mother.name for mother in Mother.objects.filter(programme__slug__in=programmes)}
    paths = [
        "/",
        "/mothers/",
        "/referrals/",
        "/dashboard/",
        "/dashboard/mothers/",
        "/dashboard/referrals/",
        *(f"/programmes/{slug}/" for slug in programmes),
        *(f"/programmes/{slug}/evaluation/" for slug in programmes),
        *(f"/programmes/{slug}/report/" for slug in programmes),
    ]
    shown = set()
    pages = 0
    for path in paths:
        response, body = district.get(path)
        if response.status != 200:
            continue
        pages += 1
        text = html.unescape(body.decode(errors="replace"))
        shown |= {name for name in names if name in text}
    mother_pages = [
        district.get(f"/mothers/{mother.public_id}/")[0].status
        for mother in Mother.objects.filter(programme__slug__in=programmes)[:5]
    ]
    return {
        "pages_read": pages,
        "mothers": len(names),
        "names_shown": len(shown),
        "mother_pages_opened": sum(status == 200 for status in mother_pages),
    }


# --- 12. backup and restore ----------------------------------------------------------------------


def _backup(data_dir: Path) -> dict:
    from django.db import connection

    from kaderasi.care.models import MotherRead
    from kaderasi.core.backups import database_fingerprint

    before = database_fingerprint()
    path = data_dir / "backup-probe"
    started = time.monotonic()
    _command("backup", str(path))
    backup_seconds = time.monotonic() - started
    MotherRead.objects.all().delete()  # something for the restore to bring back
    connection.close()
    started = time.monotonic()
    _command("restore", str(path), "--yes")
    restore_seconds = time.monotonic() - started
    after = database_fingerprint()
    tables = before.keys() | after.keys()
    differing = [table for table in tables if before.get(table) != after.get(table)]
    return {
        "tables": len(before),
        "rows": sum(table.rows for table in before.values()),
        "tables_differing": len(differing),
        "backup_seconds": round(backup_seconds, 1),
        "restore_seconds": round(restore_seconds, 1),
    }


# --- 13. two-factor sign-in ----------------------------------------------------------------------


def _two_factor() -> dict:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kaderasi.accounts.models import User

    coordinator = User.objects.get(username="koordinator")
    device = TOTPDevice.objects.create(user=coordinator, name="bench", confirmed=True)
    protected = ("/", "/mothers/", "/programmes/pandes-2018/", "/admin/", "/dashboard/")
    env = {**PRODUCTION, "KADERASI_TWO_FACTOR_REQUIRED": "true"}
    with GunicornServer(workers=1, env=env) as server:
        port = server.port
        reached = tokens = passwords_accepted = 0
        for username in ("admin", "koordinator"):
            ok, cookies = form_login(port, "/login/", username, PASSWORD)
            passwords_accepted += ok
            browser = Browser(port, cookies)
            reached += sum(browser.get(path)[0].status == 200 for path in protected)
            response, _ = token_request(port, username, PASSWORD)
            tokens += response.status == 201
        # The control: the coordinator with her code gets in.
        ok, cookies = form_login(port, "/login/", "koordinator", PASSWORD)
        browser = Browser(port, cookies)
        code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
        browser.post("/login/code/", {"code": code})
        with_code = sum(browser.get(path)[0].status == 200 for path in protected[:3])
    return {
        "passwords_accepted_of_2": passwords_accepted,
        "pages_without_code": reached,
        "pages_tried_without_code": 2 * len(protected),
        "tokens_issued": tokens,
        "pages_with_code_of_3": with_code,
    }


# --- helpers -------------------------------------------------------------------------------------


def _command(*args: str) -> None:
    """A `kaderasi` command in production mode on this run's database."""
    completed = subprocess.run(  # noqa: S603 - our interpreter, our application
        [sys.executable, "-m", "kaderasi", *args],
        cwd=harness.ROOT,
        env=production_env(PRODUCTION, database_url=current_database_url()),
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode:
        raise AssertionError(f"kaderasi {' '.join(args)}: {completed.stderr[-2000:]}")


def _server_errors(access_log: Path) -> int:
    """Answers with a 5xx status in gunicorn's access log (the combined format: the status
    follows the quoted request line)."""
    statuses = re.findall(r'" (\d{3}) ', access_log.read_text(errors="replace"))
    return sum(status.startswith("5") for status in statuses)


def _expect(response, status: int, what) -> None:
    if response.status != status:
        raise AssertionError(f"{what}: {response.status}, expected {status}")


# --- the table in docs/security.md --------------------------------------------------------------

TABLE_ROWS = (
    (
        "2",
        "requests accepted after a password change, a deactivation, a role change (token + "
        "session, of 6)",
        "tokens.accepted_after_changes",
    ),
    ("2", "control: accepted before the changes (of 6)", "tokens.accepted_before_of_6"),
    (
        "3",
        "formula cells in every XLSX download and `export-programme` CSV",
        "formulas.formula_cells",
    ),
    (
        "3",
        "files opened (3 downloads × 4 rounds, the worker's report workbook, the CSV files)",
        "formulas.files_opened",
    ),
    (
        "3",
        "control: first characters the cells holding the text begin with",
        "formulas.first_characters_seen",
    ),
    (
        "4",
        "export whose worker was SIGKILLed: seconds from the restart to re-queued (stale "
        "after 10 s; production 30 s)",
        "killed_worker.seconds_after_restart",
    ),
    ("4", "… to finished", "killed_worker.seconds_to_end_after_restart"),
    (
        "5",
        "answers differing: NIK/phone of another region vs. nobody's",
        "identity_check.answers_differing",
    ),
    ("5", "control: her own village's NIK refused", "identity_check.own_village_duplicate_refused"),
    ("5", "check number refused by the hourly limit", "identity_check.refused_at_check"),
    (
        "6",
        "plaintext NIKs and phone numbers in a dump of the database",
        "identifiers.plain_in_dump",
    ),
    ("6", "… in the audit log", "identifiers.plain_in_audit_log"),
    ("6", "name, NIK, phone searched: found in gunicorn's access log", "identifiers.in_access_log"),
    ("6", "control: the searches that found her (of 3)", "identifiers.searches_that_found_her"),
    (
        "7",
        "read interfaces leaving exactly one entry (of 10)",
        "read_audit.interfaces_with_exactly_one_entry",
    ),
    (
        "8",
        "admin change lists offering another region's names",
        "admin_filters.change_lists_leaking",
    ),
    ("8", "change lists walked", "admin_filters.change_lists"),
    (
        "9",
        "1.4 M-row workbook: answer, job's end, seconds, gunicorn / worker peak MB",
        "uploads.rows_1_4m",
    ),
    ("9", "… its refusal names the row limit", "uploads.rows_1_4m.message_names_row_limit"),
    ("9", "zip bomb (1 MB → 1 GB)", "uploads.zip_bomb"),
    ("9", "NUL byte", "uploads.nul_byte"),
    ("9", "UTF-16 file", "uploads.utf16"),
    ("9", "200,000-character cell", "uploads.cell_200k"),
    ("9", "uploads answered 5xx or with a traceback", "uploads.server_errors"),
    (
        "10",
        "responses lacking CSP (nonce on pages), Permissions-Policy or no-store",
        "headers.responses_missing_a_header",
    ),
    ("10", "`/verify/?code=a/b` status", "headers.verify_slash_code_status"),
    ("11", "mothers' names on the district office's pages", "district.names_shown"),
    ("11", "mother pages the district office opens (of 5)", "district.mother_pages_opened"),
    ("12", "tables differing after backup + restore", "backup.tables_differing"),
    (
        "13",
        "pages reached with the password alone, TOTP required (of 10)",
        "two_factor.pages_without_code",
    ),
    ("13", "device tokens issued to them", "two_factor.tokens_issued"),
    ("13", "control: pages reached with the code (of 3)", "two_factor.pages_with_code_of_3"),
    ("", "5xx answers in the whole run's access log", "server_errors"),
)


def table(results: dict) -> str:
    """The figures of bench/results.json as the Markdown table of docs/security.md."""
    databases = [db for db in ("sqlite", "postgresql") if db in results]
    lines = [
        "| item | figure | "
        + " | ".join({"sqlite": "SQLite", "postgresql": "PostgreSQL"}[db] for db in databases)
        + " |",
        "|---|---|" + "---:|" * len(databases),
    ]
    for item, label, key in TABLE_ROWS:
        cells = [_cell(results[db], f"security.{key}") for db in databases]
        lines.append(f"| {item} | {label} | " + " | ".join(cells) + " |")
    machine, run_info = results["machine"], results["run"]
    lines.append("")
    lines.append(
        f"Run {run_info['date']} on {machine['cpu']} ({machine['cores']} cores, "
        f"{machine['memory_gb']} GB), gunicorn 2 workers, DEBUG off; "
        + ", ".join(f"{db} {results[db].get('security.bench_seconds', '–')} s" for db in databases)
        + "."
    )
    return "\n".join(lines)


def _cell(figures: dict, key: str) -> str:
    if key in figures:
        return str(figures[key])
    parts = [
        str(figures.get(f"{key}.{name}", "–"))
        for name in ("status", "job_status", "seconds", "peak_mb", "task_peak_mb")
        if f"{key}.{name}" in figures
    ]
    return " / ".join(parts) if parts else "–"


if __name__ == "__main__":
    if sys.argv[1:] == ["--table"]:
        print(table(json.loads((harness.ROOT / "bench" / "results.json").read_text())))
    else:
        harness.standalone(run)
