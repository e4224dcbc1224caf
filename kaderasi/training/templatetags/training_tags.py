"""Template helpers of the training pages: bilingual content, p-values, and the small panels
the programme page and the cadre's home page include."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from kaderasi.core import clock, numbers
from kaderasi.core.policies import Permission, can
from kaderasi.training.booklets import illustration_svg
from kaderasi.training.models import Booklet
from kaderasi.training.selectors import (
    cadres_of,
    certification_by_programme,
    open_tests_for,
    trainings_visible_to,
)

register = template.Library()


@register.filter
def localized(content, name: str) -> str:
    """`{{ question|localized:"text" }}`: the text in the active language (Indonesian when the
    English text is missing)."""
    return content.localized(name) if content is not None else ""


@register.filter
def pvalue(value) -> str:
    """A p-value as `core.numbers.p_value` writes it (the one format of every page and export)."""
    return numbers.p_value(value)


@register.filter
def p_statement(value) -> str:
    """'p = 0.253', 'p < 0.001' or 'p —' (`core.numbers.p_statement`)."""
    return numbers.p_statement(value)


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.inclusion_tag("training/programme_panel.html", takes_context=True)
def programme_training_panel(context, programme):
    user = context["user"]
    return {
        "programme": programme,
        "trainings": trainings_visible_to(user).filter(programme=programme).order_by("-starts_at"),
        "can_view": can(user, Permission.VIEW_TRAINING),
        "can_manage": can(user, Permission.MANAGE_TRAINING),
        "booklet": Booklet.objects.order_by("code", "-version").first(),
    }


@register.inclusion_tag("training/cadre_panel.html", takes_context=True)
def cadre_training_panel(context):
    """The cadre's tests open now and her certification in each of her programmes (decision
    0030: one login, a row per programme), the one valid today first."""
    cadres = cadres_of(context["user"])
    if not cadres:
        return {"cadres": None}
    return {
        "cadres": cadres,
        "open_tests": open_tests_for(cadres),
        "certification": certification_by_programme(cadres, on=clock.today()),
    }


@register.filter
def illustration(name: str) -> SafeString:
    """`{{ "hand-placement"|illustration }}`: one of kaderasi's own SVG drawings, inline."""
    return mark_safe(illustration_svg(name) or "")  # noqa: S308 - shipped files, not input
