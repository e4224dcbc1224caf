"""The registry fields a phone may edit: the model each record names, which of its fields are
clinical, and the JSON form in which a conflict keeps a value."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Field
from django.utils.translation import gettext as _

from kaderasi.care.models import Delivery, Infant, Mother
from kaderasi.core.models import BaseModel
from kaderasi.sync.models import RegistryRecord

EDITABLE_FIELDS: dict[str, tuple[str, ...]] = {
    RegistryRecord.MOTHER: ("phone", "birth_date"),
    RegistryRecord.DELIVERY: (
        "delivered_at",
        "delivery_type",
        "parity",
        "place",
        "early_initiation",
    ),
    RegistryRecord.INFANT: ("sex", "birth_weight_g"),
}
# The schedule, the postpartum day and the flags hang on these: a stale edit of one of them is
# never applied without the midwife.
CLINICAL_FIELDS: dict[str, frozenset[str]] = {
    RegistryRecord.MOTHER: frozenset(),
    RegistryRecord.DELIVERY: frozenset(
        {"delivered_at", "delivery_type", "parity", "early_initiation"}
    ),
    RegistryRecord.INFANT: frozenset({"sex", "birth_weight_g"}),
}
MODELS: dict[str, type[BaseModel]] = {
    RegistryRecord.MOTHER: Mother,
    RegistryRecord.DELIVERY: Delivery,
    RegistryRecord.INFANT: Infant,
}


def model_field(record: str, field: str) -> Field:
    """The model field `field` of the row a `record` edit targets."""
    return MODELS[record]._meta.get_field(field)


def field_value_to_json(value):
    """`value` as a conflict keeps it: aware datetimes in UTC, dates as ISO strings."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def field_value_from_json(record: str, field: str, value):
    """The Python value of `field` from its JSON form; ValidationError when it does not parse."""
    if value is None:
        return None
    parsed = model_field(record, field).to_python(value)
    if isinstance(parsed, dt.datetime) and parsed.tzinfo is None:
        raise ValidationError(_("Give the time with its time zone."), code="naive_datetime")
    return parsed
