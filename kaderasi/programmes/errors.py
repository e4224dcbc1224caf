"""Error codes of the programmes app's services."""

from enum import StrEnum


class ProgrammeErrorCode(StrEnum):
    APPROVER_NOT_A_MIDWIFE = "approver_not_a_midwife"
    APPROVAL_IN_THE_FUTURE = "approval_in_the_future"
