from django import forms
from django.utils.translation import gettext_lazy as _

from kaderasi.sync.fields import model_field
from kaderasi.sync.models import Conflict, ConflictResolution


class ConflictResolveForm(forms.Form):
    """Keep the server's value, take the phone's, or enter another. `value` takes the form field
    of the model field in conflict, so it is checked like any edit of that field."""

    resolution = forms.ChoiceField(
        label=_("Which value is right?"),
        choices=ConflictResolution.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, conflict: Conflict, **kwargs):
        super().__init__(*args, **kwargs)
        field = model_field(conflict.record, conflict.field).formfield(required=False)
        if field is None:  # every editable registry field has a form field
            raise ValueError(f"{conflict.record}.{conflict.field} has no form field")
        if isinstance(field, forms.DateTimeField):
            field.widget = forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            )
        elif isinstance(field, forms.DateField):
            field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        field.label = _("Other value")
        field.help_text = _("Only when you choose to enter another value.")
        self.fields["value"] = field

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("resolution") != ConflictResolution.EDITED:
            cleaned["value"] = None
        elif cleaned.get("value") in (None, ""):
            self.add_error("value", _("Enter the value to keep."))
        return cleaned
