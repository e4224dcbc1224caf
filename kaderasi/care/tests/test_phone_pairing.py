"""Done when (issue 18, Build 1): on a 360×740 phone the midwife finds the mothers waiting for a
cadre on her home, and the pairing page offers the free cadres first, nearest first with their
load, says of each other cadre why she is unavailable and links to what frees her; a refused
pairing shows its error at the top with her choice kept."""

import datetime as dt

import pytest

from kaderasi.accounts.models import Role
from kaderasi.care import services
from kaderasi.care.tests.factories import at
from kaderasi.conftest import log_in
from kaderasi.core import clock
from kaderasi.tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOW = at(20, 9)
PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def server_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def shots(tmp_path):
    """Where the screenshots go (KADERASI_SHOTS to keep them)."""
    import os
    from pathlib import Path

    return Path(os.environ.get("KADERASI_SHOTS") or tmp_path)


def _pregnant(world, by, name):
    return services.mother_register(
        programme=world.programme,
        posyandu=world.mawar,
        name=name,
        by=by,
        now=NOW,
        last_menstrual_period=dt.date(2026, 3, 1),
    )


def test_the_midwife_pairs_a_waiting_mother_from_her_phone(phone, world, shots):
    midwife = f.UserFactory(username="sari-bidan", role=Role.MIDWIFE, areas=[world.pandes])
    melati = f.area("Posyandu Melati", "posyandu", world.pandes)
    wulan = _pregnant(world, midwife, "Ny. Wulan")
    rina = _pregnant(world, midwife, "Ny. Rina")
    busy = f.certified_cadre(programme=world.programme, posyandu=world.mawar, name="Bu Sibuk")
    services.pairing_start(mother=rina, cadre=busy, starts_at=at(10, 8))
    f.CadreFactory(programme=world.programme, posyandu=world.mawar, name="Bu Belum")
    near = f.certified_cadre(programme=world.programme, posyandu=melati, name="Bu Dekat")
    errors: list[str] = []
    phone.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    log_in(phone, "sari-bidan", PASSWORD)
    waiting = phone.locator("ul.awaiting-cadre li")
    assert waiting.count() == 1
    assert "Ny. Wulan" in waiting.inner_text()
    waiting.get_by_role("link", name="Tetapkan kader pendamping").click()
    phone.wait_for_selector("ul.pairing-free")

    free = phone.locator("ul.pairing-free li")
    assert free.count() == 1
    assert "Bu Dekat" in free.inner_text()
    assert "0/1 klien" in free.inner_text()
    assert "Desa yang sama" in free.inner_text()
    unavailable = phone.locator("ul.pairing-unavailable > li")
    assert [unavailable.nth(i).locator("strong").first.inner_text() for i in range(2)] == [
        "Bu Belum",
        "Bu Sibuk",
    ]
    assert "1/1 klien" in unavailable.nth(1).inner_text()
    assert unavailable.nth(1).get_by_role("link", name="Akhiri atau alihkan pendampingan Ny. Rina")
    assert unavailable.nth(0).get_by_role(
        "link", name="Lihat siapa yang sudah bersertifikat dan apa yang masih diperlukan tiap kader"
    )
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(shots / "pairing-choices.png"), full_page=True)

    # Meanwhile a colleague pairs Bu Dekat with another mother: the page refuses at the top.
    phone.get_by_text("Bu Dekat").click()
    services.pairing_start(
        mother=_pregnant(world, midwife, "Ny. Lain"), cadre=near, starts_at=at(20, 8)
    )
    with phone.expect_navigation():
        phone.get_by_role("button", name="Tetapkan pendamping").click()

    alert = phone.locator("#pairing-errors")
    assert alert.is_visible()
    assert alert.bounding_box()["y"] < phone.locator("fieldset").first.bounding_box()["y"]
    assert "Kader ini sudah mendampingi 1 klien aktif, yaitu batas maksimal program." in (
        alert.inner_text()
    )
    assert phone.locator(f"input[value='{near.public_id}']").is_checked()
    phone.screenshot(path=str(shots / "pairing-refused.png"), full_page=True)
    assert not wulan.pairings.exists()
    assert errors == []
