"""Numbers typed by people, read the same way on every interface (web forms, workbook cells and,
mirrored rule for rule, `decimalParse` in static/offline/offline.js).

Indonesians write a decimal comma (12,5) and a dot between thousands (1.200); other people write
the opposite. A number with one separator followed by exactly three digits ("1.200", "1,200")
could be either, so it is refused, never guessed: reading 1.200 ml as 1,2 ml or 12,5 ml as 125 ml
is the mistake this module exists to prevent. Nothing here multiplies a number: grouped
thousands ("1.200.000", "1 200") are refused with a message saying how to write them.

`decimal_parse` is pure (no Django); `number_problem_message` gives the translated reason."""

from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext_lazy


class NumberProblem(StrEnum):
    """Why typed text is not a number a field accepts (the code tests and the API assert)."""

    EMPTY = "number_empty"
    NOT_A_NUMBER = "number_invalid"
    AMBIGUOUS = "number_ambiguous_separator"
    GROUPED = "number_thousands_separator"
    NOT_WHOLE = "number_not_whole"
    TOO_MANY_DECIMALS = "number_too_many_decimals"


class NumberInputError(ValueError):
    """Typed text that `decimal_parse` refuses, with the reason as a `NumberProblem`."""

    def __init__(self, reason: NumberProblem, text: str):
        super().__init__(f"{reason}: {text!r}")
        self.reason = reason
        self.text = text


_MINUS_SIGNS = ("-", "\u2212")  # hyphen-minus, and the minus sign some keyboards type
_SIGNED = re.compile(r"([+\-\u2212]?)(.*)", re.DOTALL)
_DIGITS = re.compile(r"[0-9]+")
# Digits in groups of three with one separator kind, maybe followed by a decimal part:
# 1.200.000, 1,200,000, 1.200,5, 1,200.5. Spaces between digit groups: 1 200.
_GROUPED = re.compile(r"[0-9]{1,3}(?:([.,])[0-9]{3})(?:\1[0-9]{3})*(?:[.,][0-9]+)?")
_SPACE_GROUPED = re.compile(r"[0-9]+(?:[ \u00a0\u202f]+[0-9]+)+(?:[.,][0-9]+)?")
# One separator after one to three digits (not a lone 0) and before exactly three digits.
_AMBIGUOUS = re.compile(r"[1-9][0-9]{0,2}[.,][0-9]{3}")


def decimal_parse(text: str) -> Decimal:
    """The number in `text` as a person typed it: "12,5" and "12.5" are 12.5, "0,750" is 0.75,
    ",5" is 0.5, "-5" is -5 (a range check refuses it later, with its own message).

    Raises NumberInputError with the reason: EMPTY (nothing typed), AMBIGUOUS ("1.200",
    "1,200": a decimal or a thousand?), GROUPED ("1.200.000", "1.200,5", "1 200": write it
    without thousands separators) or NOT_A_NUMBER (anything else, "12,", "1e3", "abc")."""
    stripped = text.strip()
    if not stripped:
        raise NumberInputError(NumberProblem.EMPTY, text)
    sign, body = _SIGNED.fullmatch(stripped).groups()
    negative = sign in _MINUS_SIGNS
    if _SPACE_GROUPED.fullmatch(body):
        raise NumberInputError(NumberProblem.GROUPED, text)
    separators = sum(body.count(mark) for mark in ".,")
    if separators > 1:
        reason = NumberProblem.GROUPED if _GROUPED.fullmatch(body) else NumberProblem.NOT_A_NUMBER
        raise NumberInputError(reason, text)
    if separators == 0:
        whole, fraction = body, ""
    else:
        whole, fraction = re.split(r"[.,]", body)
        if not _DIGITS.fullmatch(fraction) or (whole and not _DIGITS.fullmatch(whole)):
            raise NumberInputError(NumberProblem.NOT_A_NUMBER, text)
        if _AMBIGUOUS.fullmatch(body):
            raise NumberInputError(NumberProblem.AMBIGUOUS, text)
    if separators == 0 and not _DIGITS.fullmatch(whole):
        raise NumberInputError(NumberProblem.NOT_A_NUMBER, text)
    number = Decimal(f"{whole or '0'}.{fraction}" if fraction else whole)
    return -number if negative else number


def decimal_places_of(number: Decimal) -> int:
    """How many digits after the decimal point `number` needs (12.50 needs 1, 12 needs 0)."""
    exponent = number.normalize().as_tuple().exponent
    return max(0, -int(exponent))


def plain(number: Decimal | int) -> str:
    """A number as people write it: no exponent, no trailing zeros, no thousands separator."""
    if isinstance(number, int):
        return str(number)
    return format(Decimal(number).normalize(), "f")


# The reason in words: `%(value)s` is what was typed, `%(places)s` how many decimals the field
# takes. The offline app receives these same texts (offline/templatetags/offline_app.py), so the
# phone says what the server says.
NUMBER_PROBLEM_MESSAGES = {
    NumberProblem.EMPTY: gettext_lazy("Fill this in."),
    NumberProblem.NOT_A_NUMBER: gettext_lazy("“%(value)s” is not a number. Write it like 12,5."),
    NumberProblem.AMBIGUOUS: gettext_lazy(
        "“%(value)s” could be a decimal or a thousand. Write a decimal with a comma (12,5) and a "
        "whole number without a dot (1200)."
    ),
    NumberProblem.GROUPED: gettext_lazy(
        "“%(value)s” has a thousands separator. Write the number without dots or spaces (1200), "
        "with a comma only before the decimals (12,5)."
    ),
    NumberProblem.NOT_WHOLE: gettext_lazy("Write a whole number; “%(value)s” has decimals."),
    NumberProblem.TOO_MANY_DECIMALS: gettext_lazy(
        "At most %(places)s digit(s) after the comma; “%(value)s” has more."
    ),
}
# A reason given away from its field (the offline app's notice, a list of errors) names it.
FIELD_PROBLEM = gettext_lazy("%(field)s: %(problem)s")


def number_problem_message(
    reason: NumberProblem, *, value: str, places: int = 0, field: str | None = None
) -> str:
    """The translated reason `value` was refused, naming the field labelled `field` if given."""
    problem = str(NUMBER_PROBLEM_MESSAGES[reason]) % {"value": value.strip(), "places": places}
    if field is None:
        return problem
    return str(FIELD_PROBLEM) % {"field": field, "problem": problem}
