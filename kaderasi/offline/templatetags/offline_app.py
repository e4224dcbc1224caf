"""`{% offline_config %}`: what the offline app's script needs to know on every page."""

import json

from django import template
from django.urls import reverse
from django.utils.html import json_script
from django.utils.translation import gettext as _

from kaderasi.core.decimals import FIELD_PROBLEM, NUMBER_PROBLEM_MESSAGES, NumberProblem
from kaderasi.core.number_fields import RANGE_MESSAGE
from kaderasi.offline import shell

register = template.Library()


def _strings() -> dict[str, str]:
    return {
        "online": _("Online"),
        "offline": _("Offline"),
        "waiting": _("Waiting to send: %(count)s"),
        "rejected": _("Refused by the server: %(count)s"),
        "all_sent": _("Everything is sent"),
        "last_sync": _("Last sync: %(when)s"),
        "never_synced": _("Not synced yet"),
        "syncing": _("Sending…"),
        "sync_now": _("Sync now"),
        "see_outbox": _("See what waits"),
        "login_needed": _("Log in again to send your records."),
        "server_unreachable": _("The server cannot be reached; your records wait on this phone."),
        "saved_offline": _(
            "Saved on this phone. It will be sent by itself when there is a connection."
        ),
        "saved_sent": _("Saved and sent."),
        # A danger sign (offline.js dangerMessage): the emergency line first, then whether the
        # midwife can know yet; the call links follow.
        "danger_emergency": _("Take her (or the baby) to the puskesmas or hospital now."),
        "danger_sent": _(
            "Sent: the midwife sees it on her list now and gets a message. Call her now too."
        ),
        "danger_sent_review": _(
            "Sent: the midwife sees it on her list and reviews it within 24 hours."
        ),
        "danger_offline": _(
            "Saved on this phone but NOT sent yet (no signal): the midwife does not know. "
            "Call her now."
        ),
        "call_name": _("Call %(name)s"),
        "fix_errors": _("The server refused this record; correct it and save again."),
        "invalid_number": _("Enter a number."),
        # A field refused before its record is queued, named by its label (the texts for typed
        # numbers come with the forms that have them: `{% number_messages %}`).
        "field_problem": str(FIELD_PROBLEM),
        "required": str(NUMBER_PROBLEM_MESSAGES[NumberProblem.EMPTY]),
        "logout_waiting": _(
            "%(count)s record(s) have not reached the server yet. They stay on this phone and "
            "are sent when you log in again. Log out now?"
        ),
        "conflicts": _("Sync conflicts to resolve: %(count)s"),
    }


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
        "conflicts": {
            "count": context.get("open_conflicts", 0),
            "url": reverse("api-conflicts"),
        },
        "strings": _strings(),
    }
    return json_script(json.loads(json.dumps(config)), "kaderasi-offline")


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
