"""Invariants of the two-group comparison (hypothesis), complementing test_statistics.py."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as strategy

from kaderasi.evaluation.statistics import two_group_summary

changes = strategy.lists(strategy.integers(min_value=-300, max_value=600), min_size=2, max_size=12)


def _summary(intervention: list[int], comparison: list[int], factor: int = 1) -> dict:
    # Baselines of zero make the change equal to the "after" value.
    return two_group_summary(
        [0] * len(intervention),
        [value * factor for value in intervention],
        [0] * len(comparison),
        [value * factor for value in comparison],
    )


@settings(max_examples=50, deadline=None)
@given(intervention=changes, comparison=changes)
def test_swapping_the_groups_negates_the_difference_and_keeps_the_p_values(
    intervention: list[int], comparison: list[int]
) -> None:
    forward = _summary(intervention, comparison)
    backward = _summary(comparison, intervention)
    assert backward["difference_in_mean_change"] == pytest.approx(
        -forward["difference_in_mean_change"], abs=1e-9
    )
    if forward["welch_t"]["t"] is None:
        assert backward["welch_t"]["t"] is None
    else:
        assert backward["welch_t"]["t"] == pytest.approx(-forward["welch_t"]["t"], rel=1e-9)
        assert backward["welch_t"]["p"] == pytest.approx(forward["welch_t"]["p"], rel=1e-9)
        assert backward["ci95"] == pytest.approx([-forward["ci95"][1], -forward["ci95"][0]])
    if forward["mann_whitney"]["p"] is not None:
        assert backward["mann_whitney"]["p"] == pytest.approx(
            forward["mann_whitney"]["p"], rel=1e-9
        )


@settings(max_examples=50, deadline=None)
@given(intervention=changes, comparison=changes)
def test_the_u_statistics_of_the_two_groups_add_up_to_the_number_of_pairs(
    intervention: list[int], comparison: list[int]
) -> None:
    u_intervention = _summary(intervention, comparison)["mann_whitney"]["u"]
    u_comparison = _summary(comparison, intervention)["mann_whitney"]["u"]
    assert u_intervention + u_comparison == len(intervention) * len(comparison)


@settings(max_examples=50, deadline=None)
@given(
    intervention=changes,
    comparison=changes,
    factor=strategy.integers(min_value=1, max_value=1000),
)
def test_scaling_both_groups_leaves_the_two_group_tests_unchanged(
    intervention: list[int], comparison: list[int], factor: int
) -> None:
    original = _summary(intervention, comparison)
    scaled = _summary(intervention, comparison, factor)
    assert scaled["mann_whitney"] == original["mann_whitney"]
    if original["welch_t"]["t"] is None:
        assert scaled["welch_t"]["t"] is None
    else:
        for statistic in ("t", "df", "p"):
            assert scaled["welch_t"][statistic] == pytest.approx(
                original["welch_t"][statistic], rel=1e-6, abs=1e-12
            )
        assert scaled["difference_in_mean_change"] == pytest.approx(
            factor * original["difference_in_mean_change"], rel=1e-9, abs=1e-9
        )
