"""A mother's name as the viewer may see it: her code for a district office whose programme has
not granted it names (data minimisation, decision 0122)."""

from django import template

from kaderasi.care.selectors import mother_identified_to

register = template.Library()


@register.filter
def name_for(mother, user) -> str:
    return mother.name if mother_identified_to(user, mother) else mother.code


@register.filter
def identified_to(mother, user) -> bool:
    """Whether `user` may see who `mother` is, and so open her pages (a district office sees
    codes only, and no link to a page that would answer 404)."""
    return mother_identified_to(user, mother)
