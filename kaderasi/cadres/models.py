"""Cadres (kader posyandu): the volunteers who are trained and accompany mothers."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaderasi.core.models import BaseModel
from kaderasi.core.phones import PhoneNumberField, phone_hash_field


class Cadre(BaseModel):
    """A cadre taking part in one programme. Her certification status is derived from her training
    records, never stored here.

    A person who takes part in several programmes has one row per programme. One of her rows holds
    her login (`user`); her rows in other programmes point at that row (`same_person_as`), so the
    one login acts for all of them (see docs/decisions/0030)."""

    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="cadres",
    )
    code = models.CharField(
        _("code"), max_length=32, help_text=_("The programme's own code for the cadre, e.g. K01.")
    )
    name = models.CharField(_("name"), max_length=120)
    posyandu = models.ForeignKey(
        "regions.Area",
        verbose_name=_("posyandu"),
        on_delete=models.PROTECT,
        related_name="cadres",
        limit_choices_to={"level": "posyandu"},
    )
    phone = PhoneNumberField(_("phone number"), blank=True)
    phone_hash = phone_hash_field()
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cadre",
    )
    same_person_as = models.ForeignKey(
        "self",
        verbose_name=_("same person as"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programme_rows",
        help_text=_(
            "For a cadre who already has a login in another programme: her row there. "
            "That login then also acts for this row."
        ),
    )

    class Meta:
        verbose_name = _("cadre")
        verbose_name_plural = _("cadres")
        ordering = ["programme", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "code"],
                name="cadre_code_unique_in_programme",
                violation_error_message=_("Another cadre of this programme already has this code."),
            ),
            models.UniqueConstraint(
                fields=["same_person_as", "programme"],
                condition=Q(same_person_as__isnull=False),
                name="cadre_one_row_per_person_and_programme",
                violation_error_message=_("This person already has a cadre row in this programme."),
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=True) | Q(same_person_as__isnull=True),
                name="cadre_login_or_same_person_not_both",
                violation_error_message=_(
                    "A cadre row either holds a login or points at the row that holds it, not both."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
