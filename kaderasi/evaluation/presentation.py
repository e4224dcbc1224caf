"""The evaluation as sections of sentences and tables, in the active language.

One description of what a reader sees, rendered four ways (text, workbook, PDF, web page), so the
four always carry the same content. Cells keep their unrounded numbers with a display rule; only
the renderers round.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext, pgettext_lazy

from kaderasi.core import numbers
from kaderasi.evaluation.results import NormsStatus
from kaderasi.programmes.models import Programme

VOLUME_DECIMALS = 1
DIFFERENCE_DECIMALS = 2
STATISTIC_DECIMALS = 3


@dataclass(frozen=True)
class Cell:
    """One table cell: `value` unrounded, `kind` says how to show it (text, number, integer,
    p, percent, interval), `decimals` how many places for numbers."""

    value: Any
    kind: str = "text"
    decimals: int | None = None

    @property
    def display(self) -> str:
        if self.kind == "text":
            return "" if self.value is None else str(self.value)
        if self.kind == "integer":
            return numbers.number(self.value, 0)
        if self.kind == "p":
            return numbers.p_value(self.value)
        if self.kind == "percent":
            return numbers.percent(self.value, self.decimals or 1)
        if self.kind == "interval":
            return numbers.interval_words(self.value, self.decimals or 1)
        return numbers.number(self.value, self.decimals)

    @property
    def is_numeric(self) -> bool:
        return self.kind != "text"


# A listing (one row per person or volume) shows this many rows on the page, in the PDF and in
# the text; the workbook (and the text with --all-rows) has every row.
LISTING_ROWS_SHOWN = 40


@dataclass(frozen=True)
class Table:
    caption: str
    header: list[str]
    rows: list[list[Cell]]
    listing: bool = False

    @property
    def shown_rows(self) -> list[list[Cell]]:
        """The rows a page, a PDF or a summarising text shows: a listing's first rows."""
        return self.rows[:LISTING_ROWS_SHOWN] if self.listing else self.rows

    @property
    def rows_left_out(self) -> int:
        return len(self.rows) - len(self.shown_rows)

    @property
    def left_out_note(self) -> str:
        if not self.rows_left_out:
            return ""
        return ngettext(
            "The first %(shown)s of %(total)s rows are shown; the workbook (xlsx) lists the "
            "other %(left_out)s.",
            "The first %(shown)s of %(total)s rows are shown; the workbook (xlsx) lists the "
            "other %(left_out)s.",
            self.rows_left_out,
        ) % {
            "shown": numbers.number(len(self.shown_rows), 0),
            "total": numbers.number(len(self.rows), 0),
            "left_out": numbers.number(self.rows_left_out, 0),
        }


@dataclass(frozen=True)
class Section:
    """A titled part of the report; `sheet_title` is its short name as a workbook sheet."""

    key: str
    title: str
    sheet_title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)


def text(value: Any) -> Cell:
    return Cell(value)


def integer(value: Any) -> Cell:
    return Cell(value, "integer")


def decimal(value: Any, decimals: int | None) -> Cell:
    return Cell(value, "number", decimals)


PRIMARY_TEST_REASONS = {
    "differences_normal": gettext_lazy(
        "Primary test: paired t-test, because the differences are compatible with a normal "
        "distribution (Shapiro–Wilk p ≥ 0.05)."
    ),
    "differences_not_normal": gettext_lazy(
        "Primary test: Wilcoxon signed-rank test, because the differences are not normally "
        "distributed (Shapiro–Wilk p < 0.05)."
    ),
    "too_few_pairs_for_normality_test": gettext_lazy(
        "Primary test: Wilcoxon signed-rank test, because there are too few pairs to check "
        "whether the differences are normally distributed."
    ),
    "differences_constant": gettext_lazy(
        "Primary test: Wilcoxon signed-rank test, because all differences are equal."
    ),
}

NORMS_STATEMENTS = {
    NormsStatus.NO_VOLUMES: gettext_lazy("No milk volume marked as before or after is recorded."),
    NormsStatus.BASIS_UNKNOWN: gettext_lazy(
        "The basis of the milk volumes is unknown: it is not recorded whether a volume is one "
        "expression or an estimate of the 24-hour amount. The volumes are therefore not "
        "compared with the reference volumes for the postpartum day."
    ),
    NormsStatus.NO_24H_ESTIMATES: gettext_lazy(
        "None of the milk volumes is an estimate of the 24-hour amount, so none is compared with "
        "the 24-hour reference volumes."
    ),
}


def evaluation_sections(
    evaluation: dict[str, Any], programme: Programme, *, scope_note: str = ""
) -> list[Section]:
    """The sections of the report of `evaluation` (the result of `programme_evaluation`)."""
    sections = [
        _programme_section(programme, scope_note),
        _flow_section(evaluation["flow"], evaluation["protocol"]),
    ]
    sections.append(
        _paired_section(
            "knowledge",
            _("Cadre knowledge (test score 0–100)"),
            _("Knowledge"),
            evaluation["knowledge"],
            before_label=_("Pre-test"),
            after_label=_("Post-test"),
            unit=_("points"),
            subjects=CADRES,
        )
    )
    if "comparison" in evaluation:
        # Two groups: the difference between the groups' changes leads; each group's own
        # before-and-after change follows, with the caveat that milk comes in whatever the care.
        sections.append(_comparison_section(evaluation["comparison"]))
        sections += _within_group_sections(evaluation["comparison"]["within_groups"])
    else:
        sections.append(
            _paired_section(
                "milk_volume",
                _("Milk volume (ml)"),
                _("Milk volume"),
                evaluation["milk_volume"],
                before_label=_("Before"),
                after_label=_("After"),
                unit=_("ml"),
                subjects=MOTHERS,
            )
        )
    sections.append(_norms_section(evaluation["norms"]))
    sections.append(
        Section(
            key="limitations",
            title=_("Limitations"),
            sheet_title=_("Limitations"),
            bullets=list(evaluation["limitations"]),
        )
    )
    sections.append(_methods_section("comparison" in evaluation))
    return sections


MOTHER_FLOW_STEPS = (
    ("registered", pgettext_lazy("participant flow", "Registered")),
    ("consent_withdrawn", gettext_lazy("Excluded: consent withdrawn")),
    ("no_baseline", gettext_lazy("Excluded: no baseline volume")),
    ("with_baseline", gettext_lazy("With a baseline volume")),
    ("no_follow_up", gettext_lazy("Excluded: no follow-up volume")),
    ("with_follow_up", gettext_lazy("With a follow-up volume")),
    ("outside_protocol", gettext_lazy("Of these, outside the protocol's measurement days")),
    (
        "outside_protocol_excluded",
        gettext_lazy("Excluded: outside the protocol's measurement days"),
    ),
    ("analysed", gettext_lazy("Analysed (both volumes)")),
    ("zero_baseline", gettext_lazy("Not in the per-mother percentages: zero baseline")),
    ("analysed_for_percentages", gettext_lazy("Analysed in the per-mother percentages")),
)
CADRE_FLOW_STEPS = (
    ("trained", pgettext_lazy("participant flow", "Trained")),
    ("no_pre_test", gettext_lazy("Excluded: no pre-test score")),
    ("with_pre_test", gettext_lazy("With a pre-test score")),
    ("no_post_test", gettext_lazy("Excluded: no post-test score")),
    ("with_post_test", gettext_lazy("With a post-test score")),
    ("analysed", gettext_lazy("Analysed (both scores)")),
)


def protocol_sentences(protocol: dict[str, Any]) -> list[str]:
    """The protocol's measurement days, how many pairs kept to them, and what the analysis did
    with the others (the programme's setting "analyse only protocol-conformant pairs")."""
    baseline = protocol["baseline_days"]
    follow_up = protocol["follow_up_days"]
    values = {
        "baseline": _day_range(baseline),
        "follow_up": _day_range(follow_up),
    }
    if protocol["follow_up_after_baseline"]:
        days = _(
            "The protocol measures the baseline volume on %(baseline)s and the follow-up volume "
            "on %(follow_up)s, after the baseline."
        )
    else:
        days = _(
            "The protocol measures the baseline volume on %(baseline)s and the follow-up volume "
            "on %(follow_up)s."
        )
    sentences = [days % values]
    outside = protocol["pairs_outside"]
    if outside:
        sentences.append(
            ngettext(
                "%(n)s of %(pairs)s pairs of volumes is outside these days.",
                "%(n)s of %(pairs)s pairs of volumes are outside these days.",
                outside,
            )
            % {"n": outside, "pairs": protocol["pairs"]}
        )
    else:
        sentences.append(
            _("All %(pairs)s pairs of volumes keep to these days.") % {"pairs": protocol["pairs"]}
        )
    if protocol["conformant_only"]:
        sentences.append(
            _(
                "Setting “analyse only protocol-conformant pairs”: on; the pairs outside the "
                "days are left out of the analysis."
            )
        )
    else:
        sentences.append(
            _(
                "Setting “analyse only protocol-conformant pairs”: off; every pair is analysed "
                "as recorded."
            )
        )
    if protocol["pairs_without_day"]:
        sentences.append(
            ngettext(
                "%(n)s pair has a volume without a postpartum day and could not be checked.",
                "%(n)s pairs have a volume without a postpartum day and could not be checked.",
                protocol["pairs_without_day"],
            )
            % {"n": protocol["pairs_without_day"]}
        )
    return sentences


def _day_range(days: list[int]) -> str:
    if days[0] == days[1]:
        return _("postpartum day %(day)s") % {"day": days[0]}
    return _("postpartum days %(first)s–%(last)s") % {"first": days[0], "last": days[1]}


def _flow_section(flow: dict[str, Any], protocol: dict[str, Any]) -> Section:
    groups = flow["mothers"]
    mothers = Table(
        caption=_("Mothers"),
        header=[
            pgettext("participant flow", "Step"),
            *[str(GROUP_LABELS[group]) for group in groups],
        ],
        rows=[
            [text(str(label)), *[integer(counts[step]) for counts in groups.values()]]
            for step, label in MOTHER_FLOW_STEPS
        ],
    )
    cadres = Table(
        caption=_("Cadres"),
        header=[pgettext("participant flow", "Step"), _("Cadres")],
        rows=[
            [text(str(label)), integer(flow["cadres"][step])] for step, label in CADRE_FLOW_STEPS
        ],
    )
    return Section(
        key="flow",
        title=_("Participant flow"),
        sheet_title=_("Flow"),
        paragraphs=[
            _(
                "Each step keeps the people of the step before, less those excluded for the "
                "reason named, so that everyone who is not analysed is counted with the reason."
            ),
            " ".join(protocol_sentences(protocol)),
        ],
        tables=[mothers, cadres],
    )


def _programme_section(programme: Programme, scope_note: str) -> Section:
    period = date_format(programme.starts_on, "j F Y")
    if programme.ends_on:
        period = f"{period} – {date_format(programme.ends_on, 'j F Y')}"
    rows = [
        [text(_("Programme")), text(programme.name)],
        [text(_("Code")), text(programme.slug)],
        [text(_("Area")), text(programme.area.name)],
        [text(_("Period")), text(period)],
        [text(_("Study design")), text(programme.get_design_display())],
    ]
    paragraphs = []
    if programme.is_illustrative:
        paragraphs.append(
            _("Contains illustrative data: %(note)s") % {"note": programme.data_note}
            if programme.data_note
            else _("Contains illustrative data.")
        )
    elif programme.data_note:
        paragraphs.append(programme.data_note)
    if scope_note:
        paragraphs.append(scope_note)
    return Section(
        key="programme",
        title=programme.name,
        sheet_title=_("Programme"),
        paragraphs=paragraphs,
        tables=[Table(caption="", header=[_("Item"), _("Value")], rows=rows)],
    )


@dataclass(frozen=True)
class Subjects:
    """How a paired section speaks of the people it counts, with the right plural for each
    count (English has "1 mother" and "2 mothers")."""

    none_to_analyse: Callable[[], str]
    counted: Callable[[int], str]
    with_one_value: Callable[[int], str]


CADRES = Subjects(
    none_to_analyse=lambda: _("No cadres with both values to analyse."),
    counted=lambda n: ngettext("%(n)s cadre", "%(n)s cadres", n) % {"n": n},
    with_one_value=lambda n: (
        ngettext(
            "%(n)s cadre has only one of the two values.",
            "%(n)s cadres have only one of the two values.",
            n,
        )
        % {"n": n}
    ),
)
MOTHERS = Subjects(
    none_to_analyse=lambda: _("No mothers with both values to analyse."),
    counted=lambda n: ngettext("%(n)s mother", "%(n)s mothers", n) % {"n": n},
    with_one_value=lambda n: (
        ngettext(
            "%(n)s mother has only one of the two values.",
            "%(n)s mothers have only one of the two values.",
            n,
        )
        % {"n": n}
    ),
)


def _paired_section(
    key: str,
    title: str,
    sheet_title: str,
    block: dict[str, Any],
    *,
    before_label: str,
    after_label: str,
    unit: str,
    subjects: Subjects,
) -> Section:
    if block["n"] == 0:
        paragraphs = [subjects.none_to_analyse()]
        if block["excluded_pairs"]:
            paragraphs.append(subjects.with_one_value(block["excluded_pairs"]))
        return Section(key=key, title=title, sheet_title=sheet_title, paragraphs=paragraphs)
    if block["ci95"] is None:
        summary = _(
            "Mean %(before_label)s %(before)s %(unit)s, mean %(after_label)s %(after)s %(unit)s: "
            "a mean difference of %(difference)s %(unit)s over %(counted)s."
        )
    else:
        summary = _(
            "Mean %(before_label)s %(before)s %(unit)s, mean %(after_label)s %(after)s %(unit)s: "
            "a mean difference of %(difference)s %(unit)s (95 %% confidence interval "
            "%(interval)s) over %(counted)s."
        )
    summary %= {
        "before_label": before_label.lower(),
        "after_label": after_label.lower(),
        "before": numbers.number(block["before"]["mean"], VOLUME_DECIMALS),
        "after": numbers.number(block["after"]["mean"], VOLUME_DECIMALS),
        "difference": numbers.number(block["mean_difference"], DIFFERENCE_DECIMALS),
        "interval": numbers.interval_words(block["ci95"], DIFFERENCE_DECIMALS),
        "unit": unit,
        "counted": subjects.counted(block["n"]),
    }
    wilcoxon = block["wilcoxon"]
    # Every difference is zero exactly when pairs remain but the signed-rank test has no p-value
    # at all: it drops zero differences, and the t-test needs differences that vary.
    no_test_possible = wilcoxon["p_exact"] is None and wilcoxon["p_approx"] is None
    if no_test_possible:
        paragraphs = [
            summary,
            _(
                "Every difference is zero, so there is no change to test: no test is possible "
                "(the Wilcoxon signed-rank test leaves out zero differences and the paired "
                "t-test needs differences that vary)."
            ),
        ]
    else:
        paragraphs = [summary, str(PRIMARY_TEST_REASONS[block["primary_test"]["reason_code"]])]
    descriptive = Table(
        caption=_("Descriptive statistics (%(unit)s)") % {"unit": unit},
        header=["", before_label, after_label],
        rows=[
            [
                text(_("Mean")),
                decimal(block["before"]["mean"], VOLUME_DECIMALS),
                decimal(block["after"]["mean"], VOLUME_DECIMALS),
            ],
            [
                text(_("Standard deviation")),
                decimal(block["before"]["sd"], VOLUME_DECIMALS),
                decimal(block["after"]["sd"], VOLUME_DECIMALS),
            ],
            [
                text(_("Median")),
                decimal(block["before"]["median"], VOLUME_DECIMALS),
                decimal(block["after"]["median"], VOLUME_DECIMALS),
            ],
        ],
    )
    increase = block["percent_increase"]
    change = Table(
        caption=_("Change (after − before)"),
        header=[_("Measure"), _("Value")],
        rows=[
            [text(_("Pairs analysed (n)")), integer(block["n"])],
            [text(_("Excluded: only one of the two values")), integer(block["excluded_pairs"])],
            [
                text(_("Mean difference (%(unit)s)") % {"unit": unit}),
                decimal(block["mean_difference"], DIFFERENCE_DECIMALS),
            ],
            # One pair, or differences all equal, have no interval: no row points to one.
            *(
                [
                    [
                        text(_("95 % confidence interval")),
                        Cell(block["ci95"], "interval", DIFFERENCE_DECIMALS),
                    ]
                ]
                if block["ci95"] is not None
                else []
            ),
            [text(_("Effect size (Cohen's d_z)")), decimal(block["cohen_dz"], STATISTIC_DECIMALS)],
            [text(_("Increase of the means")), Cell(increase["of_means"], "percent", 2)],
            [text(_("Mean increase per person")), Cell(increase["mean_per_mother"], "percent", 2)],
            [
                text(_("Median increase per person")),
                Cell(increase["median_per_mother"], "percent", 2),
            ],
        ],
    )
    paired_t = block["paired_t"]
    tests = Table(
        caption=_("Tests"),
        header=[_("Test"), _("Statistic"), _("Value"), _("df"), _("p (two-sided)")],
        rows=[
            [
                text(_("Paired t-test")),
                text("t"),
                decimal(paired_t["t"], STATISTIC_DECIMALS),
                integer(paired_t["df"]),
                Cell(paired_t["p"], "p"),
            ],
            [
                text(_("Wilcoxon signed-rank test, exact")),
                text("W+"),
                decimal(wilcoxon["w_plus"], None),
                text(""),
                Cell(wilcoxon["p_exact"], "p"),
            ],
            [
                text(_("Wilcoxon signed-rank test, normal approximation")),
                text("W+"),
                decimal(wilcoxon["w_plus"], None),
                text(""),
                Cell(wilcoxon["p_approx"], "p"),
            ],
            [
                text(_("Shapiro–Wilk test of the differences")),
                text(""),
                text(""),
                text(""),
                Cell(block["shapiro_p"], "p"),
            ],
        ],
    )
    return Section(
        key=key,
        title=title,
        sheet_title=sheet_title,
        paragraphs=paragraphs,
        tables=[descriptive, change] if no_test_possible else [descriptive, change, tests],
    )


def _comparison_section(block: dict[str, Any]) -> Section:
    title = _("Intervention and comparison groups (change in milk volume, ml)")
    if not block["n_intervention"] or not block["n_comparison"]:
        return Section(
            key="comparison",
            title=title,
            sheet_title=_("Comparison"),
            paragraphs=[_("Both groups need mothers with both volumes to be compared.")],
            tables=[_group_counts(block)],
        )
    if block["ci95"] is None:
        summary = _(
            "The mean change was %(intervention)s ml in the intervention group and "
            "%(comparison)s ml in the comparison group: a difference of %(difference)s ml."
        )
    else:
        summary = _(
            "The mean change was %(intervention)s ml in the intervention group and "
            "%(comparison)s ml in the comparison group: a difference of %(difference)s ml (95 %% "
            "confidence interval %(interval)s)."
        )
    summary %= {
        "intervention": numbers.number(block["mean_change_intervention"], DIFFERENCE_DECIMALS),
        "comparison": numbers.number(block["mean_change_comparison"], DIFFERENCE_DECIMALS),
        "difference": numbers.number(block["difference_in_mean_change"], DIFFERENCE_DECIMALS),
        "interval": numbers.interval_words(block["ci95"], DIFFERENCE_DECIMALS),
    }
    welch = block["welch_t"]
    mann_whitney = block["mann_whitney"]
    if welch["p"] is not None or mann_whitney["p"] is not None:
        summary += " " + _("Welch's t-test: %(welch)s; Mann–Whitney U test: %(mann_whitney)s.") % {
            "welch": numbers.p_statement(welch["p"]),
            "mann_whitney": numbers.p_statement(mann_whitney["p"]),
        }
    method = {
        "exact": _("exact"),
        "asymptotic": _("normal approximation"),
    }.get(mann_whitney["method"], "")
    tests = Table(
        caption=_("Tests"),
        header=[_("Test"), _("Statistic"), _("Value"), _("df"), _("p (two-sided)")],
        rows=[
            [
                text(_("Welch's t-test")),
                text("t"),
                decimal(welch["t"], STATISTIC_DECIMALS),
                decimal(welch["df"], 2),
                Cell(welch["p"], "p"),
            ],
            [
                text(_("Mann–Whitney U test, %(method)s") % {"method": method}),
                text("U"),
                decimal(mann_whitney["u"], None),
                text(""),
                Cell(mann_whitney["p"], "p"),
            ],
        ],
    )
    return Section(
        key="comparison",
        title=title,
        sheet_title=_("Comparison"),
        paragraphs=[summary],
        tables=[_group_counts(block), tests],
    )


def _group_counts(block: dict[str, Any]) -> Table:
    return Table(
        caption=_("Change (after − before)"),
        header=[_("Measure"), _("Value")],
        rows=[
            [text(_("Mothers, intervention group (n)")), integer(block["n_intervention"])],
            [text(_("Mothers, comparison group (n)")), integer(block["n_comparison"])],
            [
                text(_("Mean change, intervention group")),
                decimal(block["mean_change_intervention"], DIFFERENCE_DECIMALS),
            ],
            [
                text(_("Mean change, comparison group")),
                decimal(block["mean_change_comparison"], DIFFERENCE_DECIMALS),
            ],
            [
                text(_("Difference in mean change")),
                decimal(block["difference_in_mean_change"], DIFFERENCE_DECIMALS),
            ],
            [
                text(_("95 % confidence interval (Welch)")),
                Cell(block["ci95"], "interval", DIFFERENCE_DECIMALS),
            ],
        ],
    )


WITHIN_GROUP_TITLES = {
    "intervention": (
        gettext_lazy("Change within the intervention group (milk volume, ml)"),
        gettext_lazy("Within intervention"),
    ),
    "comparison": (
        gettext_lazy("Change within the comparison group (milk volume, ml)"),
        gettext_lazy("Within comparison"),
    ),
}


def _within_group_sections(within_groups: dict[str, Any]) -> list[Section]:
    sections = []
    for group, (title, sheet_title) in WITHIN_GROUP_TITLES.items():
        block = within_groups[group]
        section = _paired_section(
            "milk_volume" if group == "intervention" else "milk_volume_comparison",
            str(title),
            str(sheet_title),
            block,
            before_label=_("Before"),
            after_label=_("After"),
            unit=_("ml"),
            subjects=MOTHERS,
        )
        section.paragraphs[:0] = within_group_caveat(block)
        sections.append(section)
    return sections


def within_group_caveat(block: dict[str, Any]) -> list[str]:
    """What a group's own before-and-after change cannot show, and the median days it spans."""
    sentences = [
        _(
            "Within-group change: milk volume rises over the first days after birth as milk "
            "comes in (lactogenesis II), whatever the care, so this change is not an effect of "
            "the massage. Only the difference between the groups' changes estimates the effect."
        )
    ]
    if block["before_day"] is not None and block["after_day"] is not None:
        sentences.append(
            _(
                "Baseline volumes were measured on postpartum day %(before)s and follow-up "
                "volumes on day %(after)s (medians)."
            )
            % {"before": block["before_day"], "after": block["after_day"]}
        )
    return [" ".join(sentences)]


GROUP_LABELS = {
    "intervention": gettext_lazy("Intervention group"),
    "comparison": gettext_lazy("Comparison group"),
}
PHASE_LABELS = {"before": gettext_lazy("Before"), "after": gettext_lazy("After")}
CLASSIFICATION_LABELS = {
    "below": gettext_lazy("below the range"),
    "within": gettext_lazy("within the range"),
    "above": gettext_lazy("above the range"),
}


def _norms_section(norms: dict[str, Any]) -> Section:
    title = _("Comparison with normal lactation (24-hour volume by postpartum day)")
    paragraphs = []
    tables = []
    compared_total = sum(group["compared"] for group in norms["groups"].values())
    if norms["status"] in NORMS_STATEMENTS:
        paragraphs.append(str(NORMS_STATEMENTS[norms["status"]]))
    else:
        not_comparable = sum(
            sum(group["not_comparable"].values()) for group in norms["groups"].values()
        )
        paragraphs.append(
            _(
                "%(compared)s volumes that are 24-hour estimates were compared with the reference "
                "range for their postpartum day; %(not_comparable)s volumes could not be compared."
            )
            % {"compared": compared_total, "not_comparable": not_comparable}
        )
    basis_labels = {
        "24h_estimate": _("24-hour estimate"),
        "single_expression": _("Single expression"),
        "unknown": _("Unknown"),
    }
    tables.append(
        Table(
            caption=_("Basis of the milk volumes"),
            header=[_("Basis"), _("Volumes")],
            rows=[
                [text(basis_labels[basis]), integer(count)]
                for basis, count in norms["basis_counts"].items()
            ],
        )
    )
    # Citations are long: the table numbers them and a second table lists them once.
    sources: list[str] = []
    for row in norms["references"]:
        if row["source"] not in sources:
            sources.append(row["source"])
    tables.append(
        Table(
            caption=_("Reference 24-hour milk volumes"),
            header=[
                _("Postpartum day"),
                _("Lower (ml)"),
                _("Mean (ml)"),
                _("Upper (ml)"),
                _("Source"),
            ],
            rows=[
                [
                    integer(row["postpartum_day"]),
                    decimal(row["lower_ml"], None),
                    decimal(row["mean_ml"], None),
                    decimal(row["upper_ml"], None),
                    text(f"[{sources.index(row['source']) + 1}]"),
                ]
                for row in norms["references"]
            ],
        )
    )
    if sources:
        tables.append(
            Table(
                caption=_("Sources of the reference volumes"),
                header=["", _("Source")],
                rows=[
                    [text(f"[{number}]"), text(source)]
                    for number, source in enumerate(sources, start=1)
                ],
            )
        )
    if compared_total:
        tables.append(_norms_summary(norms))
        tables.append(_norms_rows(norms))
        reasons = {
            "basis_not_24h": _("Not a 24-hour estimate"),
            "no_postpartum_day": _("Postpartum day unknown"),
            "no_reference_for_day": _("No reference for that day"),
        }
        tables.append(
            Table(
                caption=_("Volumes not compared"),
                header=[_("Reason"), *[str(GROUP_LABELS[group]) for group in norms["groups"]]],
                rows=[
                    [
                        text(label),
                        *[
                            integer(group["not_comparable"][reason])
                            for group in norms["groups"].values()
                        ],
                    ]
                    for reason, label in reasons.items()
                ],
            )
        )
    return Section(
        key="norms",
        title=title,
        sheet_title=_("Norms"),
        paragraphs=paragraphs,
        tables=tables,
    )


def _norms_summary(norms: dict[str, Any]) -> Table:
    rows = []
    for group_key, group in norms["groups"].items():
        for phase in ("before", "after"):
            phase_rows = [row for row in group["rows"] if row["phase"] == phase]
            counts = {
                label: sum(1 for row in phase_rows if row["classification"] == label)
                for label in ("below", "within", "above")
            }
            share = group["share_below"][phase]
            rows.append(
                [
                    text(GROUP_LABELS[group_key]),
                    text(PHASE_LABELS[phase]),
                    integer(len(phase_rows)),
                    integer(counts["below"]),
                    integer(counts["within"]),
                    integer(counts["above"]),
                    Cell(None if share is None else 100 * share, "percent", 1),
                ]
            )
    return Table(
        caption=_(
            "Volumes compared with the reference range; last column: share of mothers below its "
            "lower bound"
        ),
        header=[
            _("Group"),
            _("Phase"),
            _("Compared"),
            _("Below"),
            _("Within"),
            _("Above"),
            _("Mothers below (%)"),
        ],
        rows=rows,
    )


def _norms_rows(norms: dict[str, Any]) -> Table:
    rows = []
    for group_key, group in norms["groups"].items():
        for row in group["rows"]:
            rows.append(
                [
                    text(row["subject"]),
                    text(GROUP_LABELS[group_key]),
                    text(PHASE_LABELS[row["phase"]]),
                    integer(row["postpartum_day"]),
                    decimal(row["volume_ml"], None),
                    text(
                        _("%(lower)s–%(upper)s ml")
                        % {
                            "lower": numbers.number(row["lower_ml"]),
                            "upper": numbers.number(row["upper_ml"]),
                        }
                    ),
                    text(CLASSIFICATION_LABELS[row["classification"]]),
                ]
            )
    return Table(
        caption=_("Each compared volume"),
        header=[
            _("Mother"),
            _("Group"),
            _("Phase"),
            _("Postpartum day"),
            _("Volume (ml)"),
            _("Reference range"),
            _("Result"),
        ],
        rows=rows,
        listing=True,
    )


def _methods_section(has_comparison: bool) -> Section:
    paragraphs = [
        _(
            "Differences are after minus before, for each person with both values; people with "
            "only one value are left out and counted. The paired t-test and its 95 % confidence "
            "interval assume normally distributed differences; the Wilcoxon signed-rank test does "
            "not. The primary test is the paired t-test when the Shapiro–Wilk test of the "
            "differences gives p ≥ 0.05, and the Wilcoxon test otherwise."
        ),
        _(
            "The exact Wilcoxon p-value comes from the permutation distribution of W+ given the "
            "observed ranks (zero differences dropped, average ranks for ties) when at most 25 "
            "differences are non-zero; the normal approximation uses tie and continuity "
            "corrections, as R's wilcox.test does. Cohen's d_z is the mean difference divided by "
            "the standard deviation of the differences."
        ),
        _(
            "A milk volume is the first one recorded in its phase (left and right breast added "
            "when measured separately). Only 24-hour estimates are compared with the reference "
            "volumes, on the postpartum day of the measurement (day 1 is the first 24 hours after "
            "birth)."
        ),
    ]
    if has_comparison:
        paragraphs.append(
            _(
                "The groups are compared on each mother's change (after minus before) with "
                "Welch's t-test and the Mann–Whitney U test (exact without ties and below 50 "
                "mothers per group, otherwise the normal approximation with continuity "
                "correction)."
            )
        )
    return Section(
        key="methods",
        title=_("How these numbers were computed"),
        sheet_title=_("Methods"),
        paragraphs=paragraphs,
    )
