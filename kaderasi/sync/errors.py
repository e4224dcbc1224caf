from enum import StrEnum


class SyncErrorCode(StrEnum):
    """Why a registry edit from a phone, or a midwife's resolution of its conflict, was refused.
    The sync push answers with these codes as they are."""

    NOT_ALLOWED = "not_allowed"
    RECORD_ID_IN_USE = "record_id_in_use"
    REGISTRY_ROW_NOT_FOUND = "registry_row_not_found"
    REGISTRY_EDIT_INVALID = "registry_edit_invalid"
    CONFLICT_ALREADY_RESOLVED = "conflict_already_resolved"
    CONFLICT_VALUE_REQUIRED = "conflict_value_required"
