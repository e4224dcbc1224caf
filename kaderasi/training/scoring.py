"""Scoring rules of cadre training as pure functions over plain values (no database).

Knowledge: a score is the percentage of items answered correctly (a blank is wrong), banded
good/fair/poor by a programme's thresholds. Items: percentage correct before and after, with an
exact McNemar test on the cadres who took both tests. Skills: a re-demonstration passes when
every critical step is done (if the policy says so) and enough of all steps are done; the
assessment passes on the final re-demonstration (number N of the policy's N) or on every one.
"""

from __future__ import annotations

import random
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


class KnowledgeBand(TextChoices):
    GOOD = "good", _("Good (baik)")
    FAIR = "fair", _("Fair (cukup)")
    POOR = "poor", _("Poor (kurang)")


@dataclass(frozen=True)
class Bands:
    """`good_minimum` and `fair_minimum` are the lowest scores of the good and fair bands."""

    good_minimum: Decimal
    fair_minimum: Decimal


def percent_score(correct: int, items: int) -> Decimal:
    """100 × correct / items, rounded half up to two decimals. Raises ValueError without items
    or with more correct answers than items."""
    if items <= 0 or not 0 <= correct <= items:
        raise ValueError(f"cannot score {correct} correct out of {items} items")
    return (HUNDRED * correct / items).quantize(CENT, rounding=ROUND_HALF_UP)


def knowledge_band(score: Decimal | float, bands: Bands) -> KnowledgeBand:
    value = Decimal(str(score))
    if value >= bands.good_minimum:
        return KnowledgeBand.GOOD
    if value >= bands.fair_minimum:
        return KnowledgeBand.FAIR
    return KnowledgeBand.POOR


def band_counts(scores: Iterable[Decimal | float], bands: Bands) -> dict[KnowledgeBand, int]:
    """How many scores fall in each band (every band present, possibly 0)."""
    counts = dict.fromkeys(KnowledgeBand, 0)
    for score in scores:
        counts[knowledge_band(score, bands)] += 1
    return counts


@dataclass(frozen=True)
class OptionPlace:
    option_id: int
    stays_in_place: bool = False


def shuffled_option_ids(options: Sequence[OptionPlace], rng: random.Random) -> list[int]:
    """The option ids in a random order, except that options marked `stays_in_place` keep their
    printed position (so "all of these" stays last). `options` are in printed order."""
    movable = [place.option_id for place in options if not place.stays_in_place]
    rng.shuffle(movable)
    remaining = iter(movable)
    return [place.option_id if place.stays_in_place else next(remaining) for place in options]


def mcnemar_exact_p(only_before_correct: int, only_after_correct: int) -> float:
    """Two-sided exact McNemar p-value from the discordant pairs: cadres right only before (b)
    and right only after (c). Under no change each discordant pair is equally likely to fall
    either way, so c ~ Binomial(b + c, 1/2) (scipy's binomtest). With no discordant pair there
    is no evidence of change and p = 1."""
    from scipy import stats  # on first use: scipy is heavy (see evaluation.statistics._stats)

    discordant = only_before_correct + only_after_correct
    if discordant == 0:
        return 1.0
    return float(stats.binomtest(only_after_correct, discordant, 0.5).pvalue)


@dataclass(frozen=True)
class ItemResult:
    item: Hashable
    before_answered: int
    before_correct: int
    after_answered: int
    after_correct: int
    paired: int
    only_before_correct: int
    only_after_correct: int
    mcnemar_p: float | None

    @property
    def before_percent(self) -> float | None:
        return 100 * self.before_correct / self.before_answered if self.before_answered else None

    @property
    def after_percent(self) -> float | None:
        return 100 * self.after_correct / self.after_answered if self.after_answered else None


def item_analysis(
    items: Sequence[Hashable],
    before: Mapping[Hashable, Mapping[Hashable, bool]],
    after: Mapping[Hashable, Mapping[Hashable, bool]],
) -> list[ItemResult]:
    """Per item: how many people answered it correctly before and after, and the exact McNemar
    p-value over the people present in both (`before` and `after` map a person to {item:
    correct}). Items a person has no answer for are left out for that person. The p-value is
    None when nobody took both tests."""
    results = []
    for item in items:
        before_marks = [marks[item] for marks in before.values() if item in marks]
        after_marks = [marks[item] for marks in after.values() if item in marks]
        pairs = [
            (before[person][item], after[person][item])
            for person in before
            if person in after and item in before[person] and item in after[person]
        ]
        only_before = sum(1 for was, now in pairs if was and not now)
        only_after = sum(1 for was, now in pairs if now and not was)
        results.append(
            ItemResult(
                item=item,
                before_answered=len(before_marks),
                before_correct=sum(before_marks),
                after_answered=len(after_marks),
                after_correct=sum(after_marks),
                paired=len(pairs),
                only_before_correct=only_before,
                only_after_correct=only_after,
                mcnemar_p=mcnemar_exact_p(only_before, only_after) if pairs else None,
            )
        )
    return results


@dataclass(frozen=True)
class SkillRule:
    minimum_percent: int
    all_critical_required: bool


@dataclass(frozen=True)
class SkillOutcome:
    done: int
    total: int
    critical_missed: int
    passed: bool

    @property
    def percent(self) -> float:
        return 100 * self.done / self.total if self.total else 0.0


def skill_outcome(steps: Iterable[tuple[bool, bool]], rule: SkillRule) -> SkillOutcome:
    """Score one re-demonstration from (is_critical, done) per step. An empty checklist fails."""
    marks = list(steps)
    done = sum(1 for _, was_done in marks if was_done)
    critical_missed = sum(1 for critical, was_done in marks if critical and not was_done)
    total = len(marks)
    passed = (
        total > 0
        and 100 * done >= rule.minimum_percent * total
        and not (rule.all_critical_required and critical_missed)
    )
    return SkillOutcome(done=done, total=total, critical_missed=critical_missed, passed=passed)


def skill_passed(
    outcomes_by_attempt: Mapping[int, SkillOutcome], *, every_attempt: bool, attempts: int
) -> bool:
    """Whether a cadre passed the skill assessment, `attempts` being the number of
    re-demonstrations the programme asks of every cadre. With `every_attempt`, each of
    re-demonstrations 1 … `attempts` must be recorded and pass. Otherwise re-demonstration
    number `attempts` (the final one) must be recorded and pass: an earlier one, however good,
    does not count, and until the final one is recorded she has not passed."""
    if every_attempt:
        return all(
            number in outcomes_by_attempt and outcomes_by_attempt[number].passed
            for number in range(1, attempts + 1)
        )
    final = outcomes_by_attempt.get(attempts)
    return final is not None and final.passed


def must_pass_missed(
    must_pass_numbers: Iterable[int], correct_numbers: Iterable[int]
) -> tuple[int, ...]:
    """The must-pass (safety) items not answered correctly, by number: a wrong answer, a blank
    and an item with no answer at all count alike."""
    return tuple(sorted(set(must_pass_numbers) - set(correct_numbers)))


@dataclass(frozen=True)
class Eligibility:
    """`must_pass_missed`: the safety items of the post-test she got wrong (they bar the
    certificate whatever her total); `must_pass_checked` is False when only her total score is
    known, so the safety items could not be checked."""

    post_test_passed: bool
    skill_passed: bool
    must_pass_missed: tuple[int, ...] = ()
    must_pass_checked: bool = True

    @property
    def safety_passed(self) -> bool:
        return not self.must_pass_missed

    @property
    def eligible(self) -> bool:
        return self.post_test_passed and self.safety_passed and self.skill_passed


def certification_eligibility(
    *,
    post_test_score: Decimal | None,
    pass_score: Decimal,
    skill_passed: bool,
    must_pass_missed: Sequence[int] | None = (),
    must_pass_required: bool = True,
) -> Eligibility:
    """A cadre earns a certificate when her post-test score reaches `pass_score`, she answered
    every must-pass item right (when the policy requires it) and she passed the skill
    assessment. `must_pass_missed` is None when her answers are not known item by item (a total
    score only): the safety items then cannot bar her, and the result says they were not
    checked."""
    checked = must_pass_missed is not None or not must_pass_required
    missed = tuple(sorted(must_pass_missed or ())) if must_pass_required else ()
    return Eligibility(
        post_test_passed=post_test_score is not None and post_test_score >= pass_score,
        skill_passed=skill_passed,
        must_pass_missed=missed,
        must_pass_checked=checked,
    )
