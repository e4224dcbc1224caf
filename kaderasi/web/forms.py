import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from kaderasi.care.models import BreastSide, MeasurementKind, MilkBasis, MilkMethod, MilkPhase

# `data-outbox-now`: the offline app fills in the phone's current time, since a page kept for
# offline use would otherwise offer the time at which it was kept.
DATETIME_LOCAL = forms.DateTimeInput(
    attrs={"type": "datetime-local", "data-outbox-now": ""}, format="%Y-%m-%dT%H:%M"
)


class MeasurementForm(forms.Form):
    """The generic measurement form. Its field names are those of a push record (see
    kaderasi/api/schemas.py), so the offline app can queue what it describes, and a record sent
    both ways (form post and sync) is one row: `id` is the record's UUID."""

    id = forms.UUIDField(widget=forms.HiddenInput, required=False)
    mother_id = forms.UUIDField(widget=forms.HiddenInput, required=False)
    type = forms.ChoiceField(
        label=_("What was measured"),
        choices=MeasurementKind.choices,
        initial=MeasurementKind.MILK_VOLUME,
        widget=forms.RadioSelect,
    )
    measured_at = forms.DateTimeField(label=_("Measured at"), widget=DATETIME_LOCAL)
    volume_ml = forms.DecimalField(
        label=_("Milk volume (ml)"),
        max_digits=5,
        decimal_places=1,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.1", "min": "0"}),
    )
    method = forms.ChoiceField(
        label=_("Method"), choices=[("", "—"), *MilkMethod.choices], required=False
    )
    basis = forms.ChoiceField(
        label=_("Basis"), choices=MilkBasis.choices, initial=MilkBasis.UNKNOWN, required=False
    )
    side = forms.ChoiceField(
        label=_("Breast side"), choices=[("", "—"), *BreastSide.choices], required=False
    )
    phase = forms.ChoiceField(
        label=_("Phase"), choices=[("", "—"), *MilkPhase.choices], required=False
    )
    expression_minutes = forms.IntegerField(
        label=_("Minutes of expression"),
        min_value=0,
        max_value=240,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    minutes_since_feed = forms.IntegerField(
        label=_("Minutes since the last feed"),
        min_value=0,
        max_value=24 * 60,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    value = forms.DecimalField(
        label=_("Value"),
        help_text=_("Feeds, nappies and stools: the count in 24 hours. Weight: grams."),
        max_digits=8,
        decimal_places=1,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.1", "min": "0"}),
    )

    MILK_FIELDS = ("volume_ml", "method", "basis", "side", "phase")
    MILK_ONLY = (*MILK_FIELDS, "expression_minutes", "minutes_since_feed")

    def __init__(self, data=None, *args, mother_id: uuid.UUID, **kwargs):
        # The form's first shape (`kind`, and `value` for every kind, method optional) is still
        # accepted from pages and scripts written before the outbox contract.
        self.legacy = data is not None and "type" not in data and "kind" in data
        if self.legacy:
            data = data.copy()
            data["type"] = data["kind"]
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("id", uuid.uuid4())
        kwargs["initial"]["mother_id"] = mother_id
        super().__init__(data, *args, **kwargs)
        self.mother_id = mother_id

    def clean_id(self):
        return self.cleaned_data["id"] or uuid.uuid4()

    def clean_mother_id(self):
        posted = self.cleaned_data["mother_id"]
        if posted is not None and posted != self.mother_id:
            raise forms.ValidationError(_("This form belongs to another mother."))
        return self.mother_id

    @property
    def volume_field(self) -> str:
        return "value" if self.legacy else "volume_ml"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("type") == MeasurementKind.MILK_VOLUME:
            required = ("value",) if self.legacy else ("volume_ml", "method", "basis")
            for name in required:
                if cleaned.get(name) in (None, "") and name not in self.errors:
                    self.add_error(name, _("This field is required."))
            if self.legacy:
                cleaned["volume_ml"] = cleaned.get("value")
        elif cleaned.get("type"):
            if cleaned.get("value") is None and "value" not in self.errors:
                self.add_error("value", _("This field is required."))
            for name in self.MILK_ONLY:
                cleaned[name] = "" if name in self.MILK_FIELDS else None
        return cleaned

    def record(self) -> dict:
        """The keyword arguments of care.services.measurement_record for the cleaned form."""
        data = self.cleaned_data
        is_milk = data["type"] == MeasurementKind.MILK_VOLUME
        return {
            "public_id": data["id"],
            "kind": data["type"],
            "measured_at": data["measured_at"],
            "value": data["volume_ml"] if is_milk else data["value"],
            "method": data["method"],
            "basis": data["basis"],
            "side": data["side"],
            "phase": data["phase"],
            "expression_minutes": data["expression_minutes"],
            "minutes_since_feed": data["minutes_since_feed"],
        }

    def field_for(self, error_field: str | None) -> str | None:
        """The form field a care rule's error belongs to (the milk value is `volume_ml`)."""
        if error_field == "value" and self.cleaned_data.get("type") == MeasurementKind.MILK_VOLUME:
            return self.volume_field
        return error_field if error_field in self.fields else None
