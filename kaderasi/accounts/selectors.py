"""The areas a user's scope covers."""

from django.db.models import QuerySet, prefetch_related_objects

from kaderasi.accounts.models import Role, User
from kaderasi.regions.models import Area


def scope_areas_of(user: User) -> list[Area]:
    """The areas whose subtree `user` may see: her own areas, plus for a coordinator the areas of
    the programmes whose team she is on. An admin's scope is everything (callers check
    `sees_everything` first)."""
    areas = list(user.areas.all())
    if user.role == Role.COORDINATOR:
        from kaderasi.programmes.models import Programme

        areas += [p.area for p in Programme.objects.filter(team=user).select_related("area")]
    return areas


def areas_prefetch(user: User) -> None:
    """Read `user`'s own areas once: every later `user.areas.all()` of this instance (the scope,
    the programmes she sees, the filters' choices, the base page's counts) is answered from it.
    For a page that asks about her scope several times; the instance lives for one request."""
    if user.is_authenticated and not sees_everything(user):
        prefetch_related_objects([user], "areas")


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
