"""The scoring rules, as pure functions (no database)."""

import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaderasi.training.scoring import (
    Bands,
    KnowledgeBand,
    OptionPlace,
    SkillOutcome,
    SkillRule,
    band_counts,
    certification_eligibility,
    item_analysis,
    knowledge_band,
    mcnemar_exact_p,
    percent_score,
    shuffled_option_ids,
    skill_outcome,
    skill_passed,
)

DEFAULT_BANDS = Bands(good_minimum=Decimal(76), fair_minimum=Decimal(56))
DEFAULT_RULE = SkillRule(minimum_percent=80, all_critical_required=True)


@pytest.mark.parametrize(
    ("correct", "items", "score"),
    [(17, 20, "85.00"), (20, 20, "100.00"), (0, 20, "0.00"), (1, 3, "33.33"), (2, 3, "66.67")],
)
def test_a_score_is_the_percentage_of_items_right_rounded_half_up(correct, items, score):
    assert percent_score(correct, items) == Decimal(score)


@pytest.mark.parametrize(("correct", "items"), [(1, 0), (21, 20), (-1, 20)])
def test_an_impossible_count_cannot_be_scored(correct, items):
    with pytest.raises(ValueError):
        percent_score(correct, items)


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (100, KnowledgeBand.GOOD),
        (76, KnowledgeBand.GOOD),
        (Decimal("75.99"), KnowledgeBand.FAIR),
        (56, KnowledgeBand.FAIR),
        (Decimal("55.5"), KnowledgeBand.POOR),
        (0, KnowledgeBand.POOR),
    ],
)
def test_the_default_bands_are_good_from_76_fair_from_56_and_poor_below(score, band):
    assert knowledge_band(score, DEFAULT_BANDS) == band


def test_bands_follow_the_programmes_thresholds():
    strict = Bands(good_minimum=Decimal(80), fair_minimum=Decimal(60))
    assert knowledge_band(78, strict) == KnowledgeBand.FAIR
    assert knowledge_band(58, strict) == KnowledgeBand.POOR


def test_band_counts_list_every_band_even_when_empty():
    assert band_counts([90, 80, 60], DEFAULT_BANDS) == {
        KnowledgeBand.GOOD: 2,
        KnowledgeBand.FAIR: 1,
        KnowledgeBand.POOR: 0,
    }


def test_shuffling_keeps_an_all_of_the_above_option_last():
    options = [OptionPlace(11), OptionPlace(12), OptionPlace(13), OptionPlace(14, True)]
    orders = {tuple(shuffled_option_ids(options, random.Random(seed))) for seed in range(30)}
    assert all(order[3] == 14 for order in orders)
    assert all(sorted(order) == [11, 12, 13, 14] for order in orders)
    assert len(orders) > 1  # the other three really move


@settings(max_examples=50)
@given(
    anchors=st.lists(st.booleans(), min_size=1, max_size=6),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_a_shuffle_is_a_permutation_that_leaves_anchored_options_in_place(anchors, seed):
    options = [OptionPlace(100 + index, anchored) for index, anchored in enumerate(anchors)]
    order = shuffled_option_ids(options, random.Random(seed))
    assert sorted(order) == [place.option_id for place in options]
    for index, place in enumerate(options):
        if place.stays_in_place:
            assert order[index] == place.option_id


def test_exact_mcnemar_matches_the_domain_references_example():
    # Five of ten cadres right before, nine after, nobody worse: b = 0, c = 4, p = 2 / 2**4.
    assert mcnemar_exact_p(0, 4) == pytest.approx(0.125)


@pytest.mark.parametrize(
    ("only_before", "only_after", "p"),
    [
        (1, 9, 2 * 11 / 1024),  # 2 × P(X ≤ 1) for X ~ Binomial(10, 1/2)
        (9, 1, 2 * 11 / 1024),
        (3, 3, 1.0),
        (0, 0, 1.0),
        (0, 10, 2 / 1024),
    ],
)
def test_exact_mcnemar_is_two_sided_on_the_discordant_pairs(only_before, only_after, p):
    assert mcnemar_exact_p(only_before, only_after) == pytest.approx(p)


def test_item_analysis_counts_percent_correct_and_tests_the_paired_cadres():
    # Item "q1": five of ten right before, nine after, nobody worse (b = 0, c = 4).
    before = {person: {"q1": person < 5, "q2": True} for person in range(10)}
    after = {person: {"q1": person < 9, "q2": True} for person in range(10)}
    after[10] = {"q1": True, "q2": False}  # took only the post-test: counted, but not paired
    q1, q2 = item_analysis(["q1", "q2"], before, after)
    assert (q1.before_correct, q1.before_answered, q1.before_percent) == (5, 10, 50.0)
    assert (q1.after_correct, q1.after_answered) == (10, 11)
    assert (q1.paired, q1.only_before_correct, q1.only_after_correct) == (10, 0, 4)
    assert q1.mcnemar_p == pytest.approx(0.125)
    assert q2.mcnemar_p == 1.0
    assert q2.after_percent == pytest.approx(100 * 10 / 11)


def test_item_analysis_without_paired_answers_has_no_p_value():
    (item,) = item_analysis(["q1"], {1: {"q1": True}}, {2: {"q1": False}})
    assert item.paired == 0
    assert item.mcnemar_p is None


def _steps(done: int, total: int = 23, critical_missed: int = 0):
    """`done` of `total` steps done, the first `critical_missed` missed ones critical."""
    missed = total - done
    return [(index < critical_missed, False) for index in range(missed)] + [
        (False, True) for _ in range(done)
    ]


def test_a_re_demonstration_passes_with_every_critical_step_and_80_percent():
    outcome = skill_outcome(_steps(19), DEFAULT_RULE)  # 19/23 = 82.6 %
    assert outcome == SkillOutcome(done=19, total=23, critical_missed=0, passed=True)


def test_a_re_demonstration_below_80_percent_fails():
    assert not skill_outcome(_steps(18), DEFAULT_RULE).passed  # 78.3 %


def test_one_missed_critical_step_fails_even_with_everything_else_done():
    outcome = skill_outcome(_steps(22, critical_missed=1), DEFAULT_RULE)
    assert outcome.critical_missed == 1
    assert not outcome.passed


def test_a_programme_may_drop_the_critical_step_rule():
    lenient = SkillRule(minimum_percent=80, all_critical_required=False)
    assert skill_outcome(_steps(22, critical_missed=1), lenient).passed


def test_an_empty_checklist_never_passes():
    assert not skill_outcome([], DEFAULT_RULE).passed


def test_the_final_re_demonstration_counts_unless_every_one_must_pass():
    failed = SkillOutcome(done=15, total=23, critical_missed=2, passed=False)
    passed = SkillOutcome(done=23, total=23, critical_missed=0, passed=True)
    outcomes = {1: failed, 2: passed}
    assert skill_passed(outcomes, every_attempt=False, attempts=2)
    assert not skill_passed(outcomes, every_attempt=True, attempts=2)
    assert skill_passed({1: passed, 2: passed}, every_attempt=True, attempts=2)
    assert not skill_passed({1: passed}, every_attempt=True, attempts=2)  # second one missing
    assert not skill_passed({}, every_attempt=False, attempts=2)


def test_until_the_final_re_demonstration_is_recorded_she_has_not_passed():
    passed = SkillOutcome(done=23, total=23, critical_missed=0, passed=True)
    assert not skill_passed({1: passed}, every_attempt=False, attempts=2)
    assert skill_passed({1: passed}, every_attempt=False, attempts=1)


def test_the_final_re_demonstration_is_the_last_the_policy_asks_for_not_the_last_recorded():
    failed = SkillOutcome(done=15, total=23, critical_missed=2, passed=False)
    passed = SkillOutcome(done=23, total=23, critical_missed=0, passed=True)
    assert not skill_passed({1: passed, 2: failed}, every_attempt=False, attempts=2)
    assert not skill_passed({1: failed, 2: passed}, every_attempt=False, attempts=3)
    assert skill_passed({1: failed, 2: failed, 3: passed}, every_attempt=False, attempts=3)


@pytest.mark.parametrize(
    ("score", "skill", "eligible"),
    [
        (Decimal(76), True, True),
        (Decimal("75.99"), True, False),
        (Decimal(100), False, False),
        (None, True, False),
    ],
)
def test_a_certificate_needs_the_post_test_mark_and_the_skill(score, skill, eligible):
    result = certification_eligibility(
        post_test_score=score, pass_score=Decimal(76), skill_passed=skill
    )
    assert result.eligible is eligible
