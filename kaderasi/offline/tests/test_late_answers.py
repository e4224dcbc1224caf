"""A slow answer never replaces a newer kept page (issue 17, decision 0245): the service worker
keeps a page's answer only if no fetch of that page that started later has been kept already.
Without that rule an answer written before a change and delivered after the sync that kept the
change put the old clinical state back on the phone (a stop that had begun, shown as no stop)."""

import threading

import pytest

from kaderasi.accounts.models import Role
from kaderasi.care import services
from kaderasi.care.tests.factories import at, delivered
from kaderasi.care.tests.test_phone_massage_stop import KEPT_STOP, SYNC_NOW, report_stop
from kaderasi.conftest import log_in
from kaderasi.core import clock
from kaderasi.tests import factories as f
from kaderasi.tests.seeded_content import SEEDED

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOW = at(10, 9)  # postpartum day 2
PASSWORD = "correct horse battery"  # the factories' test password

# The phone has no copy of `url` (a page she never opened, or an update emptied the store): the
# worker asks without an ETag, so the slow answer is a whole page (not a 304), and the page's own
# fetch waits for it (no kept copy to show after the worker's timeout), so it ends once the worker
# has the answer.
FORGET = """async (url) => {
  for (const name of await caches.keys()) await (await caches.open(name)).delete(url);
}"""

# The page asks for `url` as htmx or a navigation does (through the worker's page handler),
# without waiting; `window.late` says whether its answer shows the stop.
ASK_PAGE = """(url) => {
  window.late = fetch(url, { headers: { Accept: "text/html" }, cache: "no-store" })
    .then((response) => response.text())
    .then((text) => (text.includes("data-massage-stop") ? "with the stop" : "without the stop"));
}"""

# The offline app asks the worker to keep `url` (as a sync does), without waiting; `window.late`
# says so once the worker has fetched it and answered.
ASK_KEEP = """(url) => {
  window.late = navigator.serviceWorker.ready.then((registration) => new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => resolve(event.data.complete ? "answered" : "not answered");
    registration.active.postMessage({ type: "keep-pages", urls: [url] }, [channel.port2]);
  }));
}"""


@pytest.fixture(autouse=True)
def server_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


class _HeldAnswer:
    """The live server's next answer to `path`: written from the data as they are when it arrives,
    then held back until `release` is set, as a slow network holds it."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.written = threading.Event()
        self.release = threading.Event()


@pytest.fixture
def hold(monkeypatch):
    from django.core.handlers.wsgi import WSGIHandler

    held: list[_HeldAnswer] = []  # not yet asked for
    every: list[_HeldAnswer] = []
    answer = WSGIHandler.__call__

    def holding(handler, environ, start_response):
        waiting = next((h for h in held if h.path == environ["PATH_INFO"]), None)
        if waiting is not None:
            held.remove(waiting)
        response = answer(handler, environ, start_response)
        if waiting is not None:
            waiting.written.set()
            waiting.release.wait(timeout=60)
        return response

    monkeypatch.setattr(WSGIHandler, "__call__", holding)

    def hold_next(path: str) -> _HeldAnswer:
        held.append(_HeldAnswer(path))
        every.append(held[-1])
        return held[-1]

    yield hold_next
    for waiting in every:  # the live server answers them all before the tables are emptied
        waiting.release.set()


@pytest.fixture
def client_page(world):
    """A cadre with one client; the path of the client's page on her phone."""
    SEEDED.put_back()  # the danger signs, emptied by an earlier transactional test (0210)
    kader = f.UserFactory(username="wati-kader", role=Role.CADRE)
    cadre = f.CadreFactory(programme=world.programme, posyandu=world.mawar, user=kader)
    f.CertificateFactory(cadre=cadre)
    mother = delivered(
        programme=world.programme, posyandu=world.mawar, delivered_at=at(8, 23, 30), now=NOW
    )
    services.pairing_start(mother=mother, cadre=cadre, starts_at=at(9, 1))
    return kader, mother, f"/mothers/{mother.public_id}/"


@pytest.mark.parametrize(
    ("ask", "late_answer"),
    [(ASK_PAGE, "without the stop"), (ASK_KEEP, "answered")],
    ids=["a-page-she-opens", "a-sync-keeping-her-pages"],
)
def test_an_answer_slow_to_arrive_does_not_replace_the_copy_a_later_sync_kept(
    phone, client_page, hold, ask, late_answer
):
    kader, mother, url = client_page
    phone.clock.install(time=NOW)
    log_in(phone, "wati-kader", PASSWORD)
    phone.evaluate(SYNC_NOW)  # her client's screens kept
    assert phone.evaluate(KEPT_STOP, url) is False
    phone.evaluate(FORGET, url)
    # The page is asked for; its answer is written (no stop yet) and is slow to arrive.
    late = hold(url)
    phone.evaluate(ask, url)
    assert late.written.wait(timeout=30)

    # Meanwhile the stop begins and a sync keeps her client's page again, with the stop.
    report_stop(mother, kader)
    phone.evaluate(SYNC_NOW)
    assert phone.evaluate(KEPT_STOP, url) is True

    late.release.set()
    assert phone.evaluate("window.late") == late_answer  # the worker has had the old answer
    assert phone.evaluate(KEPT_STOP, url) is True
