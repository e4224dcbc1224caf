import pytest

from kaderasi.conftest import log_in
from kaderasi.tests.seeded_demo import demo_seeded

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_demo_cadre_logs_in_on_a_phone_and_sees_her_client_in_indonesian(phone, now):
    demo_seeded(now=now)
    log_in(phone, "kader")
    assert phone.locator("h2", has_text="Ibu yang pernah saya dampingi").is_visible()
    assert phone.locator(".mother-name", has_text="Ny. Am").is_visible()
    # Nothing overflows a 360 px screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_wrong_password_keeps_the_username_and_says_why(phone, now):
    demo_seeded(now=now)
    log_in(phone, "kader", "salah")
    assert phone.input_value("#id_username") == "kader"
    assert phone.locator(".errors").is_visible()
