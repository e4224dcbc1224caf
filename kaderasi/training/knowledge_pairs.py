"""A cadre's knowledge pair: the pre- and post-test scores that count for her (pure, no database).

This is the one definition every page, export, rollup and evaluation uses (decision 0020):

- Only a completed attempt with a score counts. An attempt a cadre is still answering on her phone
  (status in progress, no score yet) is ignored, never an error, wherever it sits.
- Within one training a cadre has at most one pre-test and one post-test score.
- Across a programme her pair comes from the earliest training (by start, then id) in which she
  has a completed score; a later refresher is never mixed into the before/after comparison.
- A pair is complete when both scores are present; only complete pairs enter paired statistics,
  the others are excluded and counted.

The functions take attempts as objects with `cadre_id`, `training_id`, `phase`, `status` and
`score` (a `TestAttempt` or anything shaped like one) and keep the attempts themselves in the pair,
so callers still reach `taken_on`, `is_illustrative` or the training.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, Protocol, TypeVar

COMPLETED = "completed"
PRE = "pre"
POST = "post"


class Attempt(Protocol):
    @property
    def cadre_id(self) -> Any: ...
    @property
    def training_id(self) -> Any: ...
    @property
    def phase(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def score(self) -> Decimal | float | None: ...


A = TypeVar("A", bound=Attempt)


@dataclass(frozen=True)
class KnowledgePair(Generic[A]):
    """One cadre's pre- and post-test of one training; a missing phase is None."""

    cadre_id: Any
    training_id: Any
    pre: A | None
    post: A | None

    @property
    def complete(self) -> bool:
        return self.pre is not None and self.post is not None

    @property
    def pre_score(self) -> Decimal | None:
        return _score(self.pre)

    @property
    def post_score(self) -> Decimal | None:
        return _score(self.post)

    @property
    def attempts(self) -> list[A]:
        return [attempt for attempt in (self.pre, self.post) if attempt is not None]


def counts(attempt: Attempt) -> bool:
    """Whether `attempt` carries a score that counts: completed, with a score."""
    return attempt.status == COMPLETED and attempt.score is not None


def training_pairs(attempts: Iterable[A]) -> dict[tuple[Hashable, Hashable], KnowledgePair[A]]:
    """Every cadre's pair in every training, keyed by (cadre id, training id), for the cadres and
    trainings with at least one counting attempt. Attempts that do not count are left out."""
    phases: dict[tuple[Hashable, Hashable], dict[str, A]] = {}
    for attempt in attempts:
        if counts(attempt) and attempt.phase in (PRE, POST):
            phases.setdefault((attempt.cadre_id, attempt.training_id), {})[attempt.phase] = attempt
    return {
        (cadre_id, training_id): KnowledgePair(
            cadre_id=cadre_id,
            training_id=training_id,
            pre=by_phase.get(PRE),
            post=by_phase.get(POST),
        )
        for (cadre_id, training_id), by_phase in phases.items()
    }


def _training_start(attempt: Any) -> tuple:
    return (attempt.training.starts_at, attempt.training_id)


def programme_pairs(
    attempts: Iterable[A], *, training_order: Callable[[A], Any] = _training_start
) -> dict[Hashable, KnowledgePair[A]]:
    """Each cadre's pair in a programme, keyed by cadre id: the pair of the earliest training in
    which she has a counting score. `training_order` gives the sort key of an attempt's training
    (by default its start, then its id; attempts of one training must share one key)."""
    pairs = training_pairs(attempts)
    chosen: dict[Hashable, tuple[Any, KnowledgePair[A]]] = {}
    for (cadre_id, _training_id), pair in pairs.items():
        key = training_order(pair.attempts[0])
        if cadre_id not in chosen or key < chosen[cadre_id][0]:
            chosen[cadre_id] = (key, pair)
    return {cadre_id: pair for cadre_id, (_key, pair) in chosen.items()}


def _score(attempt: Attempt | None) -> Decimal | None:
    if attempt is None or attempt.score is None:
        return None
    return Decimal(str(attempt.score))
