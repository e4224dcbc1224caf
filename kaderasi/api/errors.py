from enum import StrEnum


class ApiErrorCode(StrEnum):
    # Authentication and tokens.
    INVALID_CREDENTIALS = "invalid_credentials"
    LOCKED_OUT = "locked_out"
    NOT_AUTHENTICATED = "not_authenticated"
    CSRF_FAILED = "csrf_failed"
    # Request shape.
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    BATCH_TOO_LARGE = "batch_too_large"
    INVALID_CURSOR = "invalid_cursor"
    SERVER_ERROR = "server_error"
    # Per record of a push (the care and sync apps' codes besides).
    MOTHER_NOT_FOUND = "mother_not_found"
    NOT_ALLOWED = "not_allowed"
    RECORD_ID_IN_USE = "record_id_in_use"
