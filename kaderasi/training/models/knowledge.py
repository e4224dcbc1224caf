"""Knowledge tests: a cadre's attempt before or after a training, with her answers when known."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaderasi.core.models import BaseModel
from kaderasi.training.models.events import TestPhase, Training


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class TestEntry(models.TextChoices):
    PHONE = "phone", _("Taken on the cadre's phone")
    ANSWER_SHEET = "answer_sheet", _("Paper answers entered by a trainer")
    TOTAL_SCORE = "total_score", _("Total score only")


class TestAttemptQuerySet(models.QuerySet):
    def completed(self) -> "TestAttemptQuerySet":
        return self.filter(status=AttemptStatus.COMPLETED)


class TestAttempt(BaseModel):
    """A cadre's knowledge score (0–100) before or after a training.

    A completed attempt always has a score. An attempt a cadre is still answering on her phone is
    `in_progress` with no score yet; its answers are saved one by one, and `option_order` keeps
    the shuffled order of the options she was shown ({question id: [option ids]}), so a dropped
    connection resumes on the same screen. Attempts entered from paper or as a total have no
    shuffle."""

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
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AttemptStatus.choices,
        default=AttemptStatus.COMPLETED,
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    taken_on = models.DateField(_("taken on"), null=True, blank=True)
    entry = models.CharField(
        _("entered as"), max_length=12, choices=TestEntry.choices, default=TestEntry.TOTAL_SCORE
    )
    questionnaire = models.ForeignKey(
        "training.Questionnaire",
        verbose_name=_("questionnaire"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attempts",
    )
    option_order = models.JSONField(_("order of options shown"), default=dict, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("Generated to match a published mean; not an observed individual score."),
    )

    objects = TestAttemptQuerySet.as_manager()

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
                condition=Q(score__isnull=True)
                | (Q(score__gte=Decimal(0)) & Q(score__lte=Decimal(100))),
                name="test_attempt_score_0_to_100",
                violation_error_message=_("A score must be between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(phase__in=TestPhase.values), name="test_attempt_phase_is_known"
            ),
            models.CheckConstraint(
                condition=Q(status=AttemptStatus.COMPLETED, score__isnull=False)
                | Q(status=AttemptStatus.IN_PROGRESS, score__isnull=True),
                name="test_attempt_completed_has_score",
                violation_error_message=_("A completed test has a score; one in progress has not."),
            ),
            models.CheckConstraint(
                condition=Q(entry__in=TestEntry.values), name="test_attempt_entry_is_known"
            ),
        ]

    def __str__(self) -> str:
        score = self.score if self.score is not None else "…"
        return f"{self.cadre.code} {self.get_phase_display()} {score}"


class ItemAnswer(BaseModel):
    """The option a cadre chose for one question of an attempt (none: left blank)."""

    attempt = models.ForeignKey(
        TestAttempt,
        verbose_name=_("test attempt"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    question = models.ForeignKey(
        "training.Question", verbose_name=_("question"), on_delete=models.PROTECT, related_name="+"
    )
    option = models.ForeignKey(
        "training.Option",
        verbose_name=_("option chosen"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_correct = models.BooleanField(_("correct"), default=False)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["attempt", "question__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question"],
                name="item_answer_once_per_question",
                violation_error_message=_("This question is already answered in this attempt."),
            ),
            models.CheckConstraint(
                condition=Q(option__isnull=False) | Q(is_correct=False),
                name="item_answer_blank_is_wrong",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.number}: {self.option.letter if self.option else '–'}"
