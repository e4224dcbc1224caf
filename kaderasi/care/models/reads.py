"""The read audit: who opened a mother's page or her records, or downloaded an identifiable
export with her in it, when, and from which address (issue 14, item 7; decision 0121)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaderasi.care.models.mothers import Mother


class ReadInterface(models.TextChoices):
    MOTHER_PAGE = "mother_page", _("Her page and timeline")
    REMINDERS_PAGE = "reminders_page", _("Her reminders and contacts")
    REFERRAL = "referral", _("A referral of hers")
    FHIR_DOWNLOAD = "fhir_download", _("Her record as FHIR (download)")
    WORKBOOK_EXPORT = "workbook_export", _("Programme workbook with names (download)")
    REPORT_DOWNLOAD = "report_download", _("Programme report workbook with names (download)")
    API_PULL = "api_pull", _("Phone sync")
    API_MOTHER = "api_mother", _("Her record on a phone")
    COMMAND_EXPORT = "command_export", _("Export with names on the server console")
    SUBJECT_EXPORT = "subject_export", _("Everything held about her (data export)")


class MotherRead(models.Model):
    """One read of one mother's identifiable data. Written by care.services.reads only, never
    changed; kept as long as the mother's record."""

    mother = models.ForeignKey(
        Mother, verbose_name=_("mother"), on_delete=models.CASCADE, related_name="reads"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    interface = models.CharField(_("what was read"), max_length=24, choices=ReadInterface.choices)
    at = models.DateTimeField(_("when"))
    address = models.GenericIPAddressField(_("from address"), null=True, blank=True)

    class Meta:
        verbose_name = _("read of a mother's data")
        verbose_name_plural = _("reads of mothers' data")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["mother", "-at"], name="mother_read_by_mother")]
        constraints = [
            models.CheckConstraint(
                condition=Q(interface__in=ReadInterface.values), name="mother_read_interface_known"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mother_id} {self.interface} {self.at:%Y-%m-%d %H:%M}"
