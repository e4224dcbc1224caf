from enum import StrEnum


class ApiErrorCode(StrEnum):
    # Authentication and tokens.
    INVALID_CREDENTIALS = "invalid_credentials"
    LOCKED_OUT = "locked_out"
    RATE_LIMITED = "rate_limited"
    NOT_AUTHENTICATED = "not_authenticated"
    CSRF_FAILED = "csrf_failed"
    ROLE_HAS_NO_SYNC = "role_has_no_sync"
    # Request shape.
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    BATCH_TOO_LARGE = "batch_too_large"
    INVALID_CURSOR = "invalid_cursor"
    SERVER_ERROR = "server_error"
    # Per record of a push.
    MOTHER_NOT_FOUND = "mother_not_found"
    NOT_ALLOWED = "not_allowed"
    RECORD_ID_IN_USE = "record_id_in_use"
    SCHEDULED_SESSION_NOT_FOUND = "scheduled_session_not_found"
    REGISTRY_ROW_NOT_FOUND = "registry_row_not_found"
    REGISTRY_EDIT_INVALID = "registry_edit_invalid"
    # Conflicts.
    CONFLICT_ALREADY_RESOLVED = "conflict_already_resolved"
    CONFLICT_VALUE_REQUIRED = "conflict_value_required"
