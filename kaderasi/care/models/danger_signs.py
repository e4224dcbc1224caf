"""Danger signs and stop-and-refer conditions (data with their sources), and the checks a cadre
records against them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kaderasi.care.danger_sign_rules import (
    EMERGENCY,
    REVIEW,
    SAME_DAY,
    flag_severity_of,
    render_sign_text,
    wording_problem,
)
from kaderasi.care.models.mothers import Mother
from kaderasi.core.models import BaseModel


class DangerSignGroup(models.TextChoices):
    BEFORE_MASSAGE = "before_massage", _("Before the massage: stop and refer")
    MOTHER = "mother", _("Mother")
    NEWBORN = "newborn", _("Newborn")


class DangerSeverity(models.TextChoices):
    """How urgent a sign is (care/danger_sign_rules.py): the most severe sign of a check decides
    its flag (emergency or same day: red; review only: amber) and whether the midwife is alerted."""

    EMERGENCY = EMERGENCY, _("Emergency: to the puskesmas or hospital now")
    SAME_DAY = SAME_DAY, _("Same day: call the midwife now")
    REVIEW = REVIEW, _("Review: the midwife within 24 hours")


class DangerSign(BaseModel):
    """One condition a cadre asks about, with its primary source (Buku KIA, WHO 2022 postnatal
    care, ABM protocols), its severity and whether it stops the massage. The stop-and-refer
    questions before a massage (domain reference §1.3) and every severity are proposals for the
    midwife's sign-off. Thresholds printed in the wording are `parameters`: the text names them
    as {placeholders}, so the number shown is the number in the data."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    group = models.CharField(_("group"), max_length=16, choices=DangerSignGroup.choices)
    text_id = models.CharField(_("question (Indonesian)"), max_length=300)
    text_en = models.CharField(_("question (English)"), max_length=300)
    severity = models.CharField(
        _("severity"),
        max_length=10,
        choices=DangerSeverity.choices,
        default=DangerSeverity.SAME_DAY,
    )
    parameters = models.JSONField(
        _("thresholds"),
        default=dict,
        blank=True,
        help_text=_(
            'Numbers the question names in braces, e.g. {"breaths_per_minute": 60} for '
            '"{breaths_per_minute} breaths or more in one minute".'
        ),
    )
    source = models.TextField(_("source"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    stops_massage = models.BooleanField(
        _("stops the massage"),
        default=False,
        help_text=_(
            "While a referral raised by this sign is open, no massage is done or recorded for "
            "the mother until the midwife closes it."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("danger sign")
        verbose_name_plural = _("danger signs")
        ordering = ["group", "order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(group__in=DangerSignGroup.values), name="danger_sign_group_is_known"
            ),
            models.CheckConstraint(
                condition=Q(severity__in=DangerSeverity.values),
                name="danger_sign_severity_is_known",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def text(self) -> str:
        """The question in the active language, its thresholds filled in from `parameters`."""
        language = get_language() or "id"
        template = self.text_id if language.startswith("id") else self.text_en
        return render_sign_text(template, self.parameters, language)

    def clean(self) -> None:
        problem = wording_problem([self.text_id, self.text_en], self.parameters)
        if problem:
            raise ValidationError(
                {
                    "parameters": _(
                        "Every {name} in the question needs a number of that name in the "
                        "thresholds (problem: %(problem)s)."
                    )
                    % {"problem": problem}
                }
            )


class DangerSignContext(models.TextChoices):
    BEFORE_MASSAGE = "before_massage", _("Questions before a massage")
    DAILY_CHECK = "daily_check", _("Daily danger-sign check")


class DangerSignReport(BaseModel):
    """A check of the danger signs, append-only: `signs` holds the codes answered "yes" (empty
    when the cadre checked and found none). The offline client generates `public_id`."""

    mother = models.ForeignKey(
        Mother,
        verbose_name=_("mother"),
        on_delete=models.CASCADE,
        related_name="danger_sign_reports",
    )
    district = models.ForeignKey(
        "regions.Area", verbose_name=_("district"), on_delete=models.PROTECT, related_name="+"
    )
    observed_at = models.DateTimeField(_("observed at"))
    context = models.CharField(_("context"), max_length=16, choices=DangerSignContext.choices)
    signs = models.JSONField(_("signs present"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("danger-sign check")
        verbose_name_plural = _("danger-sign checks")
        ordering = ["observed_at"]
        indexes = [models.Index(fields=["mother", "observed_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(context__in=DangerSignContext.values),
                name="danger_sign_report_context_is_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mother.code} {self.observed_at:%Y-%m-%d %H:%M}"


def flag_severity_for_signs(codes) -> str | None:
    """The colour of the flag a check with these sign codes raises, from the signs' data: red when
    its most severe sign is an emergency or same-day sign, amber when all are for review, None
    for no (known) sign."""
    return flag_severity_of(
        DangerSign.objects.filter(code__in=list(codes)).values_list("severity", flat=True)
    )
