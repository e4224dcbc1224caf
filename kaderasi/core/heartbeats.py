"""A heartbeat for long background work (issue 14, build 4).

A task that runs for a while (a report export, a web import) stamps its row every
`KADERASI_TASK_HEARTBEAT_SECONDS` from a small thread beside it, whatever the work is doing (a
PDF layout may not report progress for a minute). A row whose stamp is older than
`KADERASI_TASK_STALE_SECONDS` has lost its worker (killed, out of memory, the machine restarted):
the owning app's recovery job (run when a worker starts and every minute after) puts it back in
the queue or fails it with a message its requester sees.

The stamp is written through `beat`, a function the owning app gives (an `UPDATE … WHERE
status = running`), so this module knows no model."""

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)


def stale_before(now: dt.datetime) -> dt.datetime:
    """Rows whose last heartbeat is older than this have lost their worker."""
    return now - dt.timedelta(seconds=settings.KADERASI_TASK_STALE_SECONDS)


@contextmanager
def heartbeat(beat: Callable[[], None], *, every: float | None = None) -> Iterator[None]:
    """Call `beat()` now and then every `every` seconds (default KADERASI_TASK_HEARTBEAT_SECONDS)
    until the block ends. A failing beat is logged, never raised into the work."""
    interval = settings.KADERASI_TASK_HEARTBEAT_SECONDS if every is None else every
    stop = threading.Event()

    def loop() -> None:
        try:
            while not stop.wait(interval):
                try:
                    beat()
                except Exception:
                    logger.exception("heartbeat failed")
        finally:
            # The thread's own database connection, opened by its first beat.
            connection.close()

    beat()
    thread = threading.Thread(target=loop, name="heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
