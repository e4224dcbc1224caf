"""One Kader One Client: who accompanies whom, when."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kaderasi.care.models.mothers import Mother
from kaderasi.core.models import BaseModel


class PairingEndReason(models.TextChoices):
    COMPLETED = "completed", _("Accompaniment completed")
    REASSIGNED = "reassigned", _("Reassigned to another cadre")
    WITHDRAWN = "withdrawn", _("Mother withdrew")
    OTHER = "other", _("Other")


class Pairing(BaseModel):
    """One Kader One Client: a cadre accompanies a mother from `starts_at` until `ends_at`
    (exclusive; open while null). A mother has at most one open pairing."""

    mother = models.ForeignKey(
        Mother, verbose_name=_("mother"), on_delete=models.CASCADE, related_name="pairings"
    )
    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="pairings"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    end_reason = models.CharField(
        _("reason for ending"), max_length=16, choices=PairingEndReason.choices, blank=True
    )
    certification_override_reason = models.TextField(
        _("reason for pairing an uncertified cadre"),
        blank=True,
        help_text=_("Recorded when a coordinator pairs a cadre without a valid certificate."),
    )
    certification_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("override recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        ordering = ["-starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["mother"],
                condition=Q(ends_at__isnull=True),
                name="pairing_one_open_per_mother",
                violation_error_message=_(
                    "This mother is already paired with a cadre; end that pairing first."
                ),
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="pairing_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=(Q(ends_at__isnull=True) & Q(end_reason=""))
                | (Q(ends_at__isnull=False) & ~Q(end_reason="")),
                name="pairing_end_reason_iff_ended",
            ),
            models.CheckConstraint(
                condition=(
                    Q(certification_override_reason="") & Q(certification_override_by__isnull=True)
                )
                | (
                    ~Q(certification_override_reason="")
                    & Q(certification_override_by__isnull=False)
                ),
                name="pairing_override_has_reason_and_author",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre.code} ↔ {self.mother.code}"
