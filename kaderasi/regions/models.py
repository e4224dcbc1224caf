"""Indonesia's administrative tree, down to the posyandu: the unit every scope hangs on."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaderasi.core.models import BaseModel


class AreaLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    REGENCY = "regency", _("Regency / city")
    DISTRICT = "district", _("District (kecamatan)")
    VILLAGE = "village", _("Village (desa/kelurahan)")
    POSYANDU = "posyandu", _("Posyandu")


LEVEL_ORDER = [level.value for level in AreaLevel]

# The words an official Indonesian name may already start with at each level ("Kabupaten Klaten",
# "Kota Yogyakarta", "Kelurahan Sendangadi"): such a name needs no level in front of it.
LEVEL_WORDS = {
    AreaLevel.PROVINCE: ("provinsi",),
    AreaLevel.REGENCY: ("kabupaten", "kab.", "kota"),
    AreaLevel.DISTRICT: ("kecamatan", "kec.", "distrik"),
    AreaLevel.VILLAGE: ("desa", "kelurahan", "nagari", "gampong"),
    AreaLevel.POSYANDU: ("posyandu",),
}


def parent_level_of(level: str) -> str | None:
    """The level an area of `level` hangs under (None for a province)."""
    index = LEVEL_ORDER.index(level)
    return LEVEL_ORDER[index - 1] if index else None


class Area(BaseModel):
    """One node of the tree. `path` lists the ids from the province down ("/3/17/42/"), so that
    "everything under this area" is one indexed prefix query; services keep it up to date."""

    name = models.CharField(_("name"), max_length=120)
    level = models.CharField(_("level"), max_length=16, choices=AreaLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    code = models.CharField(
        _("official code"),
        max_length=32,
        blank=True,
        help_text=_("Kemendagri code, e.g. 33.10.06.2001; optional but unique when given."),
    )
    path = models.CharField(_("path"), max_length=255, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=~Q(code=""),
                name="area_code_unique_when_given",
                violation_error_message=_("Another area already has this official code."),
            ),
            models.UniqueConstraint(
                fields=["parent", "name"],
                name="area_name_unique_in_parent",
                violation_error_message=_("The parent area already has an area with this name."),
            ),
            models.CheckConstraint(
                condition=(Q(level=AreaLevel.PROVINCE) & Q(parent__isnull=True))
                | (~Q(level=AreaLevel.PROVINCE) & Q(parent__isnull=False)),
                name="area_only_provinces_have_no_parent",
            ),
            models.CheckConstraint(condition=Q(level__in=LEVEL_ORDER), name="area_level_is_known"),
        ]

    def __str__(self) -> str:
        """ "Kecamatan Wedi", never "Kecamatan Kecamatan Wedi": a name that already starts with
        its level's word is shown as it is, any other gets the level in front."""
        first_word = self.name.split(" ", 1)[0].lower()
        if first_word in LEVEL_WORDS.get(self.level, ()):
            return self.name
        return f"{self.get_level_display()} {self.name}"
