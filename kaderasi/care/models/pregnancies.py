"""Pregnancy, delivery and infant."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaderasi.care.models.mothers import Mother
from kaderasi.core.models import BaseModel


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


class BirthOutcome(models.TextChoices):
    """An outcome that ends the accompaniment: the massage schedule and its reminders stop."""

    STILLBIRTH = "stillbirth", _("Stillbirth")
    NEONATAL_DEATH = "neonatal_death", _("Death of the baby")
    INTENSIVE_CARE = "intensive_care", _("Baby in intensive care (NICU/perinatology)")


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
    gestational_age_weeks = models.PositiveSmallIntegerField(
        _("gestational age at birth (completed weeks)"),
        null=True,
        blank=True,
        help_text=_("As the midwife assessed it; when empty it is derived from the HPHT or HPL."),
    )
    first_postnatal_check_at = models.DateTimeField(
        _("midwife's first postnatal check (KF1)"), null=True, blank=True
    )
    birth_outcome = models.CharField(
        _("birth outcome"), max_length=20, choices=BirthOutcome.choices, blank=True
    )
    birth_outcome_at = models.DateTimeField(_("birth outcome known at"), null=True, blank=True)
    milk_came_in_at = models.DateTimeField(
        _("milk came in (breasts full, milk leaking)"), null=True, blank=True
    )
    milk_not_in_at = models.DateTimeField(
        _("last asked: milk not yet come in"), null=True, blank=True
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
            models.CheckConstraint(
                condition=Q(gestational_age_weeks__isnull=True)
                | (Q(gestational_age_weeks__gte=22) & Q(gestational_age_weeks__lte=44)),
                name="delivery_gestational_age_22_to_44_weeks",
                violation_error_message=_("A gestational age at birth must be 22 to 44 weeks."),
            ),
            models.CheckConstraint(
                condition=(Q(birth_outcome="") & Q(birth_outcome_at__isnull=True))
                | (Q(birth_outcome__in=BirthOutcome.values) & Q(birth_outcome_at__isnull=False)),
                name="delivery_birth_outcome_with_time",
                violation_error_message=_("A birth outcome needs the time it became known."),
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
