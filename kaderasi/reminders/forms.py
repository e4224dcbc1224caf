from django import forms
from django.utils.translation import gettext_lazy as _

from kaderasi.core.phones import PhoneNumberFormField
from kaderasi.reminders.models import Language, Relationship


class FamilyMemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    relationship = forms.ChoiceField(
        label=_("Relationship to the mother"), choices=Relationship.choices
    )
    phone = PhoneNumberFormField(
        label=_("WhatsApp number"),
        help_text=_("Session reminders go to this number, e.g. 0812 3456 7890."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    language = forms.ChoiceField(
        label=_("Language of messages"), choices=Language.choices, initial=Language.INDONESIAN
    )


class ContactForm(forms.Form):
    """Stop or resume reminders to one person of the household."""

    contact = forms.RegexField(
        label=_("Person"), regex=r"^(mother|family:[0-9a-f-]{36})$", max_length=60
    )
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[("stop", _("Stop reminders")), ("resume", _("Resume reminders"))],
    )


class InboundReplyForm(forms.Form):
    sender = forms.CharField(max_length=40)
    text = forms.CharField(max_length=1000, required=False)
