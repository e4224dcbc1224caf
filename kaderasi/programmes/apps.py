from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "kaderasi.programmes"
    label = "programmes"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        # Audit trail of personal and health data (UU PDP): who changed what, and when.
        from auditlog.registry import auditlog

        from kaderasi.programmes.models import ClinicalRulesApproval, Programme

        auditlog.register(Programme)
        auditlog.register(ClinicalRulesApproval)
