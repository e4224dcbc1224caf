"""The worker's own task: the periodic jobs, run every minute by `kaderasi worker`."""

from django_tasks import task

from kaderasi.core import clock
from kaderasi.worker.periodic import run_periodic_jobs


@task()
def periodic_jobs() -> list[dict]:
    """Every periodic job once, at the current time (the worker runs this every minute)."""
    return [outcome.as_dict() for outcome in run_periodic_jobs(now=clock.now())]
