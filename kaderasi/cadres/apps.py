from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CadresConfig(AppConfig):
    name = "kaderasi.cadres"
    label = "cadres"
    verbose_name = _("Cadres")

    def ready(self) -> None:
        # Audit trail of personal and health data (UU PDP): who changed what, and when.
        from auditlog.registry import auditlog

        from kaderasi.cadres.models import Cadre

        auditlog.register(Cadre, mask_fields=["phone"], exclude_fields=["phone_hash"])
