"""Writes of a web import in the background (decision 0160): requested (files stored, job
queued) → running (rows read, checked, written; a heartbeat) → done with its import, rejected
with its problems, or failed. The worker's task (`interop.tasks.import_job_run`) makes the
calls; the import itself is `services.programme_import_prepare` and `programme_import_write`,
the two halves of the command's `programme_import`."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from kaderasi.accounts.models import User
from kaderasi.core import heartbeats, numbers
from kaderasi.core.errors import DomainError
from kaderasi.interop import upload_store
from kaderasi.interop.errors import InteropErrorCode
from kaderasi.interop.models import (
    ImportJob,
    ImportJobStatus,
    ImportJobStep,
    ImportSource,
    ProgrammeImport,
)
from kaderasi.interop.plan import ImportRejected, issue_as_json
from kaderasi.interop.services import (
    programme_import_prepare,
    programme_import_target,
    programme_import_write,
)
from kaderasi.interop.workbook import RawWorkbook, read_uploads
from kaderasi.regions.models import Area

logger = logging.getLogger(__name__)

# The web page's limit (the console imports up to KADERASI_IMPORT_MAX_ROWS).
WEB_MAX_ROWS = 5000
# Header rows and the programme sheet's rows the reader counts besides the data rows: a file far
# above the limit stops being read there (issue 14, build 9).
HEADER_ROWS_ALLOWANCE = 50
# A job whose worker died is queued again this many times, then failed.
JOB_REQUEUES = 1


@transaction.atomic
def import_job_request(
    *,
    files: list[UploadedFile],
    slug: str,
    by: User,
    language: str,
    name: str = "",
    area: Area | None = None,
) -> ImportJob:
    """Queue the import of uploaded files (already through `workbook.uploads_check`): the checks
    that need no file first (`programme_import_target`, raising DomainError on `slug` or `area`),
    then the files are stored and the worker starts once this commits."""
    programme = programme_import_target(slug=slug, by=by, area=area)
    job = ImportJob.objects.create(
        requested_by=by,
        programme=programme,
        slug=slug.strip(),
        new_programme_name=name if programme is None else "",
        new_programme_area=area if programme is None else None,
        language=language,
        file_names=[upload.name for upload in files],
    )
    try:
        upload_store.uploads_store(job.public_id, files)
    except BaseException:
        upload_store.uploads_delete(job.public_id)
        raise
    from kaderasi.interop.tasks import import_job_run

    transaction.on_commit(lambda: import_job_run.enqueue(job_id=job.pk))
    logger.info("import job %s queued (%d files)", job.public_id, len(files))
    return job


def import_job_start(*, job: ImportJob, now: dt.datetime) -> bool:
    """Claim a queued job for this worker (a conditional update, so a re-delivered task never
    imports the same files twice). False when another worker already has it."""
    return bool(
        ImportJob.objects.filter(pk=job.pk, status=ImportJobStatus.QUEUED).update(
            status=ImportJobStatus.RUNNING,
            step=ImportJobStep.READING,
            started_at=now,
            heartbeat_at=now,
            updated_at=now,
        )
    )


@dataclass
class JobCounts:
    """How far a running job is, kept in memory by the import and written by the heartbeat (on
    its own connection, outside the import's transaction, which would hide it until the end)."""

    step: str = ImportJobStep.READING
    total: int = 0
    checked: int = 0
    written: int = 0

    def __post_init__(self) -> None:
        self.lock = threading.Lock()

    def rows_checked(self, done: int, total: int) -> None:
        with self.lock:
            self.checked, self.total = done, total

    def rows_written(self, done: int, total: int) -> None:
        # The rows are checked and written a chunk at a time (decision 0195): saving has begun.
        with self.lock:
            self.step = ImportJobStep.WRITING
            self.written, self.total = done, total

    def as_fields(self) -> dict:
        with self.lock:
            return {
                "step": self.step,
                "rows_total": self.total,
                "rows_checked": self.checked,
                "rows_written": self.written,
            }


def import_job_beat(*, job: ImportJob, counts: JobCounts, now: dt.datetime) -> None:
    """The running worker is alive, this far (kaderasi.core.heartbeats calls this)."""
    ImportJob.objects.filter(pk=job.pk, status=ImportJobStatus.RUNNING).update(
        heartbeat_at=now, **counts.as_fields()
    )


def import_job_import(*, job: ImportJob, counts: JobCounts, now: dt.datetime) -> None:
    """Read, check and import the job's files, all or nothing, and record how it ended: done
    (in the import's own transaction, so no recovery can slip in between), or rejected with
    every problem. The files are deleted afterwards, whatever the outcome; an unexpected error
    propagates (the task fails the job)."""
    try:
        try:
            with _read(job) as workbook:
                counts.step = ImportJobStep.CHECKING
                counts.total = workbook.row_count
                prepared = programme_import_prepare(
                    workbook=workbook,
                    slug=job.slug,
                    by=job.requested_by,
                    now=now,
                    name=job.new_programme_name,
                    area=job.new_programme_area,
                    checked=counts.rows_checked,
                )
                import_job_beat(job=job, counts=counts, now=now)
                with transaction.atomic():
                    try:
                        record = programme_import_write(
                            prepared,
                            by=job.requested_by,
                            now=now,
                            source=ImportSource.WEB,
                            progress=counts.rows_written,
                        )
                    except DomainError as refused:
                        _refused(job, refused, now=now)
                    else:
                        _done(job, record, now=now)
        except DomainError as refused:
            _refused(job, refused, now=now)
    finally:
        import_job_uploads_delete(job=job, now=now)


def _too_many_rows(message: str) -> DomainError:
    return DomainError(InteropErrorCode.TOO_MANY_ROWS, message, field="files")


@contextmanager
def _read(job: ImportJob) -> Iterator[RawWorkbook]:
    """The job's files as a workbook, read again chunk by chunk by the import (decision 0195):
    the files stay open until it is over."""
    files = upload_store.uploads_open(job.public_id, job.file_names)
    try:
        with ExitStack() as opened:
            try:
                workbook = opened.enter_context(
                    read_uploads(files, max_rows=WEB_MAX_ROWS + HEADER_ROWS_ALLOWANCE)
                )
            except DomainError as refused:
                if refused.code != InteropErrorCode.TOO_MANY_ROWS:
                    raise
                # The reader stopped at the page's limit plus the header rows it allows: the
                # user is told the page's limit, not the reader's.
                raise _too_many_rows(
                    _(
                        "This file has more than %(max)s rows; the web page imports up to "
                        "%(max)s. Ask an administrator to import it with kaderasi "
                        "import-programme."
                    )
                    % {"max": numbers.number(WEB_MAX_ROWS, 0)}
                ) from refused
            if workbook.row_count > WEB_MAX_ROWS:
                raise _too_many_rows(
                    _(
                        "This file has %(rows)s rows; the web page imports up to %(max)s. "
                        "Ask an administrator to import it with kaderasi import-programme."
                    )
                    % {
                        "rows": numbers.number(workbook.row_count, 0),
                        "max": numbers.number(WEB_MAX_ROWS, 0),
                    }
                )
            yield workbook
    finally:
        for stored in files:
            stored.close()


def _done(job: ImportJob, record: ProgrammeImport, *, now: dt.datetime) -> None:
    rows = record.rows
    finished = ImportJob.objects.filter(pk=job.pk, status=ImportJobStatus.RUNNING).update(
        status=ImportJobStatus.DONE,
        step=ImportJobStep.WRITING,
        programme=record.programme,
        record=record,
        rows_total=rows,
        rows_checked=rows,
        rows_written=rows,
        finished_at=now,
        updated_at=now,
    )
    if not finished:
        # The job was taken from this worker (recovered as lost): the import is rolled back
        # rather than written under a job that says otherwise.
        raise RuntimeError(f"import job {job.public_id} is no longer running")
    logger.info("import job %s done: import %s", job.public_id, record.public_id)


def _refused(job: ImportJob, refused: DomainError, *, now: dt.datetime) -> None:
    issues = refused.issues if isinstance(refused, ImportRejected) else []
    ImportJob.objects.filter(pk=job.pk, status=ImportJobStatus.RUNNING).update(
        status=ImportJobStatus.REJECTED,
        message=str(refused.message),
        issues=[issue_as_json(issue) for issue in issues],
        finished_at=now,
        updated_at=now,
    )
    logger.info(
        "import job %s rejected: %s (%d problems)", job.public_id, refused.code, len(issues)
    )


def import_job_fail(*, job: ImportJob, error: str, now: dt.datetime) -> None:
    """An unexpected error: the job ends failed (its page asks to try again), the error is kept
    for the administrator, and the files go."""
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJobStatus.FAILED, error=error[:2000], finished_at=now, updated_at=now
    )
    import_job_uploads_delete(job=job, now=now)
    logger.error("import job %s failed: %s", job.public_id, error[:200])


def import_job_uploads_delete(*, job: ImportJob, now: dt.datetime) -> None:
    """Delete the job's stored files (names and phone numbers: kept no longer than needed)."""
    upload_store.uploads_delete(job.public_id)
    ImportJob.objects.filter(pk=job.pk, upload_deleted_at__isnull=True).update(
        upload_deleted_at=now
    )


@dataclass(frozen=True)
class JobsRecovered:
    requeued: int
    failed: int
    uploads_deleted: int

    def as_dict(self) -> dict:
        return {
            "import_jobs_requeued": self.requeued,
            "import_jobs_failed": self.failed,
            "import_uploads_deleted": self.uploads_deleted,
        }


def import_jobs_recover(*, now: dt.datetime) -> JobsRecovered:
    """Running jobs whose heartbeat stopped (their worker was killed): queued again, once, with
    a new task (their files are still there); a second loss fails the job, deletes its files,
    and its page tells the uploader. Then the files a finished job left (its worker died between
    finishing and deleting) are deleted. Run when a worker starts and every minute
    (worker.periodic), like `reports.services.report_exports_recover`; each row is changed by a
    conditional update on its stale stamp, so two workers recovering at once change it once."""
    from kaderasi.interop.tasks import import_job_run

    recovered = heartbeats.lost_rows_recover(
        ImportJob.objects.filter(status=ImportJobStatus.RUNNING),
        now=now,
        requeues=JOB_REQUEUES,
        requeued={
            "status": ImportJobStatus.QUEUED,
            "step": ImportJobStep.WAITING,
            "rows_checked": 0,
            "rows_written": 0,
            "started_at": None,
            "heartbeat_at": None,
        },
        failed={"status": ImportJobStatus.FAILED, "error": "worker stopped while importing"},
        enqueue=lambda pk: import_job_run.enqueue(job_id=pk),
        may_requeue=lambda job: upload_store.uploads_present(job.public_id),
    )
    for job in recovered.requeued:
        logger.warning("import job %s lost its worker: queued again", job.public_id)
    for job in recovered.failed:
        import_job_uploads_delete(job=job, now=now)
        logger.error("import job %s lost its worker again: failed", job.public_id)
    requeued, failed = len(recovered.requeued), len(recovered.failed)
    return JobsRecovered(
        requeued=requeued, failed=failed, uploads_deleted=_leftover_uploads_delete(now=now)
    )


# A folder without a job is left this long: its request may not have committed yet.
UNCLAIMED_UPLOAD_AGE = dt.timedelta(hours=1)


def _leftover_uploads_delete(*, now: dt.datetime) -> int:
    stored = upload_store.stored_job_folders()
    if not stored:
        return 0
    jobs = {
        str(job.public_id): job
        for job in ImportJob.objects.filter(public_id__in=list(stored)).only(
            "pk", "public_id", "status"
        )
    }
    deleted = 0
    for public_id, modified_at in stored.items():
        job = jobs.get(public_id)
        if job is None and modified_at > now - UNCLAIMED_UPLOAD_AGE:
            continue
        if job is not None and not job.finished:
            continue
        if job is not None:
            import_job_uploads_delete(job=job, now=now)
        else:
            # A request that stored the files and then rolled back.
            upload_store.uploads_delete(public_id)
        deleted += 1
    return deleted
