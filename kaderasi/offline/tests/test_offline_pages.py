import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from kaderasi.care.services import schedule_reconcile
from kaderasi.offline import shell
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db


def _config(page) -> dict:
    text = page.decode() if isinstance(page, bytes) else page
    return json.loads(re.search(r'id="kaderasi-offline"[^>]*>(.*?)</script>', text, re.S)[1])


def test_the_service_worker_is_served_from_the_root_with_its_scope_and_version(client):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    text = response.content.decode()
    assert f'"version": "{shell.shell_version()}"' in text
    assert '"/api/"' in text  # never cached
    assert "/static/offline/offline.js" in text


def test_the_service_worker_url_has_no_language_prefix_whatever_the_language(cadre_user):
    browser = Client()
    browser.force_login(cadre_user)

    english = browser.get("/en/", HTTP_ACCEPT_LANGUAGE="en")

    config = _config(english.content)
    assert config["service_worker"] == "/sw.js"
    assert config["outbox"] == "/en/outbox/"


def test_the_manifest_makes_the_app_installable(client):
    manifest = client.get("/manifest.webmanifest").json()

    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/",
        "/",
        "standalone",
    )
    sizes = {icon["sizes"] for icon in manifest["icons"] if icon["type"] == "image/png"}
    assert sizes == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        path = Path(settings.PACKAGE_DIR) / "static" / icon["src"].removeprefix("/static/")
        assert path.exists()


def test_every_page_links_the_manifest_and_the_offline_app(cadre_user):
    browser = Client()
    browser.force_login(cadre_user)

    page = browser.get("/").content.decode()

    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert "/static/vendor/idb/umd.js" in page
    assert "/static/offline/offline.js" in page
    config = _config(page)
    assert config["user"] == "wati-kader"
    assert (config["push"], config["pull"]) == ("/api/v1/sync/push", "/api/v1/sync/pull")
    assert [page["url"] for page in config["mother_pages"]] == [
        "/mothers/{id}/",
        "/mothers/{id}/session/",
        "/mothers/{id}/record/milk-volume/",
        "/mothers/{id}/record/danger-signs/",
        "/mothers/{id}/record/latch/",
        "/mothers/{id}/session/skip/",
        "/mothers/{id}/milk-onset/",
        "/mothers/{id}/record/feeds/",
        "/mothers/{id}/record/wet-nappies/",
        "/mothers/{id}/record/stools/",
        "/mothers/{id}/record/infant-weight/",
    ]


def test_her_clients_page_and_every_record_screen_it_leads_to_are_kept_offline(world, cadre_user):
    # Day 2 after the birth: the breastfeeding observation (LATCH) is offered too.
    delivered_at = timezone.now() - dt.timedelta(hours=26)
    mother = f.delivered_mother(
        programme=world.programme, posyandu=world.mawar, delivered_at=delivered_at
    )
    f.PairingFactory(mother=mother, cadre=cadre_user.cadre, starts_at=delivered_at)
    schedule_reconcile(mother=mother, now=timezone.now())
    browser = Client()
    browser.force_login(cadre_user)
    own = f"/mothers/{mother.public_id}/"

    page = browser.get(own).content.decode()

    kept = {
        pattern["url"].replace("{id}", str(mother.public_id))
        for pattern in shell.mother_page_patterns()
    }
    linked = set(re.findall(rf'href="({re.escape(own)}[^"]*)"', page)) | {own}
    recording = {url for url in linked if b"data-outbox=" in browser.get(url).content}
    # The session, its skip, milk volume, danger signs, feeds, BAK, stools, weight, LATCH and
    # whether her milk has come in.
    assert len(recording) == 10
    assert recording | {own} <= kept


def test_the_offline_fallback_page_names_nobody(cadre_user):
    browser = Client()
    browser.force_login(cadre_user)

    page = browser.get("/offline/").content.decode()

    assert "wati-kader" not in page
    assert '"user": null' in page


def test_the_outbox_page_needs_a_login(client):
    assert client.get("/outbox/").status_code == 302


def test_a_midwife_sees_how_many_conflicts_wait(midwife, world, now):
    from kaderasi.sync.models import Conflict
    from kaderasi.tests import factories as f

    mother = f.delivered_mother(programme=world.programme, posyandu=world.mawar)
    Conflict.objects.create(
        client_record_id="00000000-0000-0000-0000-000000000001",
        mother=mother,
        record="mother",
        record_public_id=mother.public_id,
        field="phone",
        base_version=now,
        server_version=now,
        submitted_by=midwife,
        submitted_at=now,
    )
    browser = Client()
    browser.force_login(midwife)

    page = browser.get("/").content.decode()

    config = _config(page)
    assert config["conflicts"] == {"count": 1, "url": "/api/v1/conflicts/"}


def test_the_vendored_idb_is_recorded_with_its_version():
    vendor = json.loads((Path(settings.PACKAGE_DIR) / "static/vendor/vendor.json").read_text())

    assert vendor["idb"]["version"] == "8.0.4"
    for target in vendor["idb"]["files"].values():
        assert (Path(settings.PACKAGE_DIR) / "static/vendor" / target).exists()
