"""Placing imported cadres and mothers on the area tree under the programme's area.

Village and posyandu names are matched loosely (case, spaces and the usual prefixes such as
"Desa" or "Posyandu" do not matter), because field spreadsheets write "Mawar" as often as
"Posyandu Mawar". Villages must already exist (they are official units; a typo must not create
one); a posyandu that does not exist yet is created under its village.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from kaderasi.interop.errors import InteropErrorCode
from kaderasi.regions.models import Area, AreaLevel
from kaderasi.regions.official import official_code
from kaderasi.regions.selectors import area_has_code, areas_under
from kaderasi.regions.services import area_get_or_create

PREFIXES = {
    AreaLevel.VILLAGE: ("desa", "kelurahan", "kel.", "kel", "ds.", "ds"),
    AreaLevel.POSYANDU: ("posyandu", "pos"),
}


def normalise_name(name: str, level: str) -> str:
    words = re.sub(r"\s+", " ", name.strip().casefold())
    for prefix in PREFIXES.get(level, ()):
        if words.startswith(prefix + " "):
            return words[len(prefix) + 1 :].strip()
    return words


@dataclass(frozen=True)
class PosyanduTarget:
    """Where a cadre or mother goes: an existing posyandu, or one to create under `village`."""

    village: Area
    name: str
    existing: Area | None = None

    @property
    def key(self) -> tuple[int, str]:
        return (self.village.pk, normalise_name(self.name, AreaLevel.POSYANDU))


@dataclass(frozen=True)
class AreaProblem:
    code: InteropErrorCode
    message: str
    column: str


def unrecorded_posyandu_name() -> str:
    # Area names are data in the site's language, whatever language the importer reads.
    with translation.override(settings.LANGUAGE_CODE):
        return _("Posyandu not recorded")


class AreaResolver:
    """Resolves (village, posyandu) names under one programme area, read in one query."""

    def __init__(self, programme_area: Area):
        self.area = programme_area
        below = list(areas_under([programme_area]).exclude(pk=programme_area.pk))
        self.villages = [area for area in below if area.level == AreaLevel.VILLAGE]
        if programme_area.level == AreaLevel.VILLAGE:
            self.villages = [programme_area]
        self.posyandus = [area for area in below if area.level == AreaLevel.POSYANDU]
        self._created: dict[tuple[int, str], Area] = {}

    def resolve(self, *, village: str | None, posyandu: str | None) -> PosyanduTarget | AreaProblem:
        if self.area.level == AreaLevel.POSYANDU:
            return self._inside_posyandu(village, posyandu)
        village_area: Area | None = None
        if village:
            # A village is named by its Kemendagri code (33.10.03.2014) or by its name.
            matches = [
                area
                for area in self.villages
                if area_has_code(area, village)
                or normalise_name(area.name, AreaLevel.VILLAGE)
                == normalise_name(village, AreaLevel.VILLAGE)
            ]
            if not matches and self.area.level == AreaLevel.VILLAGE:
                return AreaProblem(
                    InteropErrorCode.AREA_OUTSIDE_PROGRAMME,
                    _("The programme covers only %(area)s, not the village “%(village)s”.")
                    % {"village": village, "area": self.area.name},
                    "village",
                )
            if not matches:
                return AreaProblem(
                    InteropErrorCode.VILLAGE_NOT_FOUND,
                    _("There is no village named “%(village)s” in %(area)s.")
                    % {"village": village, "area": self.area.name},
                    "village",
                )
            if len(matches) > 1:
                return AreaProblem(
                    InteropErrorCode.AREA_AMBIGUOUS,
                    _("Several villages in %(area)s are named “%(village)s”.")
                    % {"village": village, "area": self.area.name},
                    "village",
                )
            village_area = matches[0]
        elif len(self.villages) == 1:
            village_area = self.villages[0]
        if posyandu:
            candidates = [
                area
                for area in self.posyandus
                if (
                    area_has_code(area, posyandu)
                    or normalise_name(area.name, AreaLevel.POSYANDU)
                    == normalise_name(posyandu, AreaLevel.POSYANDU)
                )
                and (village_area is None or area.parent_id == village_area.pk)
            ]
            if len(candidates) == 1:
                return PosyanduTarget(
                    village=village_area or candidates[0].parent,
                    name=candidates[0].name,
                    existing=candidates[0],
                )
            if len(candidates) > 1:
                return AreaProblem(
                    InteropErrorCode.AREA_AMBIGUOUS,
                    _("Several villages have a posyandu named “%(posyandu)s”: fill in the village.")
                    % {"posyandu": posyandu},
                    "village",
                )
            if village_area is None:
                return AreaProblem(
                    InteropErrorCode.VILLAGE_REQUIRED,
                    _(
                        "There is no posyandu named “%(posyandu)s” in %(area)s yet: fill in its "
                        "village so that it can be created there."
                    )
                    % {"posyandu": posyandu, "area": self.area.name},
                    "village",
                )
            return PosyanduTarget(village=village_area, name=posyandu)
        if village_area is None:
            return AreaProblem(
                InteropErrorCode.VILLAGE_REQUIRED,
                _("%(area)s has several villages: fill in the village and the posyandu.")
                % {"area": self.area.name},
                "village",
            )
        return self.unrecorded(village_area)

    def default_target(self) -> PosyanduTarget | None:
        """Where someone without a stated posyandu goes, when the programme area says so
        unambiguously (a posyandu, or a single village); None otherwise."""
        if self.area.level == AreaLevel.POSYANDU:
            return PosyanduTarget(village=self.area.parent, name=self.area.name, existing=self.area)
        if len(self.villages) == 1:
            return self.unrecorded(self.villages[0])
        return None

    def unrecorded(self, village: Area) -> PosyanduTarget:
        name = unrecorded_posyandu_name()
        existing = next(
            (
                area
                for area in self.posyandus
                if area.parent_id == village.pk
                and normalise_name(area.name, AreaLevel.POSYANDU)
                == normalise_name(name, AreaLevel.POSYANDU)
            ),
            None,
        )
        return PosyanduTarget(village=village, name=name, existing=existing)

    def _inside_posyandu(
        self, village: str | None, posyandu: str | None
    ) -> PosyanduTarget | AreaProblem:
        own = self.area
        parent = own.parent
        if posyandu and normalise_name(posyandu, AreaLevel.POSYANDU) != normalise_name(
            own.name, AreaLevel.POSYANDU
        ):
            return AreaProblem(
                InteropErrorCode.AREA_OUTSIDE_PROGRAMME,
                _("The programme covers only %(area)s, not posyandu “%(posyandu)s”.")
                % {"area": own.name, "posyandu": posyandu},
                "posyandu",
            )
        if village and normalise_name(village, AreaLevel.VILLAGE) != normalise_name(
            parent.name, AreaLevel.VILLAGE
        ):
            return AreaProblem(
                InteropErrorCode.AREA_OUTSIDE_PROGRAMME,
                _("The programme covers only %(area)s in %(parent)s, not village “%(village)s”.")
                % {"area": own.name, "parent": parent.name, "village": village},
                "village",
            )
        return PosyanduTarget(village=parent, name=own.name, existing=own)

    def area_for(self, target: PosyanduTarget) -> Area:
        """The posyandu of `target`, created under its village on first use (write phase)."""
        if target.existing is not None:
            return target.existing
        if target.key not in self._created:
            self._created[target.key] = area_get_or_create(
                name=target.name, level=AreaLevel.POSYANDU, parent=target.village
            )
        return self._created[target.key]


PATH_SEPARATORS = re.compile(r"\s*(?:/|›|>)\s*")


def area_from_reference(reference: str) -> Area | None:
    """The area named by `reference`: its official code ("33.10.06"), or the path of names from
    the province down ("Jawa Tengah / Kabupaten Klaten / Kecamatan Wedi"). None if there is no
    such area, or the path is ambiguous."""
    text = (reference or "").strip()
    if not text:
        return None
    by_code = Area.objects.filter(code=official_code(text) or text).first()
    if by_code is not None:
        return by_code
    names = [name.casefold() for name in PATH_SEPARATORS.split(text) if name]
    candidates = [area for area in Area.objects.filter(parent__isnull=True)]
    found: Area | None = None
    for name in names:
        matches = [area for area in candidates if area.name.casefold() == name]
        if len(matches) != 1:
            return None
        found = matches[0]
        candidates = list(found.children.all())
    return found


def area_path(area: Area) -> str:
    """The names from the province down to `area`, as `area_from_reference` reads them."""
    ids = [int(part) for part in area.path.strip("/").split("/") if part]
    chain = {row.pk: row for row in Area.objects.filter(pk__in=ids)}
    return " / ".join(chain[pk].name for pk in ids)
