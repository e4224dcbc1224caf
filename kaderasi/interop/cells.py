"""Reading one cell: each parser returns the value or raises CellInvalid with a translated
message naming the rule and the value (pure, no database)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kaderasi.core.decimals import (
    NumberInputError,
    decimal_parse,
    number_problem_message,
    plain,
)
from kaderasi.core.phones import normalize_phone
from kaderasi.interop.errors import InteropErrorCode

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S")
TRUE_WORDS = {"yes", "ya", "true", "1", "y"}
FALSE_WORDS = {"no", "tidak", "false", "0", "n"}

Parser = Callable[[Any], Any]


class CellInvalid(Exception):
    def __init__(self, code: InteropErrorCode, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def text(max_length: int) -> Parser:
    def parse(raw: Any) -> str:
        value = as_text(raw)
        if len(value) > max_length:
            raise CellInvalid(
                InteropErrorCode.TOO_LONG,
                _("At most %(max)s characters (this has %(length)s).")
                % {"max": max_length, "length": len(value)},
            )
        return value

    return parse


def choice(allowed: Iterable[str]) -> Parser:
    """A code from `allowed`, read without regard to case, spaces or hyphens ("Manual pump")."""
    codes = tuple(allowed)

    def parse(raw: Any) -> str:
        value = as_text(raw).casefold().replace(" ", "_").replace("-", "_")
        if value not in codes:
            raise CellInvalid(
                InteropErrorCode.INVALID_CHOICE,
                _("“%(value)s” is not allowed here; use one of: %(allowed)s.")
                % {"value": as_text(raw), "allowed": ", ".join(codes)},
            )
        return value

    return parse


def decimal(low: Decimal, high: Decimal, places: int) -> Parser:
    def parse(raw: Any) -> Decimal:
        number = as_decimal(raw)
        if not low <= number <= high:
            raise CellInvalid(
                InteropErrorCode.OUT_OF_RANGE,
                _("%(value)s is outside the allowed range %(low)s to %(high)s.")
                % {"value": plain(number), "low": plain(low), "high": plain(high)},
            )
        if -number.normalize().as_tuple().exponent > places:
            raise CellInvalid(
                InteropErrorCode.TOO_MANY_DECIMALS,
                ngettext(
                    "%(value)s has more than %(places)d decimal place.",
                    "%(value)s has more than %(places)d decimal places.",
                    places,
                )
                % {"value": plain(number), "places": places},
            )
        return number.quantize(Decimal(1).scaleb(-places))

    return parse


def integer(low: int, high: int) -> Parser:
    def parse(raw: Any) -> int:
        number = as_decimal(raw, code=InteropErrorCode.INVALID_INTEGER)
        if number != number.to_integral_value():
            raise CellInvalid(
                InteropErrorCode.INVALID_INTEGER,
                _("“%(value)s” is not a whole number.") % {"value": as_text(raw)},
            )
        if not low <= number <= high:
            raise CellInvalid(
                InteropErrorCode.OUT_OF_RANGE,
                _("%(value)s is outside the allowed range %(low)s to %(high)s.")
                % {"value": plain(number), "low": low, "high": high},
            )
        return int(number)

    return parse


def any_date(raw: Any) -> dt.date:
    """An Excel date, or text as 2018-04-11 or 11/04/2018 (day first, as Indonesia writes it)."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    value = as_text(raw)
    for date_format in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, date_format).date()
        except ValueError:
            continue
    raise CellInvalid(
        InteropErrorCode.INVALID_DATE,
        _("“%(value)s” is not a date; write it as 2018-04-11 or 11/04/2018 (day/month/year).")
        % {"value": value},
    )


def past_date(today: dt.date) -> Parser:
    """A date that has happened (not after `today`)."""

    def parse(raw: Any) -> dt.date:
        day = any_date(raw)
        if day > today:
            raise CellInvalid(
                InteropErrorCode.DATE_IN_FUTURE,
                _("%(date)s is in the future.") % {"date": day.isoformat()},
            )
        return day

    return parse


def phone(raw: Any) -> str:
    """A phone number in E.164; Excel's number for 0812… (leading zero lost) is read too."""
    try:
        return normalize_phone(as_text(raw))
    except ValidationError as error:
        raise CellInvalid(InteropErrorCode.INVALID_PHONE, error.messages[0]) from error


def yes_no(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    value = as_text(raw).casefold()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise CellInvalid(InteropErrorCode.INVALID_CHOICE, _("Write yes or no."))


def as_text(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time(0) else raw.isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw).strip()


def as_decimal(raw: Any, code: InteropErrorCode = InteropErrorCode.INVALID_NUMBER) -> Decimal:
    if isinstance(raw, bool):
        raise CellInvalid(code, _("“%(value)s” is not a number.") % {"value": raw})
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        # Excel stores 45.1 as 45.100000000000001; six places remove that noise.
        return Decimal(str(round(raw, 6)))
    # Text as people type it, read as the web forms and the phone read it: "35,5" is 35.5, and
    # "1.200" (a decimal or a thousand?) is refused rather than guessed.
    typed = as_text(raw)
    try:
        return decimal_parse(typed)
    except NumberInputError as error:
        raise CellInvalid(code, number_problem_message(error.reason, value=typed)) from error
