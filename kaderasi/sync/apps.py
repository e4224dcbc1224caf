from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SyncConfig(AppConfig):
    name = "kaderasi.sync"
    label = "sync"
    verbose_name = _("Sync")

    def ready(self) -> None:
        # Audit trail: who resolved a conflict about health data, and what each edit changed.
        from auditlog.registry import auditlog

        from kaderasi.sync import models

        auditlog.register(models.Conflict)
        auditlog.register(models.RegistryEdit)
