"""Done when: on a 360×740 phone the demo cadre runs a guided session through every step with the
timer, records a milk volume, and the midwife's list shows the updated adherence."""

import datetime as dt
import re

import pytest

from kaderasi.accounts.models import User
from kaderasi.care.models import MassageSession, Measurement, Mother
from kaderasi.care.village_list import VillageFilters, village_list
from kaderasi.conftest import NOW, log_in
from kaderasi.core import clock
from kaderasi.tests.seeded_demo import demo_seeded

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def server_clock(monkeypatch):
    """The live server's clock, moved by the test (the phone's clock is moved by Playwright)."""
    state = {"now": NOW}
    monkeypatch.setattr(clock, "now", lambda: state["now"])
    return state


def _fits(phone) -> bool:
    return phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_demo_cadre_runs_a_guided_session_records_milk_and_the_midwife_sees_it(
    phone, server_clock
):
    demo_seeded(now=NOW)
    client = Mother.objects.get(programme__slug="demo-live", code="M03")
    bidan = User.objects.get(username="bidan")
    rows = village_list(bidan, filters=VillageFilters(search="M03"), now=NOW).object_list
    assert (rows[0].sessions_done, rows[0].sessions_due) == (2, 2)

    phone.clock.install(time=NOW)
    log_in(phone, "kader")
    card = phone.locator(f"[data-client='{client.public_id}']")
    card.get_by_role("link", name=re.compile("Mulai sesi|Start the session")).click()
    phone.wait_for_load_state()

    # The stop-and-refer questions, all answered "no".
    phone.locator("[data-screen=intro] [data-go=questions]").click()
    questions = phone.locator("[data-question]")
    assert questions.count() == 7
    for index in range(questions.count()):
        questions.nth(index).locator("label:has(input[value=no])").click()
    phone.locator("[data-action=check-questions]").click()

    # Every SOP step, one at a time; the timer runs through the massage steps.
    visible_step = phone.locator("[data-screen=step]:not([hidden])")
    timer = phone.locator("[data-clock]")
    for number in range(1, 10):
        assert visible_step.get_attribute("data-step") == str(number)
        assert visible_step.locator("img").is_visible()
        assert _fits(phone)
        if number == 4:
            assert timer.is_visible()
            phone.clock.fast_forward("06:00")
            assert timer.inner_text().startswith("06:")
        if number == 6:
            phone.clock.fast_forward("04:30")
            assert timer.inner_text().startswith("10:")
            signal = phone.locator("[data-signal]")
            ten_minutes = signal.inner_text()
            assert ten_minutes != ""  # the 10-minute signal
            phone.clock.fast_forward("05:00")
            assert timer.inner_text().startswith("15:")
            assert signal.inner_text() not in {"", ten_minutes}  # the 15-minute signal
        visible_step.locator("[data-action=next]").click()

    # The end screen: duration, who massaged, comfort; then save.
    end = phone.locator("form[data-outbox=massage_session]")
    assert end.is_visible()
    assert phone.locator("[data-duration]").inner_text().startswith("15:")
    assert end.locator("input[name=performed_by][value=cadre]").is_checked()
    end.locator("label:has(input[name=comfort][value='4'])").click()
    end.locator("textarea[name=complaints]").fill("Agak pegal")
    assert _fits(phone)
    server_clock["now"] = NOW + dt.timedelta(minutes=20)
    end.locator("button[type=submit]").click()
    # Sent at once (there is signal), and back to her day, which says so.
    phone.wait_for_selector(".offline-flash[data-kind=sent]")
    assert phone.url.endswith("/")
    session = MassageSession.objects.get(mother=client, complaints="Agak pegal")
    assert 15 <= session.duration_minutes < 16
    assert (session.comfort, session.performed_by, session.steps_done) == (
        4,
        "cadre",
        list(range(1, 10)),
    )
    assert (session.scheduled_session.postpartum_day, session.scheduled_session.slot) == (2, 1)

    # A milk volume, from her page.
    phone.locator(f"[data-client='{client.public_id}'] h2 a").click()
    phone.wait_for_url(f"**/mothers/{client.public_id}/")
    phone.locator("a[href$='/record/milk-volume/']").first.click()
    phone.wait_for_url("**/record/milk-volume/")
    phone.fill("input[name=volume_ml]", "42")
    phone.select_option("select[name=method]", "hand_expression")
    phone.select_option("select[name=basis]", "single_expression")
    assert _fits(phone)
    phone.locator("form[data-outbox=milk_volume] button[type=submit]").click()
    phone.wait_for_selector(".offline-flash[data-kind=sent]")
    assert Measurement.objects.filter(mother=client, kind="milk_volume", value=42).exists()

    # The midwife's list shows the updated adherence.
    phone.locator("form[action$='/logout/'] button").click()
    phone.wait_for_load_state()
    log_in(phone, "bidan")
    row = phone.locator(f"li[data-mother='{client.public_id}']")
    assert row.locator(".adherence-count").inner_text() == "3/3"
    assert _fits(phone)
