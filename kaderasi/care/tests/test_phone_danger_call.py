"""Done when (issue 19, build item 1): on a 360×740 phone the cadre's danger-sign screen says what
is true. A red sign shows "Telepon bidan sekarang" with the midwife's number as a call and a
WhatsApp link, an emergency sign says to go to the puskesmas or hospital first; once saved, the
confirmation says the midwife sees it only when the check has reached the server, and without a
signal that it waits on the phone, not sent, so she must call."""

import pytest

from kaderasi.accounts.models import Role
from kaderasi.care import services
from kaderasi.care.models import DangerSignReport
from kaderasi.care.tests.factories import at, delivered
from kaderasi.conftest import log_in, signal_back, signal_lost
from kaderasi.core import clock
from kaderasi.tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOW = at(10, 9)
PASSWORD = "correct horse battery"
EMERGENCY_LINE = "Segera bawa ibu (atau bayi) ke puskesmas atau rumah sakit sekarang."


@pytest.fixture(autouse=True)
def server_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def shots(tmp_path):
    """Where the screenshots go (KADERASI_SHOTS to keep them)."""
    import os
    from pathlib import Path

    return Path(os.environ.get("KADERASI_SHOTS") or tmp_path)


@pytest.fixture
def mother(world):
    f.UserFactory(
        username="sari-bidan",
        role=Role.MIDWIFE,
        areas=[world.pandes],
        first_name="Sari",
        last_name="Wulandari",
        phone="+6281234567890",
    )
    kader = f.UserFactory(username="wati-kader", role=Role.CADRE)
    cadre = f.CadreFactory(
        programme=world.programme, posyandu=world.mawar, user=kader, code="K01", phone=""
    )
    f.CertificateFactory(cadre=cadre)
    mother = delivered(
        programme=world.programme, posyandu=world.mawar, delivered_at=at(8, 23, 30), now=NOW
    )
    services.pairing_start(mother=mother, cadre=cadre, starts_at=at(9, 1))
    return mother


def _open_the_check(phone, mother):
    phone.clock.install(time=NOW)
    log_in(phone, "wati-kader", PASSWORD)
    phone.evaluate("window.kaderasiOffline.ready")
    phone.goto(f"/mothers/{mother.public_id}/record/danger-signs/")
    return phone.locator("form[data-outbox=danger_signs]")


def _tick(form, code):
    form.locator(f"input[name=signs][value={code}]").check()


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def _assert_the_call_links(container):
    call = container.get_by_role("link", name="Telepon Sari Wulandari", exact=False)
    assert call.first.get_attribute("href") == "tel:+6281234567890"
    assert container.get_by_role("link", name="WhatsApp").first.get_attribute("href") == (
        "https://wa.me/6281234567890"
    )


def test_a_red_sign_shows_the_call_and_an_emergency_says_go_now(phone, mother, shots):
    form = _open_the_check(phone, mother)
    box = form.locator("[data-danger-call]")
    assert box.is_hidden()  # nothing ticked yet

    _tick(form, "foul_discharge")  # same day
    assert box.is_visible()
    assert box.locator("h2").inner_text() == "📞 Telepon bidan sekarang"
    _assert_the_call_links(box)
    assert box.locator("[data-when=emergency]").is_hidden()

    _tick(form, "heavy_bleeding")  # emergency
    emergency = box.locator("[data-when=emergency]")
    assert emergency.is_visible()
    assert emergency.inner_text() == f"🚑 {EMERGENCY_LINE}"
    # The emergency comes first, before the call.
    assert box.locator(":scope > *").first.get_attribute("data-when") == "emergency"
    assert _fits(phone)
    phone.screenshot(path=shots / "danger-signs-emergency.png", full_page=True)


def test_online_the_confirmation_says_it_was_sent_and_to_call_now(phone, mother, shots):
    form = _open_the_check(phone, mother)
    _tick(form, "heavy_bleeding")
    form.locator("textarea[name=notes]").fill("Darah banyak")
    form.locator("button[type=submit]").click()

    flash = phone.wait_for_selector(".offline-flash[data-kind=danger]")
    text = flash.inner_text()
    assert text.startswith(
        f"{EMERGENCY_LINE} Terkirim: bidan langsung melihatnya di daftarnya dan menerima pesan. "
        "Telepon juga bidan sekarang."
    )
    _assert_the_call_links(phone.locator(".offline-flash"))
    report = DangerSignReport.objects.get(mother=mother)
    assert (report.signs, report.notes) == (["heavy_bleeding"], "Darah banyak")
    assert _fits(phone)
    phone.screenshot(path=shots / "danger-signs-sent.png", full_page=True)


def test_offline_the_confirmation_says_it_is_not_sent_and_she_must_call(phone, mother, shots):
    form = _open_the_check(phone, mother)
    signal_lost(phone)
    _tick(form, "difficult_breathing")  # the baby's fast breathing: an emergency
    form.locator("button[type=submit]").click()

    flash = phone.wait_for_selector(".offline-flash[data-kind=danger]")
    text = flash.inner_text()
    assert text.startswith(
        f"{EMERGENCY_LINE} Tersimpan di HP ini tetapi BELUM terkirim (tidak ada sinyal): bidan "
        "belum tahu. Telepon bidan sekarang."
    )
    assert "melihatnya" not in text
    _assert_the_call_links(phone.locator(".offline-flash"))
    assert not DangerSignReport.objects.filter(mother=mother).exists()
    assert _fits(phone)
    phone.screenshot(path=shots / "danger-signs-offline.png", full_page=True)
    signal_back(phone)


def test_the_guided_session_stop_shows_the_same_call_and_emergency_line(phone, mother, shots):
    phone.clock.install(time=NOW)
    log_in(phone, "wati-kader", PASSWORD)
    phone.evaluate("window.kaderasiOffline.ready")
    phone.goto(f"/mothers/{mother.public_id}/session/")
    phone.locator("[data-screen=intro] [data-go=questions]").click()
    questions = phone.locator("[data-question]")
    for index in range(questions.count()):
        question = questions.nth(index)
        answer = (
            "yes" if question.get_attribute("data-question") == "very_high_blood_pressure" else "no"
        )
        question.locator(f"label:has(input[value={answer}])").click()
    phone.locator("[data-action=check-questions]").click()

    stop = phone.locator("[data-screen=stop]")
    box = stop.locator("[data-danger-call]")
    assert box.is_visible()
    assert box.locator("[data-when=emergency]").inner_text() == f"🚑 {EMERGENCY_LINE}"
    _assert_the_call_links(box)
    assert "langsung" not in stop.inner_text()
    assert _fits(phone)
    phone.screenshot(path=shots / "session-stop-call.png", full_page=True)
