"""Domain failures carry a code; interfaces turn the code into a translated message."""

from enum import StrEnum

from django.utils.functional import Promise


class DomainError(Exception):
    """A rule of the domain refused an operation.

    `code` is a member of one of the per-domain `*ErrorCode` enums (tests assert the code,
    never the wording); `field` names the input field the rule concerns, when there is one.
    """

    def __init__(self, code: StrEnum, message: str | Promise, *, field: str | None = None):
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"
