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
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet

logger = logging.getLogger(__name__)


def stale_before(now: dt.datetime) -> dt.datetime:
    """Rows whose last heartbeat is older than this have lost their worker."""
    return now - dt.timedelta(seconds=settings.KADERASI_TASK_STALE_SECONDS)


def lost_rows(running: QuerySet, *, now: dt.datetime) -> QuerySet:
    """Of `running` rows (a model with `heartbeat_at`), those whose worker is gone: the stamp is
    older than `stale_before(now)`, or none was ever written."""
    return running.filter(Q(heartbeat_at__lt=stale_before(now)) | Q(heartbeat_at__isnull=True))


@dataclass
class Recovered:
    """The lost rows `lost_rows_recover` queued again, and those it failed."""

    requeued: list = field(default_factory=list)
    failed: list = field(default_factory=list)


def lost_rows_recover(
    running: QuerySet,
    *,
    now: dt.datetime,
    requeues: int,
    requeued: dict,
    failed: dict,
    enqueue: Callable[[int], None],
    may_requeue: Callable[[object], bool] = lambda row: True,
) -> Recovered:
    """Recover the `running` rows (of a `core.models.HeartbeatJob`) whose worker is gone: a row
    lost fewer than `requeues` times (and `may_requeue`) gets the fields `requeued` and a new
    task (`enqueue(pk)` once the change commits); any other gets `failed` and `finished_at`.
    Each row is changed by a conditional update on its stale stamp, so a live row is never
    touched and two workers recovering at once change it once."""
    outcome = Recovered()
    for row in lost_rows(running, now=now).only("pk", "public_id", "interruptions", "heartbeat_at"):
        same_row = running.filter(pk=row.pk, heartbeat_at=row.heartbeat_at)
        counted = {"interruptions": row.interruptions + 1, "updated_at": now}
        if row.interruptions < requeues and may_requeue(row):
            with transaction.atomic():
                if same_row.update(**requeued, **counted):
                    outcome.requeued.append(row)
                    transaction.on_commit(lambda pk=row.pk: enqueue(pk))
        elif same_row.update(**failed, **counted, finished_at=now):
            outcome.failed.append(row)
    return outcome


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
