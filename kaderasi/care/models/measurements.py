"""Append-only observations: milk volume, feeds, nappies, stools, infant weight."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaderasi.care.models.mothers import Mother
from kaderasi.core.models import BaseModel


class MeasurementKind(models.TextChoices):
    MILK_VOLUME = "milk_volume", _("Milk volume (ml)")
    FEEDS = "feeds", _("Feeds in 24 hours")
    WET_NAPPIES = "wet_nappies", _("Wet nappies in 24 hours")
    STOOLS = "stools", _("Stools in 24 hours")
    INFANT_WEIGHT = "infant_weight", _("Infant weight (g)")


class MilkMethod(models.TextChoices):
    HAND_EXPRESSION = "hand_expression", _("Hand expression")
    MANUAL_PUMP = "manual_pump", _("Manual pump")
    ELECTRIC_PUMP = "electric_pump", _("Electric pump")
    TEST_WEIGHING = "test_weighing", _("Test weighing")
    ESTIMATE = "estimate", _("Estimate")


class MilkBasis(models.TextChoices):
    SINGLE_EXPRESSION = "single_expression", _("Single expression")
    ESTIMATE_24H = "24h_estimate", _("24-hour estimate")
    UNKNOWN = "unknown", _("Unknown")


class MilkPhase(models.TextChoices):
    BEFORE = "before", _("Baseline (before the first massage)")
    AFTER = "after", _("Follow-up (after the last day)")


class BreastSide(models.TextChoices):
    LEFT = "left", _("Left")
    RIGHT = "right", _("Right")
    BOTH = "both", _("Both")


MAX_MILK_VOLUME_ML = Decimal(1500)


class Measurement(BaseModel):
    """An append-only observation of one kind. Milk-volume fields are blank for other kinds.
    `district` is copied from the mother's posyandu so the table can be partitioned by area."""

    mother = models.ForeignKey(
        Mother, verbose_name=_("mother"), on_delete=models.CASCADE, related_name="measurements"
    )
    district = models.ForeignKey(
        "regions.Area", verbose_name=_("district"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MeasurementKind.choices)
    measured_at = models.DateTimeField(_("measured at"))
    value = models.DecimalField(_("value"), max_digits=8, decimal_places=1)
    method = models.CharField(_("method"), max_length=20, choices=MilkMethod.choices, blank=True)
    basis = models.CharField(_("basis"), max_length=20, choices=MilkBasis.choices, blank=True)
    phase = models.CharField(_("phase"), max_length=8, choices=MilkPhase.choices, blank=True)
    side = models.CharField(_("breast side"), max_length=8, choices=BreastSide.choices, blank=True)
    expression_minutes = models.PositiveSmallIntegerField(
        _("expression duration (min)"), null=True, blank=True
    )
    minutes_since_feed = models.PositiveIntegerField(
        _("minutes since last feed"), null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["measured_at"]
        indexes = [models.Index(fields=["mother", "kind", "measured_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="measurement_value_not_negative",
                violation_error_message=_("A measurement cannot be negative."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=MeasurementKind.MILK_VOLUME) | Q(value__lte=MAX_MILK_VOLUME_ML),
                name="measurement_milk_volume_at_most_1500_ml",
                violation_error_message=_("A milk volume above 1500 ml is not plausible."),
            ),
            models.CheckConstraint(
                condition=Q(kind=MeasurementKind.MILK_VOLUME)
                | (Q(method="") & Q(basis="") & Q(phase="") & Q(side="")),
                name="measurement_milk_fields_only_on_milk",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=MeasurementKind.values), name="measurement_kind_is_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"
