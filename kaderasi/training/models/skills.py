"""Observed re-demonstrations of the oxytocin-massage SOP, scored step by step."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaderasi.core.models import BaseModel
from kaderasi.training.models.events import Training


class PracticePartner(models.TextChoices):
    PEER = "peer", _("A fellow cadre")
    MANNEQUIN = "mannequin", _("A mannequin")
    MOTHER = "mother", _("A volunteer mother")


class SkillAssessment(BaseModel):
    """One re-demonstration (attempt 1, 2, …) by a cadre, observed by an assessor."""

    training = models.ForeignKey(
        Training,
        verbose_name=_("training"),
        on_delete=models.CASCADE,
        related_name="skill_assessments",
    )
    cadre = models.ForeignKey(
        "cadres.Cadre",
        verbose_name=_("cadre"),
        on_delete=models.CASCADE,
        related_name="skill_assessments",
    )
    checklist = models.ForeignKey(
        "training.SkillChecklist",
        verbose_name=_("checklist"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    attempt = models.PositiveSmallIntegerField(_("re-demonstration"))
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    assessed_at = models.DateTimeField(_("assessed at"))
    partner = models.CharField(
        _("practised on"),
        max_length=10,
        choices=PracticePartner.choices,
        default=PracticePartner.PEER,
    )
    note = models.TextField(_("note"), blank=True)
    is_illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("Generated for the demo; not an observed assessment."),
    )

    class Meta:
        verbose_name = _("skill assessment")
        verbose_name_plural = _("skill assessments")
        ordering = ["training", "cadre__code", "attempt"]
        constraints = [
            models.UniqueConstraint(
                fields=["training", "cadre", "attempt"],
                name="skill_assessment_once_per_attempt",
                violation_error_message=_(
                    "This re-demonstration of this cadre is already recorded."
                ),
            ),
            models.CheckConstraint(
                condition=Q(attempt__gte=1) & Q(attempt__lte=5),
                name="skill_assessment_attempt_1_to_5",
                violation_error_message=_("Re-demonstrations are numbered 1 to 5."),
            ),
            models.CheckConstraint(
                condition=Q(partner__in=PracticePartner.values),
                name="skill_assessment_partner_is_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre.code} #{self.attempt}"


class SkillStepResult(BaseModel):
    assessment = models.ForeignKey(
        SkillAssessment,
        verbose_name=_("skill assessment"),
        on_delete=models.CASCADE,
        related_name="results",
    )
    step = models.ForeignKey(
        "training.SkillStep", verbose_name=_("step"), on_delete=models.PROTECT, related_name="+"
    )
    done = models.BooleanField(_("done correctly"))
    comment = models.CharField(_("comment"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("step result")
        verbose_name_plural = _("step results")
        ordering = ["assessment", "step__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "step"],
                name="skill_step_result_once_per_step",
                violation_error_message=_("This step is already scored in this assessment."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.step.number}: {'✓' if self.done else '✗'}"
