"""The interop app's background tasks (django-tasks, run by the worker)."""

import logging

from auditlog.context import set_actor
from django.conf import settings
from django.utils import translation
from django_tasks import task

from kaderasi.core import clock
from kaderasi.core.heartbeats import heartbeat

logger = logging.getLogger(__name__)


@task()
def satusehat_send(programme_id: int | None = None) -> dict:
    """Queue a programme's new FHIR resources (every real programme's when None) and send what
    is due to SATUSEHAT now, instead of at the worker's next minute. Nothing while SATUSEHAT is
    not enabled."""
    from kaderasi.interop.satusehat.dispatch import satusehat_sweep
    from kaderasi.programmes.models import Programme

    programme = Programme.objects.get(pk=programme_id) if programme_id is not None else None
    return satusehat_sweep(now=clock.now(), programme=programme).as_dict()


@task()
def import_job_run(job_id: int) -> None:
    """Import a workbook uploaded on the import page (decision 0160): the uploader is the actor
    of the audit entries, her language that of the problems listed, and the row's counts and
    heartbeat are written every KADERASI_IMPORT_PROGRESS_SECONDS."""
    from kaderasi.interop import import_jobs
    from kaderasi.interop.models import ImportJob

    job = ImportJob.objects.select_related("requested_by", "new_programme_area").get(pk=job_id)
    if not import_jobs.import_job_start(job=job, now=clock.now()):
        return
    counts = import_jobs.JobCounts()
    try:
        with (
            heartbeat(
                lambda: import_jobs.import_job_beat(job=job, counts=counts, now=clock.now()),
                every=settings.KADERASI_IMPORT_PROGRESS_SECONDS,
            ),
            set_actor(job.requested_by),
            translation.override(job.language),
        ):
            import_jobs.import_job_import(job=job, counts=counts, now=clock.now())
    except Exception as error:
        logger.exception("import job %s failed", job.public_id)
        import_jobs.import_job_fail(job=job, error=repr(error), now=clock.now())
