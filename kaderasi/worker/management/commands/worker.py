"""kaderasi worker: the background worker — the Huey consumer running queued tasks, plus the
periodic jobs (the reminders sweep) every minute, in one process."""

import logging
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils.translation import gettext as _
from huey import crontab

from kaderasi.core import clock
from kaderasi.worker.huey_queue import get_huey
from kaderasi.worker.periodic import STARTUP_JOBS, run_periodic_jobs
from kaderasi.worker.task_backend import register_periodic
from kaderasi.worker.tasks import periodic_jobs


class Command(BaseCommand):
    help = _(
        "Run the background worker: queued tasks and, every minute, the periodic jobs "
        "(planning and sending reminders). Stop with Ctrl+C."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--threads", type=int, default=2, help=_("tasks run at the same time (default 2)")
        )
        parser.add_argument(
            "--no-periodic",
            action="store_true",
            help=_("only run queued tasks (when another worker runs the periodic jobs)"),
        )

    def handle(self, *args, threads: int, no_periodic: bool, **options):
        logging.getLogger("huey").setLevel(logging.INFO)
        huey = get_huey()
        if huey.immediate:
            self.stderr.write(_("HUEY_IMMEDIATE is on: tasks run where they are enqueued."))
            return
        # Exports a killed worker left running go back to the queue (or fail) before work starts.
        run_periodic_jobs(now=clock.now(), jobs=STARTUP_JOBS)
        recover_again_when_stale()
        if not no_periodic:
            register_periodic(huey, periodic_jobs, crontab(minute="*"))
        storage = type(huey.storage).__name__
        self.stdout.write(
            _("Worker started (%(storage)s, queue %(name)s, %(threads)s threads).")
            % {"storage": storage, "name": huey.name, "threads": threads}
        )
        consumer = huey.create_consumer(
            workers=max(threads, 1), worker_type="thread", periodic=not no_periodic
        )
        consumer.run()


def recover_again_when_stale() -> threading.Timer:
    """Run the startup jobs once more when KADERASI_TASK_STALE_SECONDS have passed.

    A worker killed just before this one started left its export's heartbeat fresh: the
    recovery at startup cannot tell it from a live worker's, and the minute sweep saw it stale
    only up to a minute later (measured: re-queued 90 s after the restart, bench_security). By
    then its heartbeat is stale for sure, so it is re-queued about STALE seconds after the
    restart; rows of workers still alive keep beating and are left alone."""

    def again() -> None:
        try:
            run_periodic_jobs(now=clock.now(), jobs=STARTUP_JOBS)
        finally:
            connection.close()

    timer = threading.Timer(settings.KADERASI_TASK_STALE_SECONDS + 1, again)
    timer.daemon = True
    timer.start()
    return timer
