"""Specification tests for kaderasi.evaluation.norms."""

from __future__ import annotations

import json

import pytest

from kaderasi.evaluation.norms import (
    ReferenceRange,
    VolumeObservation,
    classify,
    compare_with_norms,
)

# Illustrative ranges only; the real ones live in the database with their sources.
DAY_3 = ReferenceRange(postpartum_day=3, lower_ml=100.0, upper_ml=400.0, source="Source A")
DAY_5 = ReferenceRange(postpartum_day=5, lower_ml=300.0, upper_ml=700.0, source="Source B")
REFERENCES = [DAY_3, DAY_5]


def observation(
    subject: str,
    phase: str,
    volume_ml: float,
    postpartum_day: int | None = 3,
    basis: str = "24h_estimate",
) -> VolumeObservation:
    return VolumeObservation(
        subject=subject,
        phase=phase,
        postpartum_day=postpartum_day,
        volume_ml=volume_ml,
        basis=basis,
    )


@pytest.mark.parametrize(
    ("volume_ml", "expected"),
    [
        (99.999, "below"),
        (100.0, "within"),
        (250.0, "within"),
        (400.0, "within"),
        (400.001, "above"),
    ],
)
def test_classification_counts_both_bounds_as_within(volume_ml: float, expected: str) -> None:
    assert classify(volume_ml, DAY_3) == expected


def test_a_single_point_range_classifies_only_that_volume_as_within() -> None:
    point = ReferenceRange(postpartum_day=1, lower_ml=50.0, upper_ml=50.0, source="Point")
    assert [classify(volume, point) for volume in (49.0, 50.0, 51.0)] == [
        "below",
        "within",
        "above",
    ]


def test_reference_range_with_lower_above_upper_is_rejected() -> None:
    with pytest.raises(ValueError, match="lower bound"):
        ReferenceRange(postpartum_day=3, lower_ml=500.0, upper_ml=100.0, source="Broken")


def test_observation_with_unknown_phase_or_basis_is_rejected() -> None:
    with pytest.raises(ValueError, match="phase"):
        observation("M1", "during", 200.0)
    with pytest.raises(ValueError, match="basis"):
        observation("M1", "before", 200.0, basis="weighed")


def test_compared_rows_carry_the_reference_and_its_source() -> None:
    result = compare_with_norms(
        [observation("M1", "before", 80.0), observation("M1", "after", 350.0, postpartum_day=5)],
        REFERENCES,
    )
    assert result["compared"] == 2
    assert result["rows"] == [
        {
            "subject": "M1",
            "phase": "before",
            "postpartum_day": 3,
            "volume_ml": 80.0,
            "lower_ml": 100.0,
            "upper_ml": 400.0,
            "classification": "below",
            "source": "Source A",
        },
        {
            "subject": "M1",
            "phase": "after",
            "postpartum_day": 5,
            "volume_ml": 350.0,
            "lower_ml": 300.0,
            "upper_ml": 700.0,
            "classification": "within",
            "source": "Source B",
        },
    ]
    assert json.loads(json.dumps(result, allow_nan=False)) == result


def test_single_expression_and_unknown_basis_values_are_never_compared() -> None:
    # Given volumes that would be far below the 24-hour norm if (wrongly) compared
    result = compare_with_norms(
        [
            observation("M1", "before", 30.0, basis="single_expression"),
            observation("M2", "before", 40.0, basis="unknown"),
            observation("M3", "after", 50.0, basis="single_expression"),
        ],
        REFERENCES,
    )
    # Then none of them is compared and all are counted as not 24-hour values
    assert result["compared"] == 0
    assert result["rows"] == []
    assert result["not_comparable"] == {
        "basis_not_24h": 3,
        "no_reference_for_day": 0,
        "no_postpartum_day": 0,
    }
    assert result["share_below"] == {"before": None, "after": None}
    # Some bases are known (single expressions), so the basis is not wholly unknown
    assert result["basis_unknown"] is False


def test_basis_unknown_is_flagged_only_when_every_observation_is_of_unknown_basis() -> None:
    all_unknown = compare_with_norms(
        [
            observation("M1", "before", 40.0, basis="unknown"),
            observation("M1", "after", 300.0, basis="unknown"),
        ],
        REFERENCES,
    )
    assert all_unknown["basis_unknown"] is True
    assert all_unknown["compared"] == 0

    mixed = compare_with_norms(
        [observation("M1", "before", 40.0, basis="unknown"), observation("M1", "after", 300.0)],
        REFERENCES,
    )
    assert mixed["basis_unknown"] is False

    assert compare_with_norms([], REFERENCES)["basis_unknown"] is False


def test_observations_without_day_or_without_reference_for_the_day_are_counted_separately() -> None:
    result = compare_with_norms(
        [
            observation("M1", "before", 200.0, postpartum_day=None),
            observation("M2", "before", 200.0, postpartum_day=4),
            observation("M3", "before", 200.0, postpartum_day=3),
        ],
        REFERENCES,
    )
    assert result["compared"] == 1
    assert result["not_comparable"] == {
        "basis_not_24h": 0,
        "no_reference_for_day": 1,
        "no_postpartum_day": 1,
    }


def test_share_below_is_computed_per_phase_over_distinct_compared_subjects() -> None:
    result = compare_with_norms(
        [
            # before: M1 and M2 below, M3 within, M4 not comparable -> 2 of 3
            observation("M1", "before", 50.0),
            observation("M2", "before", 99.0),
            observation("M3", "before", 100.0),
            observation("M4", "before", 10.0, basis="single_expression"),
            # after: M1 counted once despite two observations (one below) -> 1 of 2
            observation("M1", "after", 250.0, postpartum_day=5),
            observation("M1", "after", 450.0, postpartum_day=5),
            observation("M2", "after", 800.0, postpartum_day=5),
        ],
        REFERENCES,
    )
    assert result["share_below"]["before"] == pytest.approx(2 / 3, rel=1e-12)
    assert result["share_below"]["after"] == pytest.approx(1 / 2, rel=1e-12)
    assert result["compared"] == 6


def test_share_below_is_none_for_a_phase_without_compared_subjects() -> None:
    result = compare_with_norms([observation("M1", "before", 500.0)], REFERENCES)
    assert result["share_below"] == {"before": 0.0, "after": None}


def test_duplicate_reference_days_are_rejected() -> None:
    other_day_3 = ReferenceRange(postpartum_day=3, lower_ml=90.0, upper_ml=380.0, source="Other")
    with pytest.raises(ValueError, match="more than one reference range"):
        compare_with_norms([], [DAY_3, other_day_3])
