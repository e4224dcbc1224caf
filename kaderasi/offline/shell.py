"""What the service worker keeps: the app shell, its version, and the pages a cadre needs offline.

A page a cadre must open offline for her client is listed in `MOTHER_PAGES`: after a pull, the
offline app asks the service worker to fetch and keep these pages for each client whose screens
are kept (`screens_kept`): all of them once per app version, then, for a client whose data
changed, those pages that show the change."""

import functools
import hashlib
import re
import uuid
from pathlib import Path

from django.conf import settings
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from kaderasi.care.selectors import MotherStage

_STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
# Static files every page needs; cached when the service worker installs.
SHELL_STATIC = (
    "kaderasi/app.css",
    "kaderasi/icon.svg",
    "vendor/htmx/htmx.min.js",
    "vendor/idb/umd.js",
    "offline/offline.js",
    "offline/offline.css",
    "offline/icon-192.png",
    # The care screens a cadre opens offline: the guided session, its SOP illustrations and the
    # record forms, so they work even if she never opened one with a signal.
    "care/care.css",
    "care/records.js",
    "care/session.js",
    "care/danger_call.js",
    # The cadre's home shows her training card with its own style.
    "training/training.css",
    *sorted(f"care/img/{path.name}" for path in (_STATIC_DIR / "care" / "img").glob("*.svg")),
)
# What changes on a phone after a sync, for one client: "mother" (her record as the pull sends it:
# registry data, pregnancy, delivery, infants, stage, postpartum day), "schedule" (a session of her
# schedule added, moved or removed), "flags" (a flag raised, changed or closed), and each type of
# record the phone pushed for her (the push's `type`: "feeds", "massage_session", ...).
MOTHER = "mother"
SCHEDULE = "schedule"
FLAGS = "flags"
RECORD_TYPES = (
    "milk_volume",
    "feeds",
    "wet_nappies",
    "stools",
    "infant_weight",
    "massage_session",
    "danger_signs",
    "latch_score",
    "session_skip",
    "milk_onset",
)
# Pages of one mother a cadre keeps for each of her clients: the screens her client's page leads
# to (URL name, the arguments besides `public_id`, and the changes the page shows besides her
# record, which every page names). After a sync the phone fetches again only the pages showing a
# change (decision 0275); offline/tests/test_refetched_screens.py holds each page to this list by
# rendering it before and after a record of every type.
MOTHER_PAGES = (
    ("mother-detail", {}, (SCHEDULE, FLAGS, *RECORD_TYPES)),
    (
        "care:session-guide",
        {},
        (SCHEDULE, FLAGS, "massage_session", "session_skip"),
    ),
    ("care:milk-volume", {}, (SCHEDULE, "milk_volume", "massage_session", "session_skip")),
    ("care:danger-signs", {}, ()),
    ("care:latch-score", {}, ()),
    ("care:session-skip", {}, (SCHEDULE, "massage_session", "session_skip")),
    ("care:milk-onset", {}, ("milk_onset",)),
    ("care:measurement-record", {"kind": "feeds"}, ()),
    ("care:measurement-record", {"kind": "wet-nappies"}, ()),
    ("care:measurement-record", {"kind": "stools"}, ()),
    ("care:measurement-record", {"kind": "infant-weight"}, ()),
)
# Files a cadre plays offline, served by a view rather than from MEDIA_URL: the training video
# (range-served, training/ranges.py). The service worker answers their range requests from the
# kept file; a page names the ones to keep with `data-keep-offline` (training/materials.html).
KEPT_MEDIA = ("training:training-video",)
# Pages that are not one client's but that a cadre opens offline: the training materials (the
# booklet and the video she keeps).
KEPT_PAGES = ("training:materials",)
PLACEHOLDER = uuid.UUID(int=0)
# Never cached, always from the network: the API (personal data as JSON), the admin, login,
# logout and language switching.
NETWORK_ONLY_NAMES = ("login", "logout", "set_language")
NETWORK_ONLY_PREFIXES = ("/api/", "/admin/", "/i18n/")


def _default_language_url(name: str, **kwargs) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return reverse(name, kwargs=kwargs)


def service_worker_url() -> str:
    """/sw.js, at the root whatever the language, so its scope covers every page."""
    return _default_language_url("offline:service-worker")


def fallback_urls() -> dict[str, str]:
    """The "you are offline" page in each language, by URL prefix."""
    urls = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            urls[code] = reverse("offline:fallback")
    return urls


def network_only_paths() -> list[str]:
    paths = set(NETWORK_ONLY_PREFIXES)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for name in NETWORK_ONLY_NAMES:
                try:
                    paths.add(reverse(name))
                except NoReverseMatch:  # pragma: no cover - every name exists today
                    continue
            paths.add(reverse("admin:index"))
    return sorted(paths)


def mother_page_patterns() -> list[dict]:
    """The pages kept per client: their URL pattern (`{id}` standing for her public id) and the
    changes they show (`MOTHER_PAGES`)."""
    patterns = []
    for name, kwargs, shows in MOTHER_PAGES:
        try:
            url = reverse(name, kwargs={"public_id": PLACEHOLDER, **kwargs})
        except NoReverseMatch:
            continue
        patterns.append({"url": url.replace(str(PLACEHOLDER), "{id}"), "shows": list(shows)})
    return patterns


def screens_kept(*, accompaniment_open: bool, stage: str) -> bool:
    """Whether a cadre's phone keeps a client's screens for use without a signal: while she
    accompanies her, and after, until the mother's puerperium ends (42 days after the birth, the
    last postnatal visit, KF4: `care.selectors.PUERPERIUM_DAYS`). A mother whose care ended long
    ago is still on her list of mothers accompanied, read with a signal (decision 0275)."""
    return accompaniment_open or stage == MotherStage.POSTPARTUM


def kept_media_patterns() -> list[str]:
    """Regular expressions (for the service worker) of the paths of `KEPT_MEDIA`, in every
    language, a public id standing for any."""
    patterns = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for name in KEPT_MEDIA:
                url = reverse(name, kwargs={"public_id": PLACEHOLDER})
                patterns.add(
                    "^" + re.escape(url).replace(re.escape(str(PLACEHOLDER)), "[0-9a-f-]{36}") + "$"
                )
    return sorted(patterns)


def kept_page_urls() -> list[str]:
    """The pages of `KEPT_PAGES` in the active language."""
    return [reverse(name) for name in KEPT_PAGES]


def strings_url() -> str:
    """The offline app's texts in the active language, versioned by their content."""
    from kaderasi.offline.app_strings import strings_digest

    language = translation.get_language() or settings.LANGUAGE_CODE
    return f"{reverse('offline:strings')}?v={strings_digest(language)}"


def strings_urls() -> dict[str, str]:
    """The texts in each language, by language code: the service worker keeps the default
    language's when it installs, another's once a page in it is opened."""
    urls = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            urls[code] = strings_url()
    return urls


def shell_static_urls() -> list[str]:
    return [static(path) for path in SHELL_STATIC]


@functools.cache
def shell_version() -> str:
    """Changes whenever a shell file, the offline app's texts or the service worker changes, so
    a deploy installs a new service worker with fresh caches (in production the static names
    carry content hashes) and the phone keeps its pages again (they name the texts' version)."""
    digest = hashlib.sha256()
    root = Path(settings.PACKAGE_DIR)
    for path in SHELL_STATIC:
        digest.update((root / "static" / path).read_bytes())
    digest.update((root / "templates" / "offline" / "sw.js").read_bytes())
    for url in [*shell_static_urls(), *strings_urls().values()]:
        digest.update(url.encode())
    return digest.hexdigest()[:12]
