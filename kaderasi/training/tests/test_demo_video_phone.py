"""Done when (issue 18, item 5): the demo's training video, made from the SOP illustrations, plays
on the cadre's phone, seeks (HTTP range requests answered with 206), and is kept on the phone so
it plays and seeks without a signal."""

import os
from pathlib import Path

import pytest

from kaderasi.conftest import log_in, signal_lost
from kaderasi.tests.seeded_demo import demo_seeded

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAY = """async () => {
  const video = document.querySelector("video[data-keep-offline]");
  video.muted = true;
  await video.play();
}"""
SEEK = """(seconds) => new Promise((resolve) => {
  const video = document.querySelector("video[data-keep-offline]");
  video.addEventListener("seeked", () => resolve(video.currentTime), { once: true });
  video.currentTime = seconds;
})"""
PLAYING_PAST = """(seconds) => {
  const video = document.querySelector("video[data-keep-offline]");
  return !video.paused && video.currentTime > seconds && video.readyState >= 3;
}"""


def _plays_and_seeks(phone) -> None:
    phone.evaluate(PLAY)
    phone.wait_for_function(PLAYING_PAST, arg=0.5)
    assert phone.evaluate(SEEK, 50) == pytest.approx(50, abs=1)
    phone.wait_for_function(PLAYING_PAST, arg=50.5)


def test_the_cadre_plays_the_demo_video_seeks_in_it_and_plays_it_again_without_a_signal(
    phone, now, tmp_path
):
    demo_seeded(now=now)
    ranges = []
    phone.on(
        "response",
        lambda response: (
            "/video/" in response.url
            and ranges.append((response.status, response.request.headers.get("range")))
        ),
    )
    log_in(phone, "kader")
    phone.evaluate("window.kaderasiOffline.ready")
    phone.goto("/materials/")
    phone.evaluate("window.kaderasiOffline.ready")  # the page asked the phone to keep its video
    assert phone.locator("[data-kept-note]").is_visible()
    assert phone.locator("video[data-keep-offline]").get_attribute("aria-label")

    _plays_and_seeks(phone)
    assert any(status == 206 for status, _range in ranges)
    phone.screenshot(path=str(Path(os.environ.get("KADERASI_SHOTS", tmp_path)) / "video.png"))

    signal_lost(phone)
    phone.reload()
    phone.wait_for_selector("video[data-keep-offline]")
    _plays_and_seeks(phone)
