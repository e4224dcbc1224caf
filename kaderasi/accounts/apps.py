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

        auditlog.register(
            User,
            exclude_fields=["password", "last_login", "phone_hash"],
            mask_fields=["phone"],
            m2m_fields={"areas"},
        )

        # A deactivated user's sessions end (a password or role change ends them by itself).
        from django.db.models.signals import post_save, pre_save

        from kaderasi.accounts.sessions import deactivation_end_sessions, deactivation_note

        pre_save.connect(deactivation_note, sender=User, dispatch_uid="accounts-deactivation")
        post_save.connect(
            deactivation_end_sessions, sender=User, dispatch_uid="accounts-deactivation-end"
        )
