"""Done when (issue 18, item 3): every step of the guided session shows its buttons without
scrolling on a cheap phone (360x740), the massage steps under the timer included."""

import os
import re
from pathlib import Path

import pytest

from kaderasi.care.models import Mother
from kaderasi.conftest import NOW, log_in
from kaderasi.core import clock
from kaderasi.tests.seeded_demo import demo_seeded

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IN_VIEW = """(element) => {
  const box = element.getBoundingClientRect();
  return box.top >= 0 && box.bottom <= window.innerHeight && box.height > 0;
}"""


@pytest.fixture
def shots(tmp_path):
    """Where the screenshots go (KADERASI_SHOTS to keep them)."""
    return Path(os.environ.get("KADERASI_SHOTS") or tmp_path)


@pytest.fixture
def server_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW.replace(minute=30))


def test_every_steps_done_button_is_visible_without_scrolling_at_360_by_740(
    phone, server_clock, shots
):
    demo_seeded(now=NOW)
    client = Mother.objects.get(programme__slug="demo-live", code="M03")
    phone.clock.install(time=NOW.replace(minute=5))
    log_in(phone, "kader")
    phone.evaluate("window.kaderasiOffline.ready")
    card = phone.locator(f"[data-client='{client.public_id}']")
    card.get_by_role("link", name=re.compile("Mulai sesi")).click()
    phone.wait_for_url(f"**/mothers/{client.public_id}/session/")
    phone.locator("[data-screen=intro] [data-go=questions]").click()
    questions = phone.locator("[data-question]")
    for index in range(questions.count()):
        questions.nth(index).locator("label:has(input[value=no])").click()
    phone.locator("[data-action=check-questions]").click()

    step = phone.locator("[data-screen=step]:not([hidden])")
    seen = []
    massaged = False
    while step.count():
        number = step.get_attribute("data-step")
        done = step.locator("[data-action=next]")
        back = step.locator("[data-action=back]")
        assert done.evaluate(IN_VIEW), f"step {number}: 'Selesai' below the fold"
        assert back.evaluate(IN_VIEW), f"step {number}: 'Kembali' below the fold"
        if step.get_attribute("data-timed") is not None:
            phone.screenshot(path=shots / f"session-step-{number}.png")
        seen.append(number)
        if step.get_attribute("data-timed") is not None and not massaged:
            phone.clock.fast_forward("10:30")  # the massage lasts ten and a half minutes
            massaged = True
        done.click()

    assert seen == [str(number) for number in range(1, len(seen) + 1)]
    assert len(seen) >= 7
    assert phone.locator("form[data-outbox=massage_session]").is_visible()
