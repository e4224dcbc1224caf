"""Mothers: identity and study group."""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaderasi.core.field_crypto import EncryptedTextField, LookupHashField
from kaderasi.core.models import BaseModel
from kaderasi.core.phones import PhoneNumberField, phone_hash_field

# The `kind` of a NIK's lookup hash.
NIK = "nik"

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
    # Encrypted at rest; found again through nik_hash / phone_hash (core.field_crypto).
    nik = EncryptedTextField(
        _("NIK"),
        plain_max_length=16,
        blank=True,
        validators=[nik_validator],
        help_text=_("Optional. 16-digit national identity number; shown masked."),
    )
    phone = PhoneNumberField(_("phone number"), blank=True)
    nik_hash = LookupHashField(source="nik", kind=NIK)
    phone_hash = phone_hash_field()
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
    # Set when her identity was erased, on her request or after the programme's retention
    # (kaderasi.privacy): name, NIK, phone and birth date are gone, her records stay under her code.
    pseudonymised_at = models.DateTimeField(_("identity erased at"), null=True, blank=True)

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
