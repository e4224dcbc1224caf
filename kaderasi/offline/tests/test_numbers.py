"""Numbers typed on the cadre's phone: the decimal comma is 12.5 online and offline, the phone
refuses what the server would refuse before queueing it (named by the field's label, in
Indonesian), and a record the server refused is opened from the outbox, corrected and sent."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from kaderasi.care.models import Measurement
from kaderasi.care.tests.factories import delivered
from kaderasi.conftest import log_in, signal_back, signal_lost
from kaderasi.core import clock
from kaderasi.core.tests.decimal_cases import CASES
from kaderasi.tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTBOX = """async () => {
  const db = await idb.openDB("kaderasi");
  return db.getAll("outbox");
}"""
SUBMIT = "form[data-outbox=milk_volume] button[type=submit]"
# The phone's time now, in the picker's format (local time, to the minute).
PICKER_NOW = """() => {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  const day = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return `${day}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}"""


def _ready(page):
    page.evaluate("window.kaderasiOffline.ready")


@pytest.fixture
def client_of_kader(world, cadre_user):
    """A mother who gave birth yesterday (on the real clock, which the phone and the live server
    read), accompanied by the certified cadre `wati-kader`."""
    cadre_user.set_password("kaderasi-demo")
    cadre_user.save()
    now = clock.now()
    mother = delivered(
        programme=world.programme,
        posyandu=world.mawar,
        delivered_at=now - dt.timedelta(hours=30),
        now=now,
    )
    f.CertificateFactory(cadre=cadre_user.cadre)
    f.PairingFactory(mother=mother, cadre=cadre_user.cadre, starts_at=now - dt.timedelta(hours=29))
    return mother


def _open_milk_form(phone, mother, *, offline=False):
    log_in(phone, "wati-kader")
    _ready(phone)  # synced, and her clients' screens kept for offline use
    phone.goto(f"/mothers/{mother.public_id}/record/milk-volume/")
    phone.wait_for_load_state()
    _ready(phone)
    if offline:
        signal_lost(phone)
        phone.reload()
        phone.wait_for_load_state()
        _ready(phone)


def _type_volume(phone, typed):
    """Typed key by key, as on the phone's keyboard (the browser's own parsing included)."""
    phone.fill("#id_volume_ml", "")
    phone.click("#id_volume_ml")
    phone.keyboard.type(typed)
    phone.select_option("#id_method", "hand_expression")


def _indonesian(message: str) -> str:
    with translation.override("id"):
        return _(message)


def test_the_phone_reads_every_typed_number_as_the_server_does(phone):
    """The same table as kaderasi/core/tests/test_decimals.py, through offline.js."""
    phone.goto("/login/")
    results = phone.evaluate(
        "(cases) => cases.map(([typed]) => window.kaderasiOffline.decimalParse(typed))",
        [list(case) for case in CASES],
    )

    read = {
        typed: result.get("value", result.get("problem"))
        for (typed, _expected), result in zip(CASES, results, strict=True)
    }
    assert read == dict(CASES)


def test_a_decimal_comma_typed_online_is_stored_as_twelve_and_a_half(phone, client_of_kader):
    _open_milk_form(phone, client_of_kader)

    _type_volume(phone, "12,5")
    phone.click(SUBMIT)

    phone.wait_for_selector(".offline-flash[data-kind=sent]")
    [stored] = Measurement.objects.filter(kind="milk_volume", recorded_by__username="wati-kader")
    assert stored.value == Decimal("12.5")


def test_a_decimal_comma_typed_offline_is_queued_and_stored_as_twelve_and_a_half(
    phone, client_of_kader
):
    _open_milk_form(phone, client_of_kader, offline=True)

    _type_volume(phone, "12,5")
    phone.click(SUBMIT)
    phone.wait_for_selector(".offline-flash[data-kind=queued]")

    [queued] = phone.evaluate(OUTBOX)
    assert queued["record"]["volume_ml"] == 12.5
    assert queued["values"]["volume_ml"] == ["12,5"]
    signal_back(phone)
    phone.evaluate("window.kaderasiOffline.sync()")
    assert phone.evaluate(OUTBOX) == []
    [stored] = Measurement.objects.filter(kind="milk_volume", recorded_by__username="wati-kader")
    assert stored.value == Decimal("12.5")
    assert str(stored.public_id) == queued["id"]


@pytest.mark.parametrize("typed", ["-5", "5000"])
def test_offline_an_implausible_volume_is_refused_on_the_phone_with_its_label(
    phone, client_of_kader, typed
):
    _open_milk_form(phone, client_of_kader, offline=True)

    _type_volume(phone, typed)
    phone.click(SUBMIT)

    error = phone.locator(".field.has-error .offline-error")
    error.wait_for()
    assert error.inner_text() == "Volume ASI (ml) harus antara 0 dan 1500."
    assert phone.locator(".field.has-error #id_volume_ml").count() == 1
    assert phone.evaluate(OUTBOX) == []  # not queued: never "Tersimpan di HP ini"
    assert phone.locator(".offline-flash").count() == 0
    assert phone.get_attribute(".sync-status .sync-text", "data-waiting") == "0"


def test_offline_a_volume_that_could_be_a_decimal_or_a_thousand_is_refused(phone, client_of_kader):
    _open_milk_form(phone, client_of_kader, offline=True)

    _type_volume(phone, "1.200")
    phone.click(SUBMIT)

    error = phone.locator(".field.has-error .offline-error")
    error.wait_for()
    assert error.inner_text() == (
        "Volume ASI (ml): “1.200” bisa dibaca sebagai desimal atau ribuan. Tulis desimal dengan "
        "koma (12,5) dan bilangan bulat tanpa titik (1200)."
    )
    assert phone.evaluate(OUTBOX) == []


def test_offline_a_missing_volume_is_named_by_its_label(phone, client_of_kader):
    _open_milk_form(phone, client_of_kader, offline=True)

    phone.fill("#id_volume_ml", "")
    phone.click(SUBMIT)

    error = phone.locator(".field.has-error .offline-error")
    error.wait_for()
    assert error.inner_text() == "Volume ASI (ml): Wajib diisi."
    assert phone.evaluate(OUTBOX) == []


def test_a_record_the_server_refused_is_corrected_from_the_outbox_and_sent(phone, client_of_kader):
    _open_milk_form(phone, client_of_kader, offline=True)
    # Offline, the phone cannot know the delivery time: a time before it is queued …
    phone.fill("#id_measured_at-picker", "2000-01-01T08:00")
    _type_volume(phone, "35,5")
    phone.click(SUBMIT)
    phone.wait_for_selector(".offline-flash[data-kind=queued]")
    [queued] = phone.evaluate(OUTBOX)
    # … and refused by the server when the signal returns.
    signal_back(phone)
    phone.evaluate("window.kaderasiOffline.sync()")
    [refused] = phone.evaluate(OUTBOX)
    assert refused["status"] == "rejected"
    assert refused["errors"][0]["field"] == "measured_at"

    phone.goto("/outbox/")
    _ready(phone)
    line = phone.locator(".outbox-item.rejected .error")
    assert line.inner_text().startswith(f"{_indonesian('Measured at')}: ")
    assert "measured_at" not in line.inner_text()
    assert phone.locator("[data-fix]").inner_text() == "Perbaiki"
    phone.click("[data-fix]")

    # The same form, filled as she typed it, with the server's reason on the time.
    phone.wait_for_selector(".time-picker.has-error .offline-error")
    _ready(phone)
    assert phone.input_value("#id_volume_ml") == "35,5"
    assert phone.input_value("#id_method") == "hand_expression"
    assert phone.input_value("input[name=id]") == queued["id"]
    assert phone.input_value("#id_measured_at-picker") == "2000-01-01T08:00"
    assert (
        phone.locator(".time-picker.has-error .offline-error").inner_text()
        == (refused["errors"][0]["message"])
    )
    phone.fill("#id_measured_at-picker", phone.evaluate(PICKER_NOW))
    phone.click(SUBMIT)

    phone.wait_for_selector(".offline-flash[data-kind=sent]")
    assert phone.evaluate(OUTBOX) == []
    [stored] = Measurement.objects.filter(kind="milk_volume", recorded_by__username="wati-kader")
    assert str(stored.public_id) == queued["id"]
    assert stored.value == Decimal("35.5")
