"""Certificates for field work: issued when a cadre passes the post-test and the skill
assessment (or by hand, with a recorded reason), valid for a configurable time, verifiable by
anyone through a public code."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kaderasi.core.models import BaseModel
from kaderasi.training.models.events import Training


class Certificate(BaseModel):
    """A cadre's certificate for field work. Valid from `issued_on` until `expires_on` (exclusive)
    unless revoked; only a cadre holding a valid certificate is paired with a mother without a
    coordinator's recorded override."""

    cadre = models.ForeignKey(
        "cadres.Cadre",
        verbose_name=_("cadre"),
        on_delete=models.CASCADE,
        related_name="certificates",
    )
    training = models.ForeignKey(
        Training,
        verbose_name=_("training"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
    )
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"))
    refresher_due_on = models.DateField(_("refresher due on"), null=True, blank=True)
    verification_code = models.CharField(_("verification code"), max_length=16, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    issued_reason = models.CharField(
        _("reason for issuing by hand"),
        max_length=300,
        blank=True,
        help_text=_(
            "Required when the cadre did not meet the pass rule of the training (or no training "
            "is named), e.g. certified by an earlier programme. Shown with the certificate."
        ),
    )
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revoking"), max_length=200, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=F("issued_on")),
                name="certificate_expires_after_issue",
                violation_error_message=_("A certificate must expire after it is issued."),
            ),
            models.UniqueConstraint(
                fields=["cadre", "training"],
                condition=Q(training__isnull=False),
                name="certificate_once_per_cadre_and_training",
                violation_error_message=_(
                    "This cadre already holds a certificate from this training."
                ),
            ),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | ~Q(revoked_reason=""),
                name="certificate_revoked_with_reason",
                violation_error_message=_("Say why the certificate is revoked."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.verification_code} ({self.cadre.code})"
