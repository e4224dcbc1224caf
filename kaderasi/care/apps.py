from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "kaderasi.care"
    label = "care"
    verbose_name = _("Care")

    def ready(self) -> None:
        # Audit trail of personal and health data (UU PDP): who changed what, and when.
        from auditlog.registry import auditlog

        from kaderasi.care import models

        # NIK and phone: their last four digits only (AUDITLOG_MASK_CALLABLE); no hashes.
        auditlog.register(
            models.Mother,
            mask_fields=["nik", "phone"],
            exclude_fields=["nik_hash", "phone_hash"],
        )
        for model in (
            models.Pregnancy,
            models.Delivery,
            models.Infant,
            models.Pairing,
            models.Measurement,
            models.Consent,
            models.MassageSession,
            models.ScheduledSession,
            models.Flag,
            models.Referral,
            models.DangerSignReport,
            models.LatchObservation,
        ):
            auditlog.register(model)
