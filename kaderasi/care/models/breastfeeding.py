"""A breastfeeding observation: the LATCH score a cadre gives one feed (Jensen, Wallace & Kelsay
1994). Append-only, like the measurements; the offline client generates `public_id`."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaderasi.care.models.mothers import Mother
from kaderasi.core.models import BaseModel

# The five items of LATCH, in the order of the acronym, each scored 0, 1 or 2.
LATCH_ITEMS = ("latch", "audible_swallowing", "nipple_type", "comfort", "hold")
LATCH_ITEM_MAX = 2


class LatchObservation(BaseModel):
    """One feed observed and scored: Latch, Audible swallowing, Type of nipple, Comfort
    (breast/nipple), Hold (positioning), each 0–2; the total (0–10) is derived."""

    mother = models.ForeignKey(
        Mother,
        verbose_name=_("mother"),
        on_delete=models.CASCADE,
        related_name="latch_observations",
    )
    district = models.ForeignKey(
        "regions.Area", verbose_name=_("district"), on_delete=models.PROTECT, related_name="+"
    )
    observed_at = models.DateTimeField(_("observed at"))
    latch = models.PositiveSmallIntegerField(_("latch"))
    audible_swallowing = models.PositiveSmallIntegerField(_("audible swallowing"))
    nipple_type = models.PositiveSmallIntegerField(_("type of nipple"))
    comfort = models.PositiveSmallIntegerField(_("comfort (breast and nipple)"))
    hold = models.PositiveSmallIntegerField(_("hold (positioning)"))
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
        verbose_name = _("breastfeeding observation (LATCH)")
        verbose_name_plural = _("breastfeeding observations (LATCH)")
        ordering = ["observed_at"]
        indexes = [models.Index(fields=["mother", "observed_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"{item}__lte": LATCH_ITEM_MAX}),
                name=f"latch_{item}_0_to_2",
                violation_error_message=_("Each LATCH item is scored 0, 1 or 2."),
            )
            for item in LATCH_ITEMS
        ]

    def __str__(self) -> str:
        return f"LATCH {self.total}"

    @property
    def total(self) -> int:
        return sum(getattr(self, item) for item in LATCH_ITEMS)
