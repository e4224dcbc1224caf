from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default = True
    name = "kaderasi.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from kaderasi.core import checks  # noqa: F401  (registers the system checks)
        from kaderasi.core.log_filters import access_logs_redact

        access_logs_redact()


class KaderasiAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with kaderasi's role-based, area-scoped site as the default site."""

    default = False
    default_site = "kaderasi.core.admin_site.KaderasiAdminSite"
