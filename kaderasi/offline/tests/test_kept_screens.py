"""Done when (issue 18, item 8): a screen kept for offline use, opened without signal, says when
the server wrote it and that its postpartum day and session due may have changed since."""

import os
import re
from pathlib import Path

import pytest

from kaderasi.conftest import NOW, log_in, signal_back, signal_lost
from kaderasi.tests.seeded_demo import demo_seeded

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KEPT = re.compile(
    r"Disimpan di HP ini (\d{1,2} \w+ )?\d{2}[.:]\d{2}, tanpa sinyal sejak itu: hari nifas dan "
    r"sesi yang harus dilakukan sekarang mungkin sudah berubah\."
)


@pytest.fixture
def shots(tmp_path):
    """Where the screenshots go (KADERASI_SHOTS to keep them)."""
    return Path(os.environ.get("KADERASI_SHOTS") or tmp_path)


def test_a_kept_screen_opened_without_signal_says_when_it_was_written(phone, shots):
    demo_seeded(now=NOW)
    log_in(phone, "kader")
    phone.evaluate("window.kaderasiOffline.ready")  # her screens kept on the phone
    assert phone.locator(".kept-at").count() == 0  # online: the screen is fresh

    signal_lost(phone)
    phone.goto("/")
    line = phone.locator(".kept-at")
    line.wait_for()

    assert KEPT.fullmatch(line.text_content())
    assert line.is_visible()
    phone.screenshot(path=shots / "kept-screen-offline.png")

    signal_back(phone)
    phone.goto("/")
    phone.evaluate("window.kaderasiOffline.ready")
    assert phone.locator(".kept-at").count() == 0


def test_a_cadre_using_english_keeps_her_language_offline(phone):
    demo_seeded(now=NOW)
    log_in(phone, "kader")
    phone.evaluate("window.kaderasiOffline.ready")
    phone.locator("button.lang-btn[value=en]").click()
    # The page's load, not only its address: offline.js must have run before it is asked.
    phone.wait_for_url("**/en/", wait_until="load")
    phone.evaluate("window.kaderasiOffline.ready")
    phone.wait_for_timeout(500)  # the English offline page is kept in the background

    signal_lost(phone)
    phone.goto("/en/")
    phone.locator(".kept-at").wait_for()
    phone.evaluate("window.kaderasiOffline.ready")
    assert phone.locator(".sync-status .sync-text").text_content().startswith("Offline")
    assert phone.locator(".kept-at").text_content().startswith("Saved on this phone ")
    phone.goto("/en/mothers/")  # never opened: the offline page, in English
    assert phone.locator("[data-offline-fallback]").is_visible()
    assert phone.locator("html").get_attribute("lang") == "en"
