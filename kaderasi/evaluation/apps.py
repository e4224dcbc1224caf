from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "kaderasi.evaluation"
    label = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self) -> None:
        # Reference values decide what counts as "below normal": who changed them, and when.
        from auditlog.registry import auditlog

        from kaderasi.evaluation.models import MilkVolumeReference

        auditlog.register(MilkVolumeReference)
