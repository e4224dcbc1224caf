from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "kaderasi.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        # Audit trail: who revoked which device.
        from auditlog.registry import auditlog

        from kaderasi.api import models

        auditlog.register(models.DeviceToken, exclude_fields=["secret_hash", "last_used_at"])
