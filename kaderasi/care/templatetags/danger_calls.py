"""`{% danger_calls mother as calls %}`: whom the cadre calls about a danger sign."""

from django import template

from kaderasi.care.danger_calls import DangerCalls, DangerSummary, danger_calls_for
from kaderasi.care.danger_calls import danger_summaries as summaries_of

register = template.Library()


@register.simple_tag
def danger_calls(mother) -> DangerCalls:
    return danger_calls_for(mother)


@register.simple_tag
def danger_summaries(referrals) -> dict[int, DangerSummary]:
    """`{% danger_summaries referrals as summaries %}`: the signs of each danger-sign referral."""
    return summaries_of(referrals)


@register.filter
def summary_for(summaries: dict, referral) -> DangerSummary | None:
    return summaries.get(referral.pk)
