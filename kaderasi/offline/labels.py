"""The labels of a record's fields as its form shows them, by record type: the outbox page names a
field the server refused by the label the cadre read ("Milk volume (ml)"), never by the record's
field name (`volume_ml`)."""

from kaderasi.care import forms
from kaderasi.care.models import MeasurementKind

# The push record types with a form of their own (care/forms.py).
_VALUE_KINDS = (
    MeasurementKind.FEEDS,
    MeasurementKind.WET_NAPPIES,
    MeasurementKind.STOOLS,
    MeasurementKind.INFANT_WEIGHT,
)


def record_field_labels() -> dict[str, dict[str, str]]:
    """{record type: {field name: label}}, in the active language."""
    record_forms = {
        "milk_volume": forms.MilkVolumeForm(),
        "massage_session": forms.MassageSessionForm(),
        "danger_signs": forms.DangerSignsForm(),
        **{str(kind): forms.MeasurementValueForm(kind=kind) for kind in _VALUE_KINDS},
    }
    return {
        record_type: {
            name: str(field.label)
            for name, field in form.fields.items()
            if field.label and name not in ("id", "mother_id")
        }
        for record_type, form in record_forms.items()
    }
