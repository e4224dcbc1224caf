from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "kaderasi.training"
    label = "training"
    verbose_name = _("Training")

    def ready(self) -> None:
        # Audit trail of personal data (UU PDP): who changed what, and when.
        from auditlog.registry import auditlog

        from kaderasi.training import models

        for model in (
            models.Training,
            models.Participant,
            models.TestAttempt,
            models.ItemAnswer,
            models.SkillAssessment,
            models.SkillStepResult,
            models.Certificate,
            models.TrainingPolicy,
        ):
            auditlog.register(model)
