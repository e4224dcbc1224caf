"""Registry edits from phones (a mother's phone number, the delivery time, a birth weight …) and
the conflicts they can raise.

The rule (docs/decisions/0050-offline-sync.md):
- Every edit carries `base_version`: the row's version (`updated_at`) in the phone's last pull.
- When the row has not changed since, the edit is applied.
- When it has (the edit is stale), each field is judged on its own. A clinically relevant field
  (delivery time and type, parity, early initiation, infant sex and birth weight) becomes a
  `Conflict` for the midwife, never a silent overwrite: the schedule, the postpartum day and the
  flags hang on it. A non-clinical field (phone, birth date, place of delivery) is merged when the
  audit log shows no change of that field on the server since `base_version`, and becomes a
  conflict when it does.
- A field whose value already equals the server's is left alone (nothing to decide).
"""

import datetime as dt
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kaderasi.accounts.models import User
from kaderasi.care import services as care_services
from kaderasi.care.models import Delivery, Mother
from kaderasi.core.errors import DomainError
from kaderasi.core.models import BaseModel
from kaderasi.core.phones import normalize_phone
from kaderasi.core.policies import Permission, can
from kaderasi.sync.errors import SyncErrorCode
from kaderasi.sync.fields import (
    CLINICAL_FIELDS,
    EDITABLE_FIELDS,
    field_value_from_json,
    field_value_to_json,
)
from kaderasi.sync.models import (
    Conflict,
    ConflictResolution,
    ConflictStatus,
    RegistryEdit,
    RegistryRecord,
)
from kaderasi.sync.selectors import conflict_row, fields_changed_since, registry_row

__all__ = ["EDITABLE_FIELDS", "EditResult", "conflict_resolve", "registry_edit_submit"]


@dataclass(frozen=True)
class EditResult:
    duplicate: bool
    applied: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()


def _normalised(record: str, field: str, value):
    if record == RegistryRecord.MOTHER and field == "phone":
        if not value:
            return ""
        try:
            return normalize_phone(value)
        except ValidationError as error:
            raise DomainError(
                SyncErrorCode.REGISTRY_EDIT_INVALID, error.messages[0], field="phone"
            ) from error
    if record == RegistryRecord.DELIVERY and field in {"delivery_type", "place"}:
        return value or ""
    return value


def _apply(*, record: str, row: BaseModel, changes: dict, now: dt.datetime) -> None:
    """Write `changes` to `row`: the delivery through the care service (so whatever hangs on the
    delivery time follows it), the mother's contact fields and the infant directly."""
    if not changes:
        return
    if record == RegistryRecord.DELIVERY:
        values = {name: getattr(row, name) for name in EDITABLE_FIELDS[record]}
        values.update(changes)
        assert isinstance(row, Delivery)
        care_services.delivery_record(pregnancy=row.pregnancy, now=now, **values)
        return
    for name, value in changes.items():
        setattr(row, name, value)
    try:
        row.full_clean(exclude=[f.name for f in row._meta.fields if f.name not in changes])
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise DomainError(SyncErrorCode.REGISTRY_EDIT_INVALID, messages[0], field=field) from error
    row.save(update_fields=[*changes, "updated_at"])


@transaction.atomic
def registry_edit_submit(
    *,
    user: User,
    record: str,
    mother: Mother,
    changes: dict,
    base_version: dt.datetime,
    client_record_id: uuid.UUID,
    now: dt.datetime,
    infant_id: uuid.UUID | None = None,
) -> EditResult:
    """Apply a pushed registry edit by the rule of this module, or keep its stale clinical
    fields as conflicts. A re-sent edit (same `client_record_id`) is a duplicate and changes
    nothing. Raises DomainError when the edit cannot be taken at all."""
    receipt = RegistryEdit.objects.filter(client_record_id=client_record_id).first()
    if receipt is not None:
        if receipt.mother_id != mother.pk or receipt.record != record:
            raise DomainError(
                SyncErrorCode.RECORD_ID_IN_USE,
                _("This record id is already used for another record."),
                field="id",
            )
        return EditResult(duplicate=True)
    if not can(user, Permission.REGISTER_MOTHER):
        raise DomainError(
            SyncErrorCode.NOT_ALLOWED,
            _("Your role does not change the registry; ask the midwife."),
            field=None,
        )
    row = registry_row(record=record, mother=mother, infant_id=infant_id)
    if row is None:
        raise DomainError(
            SyncErrorCode.REGISTRY_ROW_NOT_FOUND,
            _("There is nothing to edit: this record does not exist on the server."),
            field="infant_id" if record == RegistryRecord.INFANT else "mother_id",
        )
    if not changes:
        raise DomainError(
            SyncErrorCode.REGISTRY_EDIT_INVALID, _("The edit changes no field."), field=None
        )
    server_version: dt.datetime = row.updated_at
    fresh = server_version == base_version
    touched = set() if fresh else fields_changed_since(row, base_version)
    to_apply: dict = {}
    conflicts: list[str] = []
    for field, raw in changes.items():
        value = _normalised(record, field, raw)
        if value == getattr(row, field):
            continue
        if fresh or (field not in CLINICAL_FIELDS[record] and field not in touched):
            to_apply[field] = value
        else:
            conflicts.append(field)
    server_values = {field: getattr(row, field) for field in conflicts}
    _apply(record=record, row=row, changes=to_apply, now=now)
    Conflict.objects.bulk_create(
        [
            Conflict(
                client_record_id=client_record_id,
                mother=mother,
                record=record,
                record_public_id=row.public_id,
                field=field,
                base_version=base_version,
                server_version=server_version,
                device_value=field_value_to_json(_normalised(record, field, changes[field])),
                server_value=field_value_to_json(server_values[field]),
                submitted_by=user,
                submitted_at=now,
            )
            for field in conflicts
        ]
    )
    RegistryEdit.objects.create(
        client_record_id=client_record_id,
        record=record,
        mother=mother,
        submitted_by=user,
        received_at=now,
        applied_fields=sorted(to_apply),
        conflict_fields=conflicts,
    )
    return EditResult(duplicate=False, applied=tuple(sorted(to_apply)), conflicts=tuple(conflicts))


@transaction.atomic
def conflict_resolve(
    *,
    conflict: Conflict,
    resolution: ConflictResolution,
    by: User,
    now: dt.datetime,
    value=None,
) -> Conflict:
    """Settle an open conflict: keep the server's current value, take the phone's value, or write
    `value`. The chosen value goes through the same checks as any edit of that field."""
    conflict = Conflict.objects.select_for_update().get(pk=conflict.pk)
    if conflict.status != ConflictStatus.OPEN:
        raise DomainError(
            SyncErrorCode.CONFLICT_ALREADY_RESOLVED,
            _("This conflict was already resolved."),
            field="resolution",
        )
    if not can(by, Permission.REGISTER_MOTHER):
        raise DomainError(
            SyncErrorCode.NOT_ALLOWED,
            _("Only a midwife or a coordinator resolves conflicts."),
            field="resolution",
        )
    row = conflict_row(conflict)
    if row is None:
        raise DomainError(
            SyncErrorCode.REGISTRY_ROW_NOT_FOUND,
            _("The record was deleted on the server; nothing is left to decide."),
            field="resolution",
        )
    if resolution == ConflictResolution.KEPT_SERVER:
        chosen = getattr(row, conflict.field)
    elif resolution == ConflictResolution.TOOK_DEVICE:
        chosen = field_value_from_json(conflict.record, conflict.field, conflict.device_value)
    else:
        if value is None or value == "":
            raise DomainError(
                SyncErrorCode.CONFLICT_VALUE_REQUIRED,
                _("Enter the value to keep."),
                field="value",
            )
        chosen = _normalised(conflict.record, conflict.field, value)
    if chosen != getattr(row, conflict.field):
        try:
            _apply(record=conflict.record, row=row, changes={conflict.field: chosen}, now=now)
        except DomainError as error:
            raise DomainError(error.code, error.message, field="value") from error
    conflict.status = ConflictStatus.RESOLVED
    conflict.resolution = resolution
    conflict.resolved_value = field_value_to_json(chosen)
    conflict.resolved_by = by
    conflict.resolved_at = now
    conflict.save(
        update_fields=[
            "status",
            "resolution",
            "resolved_value",
            "resolved_by",
            "resolved_at",
            "updated_at",
        ]
    )
    return conflict
