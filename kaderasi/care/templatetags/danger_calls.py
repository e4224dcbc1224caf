"""`{% danger_calls mother as calls %}`: whom the cadre calls about a danger sign."""

from django import template

from kaderasi.care.danger_calls import DangerCalls, danger_calls_for

register = template.Library()


@register.simple_tag
def danger_calls(mother) -> DangerCalls:
    return danger_calls_for(mother)
