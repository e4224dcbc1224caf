"""Writes to the area tree."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from kaderasi.core.errors import DomainError
from kaderasi.regions.errors import AreaErrorCode
from kaderasi.regions.models import LEVEL_ORDER, LEVEL_WORDS, Area, parent_level_of
from kaderasi.regions.official import data_version, official_areas, official_code


def area_validate(*, name: str, level: str, parent: Area | None, code: str, instance=None) -> None:
    """Raise DomainError (with the offending field) if the area would break a tree rule."""
    expected = parent_level_of(level)
    if (expected is None) != (parent is None) or (parent is not None and parent.level != expected):
        raise DomainError(
            AreaErrorCode.WRONG_PARENT_LEVEL,
            _("A %(level)s must hang under a %(parent)s.")
            % {"level": level, "parent": expected or "-"}
            if expected
            else _("A province has no parent area."),
            field="parent",
        )
    others = Area.objects.exclude(pk=instance.pk) if instance and instance.pk else Area.objects
    if code and others.filter(code=code).exists():
        raise DomainError(
            AreaErrorCode.DUPLICATE_CODE,
            _("Another area already has the official code %(code)s.") % {"code": code},
            field="code",
        )
    if others.filter(parent=parent, name__iexact=name).exists():
        raise DomainError(
            AreaErrorCode.DUPLICATE_NAME,
            _("%(parent)s already has an area named %(name)s.")
            % {"parent": parent or _("The country"), "name": name},
            field="name",
        )


@transaction.atomic
def area_save(*, area: Area) -> Area:
    """Validate and save `area`, keeping its path and its descendants' paths consistent."""
    area_validate(
        name=area.name, level=area.level, parent=area.parent, code=area.code, instance=area
    )
    old_path = area.path
    area.save()
    new_path = f"{area.parent.path if area.parent else '/'}{area.pk}/"
    if new_path != old_path:
        Area.objects.filter(pk=area.pk).update(path=new_path)
        area.path = new_path
        if old_path:
            for descendant in Area.objects.filter(path__startswith=old_path).exclude(pk=area.pk):
                descendant.path = new_path + descendant.path[len(old_path) :]
                descendant.save(update_fields=["path"])
    return area


def area_create(*, name: str, level: str, parent: Area | None = None, code: str = "") -> Area:
    return area_save(area=Area(name=name, level=level, parent=parent, code=code))


def area_get_or_create(
    *, name: str, level: str, parent: Area | None = None, code: str = ""
) -> Area:
    """The area of that name under `parent`, created if missing (idempotent for seeding/imports)."""
    existing = Area.objects.filter(parent=parent, name__iexact=name, level=level).first()
    return existing or area_create(name=name, level=level, parent=parent, code=code)


@dataclass(frozen=True)
class OfficialLoad:
    """What `official_areas_load` did: areas created, hand-made areas that got their official
    code (matched by name under the same parent), and areas already there with their code."""

    created: int
    adopted: int
    unchanged: int


def _bare_name(name: str, level: str) -> str:
    """A name without its level's word, case folded: "Kecamatan Wedi" and "Wedi" are one."""
    words = " ".join(name.split()).casefold()
    for word in LEVEL_WORDS.get(level, ()):
        if words.startswith(word + " "):
            return words[len(word) + 1 :]
    return words


@transaction.atomic
def official_areas_load(*, within: str | None = None) -> OfficialLoad:
    """Load Kemendagri's areas in or under the code `within` (a province "33", a regency, a
    district or a village; everything when None) and the ancestors above it, keeping each
    official code. Idempotent: an area that already carries its code is left as it is; a
    hand-made area without a code whose name matches under the same parent ("Kecamatan Wedi"
    for "Wedi") is given the code instead of a twin. A village sharing its name with another of
    the same district (a desa and a kelurahan) is named "<name> (<code>)". Bulk writes: a
    province of 8,500 villages is a few dozen queries."""
    code = official_code(within) if within else None
    if within and code is None:
        raise DomainError(
            AreaErrorCode.UNKNOWN_OFFICIAL_CODE,
            _("“%(code)s” is not a Kemendagri code (for example 33 or 33.10.03).")
            % {"code": within},
            field="code",
        )
    rows = list(official_areas(within=code))
    if code and not any(row.code == code for row in rows):
        raise DomainError(
            AreaErrorCode.UNKNOWN_OFFICIAL_CODE,
            _("There is no area with the Kemendagri code %(code)s in %(data)s.")
            % {"code": code, "data": data_version()},
            field="code",
        )
    by_code = {area.code: area for area in Area.objects.filter(code__in={r.code for r in rows})}
    created = adopted = unchanged = 0
    for level in LEVEL_ORDER[:-1]:
        wanted = [row for row in rows if row.level == level]
        parent_ids = {by_code[row.parent_code].pk for row in wanted if row.parent_code}
        siblings = (
            Area.objects.filter(level=level, parent_id__in=parent_ids)
            if parent_ids
            else Area.objects.filter(level=level, parent__isnull=True)
        )
        taken = set()
        uncoded: dict[tuple[int | None, str], Area] = {}
        for area in siblings:
            taken.add((area.parent_id, area.name.casefold()))
            if not area.code:
                uncoded.setdefault((area.parent_id, _bare_name(area.name, level)), area)
        new: list[Area] = []
        newly_coded: list[Area] = []
        for row in wanted:
            if row.code in by_code:
                unchanged += 1
                continue
            parent = by_code[row.parent_code] if row.parent_code else None
            parent_id = parent.pk if parent else None
            match = uncoded.pop((parent_id, _bare_name(row.name, level)), None)
            if match is not None:
                match.code = row.code
                newly_coded.append(match)
                by_code[row.code] = match
                continue
            name = row.name
            if (parent_id, name.casefold()) in taken:
                name = f"{row.name} ({row.code})"
            taken.add((parent_id, name.casefold()))
            new.append(Area(name=name, level=level, parent=parent, code=row.code))
        Area.objects.bulk_update(newly_coded, ["code"], batch_size=500)
        Area.objects.bulk_create(new, batch_size=500)
        for area in new:
            area.path = f"{area.parent.path if area.parent else '/'}{area.pk}/"
            by_code[area.code] = area
        Area.objects.bulk_update(new, ["path"], batch_size=500)
        created += len(new)
        adopted += len(newly_coded)
    return OfficialLoad(created=created, adopted=adopted, unchanged=unchanged)
