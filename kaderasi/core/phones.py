"""Phone numbers: parsed with Google's libphonenumber, stored in E.164 (+62…)."""

from urllib.parse import quote

import phonenumbers
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kaderasi.core.field_crypto import EncryptedTextField, LookupHashField


def normalize_phone(raw: str, *, region: str | None = None) -> str:
    """Return `raw` as an E.164 string, or raise ValidationError with code `invalid_phone`.

    Local Indonesian forms (0812…, 62812…, +62 812-…) are accepted; the number must be a
    possible and valid number for its region.
    """
    text = (raw or "").strip()
    try:
        number = phonenumbers.parse(text, region or settings.KADERASI_DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException as error:
        raise _invalid() from error
    if not phonenumbers.is_valid_number(number):
        raise _invalid()
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """The national format a cadre recognises (0812-3456-7890 style), or '' for no number."""
    if not e164:
        return ""
    number = phonenumbers.parse(e164, None)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def whatsapp_link(e164: str, text: str = "") -> str:
    """A wa.me link opening a chat with `e164`, with `text` typed in when given; "" without a
    number. wa.me wants the international number without the plus sign."""
    digits = e164.lstrip("+")
    if not digits:
        return ""
    return f"https://wa.me/{digits}?text={quote(text)}" if text else f"https://wa.me/{digits}"


def _invalid() -> ValidationError:
    return ValidationError(
        _("Enter a valid phone number, for example 0812 3456 7890 or +62 812 3456 7890."),
        code="invalid_phone",
    )


def validate_e164(value: str) -> None:
    if value and normalize_phone(value) != value:
        raise _invalid()


class PhoneNumberFormField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        return normalize_phone(value) if value else value


class PhoneNumberField(EncryptedTextField):
    """An E.164 number, encrypted at rest (core.field_crypto): a phone number is personal data.
    Found again through a `LookupHashField(source="phone", kind=PHONE)` beside it. Its form field
    normalises local input."""

    default_validators = [validate_e164]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("plain_max_length", 20)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        kwargs.setdefault("form_class", PhoneNumberFormField)
        return super().formfield(**kwargs)


# The `kind` of a phone number's lookup hash.
PHONE = "phone"


def phone_hash_field() -> LookupHashField:
    return LookupHashField(source="phone", kind=PHONE)
