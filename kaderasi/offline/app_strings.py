"""The offline app's own texts (the sync bar, the save confirmations, the danger-sign messages).

Served once per language as a small script (`offline:strings`) that every page loads and the
service worker keeps, rather than repeated inside every page a cadre keeps for offline use."""

import hashlib
import json

from django.utils import translation
from django.utils.translation import gettext as _

from kaderasi.care.danger_calls import danger_texts
from kaderasi.core.decimals import FIELD_PROBLEM, NUMBER_PROBLEM_MESSAGES, NumberProblem


def offline_strings() -> dict[str, str]:
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
        # Shown the moment Simpan is tapped, then once the record is safe in the outbox while
        # the server's answer is awaited.
        "saving": _("Saving…"),
        "stored_sending": _("Saved on this phone. Sending it to the server…"),
        # Offline, on a screen kept on the phone (offline.js showKeptAge).
        "kept_at": _(
            "Saved on this phone %(when)s, without signal since: the postpartum day and the "
            "session due now may have changed."
        ),
        # A danger sign (offline.js dangerMessage): the emergency line first, then whether the
        # midwife can know yet; the call links follow.
        # The sentences after a check that reached the server come from care.danger_calls (one
        # home for the web page and the phone): danger_emergency, danger_sent_<who was told>,
        # danger_sent_review.
        **{f"danger_{key}": text for key, text in danger_texts().items()},
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


def strings_script(language: str) -> str:
    """`window.kaderasiOfflineStrings = {...};` in `language`."""
    with translation.override(language):
        strings = offline_strings()
    text = json.dumps(strings, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")
    return f"window.kaderasiOfflineStrings = {text};\n"


def strings_digest(language: str) -> str:
    """Changes when the texts of `language` change, so a new catalogue gets a new URL."""
    return hashlib.sha256(strings_script(language).encode()).hexdigest()[:12]
