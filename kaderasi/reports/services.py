"""Writes of the reports app: the coordinator's edits to a programme report, and the life of a
background export (requested → running with progress → done with its file, or failed)."""

import datetime as dt
import logging
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from kaderasi.accounts.models import User
from kaderasi.core import heartbeats
from kaderasi.core.errors import DomainError
from kaderasi.core.policies import Permission, can
from kaderasi.programmes.models import Programme
from kaderasi.reports.errors import ReportErrorCode
from kaderasi.reports.models import (
    ExportFormat,
    ExportStatus,
    ExportStep,
    ProgrammeReport,
    ReportExport,
)

logger = logging.getLogger(__name__)

EXPORT_KEPT_FOR = dt.timedelta(days=7)


@transaction.atomic
def programme_report_update(
    *,
    programme: Programme,
    by: User,
    conclusions: dict[str, str] | None = None,
) -> ProgrammeReport:
    """Save the conclusion in some languages ({"id": text, "en": text}; an empty text means "use
    the suggested conclusion"). The knowledge bands are the programme's training policy."""
    report, _created = ProgrammeReport.objects.select_for_update().get_or_create(
        programme=programme
    )
    for language, text in (conclusions or {}).items():
        field = "conclusion_en" if language == "en" else "conclusion_id"
        setattr(report, field, text.strip())
    report.updated_by = by
    report.save()
    return report


@transaction.atomic
def report_export_request(
    *,
    programme: Programme,
    by: User,
    format: ExportFormat,
    language: str,
    pseudonymised: bool,
) -> ReportExport:
    """Queue an export of the programme report; the worker starts it once this commits. Names
    and phone numbers leave kaderasi only with someone who manages programmes."""
    if not pseudonymised and not can(by, Permission.EXPORT_IDENTIFIABLE_DATA):
        raise DomainError(
            ReportErrorCode.IDENTIFIABLE_EXPORT_NOT_ALLOWED,
            _("Your role may export this report only with codes instead of names."),
            field="pseudonymised",
        )
    export = ReportExport.objects.create(
        programme=programme,
        requested_by=by,
        format=format,
        language=language,
        pseudonymised=pseudonymised,
    )
    from kaderasi.reports.tasks import report_export_run

    transaction.on_commit(lambda: report_export_run.enqueue(export_id=export.pk))
    logger.info("report export %s queued (%s)", export.public_id, format)
    return export


def report_export_start(*, export: ReportExport, now: dt.datetime) -> bool:
    """Claim a queued export for this worker (a conditional update, so a re-delivered task never
    builds the same file twice). False when another worker already has it."""
    claimed = ReportExport.objects.filter(pk=export.pk, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING,
        started_at=now,
        progress=1,
        step=ExportStep.COLLECTING,
        heartbeat_at=now,
        updated_at=now,
    )
    return bool(claimed)


def report_export_beat(*, export: ReportExport, now: dt.datetime) -> None:
    """The running worker is alive (kaderasi.core.heartbeats calls this every few seconds)."""
    ReportExport.objects.filter(pk=export.pk, status=ExportStatus.RUNNING).update(heartbeat_at=now)


# A row whose worker died is queued again this many times, then failed.
EXPORT_REQUEUES = 1


@dataclass(frozen=True)
class ExportsRecovered:
    requeued: int
    failed: int

    def as_dict(self) -> dict:
        return {"exports_requeued": self.requeued, "exports_failed": self.failed}


def report_exports_recover(*, now: dt.datetime) -> ExportsRecovered:
    """Running exports whose heartbeat stopped (their worker was killed): queued again, once,
    with a new task; a second loss fails the row, and its page tells the requester. Run when a
    worker starts and every minute (worker.periodic), so a lost export moves within a minute of
    the worker's restart. A live export (fresh heartbeat) is never touched: each row is changed
    by a conditional update on its stale stamp, so two workers recovering at once change it once."""
    from kaderasi.reports.tasks import report_export_run

    recovered = heartbeats.lost_rows_recover(
        ReportExport.objects.filter(status=ExportStatus.RUNNING),
        now=now,
        requeues=EXPORT_REQUEUES,
        requeued={
            "status": ExportStatus.QUEUED,
            "progress": 0,
            "step": ExportStep.WAITING,
            "started_at": None,
            "heartbeat_at": None,
        },
        failed={"status": ExportStatus.FAILED, "error": "worker stopped while preparing the file"},
        enqueue=lambda pk: report_export_run.enqueue(export_id=pk),
    )
    for export in recovered.requeued:
        logger.warning("report export %s lost its worker: queued again", export.public_id)
    for export in recovered.failed:
        logger.error("report export %s lost its worker again: failed", export.public_id)
    requeued, failed = len(recovered.requeued), len(recovered.failed)
    return ExportsRecovered(requeued=requeued, failed=failed)


def report_export_progress(*, export: ReportExport, percent: int, step: str) -> None:
    """Record how far a running export is (never backwards, at most 99 until it is done)."""
    ReportExport.objects.filter(
        Q(progress__lt=percent) | ~Q(step=step), pk=export.pk, status=ExportStatus.RUNNING
    ).update(progress=max(1, min(99, percent)), step=step)


@transaction.atomic
def report_export_finish(
    *, export: ReportExport, content: bytes, file_name: str, now: dt.datetime
) -> ReportExport:
    export = ReportExport.objects.select_for_update().get(pk=export.pk)
    export.file.save(file_name, ContentFile(content), save=False)
    export.status = ExportStatus.DONE
    export.progress = 100
    export.step = ExportStep.FINISHED
    export.finished_at = now
    export.save()
    logger.info("report export %s done (%s bytes)", export.public_id, len(content))
    return export


def report_export_fail(*, export: ReportExport, error: str, now: dt.datetime) -> None:
    ReportExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.FAILED, error=error[:2000], finished_at=now
    )
    logger.error("report export %s failed: %s", export.public_id, error[:200])


def report_exports_purge(*, now: dt.datetime, kept_for: dt.timedelta = EXPORT_KEPT_FOR) -> int:
    """Delete exports (and their files) older than `kept_for`: a file of personal data is not
    kept longer than it is needed (UU PDP). Returns how many were deleted."""
    old = ReportExport.objects.filter(created_at__lt=now - kept_for)
    count = 0
    for export in old:
        if export.file:
            export.file.delete(save=False)
        export.delete()
        count += 1
    return count


@dataclass(frozen=True)
class ExportsPurged:
    exports: int

    def as_dict(self) -> dict:
        return {"exports_purged": self.exports}


def report_exports_purge_due(*, now: dt.datetime) -> ExportsPurged:
    """The worker's periodic job (`worker.periodic.PERIODIC_JOBS`): delete the exports that
    have passed their week. Run every minute with the other jobs, it finds nothing most of the
    time (one query on a small table), and a file never outlives its week by more than a minute
    while a worker runs."""
    return ExportsPurged(exports=report_exports_purge(now=now))


def export_file_name(export: ReportExport) -> str:
    stem = _("report") if export.format == ExportFormat.PDF else _("report-and-data")
    return f"{export.programme.slug}-{stem}-{export.language}.{export.format}"
