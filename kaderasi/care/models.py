"""Mothers, their pregnancy, delivery and infant; pairings with cadres; measurements.

Postpartum day and gestational age are derived from the stored times (see `timing.py`), never
stored. Measurements are append-only events.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaderasi.core.models import BaseModel
from kaderasi.core.phones import PhoneNumberField

nik_validator = RegexValidator(r"^\d{16}$", _("A NIK has exactly 16 digits."), code="invalid_nik")


class StudyGroup(models.TextChoices):
    INTERVENTION = "intervention", _("Intervention")
    COMPARISON = "comparison", _("Comparison")


class Mother(BaseModel):
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="mothers",
    )
    code = models.CharField(
        _("code"), max_length=32, help_text=_("The programme's code, e.g. M01.")
    )
    name = models.CharField(_("name"), max_length=120)
    nik = models.CharField(
        _("NIK"),
        max_length=16,
        blank=True,
        validators=[nik_validator],
        help_text=_("Optional. 16-digit national identity number; shown masked."),
    )
    phone = PhoneNumberField(_("phone number"), blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    posyandu = models.ForeignKey(
        "regions.Area",
        verbose_name=_("posyandu"),
        on_delete=models.PROTECT,
        related_name="mothers",
        limit_choices_to={"level": "posyandu"},
    )
    group = models.CharField(
        _("study group"), max_length=16, choices=StudyGroup.choices, default=StudyGroup.INTERVENTION
    )

    class Meta:
        verbose_name = _("mother")
        verbose_name_plural = _("mothers")
        ordering = ["programme", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "code"],
                name="mother_code_unique_in_programme",
                violation_error_message=_(
                    "Another mother of this programme already has this code."
                ),
            ),
            models.CheckConstraint(
                condition=Q(group__in=StudyGroup.values), name="mother_group_is_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def masked_nik(self) -> str:
        return f"************{self.nik[-4:]}" if self.nik else ""


class Pregnancy(BaseModel):
    """At least one of LMP (HPHT) and EDD (HPL) is known; gestational age is derived from them."""

    mother = models.ForeignKey(
        Mother, verbose_name=_("mother"), on_delete=models.CASCADE, related_name="pregnancies"
    )
    last_menstrual_period = models.DateField(
        _("first day of last menstrual period (HPHT)"), null=True, blank=True
    )
    estimated_delivery_date = models.DateField(
        _("estimated delivery date (HPL)"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("pregnancy")
        verbose_name_plural = _("pregnancies")
        constraints = [
            models.CheckConstraint(
                condition=Q(last_menstrual_period__isnull=False)
                | Q(estimated_delivery_date__isnull=False),
                name="pregnancy_has_lmp_or_edd",
                violation_error_message=_(
                    "Enter the last menstrual period or the estimated delivery date."
                ),
            ),
            models.CheckConstraint(
                condition=Q(last_menstrual_period__isnull=True)
                | Q(estimated_delivery_date__isnull=True)
                | Q(estimated_delivery_date__gt=F("last_menstrual_period")),
                name="pregnancy_edd_after_lmp",
                violation_error_message=_(
                    "The estimated delivery date must come after the last menstrual period."
                ),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Pregnancy of %(mother)s") % {"mother": self.mother.code})


class DeliveryType(models.TextChoices):
    SPONTANEOUS = "spontaneous", _("Spontaneous vaginal")
    CAESAREAN = "caesarean", _("Caesarean section")


class DeliveryPlace(models.TextChoices):
    HOSPITAL = "hospital", _("Hospital")
    PUSKESMAS = "puskesmas", _("Puskesmas")
    MIDWIFE_PRACTICE = "midwife_practice", _("Midwife's practice")
    HOME = "home", pgettext_lazy("place of delivery", "Home")
    OTHER = "other", _("Other")


class Delivery(BaseModel):
    pregnancy = models.OneToOneField(
        Pregnancy, verbose_name=_("pregnancy"), on_delete=models.CASCADE, related_name="delivery"
    )
    delivered_at = models.DateTimeField(_("delivered at"))
    delivery_type = models.CharField(
        _("type of delivery"), max_length=16, choices=DeliveryType.choices, blank=True
    )
    parity = models.PositiveSmallIntegerField(
        _("parity"), null=True, blank=True, help_text=_("Number of births including this one.")
    )
    place = models.CharField(
        _("place of delivery"), max_length=20, choices=DeliveryPlace.choices, blank=True
    )
    early_initiation = models.BooleanField(
        _("early initiation of breastfeeding (IMD)"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-delivered_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(parity__isnull=True) | (Q(parity__gte=1) & Q(parity__lte=20)),
                name="delivery_parity_1_to_20",
            ),
            models.CheckConstraint(
                condition=Q(delivery_type__in=[*DeliveryType.values, ""]),
                name="delivery_type_is_known",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Delivery of %(mother)s") % {"mother": self.pregnancy.mother.code})


class InfantSex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNDETERMINED = "undetermined", _("Undetermined")


class Infant(BaseModel):
    delivery = models.ForeignKey(
        Delivery, verbose_name=_("delivery"), on_delete=models.CASCADE, related_name="infants"
    )
    sex = models.CharField(_("sex"), max_length=16, choices=InfantSex.choices)
    birth_weight_g = models.PositiveIntegerField(_("birth weight (g)"), null=True, blank=True)

    class Meta:
        verbose_name = _("infant")
        verbose_name_plural = _("infants")
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_weight_g__isnull=True)
                | (Q(birth_weight_g__gte=300) & Q(birth_weight_g__lte=6500)),
                name="infant_birth_weight_300_to_6500_g",
                violation_error_message=_("A birth weight must be between 300 and 6500 g."),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Infant of %(mother)s") % {"mother": self.delivery.pregnancy.mother.code})


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
