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

        # A device token ends when its user's password, role or active flag changes.
        from django.db.models.signals import post_save, pre_save

        from kaderasi.accounts.models import User
        from kaderasi.api.tokens import credentials_change_end_tokens, credentials_change_note

        pre_save.connect(credentials_change_note, sender=User, dispatch_uid="api-token-note")
        post_save.connect(credentials_change_end_tokens, sender=User, dispatch_uid="api-token-end")
