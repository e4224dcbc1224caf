from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "kaderasi.training"
    label = "training"
    verbose_name = _("Training")

    def ready(self) -> None:
        # Audit trail of personal and health data (UU PDP): who changed what, and when.
        from auditlog.registry import auditlog

        from kaderasi.training.models import TestAttempt

        auditlog.register(TestAttempt)
