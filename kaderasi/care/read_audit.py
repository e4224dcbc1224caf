"""What every interface that shows or hands out a mother's identifiable data calls: one read-audit
entry per mother, with the request's user and address (decision 0121)."""

from collections.abc import Iterable

from kaderasi.accounts.login_throttle import client_address
from kaderasi.care.models import ReadInterface
from kaderasi.care.services.reads import mother_reads_record
from kaderasi.core import clock


def reads_record(request, *, mother_ids: Iterable[int], interface: ReadInterface, by=None) -> None:
    """`by` defaults to the request's user (the API passes its token's user)."""
    mother_reads_record(
        mother_ids=mother_ids,
        by=by if by is not None else request.user,
        interface=interface,
        address=client_address(request),
        now=clock.now(),
    )


def console_reads_record(*, mother_ids: Iterable[int]) -> None:
    """An export with names written on the server console (no user, no address)."""
    mother_reads_record(
        mother_ids=mother_ids,
        by=None,
        interface=ReadInterface.COMMAND_EXPORT,
        address=None,
        now=clock.now(),
    )
