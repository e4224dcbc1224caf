from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default = True
    name = "kaderasi.core"
    label = "core"
    verbose_name = _("Core")


class KaderasiAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with kaderasi's role-based, area-scoped site as the default site."""

    default = False
    default_site = "kaderasi.core.admin_site.KaderasiAdminSite"
