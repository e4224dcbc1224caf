from django import forms
from django.utils.translation import gettext_lazy as _


class PseudonymiseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why"),
        max_length=300,
        help_text=_("For example: her written request of 3 May, received by Bidan Sari."),
    )
    confirm_code = forms.CharField(
        label=_("Type her code to confirm"),
        max_length=32,
        help_text=_("This cannot be undone."),
    )
