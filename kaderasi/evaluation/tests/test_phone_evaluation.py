from importlib import import_module

import pytest
from django.apps import apps

from kaderasi.conftest import log_in
from kaderasi.tests.seeded_demo import demo_seeded

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def seed_reference_volumes() -> None:
    """The flush that ends every transactional test also empties the rows a data migration
    seeded; put the reference volumes back."""
    import_module("kaderasi.evaluation.migrations.0002_seed_milk_volume_references").seed(
        apps, None
    )


def test_a_coordinator_reads_the_evaluation_on_a_phone(phone, now):
    seed_reference_volumes()
    demo_seeded(now=now)
    log_in(phone, "koordinator")
    phone.goto("/en/programmes/pandes-2018/")
    phone.click("text=Evaluation results")
    phone.wait_for_load_state()
    assert phone.locator("h2", has_text="Milk volume (ml)").is_visible()
    assert phone.locator("#limitations li").first.inner_text().startswith("Single group")
    assert phone.locator("#norms td", has_text="122.5").is_visible()
    # The page itself never scrolls sideways; only wide tables scroll inside their box.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
