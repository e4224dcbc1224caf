"""The read audit's one write: a read of mothers' identifiable data (care.models.reads)."""

import datetime as dt
import ipaddress
from collections.abc import Iterable

from kaderasi.accounts.models import User
from kaderasi.care.models import MotherRead, ReadInterface


def mother_reads_record(
    *,
    mother_ids: Iterable[int],
    by: User | None,
    interface: ReadInterface,
    address: str | None,
    now: dt.datetime,
) -> int:
    """One entry per mother read through `interface` (by None: the server console). An address
    that is not an IP address (a proxy's garbage) is kept as unknown. Returns the entries made."""
    try:
        address = str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        address = None
    rows = [
        MotherRead(mother_id=pk, user=by, interface=interface, at=now, address=address)
        for pk in dict.fromkeys(mother_ids)
    ]
    MotherRead.objects.bulk_create(rows, batch_size=500)
    return len(rows)
