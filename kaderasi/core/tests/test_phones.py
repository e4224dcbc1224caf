import pytest
from django.core.exceptions import ValidationError

from kaderasi.core.phones import display_phone, normalize_phone


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
