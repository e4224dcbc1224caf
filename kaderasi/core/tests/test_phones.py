import pytest
from django.core.exceptions import ValidationError

from kaderasi.core.phones import display_phone, normalize_phone, whatsapp_link


@pytest.mark.parametrize(
    "typed",
    [
        "0812-3456-7890",
        "081234567890",
        "+62 812 3456 7890",
        "62812 3456 7890",
        " (0812) 3456 7890 ",
    ],
)
def test_local_and_international_forms_of_one_number_are_stored_alike(typed):
    assert normalize_phone(typed) == "+6281234567890"


@pytest.mark.parametrize("typed", ["0812-12", "abc", "", "+1 555", "0000000000000"])
def test_a_malformed_number_is_refused_with_its_code(typed):
    with pytest.raises(ValidationError) as error:
        normalize_phone(typed)
    assert error.value.code == "invalid_phone"


def test_a_stored_number_is_shown_the_way_a_cadre_writes_it():
    assert display_phone("+6281234567890") == "0812-3456-7890"
    assert display_phone("") == ""


def test_one_whatsapp_link_for_every_screen_that_offers_a_chat():
    assert whatsapp_link("+6281234567890") == "https://wa.me/6281234567890"
    assert (
        whatsapp_link("+6281234567890", "Ibu, waktunya pijat")
        == "https://wa.me/6281234567890?text=Ibu%2C%20waktunya%20pijat"
    )
    assert whatsapp_link("") == ""
