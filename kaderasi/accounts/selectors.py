"""The areas a user's scope covers."""

from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from kaderasi.accounts.models import Role, User
from kaderasi.regions.models import Area


def scope_areas_of(user: User) -> list[Area]:
    """The areas whose subtree `user` may see: her own areas, plus for a coordinator the areas of
    the programmes whose team she is on. An admin's scope is everything (callers check
    `sees_everything` first)."""
    areas = list(user.areas.all())
    if user.role == Role.COORDINATOR:
        areas += [programme.area for programme in _team_programmes(user)]
    return areas


def _team_programmes(user: User):
    """The programmes whose team `user` is on, with their areas: the ones `areas_prefetch` read
    for this instance, else one query."""
    if "programmes" in getattr(user, "_prefetched_objects_cache", {}):
        return user.programmes.all()
    return user.programmes.select_related("area")


def areas_prefetch(user: User) -> None:
    """Read `user`'s own areas once, and a coordinator's team programmes with their areas: every
    later `user.areas.all()` and `scope_areas_of(user)` of this instance (the scope, the
    programmes she sees, the filters' choices, which day flows serve her page, the base page's
    counts) is answered from it. For a page that asks about her scope several times; the
    instance lives for one request."""
    if not user.is_authenticated or sees_everything(user):
        return
    prefetch_related_objects([user], "areas")
    if user.role == Role.COORDINATOR:
        from kaderasi.programmes.models import Programme

        prefetch_related_objects(
            [user], Prefetch("programmes", queryset=Programme.objects.select_related("area"))
        )


def sees_everything(user: User) -> bool:
    return user.is_superuser or user.role == Role.ADMIN


def users_visible_to(user: User) -> QuerySet[User]:
    if sees_everything(user):
        return User.objects.all()
    return User.objects.filter(pk=user.pk)


def staff_within_scope_of(user: User) -> QuerySet[User]:
    """The users who cover an area in or under `user`'s scope (everyone, for an admin): the
    staff an export by `user` may name. A midwife of a neighbouring village, or one whose area
    lies above the scope (a whole district, for a village midwife), is not among them."""
    if sees_everything(user):
        return User.objects.all()
    from kaderasi.regions.selectors import within_areas_q

    return User.objects.filter(within_areas_q(scope_areas_of(user), lookup="areas")).distinct()
