"""The evaluation's paired block as a table a reader can check line by line, and the phrases the
results sections use for tests and p-values (rounded by `core/numbers.py`)."""

from django.utils.translation import gettext as _

from kaderasi.core import numbers as fmt
from kaderasi.reports.report_document import Cell, Column, Table


def stats_table(
    key: str, number: int, title: str, block: dict, *, unit: str, points: bool = False
) -> Table:
    """The paired block as a two-column table a reader can check line by line."""
    t = block["paired_t"]
    w = block["wilcoxon"]
    increase = block["percent_increase"]
    primary = block["primary_test"]
    rows = [
        (_("Pairs (n)"), str(block["n"]), block["n"]),
        (_("Excluded (incomplete pairs)"), str(block["excluded_pairs"]), block["excluded_pairs"]),
        (
            _("Before: mean ± SD (median)"),
            f"{fmt.mean_sd(block['before']['mean'], block['before']['sd'])} "
            f"({fmt.mean(block['before']['median'])})",
            block["before"]["mean"],
        ),
        (
            _("After: mean ± SD (median)"),
            f"{fmt.mean_sd(block['after']['mean'], block['after']['sd'])} "
            f"({fmt.mean(block['after']['median'])})",
            block["after"]["mean"],
        ),
        (
            _("Mean difference, after − before (95 % CI)"),
            f"{fmt.signed(block['mean_difference'])} {unit} ({fmt.interval(block['ci95'])})",
            block["mean_difference"],
        ),
        (
            _("Increase of the means"),
            fmt.percent(increase["of_means"]),
            increase["of_means"],
        ),
    ]
    if not points:
        rows += [
            (
                _("Increase per mother: mean (median)"),
                f"{fmt.percent(increase['mean_per_mother'])} "
                f"({fmt.percent(increase['median_per_mother'])})",
                increase["mean_per_mother"],
            ),
        ]
    rows += [
        (
            _("Paired t-test"),
            _("t(%(df)s) = %(t)s; p %(p)s")
            % {
                "df": t["df"] if t["df"] is not None else "–",
                "t": fmt.statistic(t["t"]),
                "p": p_phrase(t["p"]),
            }
            if t["t"] is not None
            else fmt.MISSING,
            t["p"],
        ),
        (
            _("Wilcoxon signed-rank test"),
            wilcoxon_text(w),
            w["p_exact"] if w["p_exact"] is not None else w["p_approx"],
        ),
        (_("Effect size, Cohen's dz"), fmt.statistic(block["cohen_dz"]), block["cohen_dz"]),
        (
            _("Shapiro–Wilk test of the differences"),
            _("p %(p)s") % {"p": p_phrase(block["shapiro_p"])}
            if block["shapiro_p"] is not None
            else fmt.MISSING,
            block["shapiro_p"],
        ),
        (_("Primary test"), primary_test_text(primary), None),
    ]
    return Table(
        key=key,
        number=number,
        title=title,
        columns=[Column(_("Statistic"), width=44), Column(_("Value"), width=56)],
        rows=[[Cell(label), Cell(text, value=None)] for label, text, _value in rows],
    )


def wilcoxon_text(w: dict) -> str:
    if w["w_plus"] is None:
        return fmt.MISSING
    if w["p_exact"] is not None:
        return _("W+ = %(w)s; exact p %(exact)s (normal approximation p %(approx)s)") % {
            "w": fmt.number(w["w_plus"], 1),
            "exact": p_phrase(w["p_exact"]),
            "approx": p_phrase(w["p_approx"]),
        }
    return _(
        "W+ = %(w)s; p %(approx)s (normal approximation; more than 25 non-zero differences)"
    ) % {
        "w": fmt.number(w["w_plus"], 1),
        "approx": p_phrase(w["p_approx"]),
    }


def primary_test_text(primary: dict) -> str:
    name = {
        "paired_t": _("paired t-test"),
        "wilcoxon": _("Wilcoxon signed-rank test"),
    }.get(primary["name"], primary["name"])
    reason = {
        "differences_normal": _("the differences look normal (Shapiro–Wilk p ≥ 0.05)"),
        "differences_not_normal": _("the differences do not look normal (Shapiro–Wilk p < 0.05)"),
        "too_few_pairs_for_normality_test": _("too few pairs to check normality"),
        "differences_constant": _("all differences are equal"),
    }.get(primary.get("reason_code", ""), primary.get("reason_code", ""))
    return f"{name}: {reason}"


def primary_p(block: dict) -> float | None:
    if block["primary_test"]["name"] == "paired_t":
        return block["paired_t"]["p"]
    w = block["wilcoxon"]
    return w["p_exact"] if w["p_exact"] is not None else w["p_approx"]


def primary_name(block: dict) -> str:
    return (
        _("paired t-test")
        if block["primary_test"]["name"] == "paired_t"
        else _("Wilcoxon signed-rank test")
    )


def p_phrase(p: float | None) -> str:
    text = fmt.p_value(p)
    return text if text.startswith("<") or text == fmt.MISSING else f"= {text}"
