"""Reads over the area tree, and the one helper that turns a set of areas into a scope."""

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from kaderasi.regions.models import Area, AreaLevel
from kaderasi.regions.official import official_code


def within_areas_q(areas: Iterable[Area], *, lookup: str) -> Q:
    """A Q matching rows whose area lies in or under any of `areas`.

    `lookup` reaches the area from the row ("posyandu", "area"; "" for areas themselves).
    No areas → matches nothing."""
    prefix = f"{lookup}__" if lookup else ""
    condition = Q(pk__in=[])
    for area in areas:
        condition |= Q(**{f"{prefix}path__startswith": area.path})
    return condition


def areas_under(areas: Iterable[Area]) -> QuerySet[Area]:
    """Every area in or under `areas`."""
    return Area.objects.filter(within_areas_q(areas, lookup=""))


def ancestor_of_level(area: Area, level: AreaLevel) -> Area | None:
    """The ancestor of `area` (or `area` itself) at `level`, using the stored path."""
    ids = [int(part) for part in area.path.strip("/").split("/") if part]
    return Area.objects.filter(pk__in=ids, level=level).first()


def areas_visible_to(user) -> QuerySet[Area]:
    """Admin: all areas. Others: their scope's subtrees plus the ancestors above them (so a
    midwife's village can be shown with its district)."""
    from kaderasi.accounts.selectors import scope_areas_of, sees_everything

    if not user.is_authenticated:
        return Area.objects.none()
    if sees_everything(user):
        return Area.objects.all()
    scope = scope_areas_of(user)
    ancestor_ids = {int(part) for area in scope for part in area.path.strip("/").split("/") if part}
    return Area.objects.filter(within_areas_q(scope, lookup="") | Q(pk__in=ancestor_ids))


def area_has_code(area: Area, reference: str | None) -> bool:
    """Whether `reference` is `area`'s Kemendagri code, with or without its dots ("33.10.03.2014"
    or "3310032014"): how an import, the admin and the `--area` options name an area by code."""
    code = official_code(reference)
    return bool(code) and area.code == code
