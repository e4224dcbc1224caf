from django import forms
from django.utils.translation import gettext_lazy as _

from kaderasi.care.models import BreastSide, MeasurementKind, MilkBasis, MilkMethod, MilkPhase


class MeasurementForm(forms.Form):
    kind = forms.ChoiceField(label=_("What was measured"), choices=MeasurementKind.choices)
    measured_at = forms.DateTimeField(
        label=_("Measured at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    value = forms.DecimalField(label=_("Value"), max_digits=8, decimal_places=1)
    method = forms.ChoiceField(
        label=_("Method"), choices=[("", "—"), *MilkMethod.choices], required=False
    )
    basis = forms.ChoiceField(
        label=_("Basis"), choices=MilkBasis.choices, initial=MilkBasis.UNKNOWN, required=False
    )
    phase = forms.ChoiceField(
        label=_("Phase"), choices=[("", "—"), *MilkPhase.choices], required=False
    )
    side = forms.ChoiceField(
        label=_("Breast side"), choices=[("", "—"), *BreastSide.choices], required=False
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") != MeasurementKind.MILK_VOLUME:
            for name in ("method", "basis", "phase", "side"):
                cleaned[name] = ""
        return cleaned
