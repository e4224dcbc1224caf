"""The limitations follow from the design and the data (pure; English source text)."""

from __future__ import annotations

import pytest
from django.utils import translation

from kaderasi.evaluation.limitations import EvaluationFacts, limitations

PAPER = EvaluationFacts(
    has_comparison=False,
    is_illustrative=False,
    knowledge_pairs=40,
    knowledge_excluded=0,
    milk_pairs=10,
    milk_excluded=0,
    volumes=20,
    basis_counts={"single_expression": 0, "24h_estimate": 0, "unknown": 20},
    volumes_without_method=20,
    before_day=1,
    after_day=3,
    before_reference_mean_ml=37.1,
    after_reference_mean_ml=408.0,
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _with(**changes) -> EvaluationFacts:
    return EvaluationFacts(**{**PAPER.__dict__, **changes})


def test_a_single_group_design_cannot_be_separated_from_normal_lactogenesis() -> None:
    sentences = limitations(PAPER)
    assert sentences[0].startswith("Single group, before and after: without a comparison group")
    assert "must not be reported as an effect of the massage" in sentences[0]
    assert sentences[1] == (
        "The baseline volumes were measured on postpartum day 1 and the follow-up volumes on "
        "day 3 (medians); milk volume rises steeply over these days without any intervention. "
        "Reference mean 24-hour volumes: 37.1 ml on day 1 and 408 ml on day 3."
    )


def test_a_comparison_group_replaces_the_lactogenesis_warning_with_a_warning_on_allocation():
    sentences = limitations(_with(has_comparison=True, comparison_pairs=40))
    assert not any(sentence.startswith("Single group") for sentence in sentences)
    assert sentences[0].startswith("Intervention and comparison groups: unless the mothers")


def test_small_samples_are_named_with_their_size() -> None:
    sentences = limitations(_with(milk_pairs=10, knowledge_pairs=12))
    assert any(
        sentence.startswith("Only 10 mothers have both milk volumes") for sentence in sentences
    )
    assert "Only 12 cadres have both test scores, so the knowledge estimates are imprecise." in (
        sentences
    )
    assert not any("cadres have both" in s for s in limitations(_with(knowledge_pairs=30)))


def test_excluded_incomplete_pairs_are_counted() -> None:
    sentences = limitations(_with(milk_excluded=3, knowledge_excluded=1))
    assert (
        "3 mothers with only one of the two volumes were excluded from the milk-volume analysis."
        in sentences
    )
    assert (
        "1 cadre with only one of the two test scores was excluded from the knowledge analysis."
        in sentences
    )


def test_an_unknown_basis_is_said_plainly() -> None:
    sentences = limitations(PAPER)
    assert any(
        sentence.startswith("The basis of the milk volumes is unknown") for sentence in sentences
    )
    partly = limitations(
        _with(basis_counts={"single_expression": 4, "24h_estimate": 10, "unknown": 6})
    )
    assert (
        "The basis of 6 of 20 milk volumes is unknown; they are not compared with the reference "
        "volumes." in partly
    )
    assert any(sentence.startswith("4 milk volumes are single expressions") for sentence in partly)


def test_illustrative_data_and_missing_methods_are_stated() -> None:
    sentences = limitations(_with(is_illustrative=True))
    assert any("illustrative values" in sentence for sentence in sentences)
    assert any(sentence.startswith("The measurement method") for sentence in sentences)
    mixed = limitations(
        _with(volumes_without_method=0, method_labels=("Hand expression", "Manual pump"))
    )
    assert (
        "The volumes were measured with different methods (Hand expression, Manual pump), which "
        "do not give comparable amounts." in mixed
    )


def test_no_data_says_what_is_missing_instead_of_commenting_on_a_design() -> None:
    sentences = limitations(
        EvaluationFacts(
            has_comparison=False,
            is_illustrative=False,
            knowledge_pairs=0,
            knowledge_excluded=0,
            milk_pairs=0,
            milk_excluded=0,
        )
    )
    assert sentences == [
        "No milk volume marked as before or after has been recorded yet.",
        "No knowledge test score has been recorded.",
    ]


def test_unused_repeated_volumes_are_reported() -> None:
    sentences = limitations(_with(mothers_with_unused_volumes=2, unused_volumes=3))
    assert any(
        sentence.startswith("For 2 mothers more than one volume was recorded in a phase")
        for sentence in sentences
    )


def test_a_comparison_group_without_complete_pairs_keeps_the_single_group_caveats() -> None:
    sentences = limitations(
        _with(has_comparison=True, milk_pairs=8, comparison_pairs=0, comparison_excluded=2)
    )

    assert sentences[0] == (
        "No mother of the comparison group has both milk volumes: the intervention group cannot "
        "be compared with it, and its change is read as that of a single group."
    )
    assert sentences[1].startswith("Single group, before and after: without a comparison group")
    assert sentences[2].startswith(
        "The baseline volumes were measured on postpartum day 1 and the follow-up volumes on day 3"
    )
    assert not any("the groups may differ" in sentence for sentence in sentences)
    assert (
        "2 mothers of the comparison group with only one of the two volumes were excluded from "
        "the comparison." in sentences
    )


def test_reference_volumes_are_written_with_the_decimal_comma_in_indonesian() -> None:
    with translation.override("id"):
        sentences = limitations(PAPER)

    reference = next(sentence for sentence in sentences if "408" in sentence)
    assert "37,1 ml" in reference
    assert "37.1" not in reference
