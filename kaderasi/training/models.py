"""Cadre training: events and knowledge tests (the question bank and skills come with training)."""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kaderasi.core.models import BaseModel


class Training(BaseModel):
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="trainings",
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="training_ends_after_it_starts"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TestPhase(models.TextChoices):
    PRE = "pre", _("Pre-test")
    POST = "post", _("Post-test")


class TestAttempt(BaseModel):
    """A cadre's knowledge score (0–100) before or after a training."""

    training = models.ForeignKey(
        Training, verbose_name=_("training"), on_delete=models.CASCADE, related_name="attempts"
    )
    cadre = models.ForeignKey(
        "cadres.Cadre",
        verbose_name=_("cadre"),
        on_delete=models.CASCADE,
        related_name="test_attempts",
    )
    phase = models.CharField(_("phase"), max_length=4, choices=TestPhase.choices)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    taken_on = models.DateField(_("taken on"), null=True, blank=True)
    is_illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("Generated to match a published mean; not an observed individual score."),
    )

    class Meta:
        verbose_name = _("test attempt")
        verbose_name_plural = _("test attempts")
        ordering = ["training", "cadre", "phase"]
        constraints = [
            models.UniqueConstraint(
                fields=["training", "cadre", "phase"],
                name="test_attempt_one_per_phase",
                violation_error_message=_(
                    "This cadre already has a score for this test in this training."
                ),
            ),
            models.CheckConstraint(
                condition=Q(score__gte=Decimal(0)) & Q(score__lte=Decimal(100)),
                name="test_attempt_score_0_to_100",
                violation_error_message=_("A score must be between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(phase__in=TestPhase.values), name="test_attempt_phase_is_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre.code} {self.get_phase_display()} {self.score}"


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
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revoking"), max_length=200, blank=True)

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
        ]

    def __str__(self) -> str:
        return f"{self.verification_code} ({self.cadre.code})"
