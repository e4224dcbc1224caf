"""Specification tests for kaderasi.evaluation.statistics.

Reference values were computed on this machine (R is not installed) by two independent routes
that agree to at least 13 significant digits:

* scipy.stats (through the module under test), and
* brute force from first principles in plain Python: enumeration of all 2**m sign assignments
  (signed-rank test) or all C(n1 + n2, n1) group splits (rank-sum test) with exact fractions,
  and the textbook/R formulas written out by hand with math.erfc for the normal tail
  (R's wilcox.test normal approximation with tie and continuity corrections, Welch's t with
  Satterthwaite degrees of freedom, the one-sample t on paired differences).

The brute-force helpers live at the bottom of this file so the property tests can reuse them.
"""

from __future__ import annotations

import itertools
import json
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as strategy
from scipy import stats

from kaderasi.evaluation.statistics import (
    exact_signed_rank_p_value,
    paired_summary,
    two_group_summary,
)

TABLE_1_BEFORE = [30, 50, 40, 100, 60, 50, 40, 80, 150, 60]
TABLE_1_AFTER = [250, 300, 350, 300, 200, 300, 350, 300, 350, 250]

# Differences 20, 20, -5, 30, 20, -10, 25, 20, 30, -5, 20, 30: ties in |d| (five 20s, three 30s,
# two 5s) and no zeros.
TIES_BEFORE = [120, 80, 95, 60, 150, 110, 70, 90, 100, 85, 130, 75]
TIES_AFTER = [140, 100, 90, 90, 170, 100, 95, 110, 130, 80, 150, 105]

# Differences 0, 50, 0, 35, -5, 40, 0, 60: three zero differences, untied non-zero ones.
ZEROS_BEFORE = [200, 180, 150, 220, 170, 160, 190, 210]
ZEROS_AFTER = [200, 230, 150, 255, 165, 200, 190, 270]

# Changes: intervention 60, 35, 120, 90, 75, 150, 48; comparison 40, 45, 10, 55, 80, 25 (no ties).
UNTIED_INTERVENTION_BEFORE = [100, 120, 90, 110, 80, 95, 105]
UNTIED_INTERVENTION_AFTER = [160, 155, 210, 200, 155, 245, 153]
UNTIED_COMPARISON_BEFORE = [100, 90, 110, 85, 95, 120]
UNTIED_COMPARISON_AFTER = [140, 135, 120, 140, 175, 145]

# Changes: intervention 60, 40, 120, 90, 75, 150, 45, 80; comparison 40, 45, 10, 55, 80, 25, 60
# (40, 45, 60 and 80 are tied across the groups).
TIED_INTERVENTION_BEFORE = [100, 120, 90, 110, 80, 95, 105, 100]
TIED_INTERVENTION_AFTER = [160, 160, 210, 200, 155, 245, 150, 180]
TIED_COMPARISON_BEFORE = [100, 90, 110, 85, 95, 120, 100]
TIED_COMPARISON_AFTER = [140, 135, 120, 140, 175, 145, 160]

# Reference values computed to full double precision agree to ~1e-15; the tolerance leaves room
# for other BLAS/libm builds.
FULL_PRECISION = 1e-9

PAIRED_SUMMARY_KEYS = {
    "n",
    "excluded_pairs",
    "before",
    "after",
    "mean_difference",
    "ci95",
    "percent_increase",
    "paired_t",
    "wilcoxon",
    "cohen_dz",
    "shapiro_p",
    "primary_test",
}
TWO_GROUP_SUMMARY_KEYS = {
    "n_intervention",
    "n_comparison",
    "mean_change_intervention",
    "mean_change_comparison",
    "difference_in_mean_change",
    "ci95",
    "welch_t",
    "mann_whitney",
}


# --- Table 1 of the paper -------------------------------------------------------------------


def test_table_1_descriptives_match_the_paper() -> None:
    # Given the paper's Table 1, when summarised
    summary = paired_summary(TABLE_1_BEFORE, TABLE_1_AFTER)
    # Then the counts and descriptive statistics are those of the paper
    assert summary["n"] == 10
    assert summary["excluded_pairs"] == 0
    assert summary["before"]["mean"] == pytest.approx(66.0, abs=1e-12)
    assert summary["after"]["mean"] == pytest.approx(295.0, abs=1e-12)
    assert summary["before"]["median"] == pytest.approx(55.0, abs=1e-12)
    assert summary["after"]["median"] == pytest.approx(300.0, abs=1e-12)
    # sd with ddof=1, checked by the textbook formula
    assert summary["before"]["sd"] == pytest.approx(
        math.sqrt(sum((value - 66.0) ** 2 for value in TABLE_1_BEFORE) / 9), rel=FULL_PRECISION
    )


def test_table_1_mean_difference_and_ci95_match_the_paper_to_two_decimals() -> None:
    summary = paired_summary(TABLE_1_BEFORE, TABLE_1_AFTER)
    assert summary["mean_difference"] == pytest.approx(229.0, abs=1e-12)
    low, high = summary["ci95"]
    assert low == pytest.approx(191.08, abs=0.005)
    assert high == pytest.approx(266.92, abs=0.005)


def test_table_1_percent_increases_match_the_paper_to_two_decimals() -> None:
    percent_increase = paired_summary(TABLE_1_BEFORE, TABLE_1_AFTER)["percent_increase"]
    assert percent_increase["of_means"] == pytest.approx(346.97, abs=0.005)
    assert percent_increase["mean_per_mother"] == pytest.approx(444.17, abs=0.005)
    assert percent_increase["median_per_mother"] == pytest.approx(408.33, abs=0.005)


def test_table_1_paired_t_matches_the_paper_recomputation() -> None:
    paired_t = paired_summary(TABLE_1_BEFORE, TABLE_1_AFTER)["paired_t"]
    assert paired_t["t"] == pytest.approx(13.661, abs=5e-4)
    assert paired_t["df"] == 9
    assert paired_t["p"] == pytest.approx(2.534e-7, abs=5e-11)


def test_table_1_wilcoxon_matches_the_paper_recomputation() -> None:
    wilcoxon = paired_summary(TABLE_1_BEFORE, TABLE_1_AFTER)["wilcoxon"]
    # All ten differences are positive: W+ = 1 + ... + 10 = 55, and only the all-positive and
    # all-negative sign assignments are as extreme, so p = 2 / 2**10 exactly.
    assert wilcoxon["w_plus"] == 55
    assert wilcoxon["p_exact"] == 0.001953125
    assert wilcoxon["p_approx"] == pytest.approx(0.005793, abs=5e-7)


def test_table_1_effect_size_and_normality_match_the_paper_recomputation() -> None:
    summary = paired_summary(TABLE_1_BEFORE, TABLE_1_AFTER)
    assert summary["cohen_dz"] == pytest.approx(4.320, abs=5e-4)
    assert summary["shapiro_p"] == pytest.approx(0.51, abs=0.005)
    assert summary["primary_test"] == {"name": "paired_t", "reason_code": "differences_normal"}


def test_table_1_summary_has_exactly_the_documented_keys_and_is_strict_json() -> None:
    summary = paired_summary(TABLE_1_BEFORE, TABLE_1_AFTER)
    assert set(summary) == PAIRED_SUMMARY_KEYS
    assert set(summary["before"]) == {"mean", "sd", "median"}
    assert set(summary["percent_increase"]) == {"of_means", "mean_per_mother", "median_per_mother"}
    assert set(summary["paired_t"]) == {"t", "df", "p"}
    assert set(summary["wilcoxon"]) == {"w_plus", "p_exact", "p_approx"}
    assert set(summary["primary_test"]) == {"name", "reason_code"}
    assert json.loads(json.dumps(summary, allow_nan=False)) == summary


# --- Independently computed references: paired ----------------------------------------------


def test_tied_differences_wilcoxon_uses_average_ranks_and_the_exact_tied_distribution() -> None:
    # Given differences with tied absolute values
    wilcoxon = paired_summary(TIES_BEFORE, TIES_AFTER)["wilcoxon"]
    # W+ = 72: brute force average ranks (5s -> 1.5, 10 -> 3, 20s -> 6, 25 -> 9, 30s -> 11).
    assert wilcoxon["w_plus"] == 72
    # 13/2048 from enumerating all 2**12 sign assignments with exact fractions; scipy's
    # permutation_test with n_resamples=inf also gives 0.00634765625.
    assert wilcoxon["p_exact"] == 13 / 2048
    # 0.010041886590945917 from R's formula by hand (sigma**2 = n(n+1)(2n+1)/24 - sum(t^3-t)/48,
    # z = (W+ - n(n+1)/4 - 0.5 sign) / sigma); scipy gives 0.01004188659094589.
    assert wilcoxon["p_approx"] == pytest.approx(0.010041886590945917, rel=FULL_PRECISION)


def test_tied_differences_paired_t_matches_the_textbook_formula() -> None:
    summary = paired_summary(TIES_BEFORE, TIES_AFTER)
    # t = mean(d) / (sd(d) / sqrt(n)) by hand: 3.887649821963313; p from the regularised
    # incomplete beta function: 0.0025298026417230933; CI = mean ± t(0.975, 11) sd / sqrt(n).
    assert summary["mean_difference"] == pytest.approx(16.25, abs=1e-12)
    assert summary["paired_t"]["t"] == pytest.approx(3.887649821963313, rel=FULL_PRECISION)
    assert summary["paired_t"]["df"] == 11
    assert summary["paired_t"]["p"] == pytest.approx(0.0025298026417230933, rel=FULL_PRECISION)
    assert summary["ci95"] == pytest.approx(
        [7.050095047288279, 25.44990495271172], rel=FULL_PRECISION
    )
    assert summary["cohen_dz"] == pytest.approx(1.1222678356127598, rel=FULL_PRECISION)


def test_non_normal_differences_make_wilcoxon_the_primary_test() -> None:
    summary = paired_summary(TIES_BEFORE, TIES_AFTER)
    # scipy.stats.shapiro on the differences: 0.006310453557059668 (< 0.05).
    assert summary["shapiro_p"] == pytest.approx(0.006310453557059668, rel=1e-6)
    assert summary["primary_test"] == {"name": "wilcoxon", "reason_code": "differences_not_normal"}


def test_zero_differences_are_dropped_from_the_wilcoxon_test() -> None:
    # Given three zero differences among eight pairs
    summary = paired_summary(ZEROS_BEFORE, ZEROS_AFTER)
    wilcoxon = summary["wilcoxon"]
    # Then ranks are computed over the five non-zero differences -5, 35, 40, 50, 60:
    # W+ = 2 + 3 + 4 + 5 = 14 (brute force).
    assert wilcoxon["w_plus"] == 14
    # 1/8 from enumerating all 2**5 sign assignments; scipy.stats.wilcoxon(method="exact") on
    # the non-zero differences also gives 0.125.
    assert wilcoxon["p_exact"] == 0.125
    # R's formula by hand with n = 5 non-zero differences: 0.10564542920187693.
    assert wilcoxon["p_approx"] == pytest.approx(0.10564542920187693, rel=FULL_PRECISION)
    # The t-test still uses all eight differences (textbook formula: t = 2.40535117721182).
    assert summary["n"] == 8
    assert summary["paired_t"]["t"] == pytest.approx(2.40535117721182, rel=FULL_PRECISION)
    assert summary["paired_t"]["p"] == pytest.approx(0.04709447030429641, rel=FULL_PRECISION)


def test_exact_p_value_agrees_with_scipy_permutation_test_on_tied_ranks() -> None:
    differences = np.array(TIES_AFTER, dtype=float) - np.array(TIES_BEFORE, dtype=float)

    def w_plus_statistic(signed_differences: np.ndarray) -> float:
        ranks = stats.rankdata(np.abs(signed_differences))
        return float(np.sum(ranks[signed_differences > 0]))

    # permutation_type="samples" with one sample flips the sign of each observation.
    permutation = stats.permutation_test(
        (differences,),
        w_plus_statistic,
        vectorized=False,
        n_resamples=np.inf,
        permutation_type="samples",
        alternative="two-sided",
    )
    assert paired_summary(TIES_BEFORE, TIES_AFTER)["wilcoxon"]["p_exact"] == pytest.approx(
        permutation.pvalue, rel=1e-12
    )


def test_approximate_p_value_matches_scipy_wilcoxon_with_r_defaults() -> None:
    for before, after in [(TABLE_1_BEFORE, TABLE_1_AFTER), (TIES_BEFORE, TIES_AFTER)]:
        differences = np.array(after, dtype=float) - np.array(before, dtype=float)
        expected = stats.wilcoxon(
            differences, zero_method="wilcox", correction=True, method="asymptotic"
        ).pvalue
        assert paired_summary(before, after)["wilcoxon"]["p_approx"] == pytest.approx(
            expected, rel=1e-12
        )
        assert paired_summary(before, after)["wilcoxon"]["p_approx"] == pytest.approx(
            r_signed_rank_normal_approximation(differences.tolist()), rel=FULL_PRECISION
        )


def test_exact_p_value_is_omitted_above_25_non_zero_differences() -> None:
    before = list(range(26))
    after = [value + 1 + index for index, value in enumerate(before)]
    wilcoxon = paired_summary(before, after)["wilcoxon"]
    assert wilcoxon["p_exact"] is None
    assert wilcoxon["p_approx"] is not None
    # 25 non-zero differences is still exact: 2 / 2**25 when all are positive.
    assert paired_summary(before[:25], after[:25])["wilcoxon"]["p_exact"] == 2 / 2**25


# --- Decimal data (issue 13): differences are ranked as the decimals they are --------------

# Four changes of +0.2 ml and one of -0.2 ml, which binary floats make 0.1999999999999993,
# 0.20000000000000018, 0.19999999999999998, 0.20000000000000018 and -0.1999999999999993, then
# six larger rises.
DECIMAL_BEFORE = [10.3, 5.2, 0.1, 7.7, 8.6, 20.0, 15.0, 12.5, 30.0, 9.0, 11.0]
DECIMAL_AFTER = [10.5, 5.4, 0.3, 7.9, 8.4, 21.0, 17.0, 15.5, 34.0, 14.0, 17.0]


def test_equal_decimal_differences_tie_in_the_signed_rank_test_as_in_r_with_digits_rank() -> None:
    wilcoxon = paired_summary(DECIMAL_BEFORE, DECIMAL_AFTER)["wilcoxon"]
    # R 4.2.2: wilcox.test(after, before, paired = TRUE, exact = FALSE, digits.rank = 7) gives
    # V = 63 (without digits.rank: V = 64.5, the five 0.2s ranked as unequal).
    assert wilcoxon["w_plus"] == 63
    # R 4.2.2, the exact null distribution of the tied ranks by enumeration:
    #   d <- round(after - before, 1); rk <- rank(abs(d)); w <- sum(rk[d > 0])
    #   null <- as.matrix(expand.grid(rep(list(c(0, 1)), 11))) %*% rk
    #   min(1, 2 * min(mean(null <= w), mean(null >= w)))   # 0.005859375 (12 / 2048)
    # Ranking the floats gives 0.0029296875, half the correct p-value.
    assert wilcoxon["p_exact"] == 12 / 2048
    # R 4.2.2: wilcox.test(after, before, paired = TRUE, exact = FALSE, digits.rank = 7)$p.value
    # and wilcox.test(round(after - before, 1), exact = FALSE)$p.value: 0.0080687772647536141.
    assert wilcoxon["p_approx"] == pytest.approx(0.0080687772647536141, rel=FULL_PRECISION)


def test_decimal_differences_leave_the_paired_t_test_as_r_computes_it() -> None:
    summary = paired_summary(DECIMAL_BEFORE, DECIMAL_AFTER)
    # R 4.2.2: t.test(after, before, paired = TRUE): t = 2.94857535109302, df = 10,
    # p = 0.014570133165719, CI 0.47978265395607933 to 3.44749007331664759.
    assert summary["mean_difference"] == pytest.approx(1.9636363636363636, rel=FULL_PRECISION)
    assert summary["paired_t"]["t"] == pytest.approx(2.94857535109302, rel=FULL_PRECISION)
    assert summary["paired_t"]["df"] == 10
    assert summary["paired_t"]["p"] == pytest.approx(0.014570133165719, rel=FULL_PRECISION)
    assert summary["ci95"] == pytest.approx(
        [0.47978265395607933, 3.44749007331664759], rel=FULL_PRECISION
    )


def test_equal_decimal_differences_are_constant_so_no_t_test_is_reported() -> None:
    # Every mother gains 0.2 ml; as floats the differences differ in the 16th digit and would
    # give a standard error of about 1e-16 and a t in the trillions.
    summary = paired_summary([10.3, 5.2, 0.1, 7.7], [10.5, 5.4, 0.3, 7.9])
    assert summary["mean_difference"] == 0.2
    assert summary["paired_t"] == {"t": None, "df": 3, "p": None}
    assert summary["ci95"] is None
    assert summary["cohen_dz"] is None
    assert summary["shapiro_p"] is None
    assert summary["primary_test"] == {"name": "wilcoxon", "reason_code": "differences_constant"}
    assert summary["wilcoxon"] == {
        "w_plus": 10.0,
        "p_exact": 0.125,
        "p_approx": pytest.approx(
            stats.wilcoxon([0.2, 0.2, 0.2, 0.2], correction=True, method="asymptotic").pvalue
        ),
    }


def test_equal_decimal_changes_tie_across_groups_in_the_mann_whitney_test() -> None:
    # Changes: intervention 0.2 (10.3 -> 10.5), 1, 2, 3; comparison 0.2 (5.2 -> 5.4), -1, 0.5.
    summary = two_group_summary([10.3, 20, 15, 12], [10.5, 21, 17, 15], [5.2, 9, 7], [5.4, 8, 7.5])
    # R 4.2.2: wilcox.test(ia - ib, ca - cb, digits.rank = 7) gives W = 10.5 and, because of
    # the tie, the normal approximation p = 0.15357639654998381. Without digits.rank R ranks
    # the floats as untied: W = 10 and the exact p = 0.22857142857142856.
    assert summary["mann_whitney"]["u"] == 10.5
    assert summary["mann_whitney"]["method"] == "asymptotic"
    assert summary["mann_whitney"]["p"] == pytest.approx(0.15357639654998381, rel=FULL_PRECISION)
    assert summary["mean_change_intervention"] == 1.55
    assert summary["mean_change_comparison"] == pytest.approx(-0.1, abs=1e-15)


# --- Degenerate paired inputs ------------------------------------------------------------


def test_incomplete_pairs_are_excluded_and_counted() -> None:
    summary = paired_summary([30, None, 40, 50], [250, 300, None, 310])
    assert summary["n"] == 2
    assert summary["excluded_pairs"] == 2
    assert summary["before"]["mean"] == pytest.approx(40.0, abs=1e-12)
    assert summary["mean_difference"] == pytest.approx(240.0, abs=1e-12)


def test_no_pairs_gives_none_everywhere_without_raising() -> None:
    summary = paired_summary([None, 10], [20, None])
    assert summary["n"] == 0
    assert summary["excluded_pairs"] == 2
    assert summary["before"] == {"mean": None, "sd": None, "median": None}
    assert summary["mean_difference"] is None
    assert summary["ci95"] is None
    assert summary["percent_increase"] == {
        "of_means": None,
        "mean_per_mother": None,
        "median_per_mother": None,
    }
    assert summary["paired_t"] == {"t": None, "df": None, "p": None}
    assert summary["wilcoxon"] == {"w_plus": None, "p_exact": None, "p_approx": None}
    assert summary["cohen_dz"] is None
    assert summary["shapiro_p"] is None
    assert summary["primary_test"] == {
        "name": "wilcoxon",
        "reason_code": "too_few_pairs_for_normality_test",
    }
    json.dumps(summary, allow_nan=False)


def test_single_pair_gives_descriptives_but_no_dispersion_based_statistics() -> None:
    summary = paired_summary([50], [200])
    assert summary["n"] == 1
    assert summary["before"] == {"mean": 50.0, "sd": None, "median": 50.0}
    assert summary["mean_difference"] == pytest.approx(150.0, abs=1e-12)
    assert summary["ci95"] is None
    assert summary["paired_t"] == {"t": None, "df": None, "p": None}
    assert summary["cohen_dz"] is None
    assert summary["shapiro_p"] is None
    # One positive difference: W+ = 1 and both sign assignments are as extreme, so p = 1.
    assert summary["wilcoxon"]["w_plus"] == 1
    assert summary["wilcoxon"]["p_exact"] == 1.0
    json.dumps(summary, allow_nan=False)


def test_constant_differences_give_none_for_t_ci_effect_size_and_normality() -> None:
    summary = paired_summary([10, 20, 30, 40], [60, 70, 80, 90])
    assert summary["mean_difference"] == pytest.approx(50.0, abs=1e-12)
    assert summary["ci95"] is None
    assert summary["paired_t"] == {"t": None, "df": 3, "p": None}
    assert summary["cohen_dz"] is None
    assert summary["shapiro_p"] is None
    assert summary["primary_test"] == {"name": "wilcoxon", "reason_code": "differences_constant"}
    # The rank test remains valid: four tied positive differences, W+ = 10, p = 2 / 16.
    assert summary["wilcoxon"]["w_plus"] == 10
    assert summary["wilcoxon"]["p_exact"] == 0.125
    json.dumps(summary, allow_nan=False)


def test_all_zero_differences_give_no_wilcoxon_p_values() -> None:
    summary = paired_summary([10, 20, 30], [10, 20, 30])
    assert summary["wilcoxon"] == {"w_plus": 0.0, "p_exact": None, "p_approx": None}
    assert summary["paired_t"]["t"] is None
    json.dumps(summary, allow_nan=False)


def test_mothers_with_zero_baseline_are_left_out_of_per_mother_percentages() -> None:
    percent_increase = paired_summary([0, 50, 100], [100, 100, 150])["percent_increase"]
    # Mean before is 50 and mean after 350/3: 100 * (350/3 - 50) / 50.
    assert percent_increase["of_means"] == pytest.approx(100 * (350 / 3 - 50) / 50, rel=1e-12)
    # Only the mothers starting at 50 (+100 %) and 100 (+50 %) count.
    assert percent_increase["mean_per_mother"] == pytest.approx(75.0, rel=1e-12)
    assert percent_increase["median_per_mother"] == pytest.approx(75.0, rel=1e-12)


def test_only_zero_baselines_give_no_percentages() -> None:
    percent_increase = paired_summary([0, 0], [100, 150])["percent_increase"]
    assert percent_increase == {
        "of_means": None,
        "mean_per_mother": None,
        "median_per_mother": None,
    }


def test_unequal_lengths_are_rejected() -> None:
    with pytest.raises(ValueError, match="pair up"):
        paired_summary([1, 2, 3], [1, 2])


def test_non_finite_values_are_rejected_because_missing_values_must_be_none() -> None:
    with pytest.raises(ValueError, match="finite"):
        paired_summary([1, float("nan")], [2, 3])
    with pytest.raises(ValueError, match="finite"):
        two_group_summary([1], [float("inf")], [1], [2])


# --- Independently computed references: two groups -----------------------------------------


def test_untied_two_groups_use_the_exact_mann_whitney_distribution() -> None:
    summary = two_group_summary(
        UNTIED_INTERVENTION_BEFORE,
        UNTIED_INTERVENTION_AFTER,
        UNTIED_COMPARISON_BEFORE,
        UNTIED_COMPARISON_AFTER,
    )
    assert set(summary) == TWO_GROUP_SUMMARY_KEYS
    assert summary["n_intervention"] == 7
    assert summary["n_comparison"] == 6
    # U of the intervention group = 34 (count of intervention > comparison pairs, brute force).
    # p = 21/286 from enumerating all C(13, 7) = 1716 group splits with R's two-sided rule
    # (U > n1 n2 / 2, so 2 P(U >= 34)); scipy exact gives 0.07342657342657342.
    assert summary["mann_whitney"] == {
        "u": 34.0,
        "p": pytest.approx(21 / 286, rel=1e-12),
        "method": "exact",
    }


def test_untied_two_groups_welch_t_matches_the_textbook_formula() -> None:
    summary = two_group_summary(
        UNTIED_INTERVENTION_BEFORE,
        UNTIED_INTERVENTION_AFTER,
        UNTIED_COMPARISON_BEFORE,
        UNTIED_COMPARISON_AFTER,
    )
    assert summary["mean_change_intervention"] == pytest.approx(578 / 7, rel=1e-12)
    assert summary["mean_change_comparison"] == pytest.approx(42.5, rel=1e-12)
    assert summary["difference_in_mean_change"] == pytest.approx(578 / 7 - 42.5, rel=1e-12)
    # By hand: t = (m1 - m2) / sqrt(v1/n1 + v2/n2), Welch-Satterthwaite df, p from the
    # regularised incomplete beta function, CI = difference ± t(0.975, df) se.
    assert summary["welch_t"]["t"] == pytest.approx(2.1838935985711454, rel=FULL_PRECISION)
    assert summary["welch_t"]["df"] == pytest.approx(9.926947165442096, rel=FULL_PRECISION)
    assert summary["welch_t"]["p"] == pytest.approx(0.054082544134617806, rel=FULL_PRECISION)
    assert summary["ci95"] == pytest.approx(
        [-0.8526573094020193, 80.99551445225916], rel=FULL_PRECISION
    )


def test_tied_two_groups_use_the_normal_approximation_with_continuity_correction() -> None:
    summary = two_group_summary(
        TIED_INTERVENTION_BEFORE,
        TIED_INTERVENTION_AFTER,
        TIED_COMPARISON_BEFORE,
        TIED_COMPARISON_AFTER,
    )
    # U = 45 by brute-force pair counting (ties count 1/2). p = 0.055319242070497855 from R's
    # formula by hand: sigma**2 = n1 n2 / 12 ((N + 1) - sum(t^3 - t) / (N (N - 1))),
    # z = (U - n1 n2 / 2 - 0.5 sign) / sigma; scipy asymptotic gives 0.0553192420704978.
    assert summary["mann_whitney"]["u"] == 45.0
    assert summary["mann_whitney"]["method"] == "asymptotic"
    assert summary["mann_whitney"]["p"] == pytest.approx(0.055319242070497855, rel=FULL_PRECISION)
    # Welch by hand as above.
    assert summary["welch_t"]["t"] == pytest.approx(2.3660814086221733, rel=FULL_PRECISION)
    assert summary["welch_t"]["df"] == pytest.approx(11.810328057299499, rel=FULL_PRECISION)
    assert summary["welch_t"]["p"] == pytest.approx(0.035963398139022114, rel=FULL_PRECISION)
    assert summary["ci95"] == pytest.approx(
        [2.906409567256503, 72.0935904327435], rel=FULL_PRECISION
    )


def test_mann_whitney_switches_to_the_approximation_from_50_per_group() -> None:
    intervention_after = [float(value) for value in range(50)]
    comparison_after = [value + 0.5 for value in range(49)]
    summary = two_group_summary([0] * 50, intervention_after, [0] * 49, comparison_after)
    assert summary["mann_whitney"]["method"] == "asymptotic"
    summary = two_group_summary([0] * 49, intervention_after[:49], [0] * 49, comparison_after)
    assert summary["mann_whitney"]["method"] == "exact"


def test_two_group_degenerate_inputs_give_none_without_raising() -> None:
    empty_group = two_group_summary([], [], [1, 2], [3, 5])
    assert empty_group["n_intervention"] == 0
    assert empty_group["mean_change_intervention"] is None
    assert empty_group["difference_in_mean_change"] is None
    assert empty_group["welch_t"] == {"t": None, "df": None, "p": None}
    assert empty_group["ci95"] is None
    assert empty_group["mann_whitney"] == {"u": None, "p": None, "method": None}

    constant_groups = two_group_summary([1, 2], [2, 3], [1, 2], [1, 2])
    assert constant_groups["welch_t"] == {"t": None, "df": None, "p": None}
    assert constant_groups["ci95"] is None

    all_tied = two_group_summary([1, 2], [2, 3], [1, 2], [2, 3])
    assert all_tied["mann_whitney"]["p"] is None

    incomplete = two_group_summary([1, None, 3], [2, 5, None], [1, 2], [4, 4])
    assert incomplete["n_intervention"] == 1
    assert incomplete["welch_t"]["t"] is None
    for summary in (empty_group, constant_groups, all_tied, incomplete):
        json.dumps(summary, allow_nan=False)


# --- Property tests -----------------------------------------------------------------------

volumes = strategy.integers(min_value=0, max_value=2000)
paired_volumes = strategy.lists(strategy.tuples(volumes, volumes), min_size=2, max_size=20)
positive_constants = strategy.integers(min_value=1, max_value=1000)
optional_volumes = strategy.one_of(
    strategy.none(), strategy.floats(min_value=0, max_value=5000, allow_nan=False)
)
DIFFERENCE_STATISTICS = (
    "mean_difference",
    "ci95",
    "paired_t",
    "wilcoxon",
    "cohen_dz",
    "shapiro_p",
    "primary_test",
)


def _approx_or_none(expected: float | None, **tolerance: float) -> object:
    """``pytest.approx(expected)``, or ``None`` so that a statistic missing on one side must be
    missing on the other as well."""
    return None if expected is None else pytest.approx(expected, **tolerance)


def _split(pairs: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    return [pair[0] for pair in pairs], [pair[1] for pair in pairs]


@settings(max_examples=50, deadline=None)
@given(pairs=paired_volumes)
def test_swapping_before_and_after_negates_t_and_mean_difference_and_keeps_p(
    pairs: list[tuple[int, int]],
) -> None:
    before, after = _split(pairs)
    forward = paired_summary(before, after)
    backward = paired_summary(after, before)
    assert backward["mean_difference"] == -forward["mean_difference"]
    if forward["paired_t"]["t"] is None:
        assert backward["paired_t"]["t"] is None
    else:
        assert backward["paired_t"]["t"] == pytest.approx(-forward["paired_t"]["t"], rel=1e-9)
        assert backward["paired_t"]["p"] == pytest.approx(forward["paired_t"]["p"], rel=1e-9)
    assert backward["wilcoxon"]["p_exact"] == forward["wilcoxon"]["p_exact"]
    assert backward["wilcoxon"]["p_approx"] == _approx_or_none(
        forward["wilcoxon"]["p_approx"], rel=1e-9
    )


@settings(max_examples=50, deadline=None)
@given(pairs=paired_volumes, constant=positive_constants)
def test_scaling_by_a_positive_constant_leaves_test_statistics_unchanged(
    pairs: list[tuple[int, int]], constant: int
) -> None:
    # Integer data times an integer constant is exact in floating point, so ties and zeros
    # are preserved exactly.
    before, after = _split(pairs)
    original = paired_summary(before, after)
    scaled = paired_summary(
        [value * constant for value in before], [value * constant for value in after]
    )
    for statistic in ("t", "p"):
        assert scaled["paired_t"][statistic] == _approx_or_none(
            original["paired_t"][statistic], rel=1e-6, abs=1e-12
        )
    assert scaled["wilcoxon"]["w_plus"] == original["wilcoxon"]["w_plus"]
    assert scaled["wilcoxon"]["p_exact"] == original["wilcoxon"]["p_exact"]
    assert scaled["cohen_dz"] == _approx_or_none(original["cohen_dz"], rel=1e-9, abs=1e-12)


@settings(max_examples=50, deadline=None)
@given(pairs=paired_volumes, constant=volumes)
def test_adding_a_constant_to_both_phases_leaves_difference_statistics_unchanged(
    pairs: list[tuple[int, int]], constant: int
) -> None:
    before, after = _split(pairs)
    original = paired_summary(before, after)
    shifted = paired_summary(
        [value + constant for value in before], [value + constant for value in after]
    )
    for statistic in DIFFERENCE_STATISTICS:
        assert shifted[statistic] == original[statistic]


@settings(max_examples=50, deadline=None)
@given(
    pairs=strategy.lists(strategy.tuples(optional_volumes, optional_volumes), max_size=20),
    comparison_pairs=strategy.lists(
        strategy.tuples(optional_volumes, optional_volumes), max_size=20
    ),
)
def test_p_values_lie_between_zero_and_one_and_output_is_strict_json(
    pairs: list[tuple[float | None, float | None]],
    comparison_pairs: list[tuple[float | None, float | None]],
) -> None:
    before, after = _split(pairs)
    comparison_before, comparison_after = _split(comparison_pairs)
    paired = paired_summary(before, after)
    two_group = two_group_summary(before, after, comparison_before, comparison_after)
    p_values = [
        paired["paired_t"]["p"],
        paired["wilcoxon"]["p_exact"],
        paired["wilcoxon"]["p_approx"],
        paired["shapiro_p"],
        two_group["welch_t"]["p"],
        two_group["mann_whitney"]["p"],
    ]
    for p_value in p_values:
        assert p_value is None or 0.0 <= p_value <= 1.0
    json.dumps(paired, allow_nan=False)
    json.dumps(two_group, allow_nan=False)


@settings(max_examples=50, deadline=None)
@given(pairs=paired_volumes)
def test_w_plus_and_w_minus_add_up_to_the_total_rank_sum(pairs: list[tuple[int, int]]) -> None:
    before, after = _split(pairs)
    non_zero_count = sum(1 for before_value, after_value in pairs if before_value != after_value)
    w_plus = paired_summary(before, after)["wilcoxon"]["w_plus"]
    # W- is W+ of the swapped data.
    w_minus = paired_summary(after, before)["wilcoxon"]["w_plus"]
    assert w_plus + w_minus == non_zero_count * (non_zero_count + 1) / 2


@settings(max_examples=50, deadline=None)
@given(
    differences=strategy.lists(
        strategy.integers(min_value=-6, max_value=6), min_size=1, max_size=10
    )
)
def test_exact_p_value_equals_brute_force_enumeration_of_sign_assignments(
    differences: list[int],
) -> None:
    # Small integers produce many ties and zeros.
    wilcoxon = paired_summary([0] * len(differences), differences)["wilcoxon"]
    if all(difference == 0 for difference in differences):
        assert wilcoxon["p_exact"] is None
        return
    w_plus, p_value = brute_force_signed_rank(differences)
    assert wilcoxon["w_plus"] == w_plus
    assert wilcoxon["p_exact"] == float(p_value)
    assert wilcoxon["p_approx"] == pytest.approx(
        r_signed_rank_normal_approximation(differences), rel=1e-9
    )


@settings(max_examples=50, deadline=None)
@given(
    differences=strategy.lists(
        strategy.integers(min_value=-200, max_value=200).filter(lambda value: value != 0),
        min_size=1,
        max_size=15,
        unique_by=abs,
    )
)
def test_exact_p_value_equals_scipy_exact_wilcoxon_without_ties(differences: list[int]) -> None:
    wilcoxon = paired_summary([0] * len(differences), differences)["wilcoxon"]
    scipy_exact = stats.wilcoxon(differences, method="exact").pvalue
    assert wilcoxon["p_exact"] == pytest.approx(scipy_exact, rel=1e-12)


@settings(max_examples=50, deadline=None)
@given(
    intervention=strategy.lists(strategy.integers(-20, 20), min_size=1, max_size=7),
    comparison=strategy.lists(strategy.integers(-20, 20), min_size=1, max_size=7),
)
def test_mann_whitney_matches_brute_force_or_r_approximation(
    intervention: list[int], comparison: list[int]
) -> None:
    summary = two_group_summary(
        [0] * len(intervention), intervention, [0] * len(comparison), comparison
    )
    pooled = intervention + comparison
    if len(set(pooled)) == 1:
        assert summary["mann_whitney"]["p"] is None
        return
    if len(set(pooled)) == len(pooled):
        u_statistic, p_value = brute_force_rank_sum(intervention, comparison)
        assert summary["mann_whitney"]["method"] == "exact"
        assert summary["mann_whitney"]["p"] == pytest.approx(float(p_value), rel=1e-12)
    else:
        u_statistic, p_value = r_rank_sum_normal_approximation(intervention, comparison)
        assert summary["mann_whitney"]["method"] == "asymptotic"
        assert summary["mann_whitney"]["p"] == pytest.approx(p_value, rel=1e-9)
    assert summary["mann_whitney"]["u"] == u_statistic


def test_exact_signed_rank_p_value_of_no_ranks_is_one() -> None:
    assert exact_signed_rank_p_value([], 0.0) == 1.0


# --- Independent reference implementations (plain Python, no scipy) ------------------------


def average_ranks(values: list[float]) -> list[float]:
    """Rank each value among ``values``, ties receiving the mean of the positions they occupy."""
    ordered = sorted(values)
    return [
        sum(position + 1 for position, other in enumerate(ordered) if other == value)
        / ordered.count(value)
        for value in values
    ]


def brute_force_signed_rank(differences: list[float]) -> tuple[float, Fraction]:
    """W+ and its exact two-sided p-value by enumerating every sign assignment."""
    non_zero = [difference for difference in differences if difference != 0]
    ranks = average_ranks([abs(difference) for difference in non_zero])
    w_plus = sum(rank for rank, difference in zip(ranks, non_zero, strict=True) if difference > 0)
    at_most = at_least = 0
    for signs in itertools.product((False, True), repeat=len(non_zero)):
        statistic = sum(rank for rank, positive in zip(ranks, signs, strict=True) if positive)
        at_most += statistic <= w_plus
        at_least += statistic >= w_plus
    return w_plus, min(Fraction(1), 2 * Fraction(min(at_most, at_least), 2 ** len(non_zero)))


def normal_upper_tail(z: float) -> float:
    return 0.5 * math.erfc(z / math.sqrt(2))


def r_signed_rank_normal_approximation(differences: list[float]) -> float:
    """R's wilcox.test(paired = TRUE, exact = FALSE, correct = TRUE) p-value, written out."""
    non_zero = [difference for difference in differences if difference != 0]
    count = len(non_zero)
    absolute = [abs(difference) for difference in non_zero]
    ranks = average_ranks(absolute)
    w_plus = sum(rank for rank, difference in zip(ranks, non_zero, strict=True) if difference > 0)
    tie_sizes = [absolute.count(value) for value in set(absolute)]
    centred = w_plus - count * (count + 1) / 4
    sigma = math.sqrt(
        count * (count + 1) * (2 * count + 1) / 24 - sum(size**3 - size for size in tie_sizes) / 48
    )
    correction = math.copysign(0.5, centred) if centred != 0 else 0.0
    z = (centred - correction) / sigma
    return 2 * min(normal_upper_tail(z), normal_upper_tail(-z))


def _u_statistic(first: list[float], second: list[float]) -> float:
    return sum(
        (first_value > second_value) + 0.5 * (first_value == second_value)
        for first_value in first
        for second_value in second
    )


def brute_force_rank_sum(first: list[float], second: list[float]) -> tuple[float, Fraction]:
    """U of ``first`` and R's exact two-sided p-value by enumerating every group split."""
    pooled = first + second
    observed = _u_statistic(first, second)
    null_statistics = []
    for chosen in itertools.combinations(range(len(pooled)), len(first)):
        chosen_set = set(chosen)
        null_statistics.append(
            _u_statistic(
                [pooled[index] for index in chosen_set],
                [pooled[index] for index in range(len(pooled)) if index not in chosen_set],
            )
        )
    if observed > len(first) * len(second) / 2:
        tail = sum(statistic >= observed for statistic in null_statistics)
    else:
        tail = sum(statistic <= observed for statistic in null_statistics)
    return observed, min(Fraction(1), 2 * Fraction(tail, len(null_statistics)))


def r_rank_sum_normal_approximation(first: list[float], second: list[float]) -> tuple[float, float]:
    """U of ``first`` and R's wilcox.test(x, y, exact = FALSE, correct = TRUE) p-value."""
    first_count, second_count = len(first), len(second)
    total = first_count + second_count
    pooled = first + second
    observed = _u_statistic(first, second)
    tie_sizes = [pooled.count(value) for value in set(pooled)]
    centred = observed - first_count * second_count / 2
    sigma = math.sqrt(
        first_count
        * second_count
        / 12
        * ((total + 1) - sum(size**3 - size for size in tie_sizes) / (total * (total - 1)))
    )
    correction = math.copysign(0.5, centred) if centred != 0 else 0.0
    z = (centred - correction) / sigma
    return observed, 2 * min(normal_upper_tail(z), normal_upper_tail(-z))
