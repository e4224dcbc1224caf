"""The cadre's phone without a signal: records queue on the phone and reach the server once."""

import pytest

from kaderasi.care.models import Measurement
from kaderasi.conftest import log_in, signal_back, signal_lost
from kaderasi.tests.seeded_demo import demo_seeded

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTBOX = """async () => {
  const db = await idb.openDB("kaderasi");
  return db.getAll("outbox");
}"""


def _ready(page):
    page.evaluate("window.kaderasiOffline.ready")


def _waiting(page) -> str:
    return page.get_attribute(".sync-status .sync-text", "data-waiting")


def _client_of_kader():
    from kaderasi.care.models import Pairing

    pairing = Pairing.objects.filter(
        ends_at__isnull=True, cadre__same_person_as__user__username="kader"
    ).select_related("mother")
    return pairing.first().mother


def _open_milk_form(phone):
    log_in(phone, "kader")
    _ready(phone)  # synced, and her clients' screens kept for offline use
    phone.goto(f"/mothers/{_client_of_kader().public_id}/record/milk-volume/")
    phone.wait_for_load_state()
    _ready(phone)


def _record_milk_offline(phone, volume="35"):
    signal_lost(phone)
    phone.reload()
    phone.wait_for_load_state()
    _ready(phone)
    phone.fill("#id_volume_ml", volume)
    phone.select_option("#id_method", "hand_expression")
    phone.click("form[data-outbox=milk_volume] button[type=submit]")
    # Safe on the phone: back to her day (kept for offline use), which says so.
    phone.wait_for_selector(".offline-flash[data-kind=queued]")


def _milk_rows():
    return Measurement.objects.filter(kind="milk_volume", value=35, recorded_by__username="kader")


def test_a_milk_volume_recorded_offline_reaches_the_server_exactly_once(phone, now):
    demo_seeded(now=now)
    _open_milk_form(phone)

    _record_milk_offline(phone)
    phone.reload()  # still offline: the page comes from the phone, the record is still queued
    phone.wait_for_load_state()
    _ready(phone)

    assert _waiting(phone) == "1"
    assert phone.locator(".sync-status").get_attribute("data-state") == "offline"
    [queued] = phone.evaluate(OUTBOX)
    assert queued["record"]["type"] == "milk_volume"
    assert queued["record"]["volume_ml"] == 35
    assert _milk_rows().count() == 0

    signal_back(phone)
    phone.evaluate("window.kaderasiOffline.sync()")

    phone.wait_for_selector(".sync-status .sync-text[data-waiting='0']")
    assert phone.evaluate(OUTBOX) == []
    [stored] = _milk_rows()
    assert str(stored.public_id) == queued["id"]
    assert (stored.method, stored.basis) == ("hand_expression", "single_expression")


def test_an_outbox_replayed_twice_still_leaves_one_row(phone, now):
    """The answer to a push can be lost (the signal drops after the server stored the batch):
    the phone sends the same record again, and again; the server keeps one row."""
    demo_seeded(now=now)
    _open_milk_form(phone)
    _record_milk_offline(phone)
    [queued] = phone.evaluate(OUTBOX)
    signal_back(phone)
    phone.evaluate("window.kaderasiOffline.sync()")

    for _replay in range(2):
        phone.evaluate(
            """async (item) => {
              const db = await idb.openDB("kaderasi");
              await db.put("outbox", item);
              await window.kaderasiOffline.sync();
            }""",
            queued,
        )

    assert phone.evaluate(OUTBOX) == []
    assert _milk_rows().count() == 1


def test_online_the_form_is_stored_at_once_and_returns_to_her_day(phone, now):
    demo_seeded(now=now)
    _open_milk_form(phone)

    phone.fill("#id_volume_ml", "35")
    phone.select_option("#id_method", "hand_expression")
    phone.click("form[data-outbox=milk_volume] button[type=submit]")

    phone.wait_for_selector(".offline-flash[data-kind=sent]")
    assert phone.url.endswith("/")
    assert _milk_rows().count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_record_the_server_refuses_stays_on_the_phone_with_its_error(phone, now):
    demo_seeded(now=now)
    _open_milk_form(phone)

    phone.fill("#id_measured_at-picker", "2000-01-01T08:00")  # before the delivery
    phone.fill("#id_volume_ml", "35")
    phone.select_option("#id_method", "hand_expression")
    phone.click("form[data-outbox=milk_volume] button[type=submit]")
    phone.wait_for_selector(".offline-notice[data-kind='error']")

    assert phone.locator(".time-picker.has-error #id_measured_at").count() == 1
    [kept] = phone.evaluate(OUTBOX)
    assert kept["status"] == "rejected"
    assert kept["errors"][0]["code"] == "measurement_before_delivery"
    phone.goto("/outbox/")
    _ready(phone)
    assert phone.locator(".outbox-item.rejected .error").count() == 1
    assert _milk_rows().count() == 0


def test_logging_out_clears_the_kept_pages_but_keeps_unsent_records(phone, now):
    demo_seeded(now=now)
    _open_milk_form(phone)
    _record_milk_offline(phone)
    signal_back(phone)
    kept_pages = """async () => {
      const names = (await caches.keys()).filter((name) => name.startsWith("kaderasi-pages-"));
      let count = 0;
      for (const name of names) count += (await (await caches.open(name)).keys()).length;
      return count;
    }"""
    assert phone.evaluate(kept_pages) > 0
    # Wait for the record to leave first, so the logout does not ask for confirmation.
    phone.evaluate("window.kaderasiOffline.sync()")

    phone.click("form[action$='/logout/'] button")
    phone.wait_for_url("**/login/")

    assert phone.evaluate(kept_pages) == 0
    assert _milk_rows().count() == 1
