"""Done when (issue 18, item 9): in the guided session the focus moves to each new screen's
heading (an <h1>, so it is announced), the timer has a name and speaks only at the minimum and
maximum minutes, and the two charts on a mother's page are named with their values in words."""

import re

import pytest

from kaderasi.care.models import Mother
from kaderasi.conftest import NOW, log_in
from kaderasi.core import clock
from kaderasi.tests.seeded_demo import demo_seeded

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED = "() => [document.activeElement.tagName, document.activeElement.textContent.trim()]"
VISIBLE_H1 = """() => [...document.querySelectorAll("h1")]
  .filter((h) => h.offsetParent !== null).map((h) => h.textContent.trim())"""


@pytest.fixture
def server_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW.replace(minute=30))


@pytest.fixture
def client_on_phone(phone, server_clock):
    demo_seeded(now=NOW)
    client = Mother.objects.get(programme__slug="demo-live", code="M03")
    phone.clock.install(time=NOW.replace(minute=5))
    log_in(phone, "kader")
    phone.evaluate("window.kaderasiOffline.ready")
    return client


def test_each_screen_of_the_guided_session_takes_the_focus_to_its_one_h1(phone, client_on_phone):
    client = client_on_phone
    phone.locator(f"[data-client='{client.public_id}']").get_by_role(
        "link", name=re.compile("Mulai sesi")
    ).click()
    phone.wait_for_url(f"**/mothers/{client.public_id}/session/")
    assert phone.evaluate(VISIBLE_H1) == ["Sesi pijat"]

    phone.locator("[data-screen=intro] [data-go=questions]").click()
    heading = phone.locator("[data-screen=questions] h1").text_content()
    assert phone.evaluate(FOCUSED) == ["H1", heading]
    assert phone.evaluate(VISIBLE_H1) == [heading]
    questions = phone.locator("[data-question]")
    for index in range(questions.count()):
        questions.nth(index).locator("label:has(input[value=no])").click()
    phone.locator("[data-action=check-questions]").click()

    timer = phone.get_by_role("timer", name="Waktu pijat")
    signal = phone.locator("[data-timer] [data-signal]")
    step = phone.locator("[data-screen=step]:not([hidden])")
    titles = []
    while step.count():
        title = step.locator("h1").text_content()
        assert phone.evaluate(FOCUSED) == ["H1", title]
        assert phone.evaluate(VISIBLE_H1) == [title]
        titles.append(title)
        if step.get_attribute("data-timed") is not None and signal.text_content() == "":
            assert timer.is_visible()
            assert phone.locator("[data-timer] [data-clock]").get_attribute("aria-live") == "off"
            phone.clock.fast_forward("09:50")
            assert signal.text_content() == ""  # nothing said before the minimum
            phone.clock.fast_forward("00:20")
            phone.wait_for_function(
                "() => document.querySelector('[data-timer] [data-signal]').textContent !== ''"
            )
            assert signal.text_content() == "10 menit: Anda boleh selesai."
            assert signal.get_attribute("aria-live") == "assertive"
        step.locator("[data-action=next]").click()

    assert len(titles) >= 7
    end_heading = phone.locator("form[data-screen=end] h1").text_content()
    assert phone.evaluate(FOCUSED) == ["H1", end_heading]


def test_the_charts_on_a_mothers_page_are_named_with_their_values(phone, client_on_phone):
    phone.goto(f"/mothers/{client_on_phone.public_id}/")

    labels = phone.eval_on_selector_all(
        "svg[role=img]", "(charts) => charts.map((chart) => chart.getAttribute('aria-label'))"
    )

    assert len(labels) == 3
    assert labels[0].startswith("Volume ASI menurut hari nifas: hari ke-")
    assert labels[1].startswith("Perubahan berat bayi dari berat lahir menurut hari nifas: ")
    assert labels[2].startswith("Observasi menyusui (total LATCH) per hari nifas: hari ke-1: ")
    assert all(" ml" in part for part in labels[0].split(": ", 1)[1].split("; "))
