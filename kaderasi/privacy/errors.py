from enum import StrEnum


class PrivacyErrorCode(StrEnum):
    ALREADY_PSEUDONYMISED = "mother_already_pseudonymised"
    CONFIRMATION_MISMATCH = "pseudonymise_confirmation_mismatch"
    REASON_REQUIRED = "pseudonymise_reason_required"
