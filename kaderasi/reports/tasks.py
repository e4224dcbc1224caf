"""Background work of the reports app (Django's task framework: `django_tasks`).

`report_export_run` builds a requested PDF or workbook, reporting its progress on the
`ReportExport` row the page polls. `rollups_refresh_task` is the periodic refresh of the
dashboards' summary tables (schedule it every few minutes; `kaderasi rollups refresh` does the
same from cron); `report_exports_purge_task` deletes week-old exports (schedule it daily)."""

import logging

from django.utils import translation
from django_tasks import task

from kaderasi.core import clock
from kaderasi.core.heartbeats import heartbeat
from kaderasi.reports import services
from kaderasi.reports.documents import (
    render_programme_report_pdf,
    render_programme_report_xlsx,
)
from kaderasi.reports.evaluation_input import programme_evaluation
from kaderasi.reports.models import ExportFormat, ReportExport
from kaderasi.reports.references import reference_ranges
from kaderasi.reports.rollups import rollups_refresh_due
from kaderasi.reports.skills import programme_skill_steps

logger = logging.getLogger(__name__)


@task()
def report_export_run(export_id: int) -> None:
    export = ReportExport.objects.select_related("programme").get(pk=export_id)
    if not services.report_export_start(export=export, now=clock.now()):
        return
    with heartbeat(lambda: services.report_export_beat(export=export, now=clock.now())):
        try:
            references = reference_ranges()
            with translation.override(export.language):
                evaluation = programme_evaluation(export.programme)
            render = (
                render_programme_report_pdf
                if export.format == ExportFormat.PDF
                else render_programme_report_xlsx
            )
            content = render(
                programme=export.programme,
                evaluation=evaluation,
                now=clock.now(),
                language=export.language,
                pseudonymised=export.pseudonymised,
                skills=programme_skill_steps(export.programme, language=export.language),
                references=references,
                progress=lambda percent, step: services.report_export_progress(
                    export=export, percent=percent, step=step
                ),
            )
            services.report_export_finish(
                export=export,
                content=content,
                file_name=services.export_file_name(export),
                now=clock.now(),
            )
        except Exception as error:
            logger.exception("report export %s failed", export.public_id)
            services.report_export_fail(export=export, error=repr(error), now=clock.now())


@task()
def rollups_refresh_task() -> dict:
    summary = rollups_refresh_due(now=clock.now())
    return {
        "skipped": summary.skipped,
        "mothers": summary.mothers,
        "cadres": summary.cadres,
        "rebuilt": summary.rebuilt,
    }


@task()
def report_exports_purge_task() -> int:
    """Daily: delete exports (and their files) older than a week."""
    return services.report_exports_purge(now=clock.now())
