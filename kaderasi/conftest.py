"""Named personas and a small two-village world that every scoping test can use.

World: Jawa Tengah › Kabupaten Klaten › Kecamatan Wedi › Desa Pandes (posyandu Mawar) and
Desa Canan (posyandu Kenanga); plus Kabupaten Sleman › … › Desa Sendangadi (posyandu Sakura).
"""

import asyncio
import datetime as dt
import functools
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from kaderasi.accounts.models import Role
from kaderasi.tests import factories as f
from kaderasi.tests.postgresql_template import drop_template, setup_from_template
from kaderasi.tests.seeded_content import SEEDED

# No timing assertion in a unit test (speed goals live in bench/): Hypothesis's default deadline of
# 200 ms per example failed a pure computation (care/tests/test_phase_volumes.py) on a loaded
# machine with two workers per core (decision 0270).
hypothesis_settings.register_profile("kaderasi", deadline=None)
hypothesis_settings.load_profile("kaderasi")

WIB = ZoneInfo("Asia/Jakarta")
NOW = dt.datetime(2026, 11, 29, 9, 0, tzinfo=WIB)


@dataclass
class World:
    province: object
    klaten: object
    wedi: object
    pandes: object
    canan: object
    mawar: object
    kenanga: object
    sleman: object
    sendangadi: object
    sakura: object
    programme: object
    other_programme: object


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """pytest-django's test database, migrated once and kept: the migrations (and the content the
    data migrations seed) take 10-15 s of CPU in every process. On SQLite the migrated database is
    kept in pytest's cache (.pytest_cache/d/kaderasi-test-db), named by a hash of everything it
    depends on (every source file outside the tests, the seeded content, Django's version); a
    process copies it and only checks that no migration is missing. The first process to need a
    new one builds it while the others wait for it (pytest-xdist). On PostgreSQL the first xdist
    worker migrates and the others copy its database as a template (decision 0211).
    `--reuse-db`, `--create-db`, `--no-migrations`, PostgreSQL in one process and
    `-p no:cacheprovider` on SQLite take pytest-django's own way."""
    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases

    try:
        from pytest_django.fixtures import _get_databases_for_setup

        aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    except ImportError:  # pragma: no cover - a pytest-django without the helper
        aliases, serialized_aliases = None, None
    verbosity = request.config.option.verbose
    setup = {
        "verbosity": verbosity,
        "interactive": False,
        "aliases": aliases,
        "serialized_aliases": serialized_aliases,
    }
    if not django_db_use_migrations:
        from pytest_django.fixtures import _disable_migrations

        _disable_migrations()
    if django_db_keepdb and not django_db_createdb:
        setup["keepdb"] = True
    cache_dir = _migrated_database_cache(request, connections, django_db_use_migrations)
    template_run = _postgresql_template_run(request, connections, django_db_use_migrations)
    with django_db_blocker.unblock():
        if django_db_keepdb or (cache_dir is None and template_run is None):
            db_cfg = setup_databases(**setup)
        elif template_run is not None:
            db_cfg = setup_from_template(connections["default"], setup, *template_run)
        else:
            db_cfg = _setup_from_migrated_copy(cache_dir, connections["default"], setup)
        SEEDED.keep()
    with pytest.MonkeyPatch.context() as patch:
        SEEDED.watch_flushes(patch)
        yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            teardown_databases(db_cfg, verbosity=verbosity)


def _migrated_database_cache(request, connections, use_migrations):
    cache = getattr(request.config, "cache", None)
    if cache is None or not use_migrations or set(connections) != {"default"}:
        return None
    if connections["default"].vendor != "sqlite":
        return None
    return cache.mkdir("kaderasi-test-db")


def _postgresql_template_run(request, connections, use_migrations) -> tuple[str, str] | None:
    """(worker, run id) when this xdist worker's PostgreSQL database is made from the run's
    template (kaderasi/tests/postgresql_template.py)."""
    workerinput = getattr(request.config, "workerinput", None)
    if workerinput is None or not use_migrations or set(connections) != {"default"}:
        return None
    if connections["default"].vendor != "postgresql":
        return None
    return workerinput["workerid"], workerinput["testrunuid"]


def pytest_sessionfinish(session):
    """The controller of an xdist run on PostgreSQL drops the run's template database."""
    config = session.config
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return
    if config.getoption("reuse_db", False) or config.getoption("nomigrations", False):
        return
    from django.db import connections

    if set(connections) != {"default"} or connections["default"].vendor != "postgresql":
        return
    from pytest_django.plugin import blocking_manager_key

    with config.stash[blocking_manager_key].unblock():
        drop_template(connections["default"])


def _setup_from_migrated_copy(cache_dir, connection, setup: dict):
    import fcntl
    import shutil
    import sqlite3
    from pathlib import Path

    from django.test.utils import setup_databases

    target = Path(connection.creation._get_test_db_name())
    copy = Path(cache_dir) / f"{_migrated_database_key()}.sqlite3"
    with open(Path(cache_dir) / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not copy.exists():
            db_cfg = setup_databases(**setup)
            for stale in Path(cache_dir).glob("*.sqlite3*"):
                stale.unlink(missing_ok=True)
            building = copy.with_suffix(".building")
            connection.ensure_connection()
            with sqlite3.connect(building) as destination:
                connection.connection.backup(destination)
            destination.close()
            os.replace(building, copy)
            return db_cfg
        for leftover in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
            leftover.unlink(missing_ok=True)
        shutil.copyfile(copy, target)
    # keepdb: open the copy, apply what is missing (nothing: the hash says so), no flush.
    return setup_databases(**{**setup, "keepdb": True})


def _migrated_database_key() -> str:
    """A hash of what the migrated test database is made from: every Python file of kaderasi and
    config outside the tests (migrations, models, the services data migrations call), the content
    files they seed, and Django's version. A change to a test file keeps the copy."""
    import hashlib
    from pathlib import Path

    import django

    package = Path(__file__).resolve().parent
    root = package.parent
    digest = hashlib.sha256(django.get_version().encode())
    files = [*package.rglob("*.py"), *package.glob("*/content/**/*"), *root.glob("config/*.py")]
    for path in sorted(set(files)):
        parts = path.relative_to(root).parts
        if "tests" in parts or path.name == "conftest.py" or not path.is_file():
            continue
        digest.update("/".join(parts).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before a test, and before its fixtures (a module's `shared_rows`), the seeded content is put
    back if a transactional test emptied the tables (decision 0210): whatever order a worker runs
    its tests in (`--dist worksteal`), a database test finds the catalogues the migrations seeded.
    A transactional test empties the tables after itself and is not owed them."""
    if SEEDED.emptied and not _is_transactional(item):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            SEEDED.put_back()


def _is_transactional(item) -> bool:
    # pytest-django's own reading (its test ordering): the marker, or the fixtures the test names.
    from django.test import TestCase, TransactionTestCase

    cls = getattr(item, "cls", None)
    if cls is not None and issubclass(cls, TransactionTestCase):
        return not issubclass(cls, TestCase)
    marker = item.get_closest_marker("django_db")
    if marker is not None:
        from pytest_django.fixtures import validate_django_db

        transaction, reset_sequences, *_ = validate_django_db(marker)
        if transaction or reset_sequences:
            return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.fixture
def now():
    return NOW


T = TypeVar("T")


def shared_rows(django_db_blocker, build: Callable[[], T]) -> Iterator[T]:
    """Rows built once for all the tests of a module (Django's `setUpTestData`), for a fixture
    with `scope="module"` that says `yield from shared_rows(django_db_blocker, build)`.

    `build` runs in a transaction that stays open while the module's tests run; each test runs in
    a savepoint inside it (pytest-django's `db`), so what a test writes is undone after it as
    before, and the shared rows are rolled back after the module's last test. Python objects that
    `build` returns are shared too: a test that changes one reads it again from the database.
    Not for transactional tests (`transactional_db`, `live_server`): they empty the tables."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            value = build()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    try:
        yield value
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def built_once_per_module(build: Callable[[], T]):
    """A fixture with `scope="module"` holding `build()`, the rows it writes shared by the module's
    tests (`shared_rows`): `_seeded = built_once_per_module(lambda: seed_demo(now=NOW))`, and a
    test's own fixture asks for `_seeded` and `db`."""

    @pytest.fixture(scope="module")
    def built(django_db_setup, django_db_blocker) -> Iterator[T]:
        yield from shared_rows(django_db_blocker, build)

    return built


@pytest.fixture(autouse=True)
def _each_test_starts_in_the_default_language() -> Iterator[None]:
    """A request the test client handles in the test's own thread may leave a language active
    (the API activates the user's preferred language); the next test would then reverse URLs
    with an /en/ prefix. Every test starts as a fresh request would: in the default language."""
    yield
    translation.deactivate()


@pytest.fixture
def world(db) -> World:
    province = f.area("Jawa Tengah", "province")
    klaten = f.area("Kabupaten Klaten", "regency", province)
    wedi = f.area("Kecamatan Wedi", "district", klaten)
    pandes = f.area("Desa Pandes", "village", wedi)
    canan = f.area("Desa Canan", "village", wedi)
    mawar = f.area("Posyandu Mawar", "posyandu", pandes)
    kenanga = f.area("Posyandu Kenanga", "posyandu", canan)
    diy = f.area("DI Yogyakarta", "province")
    sleman = f.area("Kabupaten Sleman", "regency", diy)
    mlati = f.area("Kecamatan Mlati", "district", sleman)
    sendangadi = f.area("Desa Sendangadi", "village", mlati)
    sakura = f.area("Posyandu Sakura", "posyandu", sendangadi)
    programme = f.ProgrammeFactory(slug="wedi-2026", area=wedi)
    other_programme = f.ProgrammeFactory(slug="sleman-2026", area=sleman)
    return World(
        province,
        klaten,
        wedi,
        pandes,
        canan,
        mawar,
        kenanga,
        sleman,
        sendangadi,
        sakura,
        programme,
        other_programme,
    )


@pytest.fixture
def admin_user(world):
    return f.UserFactory(username="ani-admin", role=Role.ADMIN, is_superuser=True)


@pytest.fixture
def coordinator(world):
    user = f.UserFactory(username="dewi-koordinator", role=Role.COORDINATOR, areas=[world.wedi])
    world.programme.team.add(user)
    return user


@pytest.fixture
def midwife(world):
    """Bidan Sari covers Desa Pandes only."""
    return f.UserFactory(username="sari-bidan", role=Role.MIDWIFE, areas=[world.pandes])


@pytest.fixture
def district_officer(world):
    return f.UserFactory(username="budi-dinkes", role=Role.DISTRICT_OFFICE, areas=[world.klaten])


@pytest.fixture
def cadre_user(world):
    user = f.UserFactory(username="wati-kader", role=Role.CADRE)
    f.CadreFactory(programme=world.programme, posyandu=world.mawar, user=user, code="K01")
    return user


def runs_on_postgresql() -> bool:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def runs_every_test() -> bool:
    """KADERASI_ALL_TESTS=1 runs the browser and PDF tests on PostgreSQL too."""
    return os.environ.get("KADERASI_ALL_TESTS", "") == "1"


ONCE_ON_SQLITE = (
    "runs on SQLite only: it tests no difference between databases (KADERASI_ALL_TESTS=1 runs it)"
)


def pytest_collection_modifyitems(config, items):
    """Every test that drives Chromium through `phone` is marked `browser` (`-m "not browser"`
    leaves them out). On PostgreSQL they are skipped unless KADERASI_ALL_TESTS=1: what they test
    is the pages and the offline app, which the SQLite run covers; the PostgreSQL run is there for
    what differs between databases (queries, constraints, locking, concurrency). For the same
    reason a test that never reaches a database runs on SQLite only."""
    skip = runs_on_postgresql() and not runs_every_test()
    for item in items:
        if _drives_a_browser(item) and item.get_closest_marker("browser") is None:
            item.add_marker(pytest.mark.browser)
        if skip and item.get_closest_marker("browser") is not None:
            item.add_marker(pytest.mark.skip(reason=ONCE_ON_SQLITE))
        elif skip and _touches_no_database(item):
            item.add_marker(pytest.mark.skip(reason=NO_DATABASE))


NO_DATABASE = (
    "runs on SQLite only: it never reaches a database, so it cannot differ on PostgreSQL"
    " (KADERASI_ALL_TESTS=1 runs it)"
)
# What gives a test the database under pytest-django; without one of them, or the django_db
# marker, pytest-django refuses it any query.
DATABASE_FIXTURES = frozenset(
    {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback"}
)
# A test module that starts processes may hand them DATABASE_URL: those run on both databases.
_STARTS_PROCESSES = ("subprocess", "Popen", "DATABASE_URL", "multiprocessing")


def _touches_no_database(item) -> bool:
    if DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
        return False
    if item.get_closest_marker("django_db") is not None:
        return False
    module = getattr(item, "module", None)
    source = _module_source(getattr(module, "__file__", None))
    return not any(word in source for word in _STARTS_PROCESSES)


@functools.cache
def _module_source(path: str | None) -> str:
    # Unknown source counts as starting processes: the test then runs on both databases.
    if path is None:
        return _STARTS_PROCESSES[0]
    with open(path, encoding="utf-8") as source:
        return source.read()


def _drives_a_browser(item) -> bool:
    definitions = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
    # The last definition is the one the test gets (the API tests' `phone` is a token client).
    return any(
        definition.func.__module__ == __name__ and definition.func.__name__ == "phone"
        for definition in definitions.get("phone", ())[-1:]
    )


@pytest.fixture(autouse=True, scope="session")
def _pdf_rendering_once():
    """On PostgreSQL (unless KADERASI_ALL_TESTS=1) a test that renders a PDF with WeasyPrint is
    skipped when it gets there: the layout does not depend on the database and the SQLite run
    renders every PDF. What the test checked before rendering was still checked."""
    if not runs_on_postgresql() or runs_every_test():
        yield
        return
    from weasyprint import HTML

    def render(self, *args, **kwargs):
        pytest.skip(f"PDF rendering {ONCE_ON_SQLITE}")

    original = HTML.render
    HTML.render = render
    yield
    HTML.render = original


# Debian's headless shell (package chromium-headless-shell, what Playwright itself runs for
# headless Chromium): the same Blink, V8 and network stack as the full browser without its browser
# layer, and about a fifth less CPU over the crawl and the offline phone tests (decision 0325).
# Debian's full browser where the shell is not installed; without either, browser tests skip.
CHROMIUM_EXECUTABLES = ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium")


def chromium_executable(candidates: tuple[str, ...] = CHROMIUM_EXECUTABLES) -> str | None:
    """The first of `candidates` that is an executable file, or None."""
    return next((path for path in candidates if os.access(path, os.X_OK)), None)


CHROMIUM = chromium_executable()
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# Every browser test gets the same Playwright and Chromium: the service worker's own requests are
# reported (Playwright's experimental switch, read by its driver when it starts), which the offline
# tests count and which changes nothing for a test that does not listen for them. A launch that
# differed between tests made each switch start the driver and Chromium again (decision 0280).
PLAYWRIGHT_ENVIRONMENT = {"PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS": "1"}


class _Chromium:
    """One Playwright driver and one Chromium for a test process, started by its first browser
    test: starting them takes seconds, a new context (what each test gets: its own cookies,
    storage, service workers and cache) a fraction of one. Playwright's sync API marks its event
    loop as running in this thread between its calls, which Django's async-safety check (and any
    `async_to_sync`) would see, so the loop is set aside after every test
    (`pytest_runtest_teardown`) and taken up again by the next browser test's `get()`: while set
    aside no Playwright call is made, and the loop is not running in any other sense."""

    def __init__(self) -> None:
        self.playwright = None
        self.browser = None
        self.launches = 0

    def get(self):
        self._take_up()
        if self.browser is not None and not self.browser.is_connected():
            self.stop()
        if self.browser is None:
            from playwright.sync_api import sync_playwright

            with mock.patch.dict(os.environ, PLAYWRIGHT_ENVIRONMENT):
                self.playwright = sync_playwright().start()
            self.browser = self.playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
            self.launches += 1
        # The ORM calls a test makes between browser steps are still synchronous.
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        return self.browser

    def set_aside(self) -> None:
        """No browser call until the next `get()`: the thread runs no event loop meanwhile."""
        if self.playwright is not None:
            asyncio.events._set_running_loop(None)
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    def _take_up(self) -> None:
        if self.playwright is not None:
            asyncio.events._set_running_loop(self.playwright._loop)

    def stop(self) -> None:
        if self.playwright is not None:
            self._take_up()
            try:
                if self.browser is not None and self.browser.is_connected():
                    self.browser.close()
            finally:
                self.playwright.stop()
                self.playwright = self.browser = None
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


_CHROMIUM = _Chromium()


@pytest.fixture(scope="session")
def chromium():
    """The shared Chromium (see `_Chromium`); a test takes a new context of it."""
    if CHROMIUM is None:
        pytest.skip(
            "Debian's chromium-headless-shell and chromium are not installed"
            " (apt-get install chromium-headless-shell)"
        )
    yield _CHROMIUM
    _CHROMIUM.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After each test (its fixtures torn down), the browser is set aside: the next test, and the
    fixtures of wider scope it sets up first, start with no event loop running in this thread."""
    try:
        return (yield)
    finally:
        _CHROMIUM.set_aside()


class _Connections:
    """The live server's connections, from their accept to their close: a browser test waits for
    them all to end after it closed its browser contexts, before pytest-django empties the tables.
    A request the browser sent just before (a page the service worker was keeping in the
    background) was otherwise answered after the flush, or during the next test: its read-audit row
    then named a mother deleted under it (the guided-session test's foreign-key error after the
    danger-call tests, issue 17)."""

    def __init__(self, server, monkeypatch) -> None:
        self.server = server
        self.open = 0
        self.changed = threading.Condition()
        accept, close = server.get_request, server.shutdown_request

        def get_request():
            # Accepted and counted at once: the wait sees a connection waiting or a counted one.
            with self.changed:
                accepted = accept()
                self.open += 1
                return accepted

        def shutdown_request(request):
            try:
                close(request)  # Django's server closes the thread's database connections here
            finally:
                with self.changed:
                    self.open -= 1
                    self.changed.notify_all()

        monkeypatch.setattr(server, "get_request", get_request)
        monkeypatch.setattr(server, "shutdown_request", shutdown_request)

    def wait_until_answered(self, timeout: float = 30.0) -> bool:
        """True once no connection is open or waiting to be accepted (a request sent just before
        its socket closed is still read and answered); False after `timeout` seconds."""
        import select

        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                waiting, _, _ = select.select([self.server.socket], [], [], 0)
                left = deadline - time.monotonic()
                if not self.open and not waiting:
                    return True
                if left <= 0:
                    return False
                # A connection waiting to be accepted is counted when the server accepts it.
                self.changed.wait(min(left, 0.02) if waiting else left)


@pytest.fixture
def answered_before_the_flush(live_server, transactional_db, monkeypatch):
    """The live server, whose connections are all answered and closed before the test's tables are
    emptied (`_Connections`). The test closes its browser contexts before this fixture ends."""
    connections = _Connections(live_server.thread.httpd, monkeypatch)
    yield live_server
    assert connections.wait_until_answered(), (
        "the live server still answers a request 30 s after the test closed its browser"
    )


@pytest.fixture
def phone(chromium, answered_before_the_flush, monkeypatch):
    """A Playwright page in Debian's Chromium at a cheap Android phone's size (360×740), Indonesian
    locale, pointed at the live server (`phone.goto("/login/")`), in a context of its own."""
    from django.core.servers.basehttp import WSGIRequestHandler

    live_server = answered_before_the_flush
    monkeypatch.setattr(
        WSGIRequestHandler,
        "handle_one_request",
        _dropping(WSGIRequestHandler.handle_one_request),
    )
    browser = chromium.get()
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        locale="id-ID",
        base_url=live_server.url,
        has_touch=True,
        is_mobile=True,
    )
    context.set_default_timeout(15_000)
    # What the Content-Security-Policy refused (an inline script or style without the
    # nonce, a file from elsewhere): any is a broken screen, so the test fails.
    refused: list[str] = []
    context.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page = context.new_page()
    try:
        yield page
    finally:
        _NO_SIGNAL.clear()
        # The contexts the test opened besides (a trainer's laptop) close with the phone's.
        for opened in list(browser.contexts):
            opened.close()
    assert not refused, f"the Content-Security-Policy refused: {refused}"


_NO_SIGNAL = threading.Event()


def _dropping(original):
    """The live server's request handler, which (while `_NO_SIGNAL` is set) closes each connection
    without an answer: the browser sees a network error, as with no signal."""

    def handle_one_request(self):
        # Wait for the request before deciding: a kept-alive connection waits here for its next
        # request, which may come after the signal went.
        try:
            waiting = self.rfile.peek(1)
        except OSError:
            waiting = b""
        if not waiting or _NO_SIGNAL.is_set():
            self.close_connection = True
            return None
        return original(self)

    return handle_one_request


def signal_lost(page) -> None:
    """No signal, as on a phone in a village. The browser's offline emulation alone is not
    enough: a request that the service worker lets through to the network escapes it, so the
    live server also stops answering (every request fails as a network error)."""
    _NO_SIGNAL.set()
    page.context.set_offline(True)


def signal_back(page) -> None:
    _NO_SIGNAL.clear()
    page.context.set_offline(False)


def log_in(page, username: str, password: str = "kaderasi-demo") -> None:  # noqa: S107
    """Log in through the login form, as a person would."""
    from playwright.sync_api import Error as PlaywrightError

    # After a logout the offline app clears the phone and navigates on its own; a navigation of
    # ours may be cut short by it, so go to the login page until its form is there.
    # Under a full parallel run a page can take several seconds; wait long enough for that.
    for attempt in range(4):
        try:
            page.goto("/login/")
            page.wait_for_selector("#id_username", timeout=10_000)
            break
        except PlaywrightError:
            if attempt == 3:
                raise
            page.wait_for_timeout(500)
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("button[type=submit].primary")
