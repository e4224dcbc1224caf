"""What the outbox page needs besides the strings of every page: the labels of a record's fields
as its form shows them, by record type (a refused field is named by the label the cadre read,
"Milk volume (ml)", never by the record's field name `volume_ml`), and the texts only this page
shows. Kept off the other pages, which the phone downloads for every client."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

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
        "latch_score": forms.LatchScoreForm(),
        "session_skip": forms.SessionSkipForm(candidates=[]),
        "milk_onset": forms.MilkOnsetForm(),
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


def outbox_strings() -> dict:
    return {
        "correct": pgettext("open a refused record to fix it", "Correct"),
        "delete_confirm": _("Delete this record from the phone for good? It was never stored."),
        "try_again": _("Try again"),
        "delete": _("Delete"),
        "nothing_waits": _("Nothing waits on this phone."),
        "types": {
            "milk_volume": _("Milk volume"),
            "feeds": _("Feeds"),
            "wet_nappies": _("Wet nappies"),
            "stools": _("Stools"),
            "infant_weight": _("Infant weight"),
            "massage_session": _("Massage session"),
            "danger_signs": _("Danger-sign check"),
            "latch_score": _("Breastfeeding observation (LATCH)"),
            "session_skip": _("Session not given"),
            "milk_onset": _("Has her milk come in?"),
            "mother_edit": _("Mother's data"),
            "delivery_edit": _("Delivery"),
            "infant_edit": _("Infant"),
        },
    }


def outbox_page_data() -> dict:
    """The JSON block of the outbox page (`kaderasi-outbox`), read by offline.js."""
    return {"labels": record_field_labels(), "strings": outbox_strings()}
