"""Done when (issue 8): the demo cadre, with no signal, runs a guided session and records a milk
volume; both wait on the phone through a reload, and reach the server exactly once when the
signal returns, even when the phone sends its outbox again and again."""

import re

import pytest

from kaderasi.care.models import DangerSignReport, Flag, MassageSession, Measurement, Mother
from kaderasi.conftest import NOW, log_in, signal_back, signal_lost
from kaderasi.core import clock
from kaderasi.tests.seeded_demo import demo_seeded

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTBOX = """async () => {
  const db = await idb.openDB("kaderasi");
  return db.getAll("outbox");
}"""
REPLAY = """async (items) => {
  const db = await idb.openDB("kaderasi");
  for (const item of items) await db.put("outbox", item);
  await window.kaderasiOffline.sync();
}"""


@pytest.fixture
def server_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW.replace(minute=30))


def _ready(page):
    page.evaluate("window.kaderasiOffline.ready")


def _guided_session(phone, client):
    card = phone.locator(f"[data-client='{client.public_id}']")
    card.get_by_role("link", name=re.compile("Mulai sesi")).click()
    phone.wait_for_url(f"**/mothers/{client.public_id}/session/")
    phone.locator("[data-screen=intro] [data-go=questions]").click()
    questions = phone.locator("[data-question]")
    for index in range(questions.count()):
        questions.nth(index).locator("label:has(input[value=no])").click()
    phone.locator("[data-action=check-questions]").click()
    step = phone.locator("[data-screen=step]:not([hidden])")
    massaged = False
    while step.count():
        if step.get_attribute("data-timed") is not None and not massaged:
            phone.clock.fast_forward("10:30")  # the massage lasts ten and a half minutes
            massaged = True
        step.locator("[data-action=next]").click()
    end = phone.locator("form[data-outbox=massage_session]")
    end.locator("label:has(input[name=comfort][value='5'])").click()
    end.locator("button[type=submit]").click()


def _milk_volume(phone, client):
    phone.locator(f"[data-client='{client.public_id}'] h2 a").click()
    phone.wait_for_url(f"**/mothers/{client.public_id}/")
    phone.locator("a[href$='/record/milk-volume/']").first.click()
    phone.wait_for_url("**/record/milk-volume/")
    phone.fill("input[name=volume_ml]", "48")
    phone.select_option("select[name=method]", "hand_expression")
    phone.select_option("select[name=basis]", "single_expression")
    phone.locator("form[data-outbox=milk_volume] button[type=submit]").click()


@pytest.mark.parametrize("replays", [0, 2])
def test_a_visit_without_signal_reaches_the_server_exactly_once(phone, server_clock, replays):
    demo_seeded(now=NOW)
    client = Mother.objects.get(programme__slug="demo-live", code="M03")
    sessions_before = MassageSession.objects.filter(mother=client).count()
    phone.clock.install(time=NOW.replace(minute=5))
    log_in(phone, "kader")
    _ready(phone)  # synced, and her clients' screens kept on the phone

    signal_lost(phone)
    phone.goto("/mothers/")  # a page she never opened: really no network, not even for the worker
    assert phone.locator("[data-offline-fallback]").is_visible()
    phone.goto("/")
    phone.wait_for_load_state()
    _ready(phone)

    _guided_session(phone, client)
    phone.wait_for_selector(".offline-flash[data-kind=queued]")  # back to her day, from the phone
    phone.wait_for_selector(".sync-status .sync-text[data-waiting='1']")
    _milk_volume(phone, client)
    phone.wait_for_selector(".offline-flash[data-kind=queued]")

    phone.reload()  # still offline: both records still wait
    phone.wait_for_load_state()
    _ready(phone)
    phone.wait_for_selector(".sync-status .sync-text[data-waiting='2']")
    assert phone.locator(".sync-status").get_attribute("data-state") == "offline"
    queued = {item["record"]["type"]: item for item in phone.evaluate(OUTBOX)}
    assert set(queued) == {"massage_session", "milk_volume"}
    assert MassageSession.objects.filter(mother=client).count() == sessions_before
    assert not Measurement.objects.filter(mother=client, kind="milk_volume", value=48).exists()

    signal_back(phone)
    phone.evaluate("window.kaderasiOffline.sync()")
    phone.wait_for_selector(".sync-status .sync-text[data-waiting='0']")
    for _replay in range(replays):
        # The answer to a push lost on the way back: the phone sends the same records again.
        phone.evaluate(REPLAY, list(queued.values()))

    assert phone.evaluate(OUTBOX) == []
    session = MassageSession.objects.get(public_id=queued["massage_session"]["id"])
    assert MassageSession.objects.filter(mother=client).count() == sessions_before + 1
    assert (session.mother, session.comfort, session.performed_by) == (client, 5, "cadre")
    assert session.steps_done == sorted(queued["massage_session"]["record"]["steps_done"])
    assert session.duration_minutes >= 10
    assert session.scheduled_session is not None  # linked to the planned session it did
    [milk] = Measurement.objects.filter(mother=client, kind="milk_volume", value=48)
    assert str(milk.public_id) == queued["milk_volume"]["id"]
    assert (milk.method, milk.basis) == ("hand_expression", "single_expression")


def test_a_danger_sign_met_without_signal_reaches_the_midwife_when_the_signal_returns(
    phone, server_clock
):
    demo_seeded(now=NOW)
    client = Mother.objects.get(programme__slug="demo-live", code="M03")
    phone.clock.install(time=NOW.replace(minute=5))
    log_in(phone, "kader")
    _ready(phone)
    signal_lost(phone)

    phone.locator(f"[data-client='{client.public_id}']").get_by_role(
        "link", name=re.compile("Mulai sesi")
    ).click()
    phone.wait_for_url(f"**/mothers/{client.public_id}/session/")
    phone.locator("[data-screen=intro] [data-go=questions]").click()
    questions = phone.locator("[data-question]")
    for index in range(questions.count()):
        # The second question (a recent back injury) is a same-day sign: a red flag. The first,
        # a wound on the back, asks only for a review within 24 hours (an amber flag).
        answer = "yes" if index == 1 else "no"
        questions.nth(index).locator(f"label:has(input[value={answer}])").click()
    phone.locator("[data-action=check-questions]").click()
    phone.locator("form[data-stop-form] button[type=submit]").click()

    # No signal: the phone says plainly that the midwife does not know yet.
    flash = phone.wait_for_selector(".offline-flash[data-kind=danger]")
    assert flash.get_attribute("role") == "alert"
    [queued] = phone.evaluate(OUTBOX)
    assert queued["record"]["type"] == "danger_signs"
    assert queued["record"]["context"] == "before_massage"
    assert not Flag.objects.filter(mother=client, danger_sign_report__isnull=False).exists()

    signal_back(phone)
    phone.evaluate("window.kaderasiOffline.sync()")
    phone.wait_for_selector(".sync-status .sync-text[data-waiting='0']")
    report = DangerSignReport.objects.get(public_id=queued["id"])
    assert report.signs == queued["record"]["signs"] and len(report.signs) == 1
    flag = Flag.objects.get(danger_sign_report=report)
    assert (flag.severity, flag.referral.status) == ("red", "open")
    # The session was not started: nothing else was recorded for her.
    assert not MassageSession.objects.filter(mother=client, started_at__gte=NOW).exists()
