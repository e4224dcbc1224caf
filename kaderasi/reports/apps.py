from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "kaderasi.reports"
    label = "reports"
    verbose_name = _("Reports and dashboards")

    def ready(self) -> None:
        # Who edited a report's conclusion, and who exported a programme's data (UU PDP).
        from auditlog.registry import auditlog

        from kaderasi.reports import models

        auditlog.register(models.ProgrammeReport)
        auditlog.register(models.ReportExport, exclude_fields=["progress", "step"])
