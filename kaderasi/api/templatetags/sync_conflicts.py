"""`{% open_conflict_count %}`: how many sync conflicts wait for the user (0 for roles that do not
resolve them). Templates load it by name, so no code outside the api app imports it."""

from django import template

from kaderasi.api.models import ConflictStatus
from kaderasi.api.registry import conflicts_visible_to
from kaderasi.core.policies import Permission, can

register = template.Library()


@register.simple_tag(takes_context=True)
def open_conflict_count(context) -> int:
    user = context.get("user")
    if user is None or not can(user, Permission.REGISTER_MOTHER):
        return 0
    return conflicts_visible_to(user).filter(status=ConflictStatus.OPEN).count()
