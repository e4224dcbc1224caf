from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkerConfig(AppConfig):
    name = "kaderasi.worker"
    label = "worker"
    verbose_name = _("Worker")

    def ready(self) -> None:
        from kaderasi.worker import huey_queue  # noqa: F401 - resets Huey when HUEY changes
