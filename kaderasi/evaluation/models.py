"""Reference data for evaluations: the expected 24-hour milk volume by postpartum day.

The ranges are clinical reference data with their sources (domain.md §3.1), so they live in the
database, seeded by a data migration and editable in the admin, never as constants in code.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kaderasi.core.models import BaseModel
from kaderasi.evaluation.norms import ReferenceRange


class ReferenceBounds(models.TextChoices):
    """What a reference row's lower and upper bounds are, so that every page labels them
    truthfully (domain reference §3.1: Saint 1984's bounds are the lowest and highest of 9
    mothers, not a normal range)."""

    OBSERVED_EXTREMES = (
        "observed_extremes",
        _("Lowest and highest observed in a small study (not a normal range)"),
    )
    GUIDE_RANGE = "guide_range", _("A guide range, not a measured distribution")


class MilkVolumeReference(BaseModel):
    """The 24-hour milk volume observed on one postpartum day (day 1 = first 24 hours), from one
    source for the whole table; `bounds` says what the lower and upper values are."""

    postpartum_day = models.PositiveSmallIntegerField(_("postpartum day"), unique=True)
    lower_ml = models.DecimalField(_("lower bound (ml per 24 h)"), max_digits=6, decimal_places=1)
    upper_ml = models.DecimalField(_("upper bound (ml per 24 h)"), max_digits=6, decimal_places=1)
    mean_ml = models.DecimalField(
        _("mean (ml per 24 h)"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("When the source reports one."),
    )
    bounds = models.CharField(
        _("what the bounds are"),
        max_length=20,
        choices=ReferenceBounds.choices,
        default=ReferenceBounds.OBSERVED_EXTREMES,
    )
    study_size = models.PositiveSmallIntegerField(
        _("mothers studied"),
        null=True,
        blank=True,
        help_text=_("How many mothers the bounds come from, when the source says."),
    )
    source = models.TextField(_("source"), help_text=_("Citation of the publication."))
    source_url = models.URLField(_("source address"), blank=True)
    note = models.TextField(
        _("note"),
        blank=True,
        help_text=_("How the source measured (method, unit) and what the range describes."),
    )

    class Meta:
        verbose_name = _("milk volume reference")
        verbose_name_plural = _("milk volume references")
        ordering = ["postpartum_day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(postpartum_day__gte=1) & Q(postpartum_day__lte=42),
                name="milk_reference_day_1_to_42",
                violation_error_message=_("The postpartum day must be between 1 and 42."),
            ),
            models.CheckConstraint(
                condition=Q(lower_ml__gte=0) & Q(upper_ml__gte=F("lower_ml")),
                name="milk_reference_bounds_ordered",
                violation_error_message=_(
                    "The lower bound must be at least 0 and not above the upper bound."
                ),
            ),
            models.CheckConstraint(
                condition=Q(bounds__in=ReferenceBounds.values),
                name="milk_reference_bounds_kind_is_known",
            ),
            models.CheckConstraint(
                condition=Q(mean_ml__isnull=True)
                | (Q(mean_ml__gte=F("lower_ml")) & Q(mean_ml__lte=F("upper_ml"))),
                name="milk_reference_mean_within_bounds",
                violation_error_message=_("The mean must lie between the lower and upper bound."),
            ),
        ]

    def __str__(self) -> str:
        return str(
            _("Day %(day)s: %(lower)s–%(upper)s ml")
            % {"day": self.postpartum_day, "lower": self.lower_ml, "upper": self.upper_ml}
        )

    def as_range(self) -> ReferenceRange:
        return ReferenceRange(
            postpartum_day=self.postpartum_day,
            lower_ml=float(self.lower_ml),
            upper_ml=float(self.upper_ml),
            source=self.source,
            bounds=self.bounds,
            study_size=self.study_size,
        )
