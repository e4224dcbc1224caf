"""Cadres a user may see."""

from django.db.models import Q, QuerySet

from kaderasi.accounts.models import Role, User
from kaderasi.accounts.selectors import scope_areas_of, sees_everything
from kaderasi.cadres.models import Cadre
from kaderasi.regions.selectors import within_areas_q


def cadres_of_login(user: User) -> QuerySet[Cadre]:
    """The cadre rows `user` acts for: the row holding her login and her rows in other programmes
    that point at it (`same_person_as`)."""
    if not user.is_authenticated:
        return Cadre.objects.none()
    return Cadre.objects.filter(Q(user=user) | Q(same_person_as__user=user))


def cadres_visible_to(user: User) -> QuerySet[Cadre]:
    """Admin: all. Cadre: herself (her rows in every programme). Others: cadres whose posyandu
    lies in their scope; a coordinator also sees every cadre of her team's programmes."""
    if not user.is_authenticated:
        return Cadre.objects.none()
    if sees_everything(user):
        return Cadre.objects.all()
    if user.role == Role.CADRE:
        return cadres_of_login(user)
    condition = within_areas_q(scope_areas_of(user), lookup="posyandu")
    if user.role == Role.COORDINATOR:
        condition |= Q(programme__team=user)
    return Cadre.objects.filter(condition).distinct()
