"""The version of the content a phone keeps offline: booklet, SOP illustrations, protocol.

The phone compares `version` with the one it holds and refreshes its cached booklet and SOP pages
when it differs. The version is a digest of every content source below, so any change to one of
them changes it.

Where the training content plugs in: the training app's booklet pages, SOP steps and videos add a
source to `CONTENT_SOURCES` (a function of the user returning a string that changes whenever
that content changes, e.g. the latest `updated_at` and the count of the booklet pages she may
see). Until then the sources are the static illustrations shipped with the training and care
apps, the trainings of her programmes and their protocols.
"""

import functools
import hashlib
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Max

from kaderasi.accounts.models import User
from kaderasi.programmes.selectors import programmes_visible_to
from kaderasi.training.models import Training

ILLUSTRATION_FOLDERS = ("training", "care")


@functools.cache
def _static_fingerprint() -> str:
    """Digest of the illustration files shipped under static/<app>/ (they change only with a
    deploy, so it is computed once per process)."""
    digest = hashlib.sha256()
    root = Path(settings.PACKAGE_DIR) / "static"
    for folder in ILLUSTRATION_FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def _illustrations(user: User) -> str:
    return _static_fingerprint()


def _trainings(user: User) -> str:
    summary = Training.objects.filter(programme__in=programmes_visible_to(user)).aggregate(
        count=Count("pk"), latest=Max("updated_at")
    )
    return f"{summary['count']}:{summary['latest']}"


def _protocols(user: User) -> str:
    summary = programmes_visible_to(user).aggregate(count=Count("pk"), latest=Max("updated_at"))
    return f"{summary['count']}:{summary['latest']}"


CONTENT_SOURCES: dict[str, Callable[[User], str]] = {
    "illustrations": _illustrations,
    "trainings": _trainings,
    "protocols": _protocols,
}


def _short(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def content_version(user: User) -> tuple[str, dict[str, str]]:
    """The content version (changes whenever any source does) and the version of each source."""
    parts = {name: _short(source(user)) for name, source in CONTENT_SOURCES.items()}
    return _short(repr(sorted(parts.items()))), parts
