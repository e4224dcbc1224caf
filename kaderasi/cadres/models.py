"""Cadres (kader posyandu): the volunteers who are trained and accompany mothers."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaderasi.core.models import BaseModel
from kaderasi.core.phones import PhoneNumberField


class Cadre(BaseModel):
    """A cadre taking part in one programme. Her certification status is derived from her training
    records, never stored here."""

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
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cadre",
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
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
