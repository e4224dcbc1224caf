"""Done when (issue 18, item 6, and the skip on the phone): on a 360×740 phone the cadre scores a
feed with LATCH with a signal and without one, and records a session not given without a
signal; each record reaches the server once, through the same services as the web."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kaderasi.care.models import Flag, LatchObservation, Mother, ScheduledSession
from kaderasi.conftest import NOW, log_in, signal_back, signal_lost
from kaderasi.core import clock
from kaderasi.tests.seeded_demo import demo_seeded

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTBOX = """async () => {
  const db = await idb.openDB("kaderasi");
  return db.getAll("outbox");
}"""
LATCH = "form[data-outbox=latch_score]"
SKIP = "form[data-outbox=session_skip]"


@pytest.fixture
def shots(tmp_path):
    """Where the screenshots go (KADERASI_SHOTS to keep them)."""
    return Path(os.environ.get("KADERASI_SHOTS") or tmp_path)


@pytest.fixture
def client_on_day_two(phone, monkeypatch):
    """Rina (M03), the demo cadre's client, 30 hours after the birth; the server's clock and
    the phone's agree."""
    monkeypatch.setattr(clock, "now", lambda: NOW.replace(minute=30))
    demo_seeded(now=NOW)
    phone.clock.install(time=NOW.replace(minute=20))
    log_in(phone, "kader")
    _ready(phone)  # synced, and her clients' screens kept for offline use
    return Mother.objects.get(programme__slug="demo-live", code="M03")


def _ready(page):
    page.evaluate("window.kaderasiOffline.ready")


def _open(phone, url):
    phone.goto(url)
    phone.wait_for_load_state()
    _ready(phone)


def _score_a_poor_feed(phone):
    """L 1, A 0, T 1, C 1, H 1: a total of 4."""
    for name, score in (
        ("latch", 1),
        ("audible_swallowing", 0),
        ("nipple_type", 1),
        ("comfort", 1),
        ("hold", 1),
    ):
        phone.check(f"{LATCH} input[name={name}][value='{score}']")


def test_the_cadre_scores_a_feed_online_and_the_midwife_is_asked_to_review(
    phone, client_on_day_two, shots
):
    mother = client_on_day_two
    seeded = list(LatchObservation.objects.values_list("pk", flat=True))  # the demo's own
    _open(phone, f"/mothers/{mother.public_id}/")
    phone.click(f"a[href='/mothers/{mother.public_id}/record/latch/']")
    phone.wait_for_load_state()
    _ready(phone)
    assert "LATCH" in phone.locator("h1").text_content()
    _score_a_poor_feed(phone)
    phone.screenshot(path=shots / "latch-form.png", full_page=True)

    phone.click(f"{LATCH} button[type=submit]")

    # A Python predicate: the page's Content-Security-Policy refuses a string to evaluate.
    phone.wait_for_url(lambda url: urlsplit(url).path == "/")
    phone.locator(".offline-flash[data-kind=sent]").wait_for()
    [row] = LatchObservation.objects.filter(mother=mother).exclude(pk__in=seeded)
    assert (row.total, row.recorded_by.username) == (4, "kader")
    assert Flag.objects.filter(latch_observation=row, rule__code="latch_score_low").exists()
    _open(phone, f"/mothers/{mother.public_id}/")
    chart = phone.locator("figure.chart svg[aria-label*='LATCH']")
    chart.scroll_into_view_if_needed()
    phone.screenshot(path=shots / "latch-chart.png")
    assert chart.count() == 1


def test_a_feed_scored_offline_reaches_the_server_once(phone, client_on_day_two, shots):
    mother = client_on_day_two
    seeded = list(LatchObservation.objects.values_list("pk", flat=True))  # the demo's own
    _open(phone, f"/mothers/{mother.public_id}/record/latch/")
    signal_lost(phone)
    phone.reload()
    _ready(phone)
    _score_a_poor_feed(phone)

    phone.click(f"{LATCH} button[type=submit]")

    phone.locator(".offline-flash[data-kind=queued]").wait_for()
    phone.screenshot(path=shots / "latch-queued.png")
    [queued] = phone.evaluate(OUTBOX)
    assert queued["record"]["type"] == "latch_score"
    scores = [queued["record"][name] for name in ("latch", "audible_swallowing", "nipple_type")]
    assert scores == [1, 0, 1]
    assert not LatchObservation.objects.exclude(pk__in=seeded).exists()

    signal_back(phone)
    phone.evaluate("window.kaderasiOffline.sync()")
    phone.wait_for_selector(".sync-status .sync-text[data-waiting='0']")
    [row] = LatchObservation.objects.exclude(pk__in=seeded)
    assert (str(row.public_id), row.total) == (queued["id"], 4)


def test_a_session_not_given_is_recorded_offline_and_reaches_the_server_once(
    phone, client_on_day_two, shots
):
    mother = client_on_day_two
    _open(phone, f"/mothers/{mother.public_id}/session/skip/")
    signal_lost(phone)
    phone.reload()
    _ready(phone)
    chosen = phone.locator(f"{SKIP} input[name=scheduled_session_id]:checked").get_attribute(
        "value"
    )
    phone.check(f"{SKIP} input[name=reason][value=mother_declines]")
    phone.screenshot(path=shots / "skip-offline.png", full_page=True)

    phone.click(f"{SKIP} button[type=submit]")

    phone.locator(".offline-flash[data-kind=queued]").wait_for()
    [queued] = phone.evaluate(OUTBOX)
    assert queued["record"]["type"] == "session_skip"
    assert queued["record"]["scheduled_session_id"] == chosen
    assert not ScheduledSession.objects.filter(skip_record_id__isnull=False).exists()

    signal_back(phone)
    phone.evaluate("window.kaderasiOffline.sync()")
    phone.wait_for_selector(".sync-status .sync-text[data-waiting='0']")
    row = ScheduledSession.objects.get(public_id=chosen)
    assert (str(row.skip_record_id), row.skip_reason, row.skipped_by.username) == (
        queued["id"],
        "mother_declines",
        "kader",
    )
    assert not Flag.objects.filter(mother=mother, rule__code="repeated_refusal").exists()
