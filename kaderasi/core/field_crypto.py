"""Identifiers encrypted at rest (NIK, phone numbers) and found again through a keyed hash.

- `EncryptedTextField` keeps a Fernet token in its column and the plain text on the instance:
  reads decrypt, writes encrypt. The same value encrypts differently every time, so the column
  cannot be filtered on: any lookup but `isnull` and `= ""` raises (use the hash).
- `LookupHashField(source=...)` keeps an HMAC-SHA256 of the source field's plain value, computed
  whenever the row is saved (`save()` and `bulk_create()`; `update()`/`bulk_update()` of the source
  must set the hash too). Exact matches (duplicate checks, imports, admin search, inbound
  messages) filter with `lookup_hashes(kind, value)`.
- Keys: `KADERASI_FIELD_KEYS`, a comma-separated list of Fernet keys. The first encrypts and hashes;
  every key decrypts and is tried in lookups, so a new key goes first, then `kaderasi rotate-keys`
  re-encrypts and re-hashes every row, then the old key can go (docs/privacy.md).
"""

import base64
import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.lookups import Exact, IsNull

# The development key `KADERASI_FIELD_KEYS` falls back to; `check --deploy` warns when it is in use.
DEVELOPMENT_FIELD_KEY = "a2FkZXJhc2ktZGV2ZWxvcG1lbnQta2V5LW5vdC1zZWM="
_ENCRYPTED_LOOKUP = "%s is encrypted: filter on its lookup hash (core.field_crypto.lookup_hashes)."
_FERNET_PREFIX = "gAAAAA"  # every Fernet token starts with its version byte 0x80


@functools.cache
def _keys(configured: tuple[str, ...]) -> tuple[MultiFernet, tuple[bytes, ...]]:
    if not configured:
        raise ImproperlyConfigured(
            "KADERASI_FIELD_KEYS is empty: no key to encrypt NIK and phones."
        )
    try:
        fernets = [Fernet(key.encode()) for key in configured]
    except ValueError as error:
        raise ImproperlyConfigured(
            "KADERASI_FIELD_KEYS must be Fernet keys (32 url-safe base64-encoded bytes each); "
            "make one with `kaderasi rotate-keys --new-key`."
        ) from error
    # The lookup key is derived from the Fernet key, so that one list rotates both.
    hash_keys = tuple(
        hmac.new(base64.urlsafe_b64decode(key), b"kaderasi lookup hash", hashlib.sha256).digest()
        for key in configured
    )
    return MultiFernet(fernets), hash_keys


def _configured() -> tuple[MultiFernet, tuple[bytes, ...]]:
    return _keys(tuple(settings.KADERASI_FIELD_KEYS))


def new_key() -> str:
    return Fernet.generate_key().decode()


def encrypt(plain: str) -> str:
    """A Fernet token of `plain` under the first key ("" stays "")."""
    return _configured()[0].encrypt(plain.encode()).decode() if plain else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _configured()[0].decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ImproperlyConfigured(
            "An encrypted identifier cannot be read with KADERASI_FIELD_KEYS: a key is missing."
        ) from error


def is_encrypted(stored: str) -> bool:
    return stored.startswith(_FERNET_PREFIX)


def _hash(key: bytes, kind: str, plain: str) -> str:
    return hmac.new(key, f"{kind}:{plain}".encode(), hashlib.sha256).hexdigest()


def lookup_hash(kind: str, plain: str) -> str:
    """The keyed hash stored beside an encrypted value ("" for no value)."""
    return _hash(_configured()[1][0], kind, plain) if plain else ""


def lookup_hashes(kind: str, plain: str) -> list[str]:
    """Every hash `plain` may be stored under (one per configured key), for `__in` lookups."""
    return [_hash(key, kind, plain) for key in _configured()[1]] if plain else []


def mask(value: object) -> str:
    """An identifier as the audit log keeps it: its last four characters (auditlog's mask)."""
    text = "" if value in (None, "None") else str(value)
    return "*" * max(len(text) - 4, 0) + text[-4:] if text else ""


class EncryptedTextField(models.TextField):
    """A text stored encrypted. `plain_max_length` limits the plain value (forms, validation)."""

    def __init__(self, *args, plain_max_length: int, **kwargs):
        self.plain_max_length = plain_max_length
        super().__init__(*args, **kwargs)
        self.validators.append(MaxLengthValidator(plain_max_length))

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["plain_max_length"] = self.plain_max_length
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value

    def formfield(self, **kwargs):
        from django import forms

        defaults = {"max_length": self.plain_max_length, "widget": forms.TextInput}
        return super().formfield(**{**defaults, **kwargs})

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return EmptyOnlyExact
        if lookup_name == "isnull":
            return IsNull
        raise FieldError(_ENCRYPTED_LOOKUP % self.name)


class EmptyOnlyExact(Exact):
    """`field=""` works (a blank value is stored blank); any other value would never match."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise FieldError(_ENCRYPTED_LOOKUP % self.lhs.target.name)
        return super().get_prep_lookup()


class LookupHashField(models.CharField):
    """The keyed hash of another field's plain value, kept up to date on save."""

    def __init__(self, *args, source: str, kind: str, **kwargs):
        self.source, self.kind = source, kind
        kwargs.update(max_length=64, blank=True, editable=False, db_index=True, default="")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key in ("max_length", "blank", "editable", "db_index", "default"):
            kwargs.pop(key, None)
        kwargs.update(source=self.source, kind=self.kind)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = lookup_hash(self.kind, getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value
