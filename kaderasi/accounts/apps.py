from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kaderasi.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Audit trail of personal and health data (UU PDP): who changed what, and when.
        from auditlog.registry import auditlog

        from kaderasi.accounts.models import User

        auditlog.register(User, exclude_fields=["password", "last_login"], m2m_fields={"areas"})
