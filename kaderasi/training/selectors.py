"""Reads over trainings and test scores, scoped like the programmes they belong to."""

from django.db.models import QuerySet

from kaderasi.accounts.models import User
from kaderasi.programmes.selectors import programmes_visible_to
from kaderasi.training.models import TestAttempt, TestPhase, Training


def trainings_visible_to(user: User) -> QuerySet[Training]:
    return Training.objects.filter(programme__in=programmes_visible_to(user))


def paired_scores(training: Training) -> list[tuple[float, float]]:
    """(pre, post) score pairs of the cadres who took both tests, ordered by cadre code."""
    rows = TestAttempt.objects.filter(training=training).select_related("cadre")
    pre: dict[int, float] = {}
    post: dict[int, float] = {}
    for row in rows.order_by("cadre__code"):
        (pre if row.phase == TestPhase.PRE else post)[row.cadre_id] = float(row.score)
    return [(pre[c], post[c]) for c in pre if c in post]
