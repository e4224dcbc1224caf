"""The notice that a programme's clinical rules are proposals until a midwife approves them,
shown on the coordinator's programme page, the midwife's referral pages and the booklet."""

from django import template

from kaderasi.programmes.clinical_rules import clinical_rules_status, clinical_rules_statuses
from kaderasi.programmes.selectors import programmes_visible_to

register = template.Library()


@register.inclusion_tag("programmes/clinical_rules_notice.html")
def clinical_rules_notice(programme):
    """The approval in force for `programme`, or the notice that its rules are proposals."""
    return {"programme": programme, "status": clinical_rules_status(programme)}


@register.inclusion_tag("programmes/clinical_rules_notices.html")
def clinical_rules_notices_for(user):
    """One notice per programme the user sees whose clinical rules are not approved (nothing
    when all are)."""
    programmes = list(programmes_visible_to(user).order_by("name"))
    statuses = clinical_rules_statuses(programmes)
    pending = [programme for programme in programmes if not statuses[programme.pk].approved]
    return {"pending": pending}
