"""`{% open_conflict_count %}`: how many sync conflicts wait for the user (0 for roles that do not
resolve them)."""

from django import template

from kaderasi.sync.selectors import open_conflict_count as _open_conflict_count

register = template.Library()


@register.simple_tag(takes_context=True)
def open_conflict_count(context) -> int:
    return _open_conflict_count(context.get("user"))
