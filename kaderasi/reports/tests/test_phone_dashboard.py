"""The midwife's dashboard and the report export on a cheap phone (360 × 740, Chromium)."""

import pytest

from kaderasi.conftest import log_in
from kaderasi.reports.rollups import rollups_rebuild
from kaderasi.tests.seeded_demo import demo_seeded

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_midwife_reads_her_dashboard_and_opens_the_list_behind_a_number(phone, now):
    demo_seeded(now=now)
    rollups_rebuild(now=now)
    log_in(phone, "bidan")

    phone.goto("/dashboard/?period=all")

    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    tile = phone.locator("a.tile", has_text="10").first
    assert tile.bounding_box()["height"] >= 48
    tile.click()
    phone.wait_for_load_state()
    assert phone.locator(".mother-name", has_text="Ny. Am").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_coordinator_prepares_the_pdf_and_downloads_it(phone, now):
    demo_seeded(now=now)
    log_in(phone, "koordinator")

    phone.goto("/programmes/pandes-2018/report/")
    phone.select_option("#id_format", "xlsx")
    phone.locator(".report-export button[type=submit]").click()
    phone.wait_for_load_state()

    download_link = phone.locator("a.btn.primary[download]")
    download_link.wait_for(timeout=30_000)
    with phone.expect_download() as download:
        download_link.click()
    assert download.value.suggested_filename.startswith("pandes-2018-")
    assert download.value.suggested_filename.endswith(".xlsx")
