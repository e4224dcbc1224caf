"""Programmes a user may see."""

from django.db.models import Q, QuerySet

from kaderasi.accounts.models import Role, User
from kaderasi.accounts.selectors import sees_everything
from kaderasi.cadres.selectors import cadres_of_login
from kaderasi.programmes.models import Programme
from kaderasi.regions.selectors import within_areas_q


def programmes_visible_to(user: User) -> QuerySet[Programme]:
    """Admin: all. Coordinator: her team's programmes and those in her areas. Midwife and district
    office: programmes whose area overlaps hers (either contains the other). Cadre: programmes she
    is a cadre of."""
    if not user.is_authenticated:
        return Programme.objects.none()
    if sees_everything(user):
        return Programme.objects.all()
    if user.role == Role.CADRE:
        return Programme.objects.filter(pk__in=cadres_of_login(user).values("programme_id"))
    own = list(user.areas.all())
    overlap = within_areas_q(own, lookup="area")
    for area in own:
        # A programme run for the whole district covers a midwife's village too.
        ancestor_ids = [int(part) for part in area.path.strip("/").split("/") if part]
        overlap |= Q(area_id__in=ancestor_ids)
    if user.role == Role.COORDINATOR:
        overlap |= Q(team=user)
    return Programme.objects.filter(overlap).distinct()
