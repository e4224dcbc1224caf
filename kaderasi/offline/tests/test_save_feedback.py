"""Done when (issue 18, items 2 and 8): a cadre sees at once that Simpan was taken
("Menyimpan…"), is told as soon as the record is safe on her phone, and sees the server's answer
when it comes; a record the server refused is never reported as "all sent"."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kaderasi.care.models import Measurement, Mother
from kaderasi.conftest import NOW, log_in
from kaderasi.core import clock
from kaderasi.tests.seeded_demo import demo_seeded

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FORM = "form[data-outbox=feeds]"
# Every text the Simpan button shows from the tap on, with the milliseconds since the tap.
WATCH_BUTTON = """(selector) => {
  window.buttonTexts = [];
  const button = document.querySelector(selector + " button[type=submit]");
  window.addEventListener("submit", () => { window.tapped = performance.now(); }, true);
  new MutationObserver(() => {
    window.buttonTexts.push([button.textContent, performance.now() - window.tapped]);
  }).observe(button, { childList: true, characterData: true, subtree: true });
}"""


@pytest.fixture
def shots(tmp_path):
    """Where the screenshots go (KADERASI_SHOTS to keep them)."""
    return Path(os.environ.get("KADERASI_SHOTS") or tmp_path)


@pytest.fixture
def server_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW.replace(minute=30))


def test_simpan_says_saving_at_once_then_safe_on_the_phone_then_the_servers_answer(
    phone, server_clock, shots
):
    demo_seeded(now=NOW)
    client = Mother.objects.get(programme__slug="demo-live", code="M03")
    feeds_before = Measurement.objects.filter(mother=client, kind="feeds").count()
    phone.clock.install(time=NOW.replace(minute=5))
    log_in(phone, "kader")
    phone.evaluate("window.kaderasiOffline.ready")
    held = []  # the server's answer waits until the test lets it through
    phone.route("**/api/v1/sync/push", lambda route: held.append(route))
    phone.goto(f"/mothers/{client.public_id}/record/feeds/")
    phone.evaluate("window.kaderasiOffline.ready")
    phone.evaluate(WATCH_BUTTON, FORM)

    phone.fill(f"{FORM} input[name=value]", "9")
    phone.locator(f"{FORM} button[type=submit]").click()

    button = phone.locator(f"{FORM} button[type=submit]")
    notice = phone.locator(f"{FORM} .offline-notice")
    notice.wait_for()
    assert notice.text_content() == "Tersimpan di HP ini. Sedang dikirim ke server…"
    assert notice.get_attribute("role") == "status"
    assert button.text_content() == "Mengirim…"
    assert button.is_disabled()
    first_text, after_ms = phone.evaluate("window.buttonTexts[0]")
    assert first_text == "Menyimpan…"
    assert after_ms < 100
    phone.screenshot(path=shots / "save-feedback-sending.png")
    phone.locator(".sync-status").wait_for(state="attached")
    assert len(held) == 1
    assert Measurement.objects.filter(mother=client, kind="feeds").count() == feeds_before

    held[0].continue_()

    # Not wait_for_function: with the page clock installed, Playwright evaluates its string with
    # eval(), which the Content-Security-Policy refuses.
    phone.wait_for_url(lambda url: urlsplit(url).path == "/")
    flash = phone.locator(".offline-flash")
    flash.wait_for()
    assert flash.text_content() == "Tersimpan dan terkirim."
    assert Measurement.objects.filter(mother=client, kind="feeds").count() == feeds_before + 1
    phone.screenshot(path=shots / "save-feedback-sent.png")


def test_a_record_the_server_refuses_gives_the_button_back_and_the_bar_never_says_all_sent(
    phone, server_clock, shots
):
    demo_seeded(now=NOW)
    client = Mother.objects.get(programme__slug="demo-live", code="M03")
    phone.clock.install(time=NOW.replace(minute=5))
    log_in(phone, "kader")
    phone.evaluate("window.kaderasiOffline.ready")
    refusal = (
        '{"results": [{"id": "%s", "status": "rejected", '
        '"errors": [{"field": "value", "code": "out_of_range", "message": "Terlalu banyak."}]}]}'
    )
    phone.goto(f"/mothers/{client.public_id}/record/feeds/")
    phone.evaluate("window.kaderasiOffline.ready")
    record_id = phone.locator(f"{FORM} input[name=id]").input_value()
    phone.route(
        "**/api/v1/sync/push",
        lambda route: route.fulfill(
            status=200, content_type="application/json", body=refusal % record_id
        ),
    )

    phone.fill(f"{FORM} input[name=value]", "9")
    phone.locator(f"{FORM} button[type=submit]").click()

    notice = phone.locator(f"{FORM} .offline-notice[data-kind=error]")
    notice.wait_for()
    assert notice.text_content() == "Server menolak catatan ini; perbaiki lalu simpan lagi."
    button = phone.locator(f"{FORM} button[type=submit]")
    assert button.text_content() == "Simpan"
    assert button.is_enabled()
    assert phone.locator(f"{FORM}[aria-busy]").count() == 0
    # Issue 18, item 8: a refused record is never "all sent", and the bar shows a problem.
    bar = phone.locator(".sync-status")
    assert bar.get_attribute("data-state") == "rejected"
    assert (
        bar.locator(".sync-text")
        .text_content()
        .startswith("Daring (ada sinyal) · Ditolak server: 1 · Sinkronisasi terakhir: ")
    )
    assert "Semua sudah terkirim" not in bar.text_content()
    assert bar.locator(".sync-link").text_content() == "Lihat yang menunggu"
    phone.screenshot(path=shots / "sync-bar-refused.png")
