"""A return visit costs headers, not pages (issue 15, item 6): the service worker asks for a kept
page with its ETag and shows the kept copy on a 304; a page that changed comes whole, fresh."""

import pytest

from kaderasi.care.models import Mother
from kaderasi.conftest import log_in
from kaderasi.tests.seeded_demo import demo_seeded

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _visit_home(phone) -> str:
    """Open her home page again; the CSP nonce of the page shown, which the server writes afresh
    in every page it sends (the same nonce twice: the kept copy was shown)."""
    phone.goto("/")
    phone.evaluate("window.kaderasiOffline.ready")
    return phone.locator("meta[name=htmx-config]").get_attribute("content")


def test_an_unchanged_home_page_comes_from_the_kept_copy_and_a_changed_one_whole(phone, now):
    demo_seeded(now=now)
    client = Mother.objects.get(programme__slug="demo-live", code="M03")
    log_in(phone, "kader")
    phone.evaluate("window.kaderasiOffline.ready")  # her screens kept by the service worker
    card = phone.locator(f"[data-client='{client.public_id}']")

    kept = _visit_home(phone)
    again = _visit_home(phone)

    assert again == kept  # answered 304: the kept copy, with its own nonce and header
    assert card.is_visible()
    assert phone.locator(".sync-status").is_visible()  # its scripts ran under its own nonce

    Mother.objects.filter(pk=client.pk).update(name="Ny. Baru Saja")
    fresh = _visit_home(phone)

    assert fresh != kept
    assert "Ny. Baru Saja" in card.inner_text()
