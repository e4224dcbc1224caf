"""Key rotation of the encrypted identifiers (core.field_crypto): every encrypted value is
written again under the first key of KADERASI_FIELD_KEYS and its lookup hash recomputed with it.

Rows are rewritten with `bulk_update`: no `updated_at` changes (phones have nothing new to pull),
no audit-log entries (no value changed)."""

from dataclasses import dataclass

from django.apps import apps
from django.db import models, transaction

from kaderasi.core.field_crypto import EncryptedTextField, LookupHashField, lookup_hash

BATCH = 500


@dataclass(frozen=True)
class RotatedTable:
    model: str
    rows: int


def _encrypted_models() -> list[tuple[type[models.Model], list[str], list[LookupHashField]]]:
    found = []
    for model in apps.get_models():
        fields = model._meta.concrete_fields
        encrypted = [f.name for f in fields if isinstance(f, EncryptedTextField)]
        hashes = [f for f in fields if isinstance(f, LookupHashField)]
        if encrypted:
            found.append((model, encrypted, hashes))
    return found


def identifiers_reencrypt() -> list[RotatedTable]:
    """Re-encrypt and re-hash every encrypted identifier, one transaction per table."""
    done = []
    for model, encrypted, hashes in _encrypted_models():
        rows = 0
        with transaction.atomic():
            queryset = model._default_manager.only("pk", *encrypted).order_by("pk")
            batch = []
            for row in queryset.select_for_update().iterator(chunk_size=BATCH):
                for field in hashes:
                    value = lookup_hash(field.kind, getattr(row, field.source) or "")
                    setattr(row, field.attname, value)
                batch.append(row)
                if len(batch) == BATCH:
                    rows += _write(model, batch, encrypted, hashes)
                    batch = []
            rows += _write(model, batch, encrypted, hashes)
        done.append(RotatedTable(model._meta.label, rows))
    return done


def _write(model, batch, encrypted, hashes) -> int:
    if batch:
        model._default_manager.bulk_update(batch, [*encrypted, *(f.name for f in hashes)])
    return len(batch)
