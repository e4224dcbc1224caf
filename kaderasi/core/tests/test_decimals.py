"""Numbers typed by people: one parser, one table of cases shared with the offline app."""

from decimal import Decimal

import pytest
from django.utils import translation

from kaderasi.core.decimals import (
    NumberInputError,
    NumberProblem,
    decimal_parse,
    decimal_places_of,
    number_problem_message,
)
from kaderasi.core.tests.decimal_cases import CASES


@pytest.mark.parametrize(("typed", "expected"), CASES)
def test_a_typed_number_reads_as_the_table_says(typed, expected):
    if expected.startswith("number_"):
        with pytest.raises(NumberInputError) as refused:
            decimal_parse(typed)
        assert refused.value.reason == NumberProblem(expected)
        assert refused.value.text == typed
    else:
        number = decimal_parse(typed)
        assert number == Decimal(expected)
        assert str(number) == expected


def test_the_decimal_comma_is_twelve_and_a_half_never_a_hundred_and_twenty_five():
    assert decimal_parse("12,5") == Decimal("12.5")


def test_a_number_that_could_be_a_decimal_or_a_thousand_is_refused_not_read_as_either():
    for typed in ("1.200", "1,200"):
        with pytest.raises(NumberInputError) as refused:
            decimal_parse(typed)
        assert refused.value.reason is NumberProblem.AMBIGUOUS


def test_a_refusal_is_a_value_error():
    with pytest.raises(ValueError):
        decimal_parse("abc")


def test_decimal_places_ignore_trailing_zeros():
    assert decimal_places_of(Decimal("12.50")) == 1
    assert decimal_places_of(Decimal("12")) == 0
    assert decimal_places_of(Decimal("1200")) == 0
    assert decimal_places_of(Decimal("0.125")) == 3


def test_the_reason_names_the_field_and_the_value_in_english():
    with translation.override("en"):
        message = number_problem_message(
            NumberProblem.AMBIGUOUS, field="Milk volume (ml)", value=" 1.200 "
        )
    assert message == (
        "Milk volume (ml): “1.200” could be a decimal or a thousand. Write a decimal with a "
        "comma (12,5) and a whole number without a dot (1200)."
    )


def test_the_reason_without_a_field_is_a_sentence_of_its_own():
    with translation.override("en"):
        message = number_problem_message(NumberProblem.NOT_A_NUMBER, value="lima puluh")
    assert message == "“lima puluh” is not a number. Write it like 12,5."


def test_the_reason_is_in_indonesian_on_indonesian_pages():
    with translation.override("id"):
        message = number_problem_message(
            NumberProblem.TOO_MANY_DECIMALS, field="Volume ASI (ml)", value="12,55", places=1
        )
    assert message == (
        "Volume ASI (ml): Paling banyak 1 angka di belakang koma; “12,55” lebih dari itu."
    )
