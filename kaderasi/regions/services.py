"""Writes to the area tree."""

from django.db import transaction
from django.utils.translation import gettext as _

from kaderasi.core.errors import DomainError
from kaderasi.regions.errors import AreaErrorCode
from kaderasi.regions.models import Area, parent_level_of


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
