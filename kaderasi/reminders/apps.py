from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "kaderasi.reminders"
    label = "reminders"
    verbose_name = _("Reminders")

    def ready(self) -> None:
        # Audit trail of who changed the rules, the contacts of the family and opt-outs.
        from auditlog.registry import auditlog

        from kaderasi.reminders import (
            checks,  # noqa: F401 - registers the message backend check
            models,
        )

        for model in (
            models.ReminderRule,
            models.ProgrammeReminderSettings,
            models.ProvinceTimeZone,
            models.RecipientPreference,
        ):
            auditlog.register(model)
        auditlog.register(models.FamilyMember, mask_fields=["phone"], exclude_fields=["phone_hash"])
