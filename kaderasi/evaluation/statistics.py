"""Statistical summaries for before/after evaluations of a programme outcome.

Every function here works on plain Python numbers and returns JSON-serialisable dictionaries
whose floats are unrounded and always finite: a statistic that cannot be computed for the given
data (too few observations, zero variance, nothing left after excluding incomplete pairs) is
``None``, never NaN or infinity. Rounding belongs to the presentation layer.

The tests themselves come from :mod:`scipy.stats`. The one exception is the exact null
distribution of the Wilcoxon signed-rank statistic in the presence of tied ranks, which scipy
does not offer (its ``method="exact"`` assumes untied ranks 1..m).

Values are taken as the decimals they are written as: 10.3 ml is the decimal 10.3, not the
binary float nearest to it. Differences and changes are computed in :class:`decimal.Decimal`
from each float's shortest representation (``repr``) before anything is ranked, compared or
tested, so a change of 0.2 ml from 10.3 to 10.5 and one from 5.2 to 5.4 are the same change and
tie in every rank test (Wilcoxon signed-rank, Mann–Whitney), and a constant change is constant.
Plain float subtraction would make them 0.1999999999999993 and 0.20000000000000018, rank them
as unequal and halve the exact p-value; R shares that flaw unless ``options(digits.rank = 7)``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import numpy as np

CONFIDENCE_LEVEL = 0.95
NORMALITY_SIGNIFICANCE_LEVEL = 0.05
MINIMUM_PAIRS_FOR_NORMALITY_TEST = 3
EXACT_SIGNED_RANK_MAXIMUM_NONZERO_DIFFERENCES = 25
# R's wilcox.test(x, y) uses the exact distribution only while both samples are below 50.
EXACT_RANK_SUM_GROUP_SIZE_LIMIT = 50


def _stats():
    """scipy.stats, imported when a test is first run rather than with this module: Django
    imports it with every command, and scipy's 90 MB would weigh on an import that runs no test
    (docs/performance.md)."""
    from scipy import stats

    return stats


def paired_summary(
    before: Sequence[float | None],
    after: Sequence[float | None],
) -> dict[str, Any]:
    """Summarise a paired before/after outcome.

    ``before[i]`` and ``after[i]`` belong to the same person. Pairs with ``None`` on either side
    are excluded and counted in ``excluded_pairs``; every statistic uses the ``n`` complete pairs.
    Differences are ``after - before``, computed as decimals (see the module docstring).

    Guarantees:

    * the returned dictionary has exactly the keys ``n``, ``excluded_pairs``, ``before``,
      ``after``, ``mean_difference``, ``ci95``, ``percent_increase``, ``paired_t``, ``wilcoxon``,
      ``cohen_dz``, ``shapiro_p`` and ``primary_test``;
    * differences are exact decimals before they are ranked or tested, so equal decimal changes
      (10.3 to 10.5 and 5.2 to 5.4) tie, as in R with ``options(digits.rank = 7)``;
    * it never raises for degenerate data (no pairs, one pair, constant differences) and never
      contains NaN or infinity, so ``json.dumps(..., allow_nan=False)`` succeeds;
    * ``wilcoxon.p_approx`` equals R's ``wilcox.test(after, before, paired = TRUE,
      exact = FALSE)`` (zeros dropped, tie and continuity corrections), and ``wilcoxon.p_exact``
      is the exact two-sided p-value conditional on the observed (possibly tied) ranks whenever
      at most 25 differences are non-zero;
    * ``ci95``, ``paired_t.t``, ``paired_t.p`` and ``cohen_dz`` are ``None`` when fewer than two
      pairs remain or all differences are equal (zero standard error), and ``shapiro_p`` is
      ``None`` below three pairs or for equal differences.

    Raises ``ValueError`` when the two sequences differ in length or contain NaN or infinity
    (missing values must be ``None``).
    """
    before_values, after_values, excluded_pairs = _complete_pairs(before, after)
    differences = _decimal_differences(after_values, before_values)
    pair_count = int(differences.size)
    differences_constant = pair_count >= 1 and bool(np.all(differences == differences[0]))
    paired_t, confidence_interval = _paired_t_test(
        after_values, before_values, differences_constant
    )
    shapiro_p = _shapiro_p_value(differences, differences_constant)
    return {
        "n": pair_count,
        "excluded_pairs": excluded_pairs,
        "before": _describe(before_values),
        "after": _describe(after_values),
        "mean_difference": _mean_or_none(differences),
        "ci95": confidence_interval,
        "percent_increase": _percent_increase(before_values, after_values),
        "paired_t": paired_t,
        "wilcoxon": _signed_rank_test(differences),
        "cohen_dz": _cohen_dz(differences, differences_constant),
        "shapiro_p": shapiro_p,
        "primary_test": _choose_primary_test(pair_count, differences_constant, shapiro_p),
    }


def two_group_summary(
    intervention_before: Sequence[float | None],
    intervention_after: Sequence[float | None],
    comparison_before: Sequence[float | None],
    comparison_after: Sequence[float | None],
) -> dict[str, Any]:
    """Compare the per-person change (after - before) between intervention and comparison groups.

    Within each group, people with ``None`` on either side are left out; the ``n_*`` counts are
    the people with both values.

    Guarantees:

    * the returned dictionary has exactly the keys ``n_intervention``, ``n_comparison``,
      ``mean_change_intervention``, ``mean_change_comparison``, ``difference_in_mean_change``,
      ``ci95``, ``welch_t`` and ``mann_whitney``;
    * differences and confidence intervals are intervention minus comparison;
    * each person's change is an exact decimal before it is ranked or tested (see the module
      docstring), so equal decimal changes tie in the Mann–Whitney test;
    * ``welch_t`` and ``ci95`` are Welch's unequal-variance t-test and interval, as R's
      ``t.test(x, y)``;
    * ``mann_whitney.u`` is the U statistic of the intervention group (R's ``W``) and
      ``mann_whitney.p`` is the two-sided p-value R's ``wilcox.test(x, y)`` reports: exact when
      the pooled changes have no ties and both groups have fewer than 50 people, otherwise the
      normal approximation with tie and continuity corrections; ``method`` says which;
    * it never raises for degenerate data and never contains NaN or infinity.

    Raises ``ValueError`` when a group's before and after sequences differ in length or contain
    NaN or infinity (missing values must be ``None``).
    """
    intervention_before_values, intervention_after_values, _ = _complete_pairs(
        intervention_before, intervention_after
    )
    comparison_before_values, comparison_after_values, _ = _complete_pairs(
        comparison_before, comparison_after
    )
    intervention_changes = _decimal_differences(
        intervention_after_values, intervention_before_values
    )
    comparison_changes = _decimal_differences(comparison_after_values, comparison_before_values)
    mean_change_intervention = _mean_or_none(intervention_changes)
    mean_change_comparison = _mean_or_none(comparison_changes)
    if mean_change_intervention is None or mean_change_comparison is None:
        difference_in_mean_change = None
    else:
        difference_in_mean_change = mean_change_intervention - mean_change_comparison
    welch_t, confidence_interval = _welch_t_test(intervention_changes, comparison_changes)
    return {
        "n_intervention": int(intervention_changes.size),
        "n_comparison": int(comparison_changes.size),
        "mean_change_intervention": mean_change_intervention,
        "mean_change_comparison": mean_change_comparison,
        "difference_in_mean_change": difference_in_mean_change,
        "ci95": confidence_interval,
        "welch_t": welch_t,
        "mann_whitney": _rank_sum_test(intervention_changes, comparison_changes),
    }


def exact_signed_rank_p_value(ranks: Sequence[float], w_plus: float) -> float:
    """Two-sided exact p-value of the signed-rank statistic ``w_plus`` given the ``ranks``.

    Under the null hypothesis every rank is independently positive or negative with
    probability 1/2, so all ``2**len(ranks)`` sign assignments are equally likely. The ranks may
    be average ranks of ties (multiples of 1/2). Returns
    ``min(1, 2 * min(P(W+ <= w_plus), P(W+ >= w_plus)))``, computed with exact integer counts.
    With no ranks the only possible statistic is 0 and the p-value is 1.
    """
    # Average ranks are multiples of 1/2, so doubling them gives integers and the null
    # distribution of 2*W+ is a subset-sum count over those integers.
    doubled_ranks = [round(2 * rank) for rank in ranks]
    assignment_counts = [0] * (sum(doubled_ranks) + 1)
    assignment_counts[0] = 1
    for doubled_rank in doubled_ranks:
        for total in range(len(assignment_counts) - 1, doubled_rank - 1, -1):
            assignment_counts[total] += assignment_counts[total - doubled_rank]
    observed = round(2 * w_plus)
    at_most_observed = sum(assignment_counts[: observed + 1])
    at_least_observed = sum(assignment_counts[observed:])
    return min(1.0, 2 * min(at_most_observed, at_least_observed) / 2 ** len(doubled_ranks))


def _complete_pairs(
    before: Sequence[float | None], after: Sequence[float | None]
) -> tuple[np.ndarray, np.ndarray, int]:
    if len(before) != len(after):
        raise ValueError(
            f"before and after must pair up one to one, got {len(before)} and {len(after)} values"
        )
    complete = [
        (float(before_value), float(after_value))
        for before_value, after_value in zip(before, after, strict=True)
        if before_value is not None and after_value is not None
    ]
    before_values = np.array([pair[0] for pair in complete], dtype=float)
    after_values = np.array([pair[1] for pair in complete], dtype=float)
    # NaN is not a missing-value marker here: silently dropping it could hide a data error.
    if not (np.all(np.isfinite(before_values)) and np.all(np.isfinite(after_values))):
        raise ValueError("values must be finite numbers or None")
    return before_values, after_values, len(before) - len(complete)


def _decimal_differences(minuends: np.ndarray, subtrahends: np.ndarray) -> np.ndarray:
    """``minuends - subtrahends`` computed on the decimals the floats are written as, then
    rounded once to the nearest float, so that equal decimal differences are equal floats."""
    return np.array(
        [
            float(Decimal(repr(float(minuend))) - Decimal(repr(float(subtrahend))))
            for minuend, subtrahend in zip(minuends, subtrahends, strict=True)
        ],
        dtype=float,
    )


def _finite_or_none(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _mean_or_none(values: np.ndarray) -> float | None:
    return float(np.mean(values)) if values.size else None


def _describe(values: np.ndarray) -> dict[str, float | None]:
    if values.size == 0:
        return {"mean": None, "sd": None, "median": None}
    return {
        "mean": float(np.mean(values)),
        "sd": float(np.std(values, ddof=1)) if values.size >= 2 else None,
        "median": float(np.median(values)),
    }


def _percent_increase(
    before_values: np.ndarray, after_values: np.ndarray
) -> dict[str, float | None]:
    mean_before = _mean_or_none(before_values)
    mean_after = _mean_or_none(after_values)
    if mean_before is None or mean_after is None or mean_before == 0:
        of_means = None
    else:
        of_means = _finite_or_none(100 * (mean_after - mean_before) / mean_before)
    # A relative change from zero is undefined, so those mothers cannot contribute.
    has_nonzero_baseline = before_values != 0
    # A tiny positive baseline can overflow the ratio; the infinite result is mapped to None below.
    with np.errstate(over="ignore", invalid="ignore"):
        per_mother = (
            100
            * (after_values[has_nonzero_baseline] - before_values[has_nonzero_baseline])
            / before_values[has_nonzero_baseline]
        )
    return {
        "of_means": of_means,
        "mean_per_mother": _finite_or_none(np.mean(per_mother)) if per_mother.size else None,
        "median_per_mother": _finite_or_none(np.median(per_mother)) if per_mother.size else None,
    }


def _paired_t_test(
    after_values: np.ndarray, before_values: np.ndarray, differences_constant: bool
) -> tuple[dict[str, float | int | None], list[float] | None]:
    pair_count = after_values.size
    degrees_of_freedom = pair_count - 1 if pair_count >= 2 else None
    # With constant differences the standard error is zero and t is undefined (R refuses:
    # "data are essentially constant"), so neither t nor its interval is reported.
    if pair_count < 2 or differences_constant:
        return {"t": None, "df": degrees_of_freedom, "p": None}, None
    result = _stats().ttest_rel(after_values, before_values)
    interval = result.confidence_interval(confidence_level=CONFIDENCE_LEVEL)
    t_statistic = _finite_or_none(result.statistic)
    paired_t = {
        "t": t_statistic,
        "df": degrees_of_freedom,
        "p": _finite_or_none(result.pvalue) if t_statistic is not None else None,
    }
    return paired_t, _interval_or_none(interval.low, interval.high)


def _interval_or_none(low: Any, high: Any) -> list[float] | None:
    finite_low = _finite_or_none(low)
    finite_high = _finite_or_none(high)
    if finite_low is None or finite_high is None:
        return None
    return [finite_low, finite_high]


def _signed_rank_test(differences: np.ndarray) -> dict[str, float | None]:
    if differences.size == 0:
        return {"w_plus": None, "p_exact": None, "p_approx": None}
    nonzero_differences = differences[differences != 0]
    if nonzero_differences.size == 0:
        # All ranks are dropped; R's wilcox.test returns NaN here.
        return {"w_plus": 0.0, "p_exact": None, "p_approx": None}
    ranks = _stats().rankdata(np.abs(nonzero_differences), method="average")
    w_plus = float(np.sum(ranks[nonzero_differences > 0]))
    if nonzero_differences.size <= EXACT_SIGNED_RANK_MAXIMUM_NONZERO_DIFFERENCES:
        p_exact = exact_signed_rank_p_value(ranks.tolist(), w_plus)
    else:
        p_exact = None
    approximation = _stats().wilcoxon(
        differences, zero_method="wilcox", correction=True, method="asymptotic"
    )
    return {
        "w_plus": w_plus,
        "p_exact": p_exact,
        "p_approx": _finite_or_none(approximation.pvalue),
    }


def _cohen_dz(differences: np.ndarray, differences_constant: bool) -> float | None:
    if differences.size < 2 or differences_constant:
        return None
    # Differences that are equal but for rounding can have a standard deviation that underflows
    # to zero; the infinite ratio is then reported as None.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return _finite_or_none(np.mean(differences) / np.std(differences, ddof=1))


def _shapiro_p_value(differences: np.ndarray, differences_constant: bool) -> float | None:
    if differences.size < MINIMUM_PAIRS_FOR_NORMALITY_TEST or differences_constant:
        return None
    return _finite_or_none(_stats().shapiro(differences).pvalue)


def _choose_primary_test(
    pair_count: int, differences_constant: bool, shapiro_p: float | None
) -> dict[str, str]:
    # The t-test is chosen only on positive evidence of normality; every other case falls back
    # to the distribution-free Wilcoxon test.
    if pair_count < MINIMUM_PAIRS_FOR_NORMALITY_TEST:
        return {"name": "wilcoxon", "reason_code": "too_few_pairs_for_normality_test"}
    if differences_constant or shapiro_p is None:
        return {"name": "wilcoxon", "reason_code": "differences_constant"}
    if shapiro_p >= NORMALITY_SIGNIFICANCE_LEVEL:
        return {"name": "paired_t", "reason_code": "differences_normal"}
    return {"name": "wilcoxon", "reason_code": "differences_not_normal"}


def _welch_t_test(
    intervention_changes: np.ndarray, comparison_changes: np.ndarray
) -> tuple[dict[str, float | None], list[float] | None]:
    unavailable: dict[str, float | None] = {"t": None, "df": None, "p": None}
    if intervention_changes.size < 2 or comparison_changes.size < 2:
        return unavailable, None
    intervention_constant = bool(np.all(intervention_changes == intervention_changes[0]))
    comparison_constant = bool(np.all(comparison_changes == comparison_changes[0]))
    # Two constant groups give a zero standard error: t and the Welch degrees of freedom are 0/0.
    if intervention_constant and comparison_constant:
        return unavailable, None
    with warnings.catch_warnings():
        if intervention_constant or comparison_constant:
            # scipy flags any constant sample as possible catastrophic cancellation; here the
            # values are exactly equal, so a variance of zero is exact and the warning is noise.
            warnings.filterwarnings(
                "ignore", message="Precision loss occurred", category=RuntimeWarning
            )
        result = _stats().ttest_ind(intervention_changes, comparison_changes, equal_var=False)
    t_statistic = _finite_or_none(result.statistic)
    if t_statistic is None:
        return unavailable, None
    interval = result.confidence_interval(confidence_level=CONFIDENCE_LEVEL)
    welch_t = {
        "t": t_statistic,
        "df": _finite_or_none(result.df),
        "p": _finite_or_none(result.pvalue),
    }
    return welch_t, _interval_or_none(interval.low, interval.high)


def _rank_sum_test(
    intervention_changes: np.ndarray, comparison_changes: np.ndarray
) -> dict[str, float | str | None]:
    if intervention_changes.size == 0 or comparison_changes.size == 0:
        return {"u": None, "p": None, "method": None}
    pooled_changes = np.concatenate([intervention_changes, comparison_changes])
    has_ties = np.unique(pooled_changes).size < pooled_changes.size
    small_groups = (
        intervention_changes.size < EXACT_RANK_SUM_GROUP_SIZE_LIMIT
        and comparison_changes.size < EXACT_RANK_SUM_GROUP_SIZE_LIMIT
    )
    method = "exact" if small_groups and not has_ties else "asymptotic"
    result = _stats().mannwhitneyu(
        intervention_changes,
        comparison_changes,
        use_continuity=True,
        alternative="two-sided",
        method=method,
    )
    # When every change is identical there is no rank information: the variance of U is zero and
    # R reports NaN, whereas scipy would clip an infinite z to p = 1.
    p_value = None if np.unique(pooled_changes).size == 1 else _finite_or_none(result.pvalue)
    return {"u": _finite_or_none(result.statistic), "p": p_value, "method": method}
