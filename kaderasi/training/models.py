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
