"""The pull cursor: an opaque, signed token of where a phone's copy stands.

It carries the snapshot of the mothers the phone holds (SyncSnapshot), the change position after
which rows are sent again, and, while a large pull is paged, the generation being paged. It is
signed with the user's id in the salt, so it cannot be forged or used by someone else; it holds
internal ids only, never personal data: besides ids and positions, a short digest of each recent
record it sent (`sent`, mother id → fingerprint), so that the look-back of the next pull does not
send an unchanged record again (decision 0155)."""

import datetime as dt
from dataclasses import dataclass, field

from django.core import signing
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from kaderasi.accounts.models import User
from kaderasi.api.errors import ApiErrorCode
from kaderasi.core.errors import DomainError

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Cursor:
    snapshot: int | None = None  # the mothers the phone holds; None before the first pull
    position: dt.datetime | None = None  # rows changed after this are sent
    # While a generation is paged: the snapshot it will hold, when it started, the last mother.
    next_snapshot: int | None = None
    until: dt.datetime | None = None
    after: int | None = None
    # The fingerprint of each mother's record as the phone holds it (the latest pulls sent it),
    # by mother id: a record within the look-back window is sent again only if it differs.
    sent: dict[int, str] = field(default_factory=dict)

    @property
    def is_paging(self) -> bool:
        return self.after is not None


def _salt(user: User) -> str:
    return f"kaderasi.api.sync-cursor:{user.pk}"


def cursor_encode(cursor: Cursor, *, user: User) -> str:
    payload = {
        "f": FORMAT_VERSION,
        "s": cursor.snapshot,
        "p": cursor.position.isoformat() if cursor.position else None,
        "n": cursor.next_snapshot,
        "u": cursor.until.isoformat() if cursor.until else None,
        "a": cursor.after,
        "h": {str(pk): fingerprint for pk, fingerprint in cursor.sent.items()},
    }
    return signing.dumps(payload, salt=_salt(user), compress=True)


def cursor_decode(text: str, *, user: User) -> Cursor:
    """The cursor `text` encodes for `user`; DomainError when it was not issued to her (altered,
    truncated, or another user's)."""
    try:
        payload = signing.loads(text, salt=_salt(user))
        if payload.get("f") != FORMAT_VERSION:
            raise ValueError("unknown cursor format")
        return Cursor(
            snapshot=payload["s"],
            position=parse_datetime(payload["p"]) if payload["p"] else None,
            next_snapshot=payload["n"],
            until=parse_datetime(payload["u"]) if payload["u"] else None,
            after=payload["a"],
            sent={int(pk): str(fingerprint) for pk, fingerprint in payload.get("h", {}).items()},
        )
    except (signing.BadSignature, ValueError, KeyError, TypeError, AttributeError) as error:
        raise DomainError(
            ApiErrorCode.INVALID_CURSOR,
            _("This sync cursor is not valid; pull again without a cursor."),
            field="cursor",
        ) from error
