"""What a phone is told about a field the schema refuses: pydantic's own errors, turned into the
API's code and a message a cadre can act on, on the field's path. The errors come from pydantic
itself, so a change in its error kinds fails here rather than reaching a phone as "not valid"."""

import datetime as dt
from typing import Annotated

import pytest
from django.utils import translation
from pydantic import AnyUrl, BaseModel, Field, ValidationError

from kaderasi.api.validation_errors import field_errors


class Reading(BaseModel):
    score: Annotated[int, Field(ge=0, le=10)] = 0
    note: Annotated[str, Field(min_length=1, max_length=3)] = "ok"
    readings: Annotated[list[int], Field(max_length=2)] = []
    count: int = 0
    measured_at: dt.datetime | None = None
    measured_on: dt.date | None = None
    breastfed: bool = False
    label: str = ""
    source: AnyUrl | None = None


@pytest.mark.parametrize(
    ("field", "value", "code", "message"),
    [
        ("score", -1, "too_small", "Must be at least 0."),
        ("score", 11, "too_large", "Must be at most 10."),
        ("note", "", "required", "This field cannot be empty."),
        ("note", "abcd", "too_long", "At most 3 characters."),
        ("readings", [1, 2, 3], "too_long", "At most 2 items."),
        ("count", "dua", "invalid_type", "Enter a whole number."),
        (
            "measured_at",
            "kemarin",
            "invalid_datetime",
            "Enter a date and time, e.g. 2026-11-29T09:00+07:00.",
        ),
        ("measured_on", "besok", "invalid_date", "Enter a date, e.g. 2026-11-29."),
        ("breastfed", "mungkin", "invalid_type", "Enter true or false."),
        ("label", 5, "invalid_type", "Enter text."),
        ("source", "not a link", "invalid", "This value is not valid."),
    ],
)
def test_a_refused_field_is_told_with_a_code_and_a_message_on_its_path(field, value, code, message):
    with pytest.raises(ValidationError) as refused:
        Reading.model_validate({field: value})

    with translation.override("en"):
        errors = field_errors(refused.value.errors())

    assert errors == [{"code": code, "message": message, "field": field}]


def test_the_message_is_in_bahasa_indonesia_by_default():
    with pytest.raises(ValidationError) as refused:
        Reading.model_validate({"breastfed": "mungkin"})

    with translation.override("id"):
        [error] = field_errors(refused.value.errors())

    assert error["code"] == "invalid_type"
    assert error["message"] != "Enter true or false."
