"""The one definition of a cadre's knowledge pair (pure, no database)."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from kaderasi.training.knowledge_pairs import programme_pairs, training_pairs

FIRST = SimpleNamespace(starts_at=dt.datetime(2026, 1, 10, 8, tzinfo=dt.UTC))
REFRESHER = SimpleNamespace(starts_at=dt.datetime(2026, 6, 10, 8, tzinfo=dt.UTC))
TRAININGS = {1: FIRST, 2: REFRESHER}


def attempt(cadre, training, phase, score, status="completed"):
    return SimpleNamespace(
        cadre_id=cadre,
        training_id=training,
        training=TRAININGS[training],
        phase=phase,
        status=status,
        score=None if score is None else Decimal(score),
    )


def test_a_test_still_being_answered_is_ignored_not_an_error():
    pairs = training_pairs(
        [attempt("K1", 1, "pre", 60), attempt("K1", 1, "post", None, status="in_progress")]
    )

    pair = pairs[("K1", 1)]
    assert (pair.pre_score, pair.post_score, pair.complete) == (Decimal(60), None, False)


def test_a_cadre_with_only_unfinished_tests_has_no_pair():
    assert training_pairs([attempt("K1", 1, "pre", None, status="in_progress")]) == {}


def test_the_programme_pair_is_the_earliest_training_with_a_score_and_no_refresher_is_mixed_in():
    attempts = [
        # Given in the refresher's order first: the order of the input does not matter.
        attempt("K2", 2, "pre", 70),
        attempt("K2", 2, "post", 95),
        attempt("K2", 1, "pre", 60),
        attempt("K2", 1, "post", None, status="in_progress"),
        attempt("K3", 1, "pre", None, status="in_progress"),
        attempt("K3", 2, "pre", 40),
        attempt("K3", 2, "post", 80),
    ]

    pairs = programme_pairs(attempts)

    assert (pairs["K2"].training_id, pairs["K2"].pre_score, pairs["K2"].post_score) == (
        1,
        Decimal(60),
        None,
    )
    assert (pairs["K3"].training_id, pairs["K3"].pre_score, pairs["K3"].post_score) == (
        2,
        Decimal(40),
        Decimal(80),
    )


phases = st.sampled_from(["pre", "post"])
statuses = st.sampled_from(["completed", "in_progress"])


@st.composite
def attempt_lists(draw):
    rows = draw(
        st.lists(
            st.tuples(st.sampled_from(["K1", "K2", "K3"]), st.sampled_from([1, 2]), phases),
            unique=True,
            max_size=12,
        )
    )
    made = []
    for cadre, training, phase in rows:
        status = draw(statuses)
        score = draw(st.integers(0, 100)) if status == "completed" else None
        made.append(attempt(cadre, training, phase, score, status))
    return made


@given(attempt_lists())
def test_every_programme_pair_holds_only_completed_scores_of_one_training(attempts):
    for cadre, pair in programme_pairs(attempts).items():
        assert pair.attempts
        assert {a.training_id for a in pair.attempts} == {pair.training_id}
        assert all(a.status == "completed" and a.score is not None for a in pair.attempts)
        scored_trainings = {
            a.training_id for a in attempts if a.cadre_id == cadre and a.status == "completed"
        }
        assert pair.training_id == min(scored_trainings)


@given(attempt_lists())
def test_the_order_of_the_attempts_never_changes_the_pairs(attempts):
    forward = programme_pairs(attempts)
    backward = programme_pairs(list(reversed(attempts)))
    assert {c: (p.pre_score, p.post_score) for c, p in forward.items()} == {
        c: (p.pre_score, p.post_score) for c, p in backward.items()
    }
