"""The jobs the worker runs every minute, in this order, each called as `job(now=...)`.

A job that fails is logged and does not stop the others. Register a job by adding its dotted
path here (a care schedule sweep belongs before the reminders sweep, which reads its rows)."""

import datetime as dt
import logging
from dataclasses import dataclass

from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

PERIODIC_JOBS: tuple[str, ...] = (
    "kaderasi.care.services.schedule_sweep",
    "kaderasi.reminders.services.reminder_sweep",
    "kaderasi.interop.satusehat.dispatch.satusehat_sweep",
    "kaderasi.reports.rollups.rollups_refresh_due",
    "kaderasi.reports.services.report_exports_purge_due",
    "kaderasi.reports.services.report_exports_recover",
    "kaderasi.interop.import_jobs.import_jobs_recover",
    "kaderasi.privacy.services.retention_sweep",
)

# Run once when a worker starts, before it takes tasks: work a killed worker left half done.
STARTUP_JOBS: tuple[str, ...] = (
    "kaderasi.reports.services.report_exports_recover",
    "kaderasi.interop.import_jobs.import_jobs_recover",
)


@dataclass(frozen=True)
class JobOutcome:
    job: str
    ok: bool
    summary: dict

    def as_dict(self) -> dict:
        return {"job": self.job, "ok": self.ok, **self.summary}


def run_periodic_jobs(
    *, now: dt.datetime, jobs: tuple[str, ...] = PERIODIC_JOBS
) -> list[JobOutcome]:
    outcomes = []
    for path in jobs:
        job = import_string(path)
        try:
            result = job(now=now)
        except Exception:
            logger.exception("periodic job %s failed", path)
            outcomes.append(JobOutcome(job=path, ok=False, summary={}))
            continue
        summary = result.as_dict() if hasattr(result, "as_dict") else {}
        counts = {key: value for key, value in summary.items() if isinstance(value, int) and value}
        if counts:
            # Counts only: what happened, never to whom.
            logger.info("periodic job %s: %s", path, counts)
        outcomes.append(JobOutcome(job=path, ok=True, summary=summary))
    return outcomes
