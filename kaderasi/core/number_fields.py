"""The form field for a number a person types: read by `core.decimals.decimal_parse` (so "12,5" is
12.5 and "1.200" is refused), in a text input, never `<input type=number>`: Chromium's number
input drops a comma it reads as a thousands separator, so "12,5" reached the server as 125
before any of our code saw it.

The input carries what the offline app needs to check the number before queueing it, as the
server would: `data-number` (decimal or integer), `data-places`, `data-min` and `data-max`."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kaderasi.core.decimals import (
    NumberInputError,
    NumberProblem,
    decimal_parse,
    decimal_places_of,
    number_problem_message,
    plain,
)

OUT_OF_RANGE = "out_of_range"
# The wording of the services' own range check (care.services.measurement_validate), so that a
# field checked here and a value checked there read the same.
RANGE_MESSAGE = _("%(kind)s must be between %(low)s and %(high)s.")


class TypedNumberField(forms.Field):
    """A number typed by a person: a `Decimal` with at most `places` decimals (`places=0`: an
    `int`). `min_value`/`max_value` are checked here and shown to the offline app; `bounds`
    (low, high) are only shown to it, for a value whose range a service checks (one rule, one
    error code on every interface)."""

    widget = forms.TextInput
    default_error_messages = {OUT_OF_RANGE: RANGE_MESSAGE}

    def __init__(
        self,
        *,
        places: int = 0,
        min_value: Decimal | int | None = None,
        max_value: Decimal | int | None = None,
        bounds: tuple[Decimal | int, Decimal | int] | None = None,
        label_in_message: bool = True,
        decimal_places: int | None = None,
        max_digits: int | None = None,
        **kwargs,
    ):
        """`label_in_message=False` for a page that already puts the label before each error
        (a table of scores); `error_messages={"out_of_range": …}` words the range check.
        `decimal_places` and `max_digits` are what a model's DecimalField passes (the model's
        own validators still check its digits)."""
        self.places = decimal_places if decimal_places is not None else places
        self.min_value = min_value
        self.max_value = max_value
        self.bounds = bounds
        self.label_in_message = label_in_message
        super().__init__(**kwargs)

    def widget_attrs(self, widget) -> dict[str, str]:
        attrs = super().widget_attrs(widget)
        low, high = self.bounds or (self.min_value, self.max_value)
        attrs.update(
            {
                # A decimal keyboard has the comma; a numeric one only digits.
                "inputmode": "decimal"
                if self.places or (low is not None and low < 0)
                else "numeric",
                "autocomplete": "off",
                "data-number": "decimal" if self.places else "integer",
                "data-places": str(self.places),
            }
        )
        if low is not None:
            attrs["data-min"] = plain(low)
        if high is not None:
            attrs["data-max"] = plain(high)
        return attrs

    def prepare_value(self, value):
        # A stored 12.50 or 1200.0 is shown as 12.5 and 1200, which read back as the same number.
        if isinstance(value, Decimal) and value.is_finite():
            return plain(value)
        return value

    def _refuse(self, reason: NumberProblem, typed: str) -> ValidationError:
        field = str(self.label or "") if self.label_in_message else None
        return ValidationError(
            number_problem_message(reason, field=field, value=typed, places=self.places),
            code=str(reason),
        )

    def to_python(self, value) -> Decimal | int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, bool):
            raise self._refuse(NumberProblem.NOT_A_NUMBER, str(value))
        if isinstance(value, (int, Decimal)):
            number = Decimal(value)
            typed = str(value)
        else:
            typed = str(value)
            if not typed.strip():
                return None
            try:
                number = decimal_parse(typed)
            except NumberInputError as error:
                raise self._refuse(error.reason, typed) from error
        if decimal_places_of(number) > self.places:
            reason = (
                NumberProblem.NOT_WHOLE if self.places == 0 else NumberProblem.TOO_MANY_DECIMALS
            )
            raise self._refuse(reason, typed)
        if self.places == 0:
            return int(number)
        return number.quantize(Decimal(1).scaleb(-self.places))

    def validate(self, value) -> None:
        super().validate(value)
        if value is None:
            return
        too_low = self.min_value is not None and value < self.min_value
        too_high = self.max_value is not None and value > self.max_value
        if too_low or too_high:
            low = plain(self.min_value) if self.min_value is not None else "…"
            high = plain(self.max_value) if self.max_value is not None else "…"
            raise ValidationError(
                self.error_messages[OUT_OF_RANGE],
                code=OUT_OF_RANGE,
                params={"kind": self.label, "low": low, "high": high},
            )


def typed_number_formfield(db_field) -> TypedNumberField | None:
    """The form field for a model's number field (an admin form): a TypedNumberField in a text
    input, or None for a field that is not a typed number (choices, not editable)."""
    from django.db import models

    typed = isinstance(db_field, (models.DecimalField, models.IntegerField))
    if not typed or db_field.choices or not db_field.editable or db_field.primary_key:
        return None
    return db_field.formfield(
        form_class=TypedNumberField, widget=forms.TextInput(attrs={"class": "vIntegerField"})
    )
