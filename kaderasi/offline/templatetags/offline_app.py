"""`{% offline_config %}`: what the offline app's script needs to know on every page; its texts
come from one shared script (`{% offline_strings_url %}`, kaderasi/offline/app_strings.py)."""

import json

from django import template
from django.urls import reverse
from django.utils.html import json_script

from kaderasi.core.decimals import NUMBER_PROBLEM_MESSAGES
from kaderasi.core.number_fields import RANGE_MESSAGE
from kaderasi.offline import shell

register = template.Library()


@register.simple_tag(takes_context=True)
def offline_config(context) -> str:
    """A <script type="application/json" id="kaderasi-offline"> block for offline.js."""
    user = context.get("user")
    signed_in = bool(user and user.is_authenticated)
    config = {
        "user": user.username if signed_in else None,
        "role": user.role if signed_in else None,
        "service_worker": shell.service_worker_url(),
        "shell_version": shell.shell_version(),
        "push": reverse("api:sync-push"),
        "pull": reverse("api:sync-pull"),
        "home": reverse("home"),
        "outbox": reverse("offline:outbox"),
        "login": reverse("login"),
        "logout": reverse("logout"),
        "mother_pages": shell.mother_page_patterns(),
        "kept_pages": shell.kept_page_urls(),
        "conflicts": {
            "count": context.get("open_conflicts", 0),
            "url": reverse("api-conflicts"),
        },
    }
    return json_script(json.loads(json.dumps(config)), "kaderasi-offline")


@register.simple_tag
def offline_strings_url() -> str:
    """The offline app's texts in the page's language (a script offline.js reads): one small
    file every kept page shares, instead of a copy inside each page."""
    return shell.strings_url()


@register.simple_tag
def number_messages() -> str:
    """A <script type="application/json" id="kaderasi-number-messages"> block for a record form
    with typed numbers: the server's reasons for refusing one (core/decimals.py, and the range
    check's wording), which offline.js shows before queueing. Only on those forms, so the pages
    without numbers stay light."""
    messages = {
        "numbers": {str(reason): str(text) for reason, text in NUMBER_PROBLEM_MESSAGES.items()},
        "range": str(RANGE_MESSAGE),
    }
    return json_script(messages, "kaderasi-number-messages")
