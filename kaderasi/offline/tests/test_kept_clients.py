"""A cadre's phone keeps what her work offline needs (decision 0275): the screens of the mothers
she accompanies, not those of a mother whose care ended years ago; and after a record it fetches
again only the screens that show it, not every screen of her client."""

from urllib.parse import urlsplit

import pytest

from kaderasi.care.models import Mother
from kaderasi.conftest import NOW, log_in
from kaderasi.offline import shell
from kaderasi.tests.seeded_demo import demo_seeded

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KEPT_PAGES = """async () => {
  const name = (await caches.keys()).find((key) => key.startsWith("kaderasi-pages-"));
  const cache = await caches.open(name);
  return (await cache.keys()).map((request) => new URL(request.url).pathname);
}"""


def _screens_of(mother) -> set[str]:
    return {p["url"].replace("{id}", str(mother.public_id)) for p in shell.mother_page_patterns()}


def test_her_phone_keeps_her_current_clients_screens_and_fetches_again_only_what_a_record_changed(
    phone,
):
    demo_seeded(now=NOW)
    client = Mother.objects.get(programme__slug="demo-live", code="M03")
    finished = Mother.objects.get(programme__slug="pandes-2018", code="M01")  # accompanied in 2018
    log_in(phone, "kader")
    phone.evaluate("window.kaderasiOffline.ready")  # her screens kept on the phone

    kept = set(phone.evaluate(KEPT_PAGES))

    assert _screens_of(client) <= kept
    assert not _screens_of(finished) & kept
    assert phone.locator(f"a[href='/mothers/{finished.public_id}/']").count() == 1  # still listed

    feeds = f"/mothers/{client.public_id}/record/feeds/"
    phone.goto(feeds)
    phone.evaluate("window.kaderasiOffline.ready")
    fetched: list[str] = []  # the paths the page and its service worker ask for
    phone.context.on("request", lambda request: fetched.append(urlsplit(request.url).path))
    phone.fill("form[data-outbox=feeds] input[name=value]", "9")
    phone.locator("form[data-outbox=feeds] button[type=submit]").click()
    # The record is on the server (the sync that sent it kept her screens), she is back on her day.
    phone.wait_for_function("() => location.pathname === '/'")
    phone.evaluate("window.kaderasiOffline.ready")

    # A feeds count shows on her page only (its form, her session and the rest read the same).
    assert {path for path in fetched if path in _screens_of(client)} == {
        f"/mothers/{client.public_id}/"
    }
