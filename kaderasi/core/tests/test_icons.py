"""The app's icon on every page, the admin's included (issue 18, Build 7): without a linked icon
the browser asks for /favicon.ico, gets a 404 and logs a console error on every admin page."""

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

from kaderasi.conftest import log_in
from kaderasi.tests import factories as f

ICON_LINK = f'<link rel="icon" href="{static("kaderasi/icon.svg")}" type="image/svg+xml">'


def test_the_icons_the_pages_and_the_manifest_name_are_shipped():
    for path in [
        "kaderasi/icon.svg",
        "offline/icon-192.png",
        "offline/icon-512.png",
        "offline/icon-maskable-192.png",
        "offline/icon-maskable-512.png",
    ]:
        assert finders.find(path), path


@pytest.mark.django_db
def test_every_kind_of_admin_page_links_the_icon(client, world):
    admin = f.UserFactory(username="ani-admin", role="admin", is_superuser=True, is_staff=True)
    client.force_login(admin)
    pages = [
        reverse("admin:index"),
        reverse("admin:regions_area_changelist"),
        reverse("admin:regions_area_add"),
        reverse("admin:regions_area_change", args=[world.mawar.pk]),
        reverse("admin:regions_area_history", args=[world.mawar.pk]),
        reverse("admin:app_list", args=["regions"]),
        reverse("admin:password_change"),
    ]
    missing = [url for url in pages if ICON_LINK not in client.get(url).content.decode()]
    assert missing == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_admin_pages_log_no_console_error(phone, world):
    f.UserFactory(username="ani-admin", role="admin", is_superuser=True, is_staff=True)
    errors: list[str] = []
    phone.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    phone.on("response", lambda r: r.status >= 400 and errors.append(f"{r.status}: {r.url}"))

    log_in(phone, "ani-admin", "correct horse battery")
    for url in [
        reverse("admin:index"),
        reverse("admin:regions_area_changelist"),
        reverse("admin:regions_area_change", args=[world.mawar.pk]),
        reverse("admin:regions_area_add"),
    ]:
        phone.goto(url)
        phone.wait_for_load_state("networkidle")

    assert errors == []
