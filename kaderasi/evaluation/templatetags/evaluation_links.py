"""The block of links a programme page shows to its evaluation, import and export."""

from django import template

from kaderasi.core.policies import Permission, can

register = template.Library()


@register.inclusion_tag("evaluation/programme_links_block.html", takes_context=True)
def programme_links(context, programme):
    user = context["request"].user
    return {
        "programme": programme,
        "can_view_evaluation": can(user, Permission.VIEW_EVALUATION),
        "can_import": can(user, Permission.IMPORT_PROGRAMME),
        "can_export": can(user, Permission.EXPORT_PROGRAMME),
    }
