"""The programme report as data: sections of text, numbered tables and figures, built once from
the evaluation dict and the programme's data, then laid out as a web page, a PDF and a workbook
(`documents.py`). Everything here is written in the active language; numbers are rounded here
(means 1 decimal, confidence intervals 2, p-values 3 significant digits or "< 0.001").
"""

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _

from kaderasi.care.models import DeliveryType, MilkBasis, MilkMethod, StudyGroup
from kaderasi.evaluation.norms import ReferenceRange
from kaderasi.programmes.models import StudyDesign
from kaderasi.reports import charts
from kaderasi.reports import formatting as fmt
from kaderasi.reports.models import ExportStep, ProgrammeReport
from kaderasi.reports.programme_data import MotherResult, ProgrammeData

ProgressCallback = Callable[[int, str], None]


@dataclass(frozen=True)
class SkillStep:
    """Pass rate of one SOP step in the cadres' re-demonstrations (the training app's skill
    assessments, summarised): `passed` of `assessed` cadres did the step correctly."""

    number: int
    title: str
    critical: bool
    assessed: int
    passed: int


@dataclass(frozen=True)
class Column:
    label: str
    numeric: bool = False
    excel_format: str = ""
    width: int = 12


@dataclass(frozen=True)
class Cell:
    """`text` is what a reader sees; `value` is the unrounded value a workbook stores."""

    text: str
    value: object = None
    strong: bool = False

    @property
    def stored(self):
        return self.text if self.value is None else self.value


@dataclass
class Table:
    key: str
    number: int
    title: str
    columns: list[Column]
    rows: list[list[Cell]]
    footer: list[list[Cell]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    kind: str = "table"

    @property
    def display_rows(self) -> list[list[tuple[Cell, bool]]]:
        """Rows with each cell's alignment (numbers right-aligned), for templates."""
        return [
            [(cell, column.numeric) for cell, column in zip(row, self.columns, strict=True)]
            for row in self.rows
        ]

    @property
    def display_footer(self) -> list[list[tuple[Cell, bool]]]:
        return [
            [(cell, column.numeric) for cell, column in zip(row, self.columns, strict=True)]
            for row in self.footer
        ]


@dataclass
class Figure:
    number: int
    chart: charts.Chart
    note: str = ""
    kind: str = "figure"


@dataclass
class FigureRow:
    """Figures shown side by side (each half the text width)."""

    figures: list[Figure]
    kind: str = "figure_row"


@dataclass(frozen=True)
class Paragraph:
    text: str
    lead: str = ""

    def __str__(self) -> str:
        return f"{self.lead}. {self.text}" if self.lead else self.text


@dataclass
class Section:
    key: str
    title: str
    paragraphs: list[Paragraph | str] = field(default_factory=list)
    blocks: list = field(default_factory=list)
    empty_message: str = ""


@dataclass
class ProgrammeReportDocument:
    language: str
    generated_on: dt.date
    pseudonymised: bool
    programme: object
    kind_label: str
    title: str
    area_text: str
    period_text: str
    team: list[str]
    facts: list[tuple[str, str]]
    illustrative_note: str
    sections: list[Section]
    limitations: list[str]
    conclusion: str
    conclusion_is_suggestion: bool
    sources: list[str]

    @property
    def tables(self) -> list[Table]:
        return [b for s in self.sections for b in s.blocks if b.kind == "table"]

    @property
    def figures(self) -> list[Figure]:
        figures = []
        for section in self.sections:
            for block in section.blocks:
                if block.kind == "figure":
                    figures.append(block)
                elif block.kind == "figure_row":
                    figures.extend(block.figures)
        return figures

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)


class _Numbering:
    def __init__(self) -> None:
        self.tables = 0
        self.figures = 0

    def table(self) -> int:
        self.tables += 1
        return self.tables

    def figure(self) -> int:
        self.figures += 1
        return self.figures


def build_programme_report(
    *,
    data: ProgrammeData,
    evaluation: dict,
    report: ProgrammeReport,
    language: str,
    now: dt.datetime,
    references: Sequence[ReferenceRange] = (),
    skills: Sequence[SkillStep] = (),
    pseudonymised: bool = True,
    progress: ProgressCallback | None = None,
) -> ProgrammeReportDocument:
    """The whole report of `data.programme` in the active language (the caller activates
    `language`). `pseudonymised` shows codes instead of names."""
    programme = data.programme
    numbering = _Numbering()

    def step(percent: int, name: str) -> None:
        if progress:
            progress(percent, name)

    step(15, ExportStep.CHARTS)
    sections = [
        _programme_section(data),
        _methods_section(data, skills, references),
        _knowledge_section(data, evaluation["knowledge"], report, numbering, pseudonymised),
    ]
    step(30, ExportStep.CHARTS)
    sections.append(_skills_section(skills, numbering))
    sections.append(_milk_section(data, evaluation["milk_volume"], numbering, pseudonymised))
    step(50, ExportStep.CHARTS)
    if "comparison" in evaluation:
        sections.append(_comparison_section(evaluation["comparison"], numbering))
    sections.append(_norms_section(data, evaluation["norms"], references, numbering))
    sections.append(_appendix_section(data, numbering, pseudonymised))
    step(60, ExportStep.TABLES)

    conclusion = report.conclusion_en if language == "en" else report.conclusion_id
    return ProgrammeReportDocument(
        language=language,
        generated_on=now.date(),
        pseudonymised=pseudonymised,
        programme=programme,
        kind_label=_("Community service report (laporan pengabdian kepada masyarakat)"),
        title=programme.name,
        area_text=", ".join(data.area_chain),
        period_text=_period(programme.starts_on, programme.ends_on),
        team=data.team,
        facts=_facts(data),
        illustrative_note=programme.data_note if programme.is_illustrative else "",
        sections=sections,
        limitations=list(evaluation.get("limitations", [])),
        conclusion=conclusion.strip() or suggested_conclusion(data, evaluation),
        conclusion_is_suggestion=not conclusion.strip(),
        sources=_sources(references, report),
    )


# --- the programme and its methods -------------------------------------------------------------


def _date(day: dt.date | None) -> str:
    return formats.date_format(day, "j F Y") if day else fmt.MISSING


def _period(starts_on: dt.date, ends_on: dt.date | None) -> str:
    if ends_on is None:
        return _("from %(start)s") % {"start": _date(starts_on)}
    return f"{_date(starts_on)} – {_date(ends_on)}"


def protocol_text(programme) -> str:
    return _(
        "%(per_day)s massage sessions a day of %(min)s–%(max)s minutes, for %(days)s days from "
        "postpartum day %(start)s; at most %(cap)s active client(s) per cadre (One Kader One "
        "Client); antenatal education from %(week)s weeks of pregnancy."
    ) % {
        "per_day": programme.sessions_per_day,
        "min": programme.session_minutes_min,
        "max": programme.session_minutes_max,
        "days": programme.protocol_days,
        "start": programme.start_postpartum_day,
        "cap": programme.max_active_clients_per_cadre,
        "week": programme.antenatal_start_week,
    }


def _facts(data: ProgrammeData) -> list[tuple[str, str]]:
    programme = data.programme
    facts = [
        (_("Area"), ", ".join(data.area_chain)),
        (_("Period"), _period(programme.starts_on, programme.ends_on)),
        (_("Team"), ", ".join(data.team) or fmt.MISSING),
        (_("Design"), str(StudyDesign(programme.design).label)),
        (_("Protocol"), protocol_text(programme)),
        (_("Cadres"), str(len(data.cadres))),
        (_("Mothers"), str(len(data.mothers))),
        (_("Mothers accompanied by a cadre"), str(data.mothers_accompanied)),
    ]
    if data.massages_recorded:
        facts.append((_("Massage sessions recorded"), str(data.massages_recorded)))
    return facts


def _programme_section(data: ProgrammeData) -> Section:
    programme = data.programme
    paragraphs = [programme.description] if programme.description else []
    for training in data.trainings:
        paragraphs.append(
            _(
                "Training “%(title)s” on %(day)s, %(start)s–%(end)s%(venue)s: %(pre)s pre-tests "
                "and %(post)s post-tests recorded."
            )
            % {
                "title": training.title,
                "day": _date(training.starts_at.date()),
                "start": formats.time_format(_local(training.starts_at), "H.i"),
                "end": formats.time_format(_local(training.ends_at), "H.i"),
                "venue": f", {training.venue}" if training.venue else "",
                "pre": training.pre_tests,
                "post": training.post_tests,
            }
        )
    return Section(key="programme", title=_("The programme"), paragraphs=paragraphs)


def _local(moment: dt.datetime) -> dt.datetime:
    from django.utils import timezone

    return timezone.localtime(moment)


def _methods_section(
    data: ProgrammeData, skills: Sequence[SkillStep], references: Sequence[ReferenceRange]
) -> Section:
    programme = data.programme
    paragraphs = [
        Paragraph(
            lead=_("Training"),
            text=_(
                "The cadres answered the same knowledge questionnaire before and after the "
                "training (score 0–100). %(skills)s"
            )
            % {
                "skills": _(
                    "Their skills were assessed by re-demonstrating the massage against the SOP "
                    "checklist, step by step."
                )
                if skills
                else _("No skill re-demonstration was recorded in kaderasi.")
            },
        ),
        Paragraph(
            lead=_("Pairing"),
            text=_(
                "Each mother was accompanied by one trained cadre (One Kader One Client). "
                "Protocol: %(protocol)s"
            )
            % {"protocol": protocol_text(programme)},
        ),
        Paragraph(
            lead=_("Measurement"),
            text=_(
                "Milk volume was measured before the first massage (baseline) and after the "
                "last day of massage (follow-up). Methods recorded: %(methods)s. Basis of the "
                "volumes: %(bases)s."
            )
            % {
                "methods": _counted_labels(data.methods, MilkMethod, _("not recorded")),
                "bases": _counted_labels(data.bases, MilkBasis, _("not recorded")),
            },
        ),
    ]
    analysis = [
        _(
            "Paired differences (after − before) are summarised by their mean with a 95 % "
            "confidence interval (t distribution). The normality of the differences was checked "
            "with the Shapiro–Wilk test: the paired t-test is the primary test when p ≥ 0.05, "
            "otherwise the Wilcoxon signed-rank test (exact p-value when at most 25 differences "
            "are non-zero). The effect size is Cohen's dz."
        )
    ]
    if data.two_groups:
        analysis.append(
            _(
                "The change (after − before) of the intervention group is compared with that of "
                "the comparison group with Welch's t-test and the Mann–Whitney U test."
            )
        )
    analysis.append(
        _(
            "Each volume measured as a 24-hour estimate is compared with the reference range of "
            "its postpartum day (%(n)s days configured); volumes of another or unknown basis are "
            "not judged against 24-hour norms. Computed with kaderasi (SciPy)."
        )
        % {"n": len(references)}
    )
    paragraphs.append(Paragraph(lead=_("Analysis"), text=" ".join(str(a) for a in analysis)))
    return Section(key="methods", title=_("Methods"), paragraphs=paragraphs)


def _counted_labels(counts: dict[str, int], choices, empty: str) -> str:
    if not counts:
        return empty
    labels = dict(choices.choices)
    return ", ".join(
        f"{labels.get(code, code) if code else _('not recorded')} ({count})"
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    )


# --- results: knowledge ------------------------------------------------------------------------


def _stats_table(
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
                "p": _p_phrase(t["p"]),
            }
            if t["t"] is not None
            else fmt.MISSING,
            t["p"],
        ),
        (
            _("Wilcoxon signed-rank test"),
            _wilcoxon_text(w),
            w["p_exact"] if w["p_exact"] is not None else w["p_approx"],
        ),
        (_("Effect size, Cohen's dz"), fmt.statistic(block["cohen_dz"]), block["cohen_dz"]),
        (
            _("Shapiro–Wilk test of the differences"),
            _("p %(p)s") % {"p": _p_phrase(block["shapiro_p"])}
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


def _wilcoxon_text(w: dict) -> str:
    if w["w_plus"] is None:
        return fmt.MISSING
    if w["p_exact"] is not None:
        return _("W+ = %(w)s; exact p %(exact)s (normal approximation p %(approx)s)") % {
            "w": fmt.number(w["w_plus"], 1),
            "exact": _p_phrase(w["p_exact"]),
            "approx": _p_phrase(w["p_approx"]),
        }
    return _(
        "W+ = %(w)s; p %(approx)s (normal approximation; more than 25 non-zero differences)"
    ) % {
        "w": fmt.number(w["w_plus"], 1),
        "approx": _p_phrase(w["p_approx"]),
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


def _primary_p(block: dict) -> float | None:
    if block["primary_test"]["name"] == "paired_t":
        return block["paired_t"]["p"]
    w = block["wilcoxon"]
    return w["p_exact"] if w["p_exact"] is not None else w["p_approx"]


def _primary_name(block: dict) -> str:
    return (
        _("paired t-test")
        if block["primary_test"]["name"] == "paired_t"
        else _("Wilcoxon signed-rank test")
    )


def _knowledge_section(
    data: ProgrammeData,
    block: dict,
    report: ProgrammeReport,
    numbering: _Numbering,
    pseudonymised: bool,
) -> Section:
    section = Section(key="knowledge", title=_("Results: cadre knowledge"))
    if not block["n"]:
        section.empty_message = _("No cadre has both a pre-test and a post-test score.")
        return section
    section.paragraphs.append(
        _(
            "The mean knowledge score of the %(n)s cadres with both tests rose from %(before)s "
            "before the training to %(after)s after it: a mean difference of %(difference)s "
            "points (95 %% CI %(ci)s; %(test)s, p %(p)s)."
        )
        % {
            "n": block["n"],
            "before": fmt.mean(block["before"]["mean"]),
            "after": fmt.mean(block["after"]["mean"]),
            "difference": fmt.signed(block["mean_difference"]),
            "ci": fmt.interval(block["ci95"]),
            "test": _primary_name(block),
            "p": _p_phrase(_primary_p(block)),
        }
        if (block["mean_difference"] or 0) >= 0
        else _(
            "The mean knowledge score of the %(n)s cadres with both tests went from %(before)s "
            "to %(after)s: a mean difference of %(difference)s points (95 %% CI %(ci)s; "
            "%(test)s, p %(p)s)."
        )
        % {
            "n": block["n"],
            "before": fmt.mean(block["before"]["mean"]),
            "after": fmt.mean(block["after"]["mean"]),
            "difference": fmt.signed(block["mean_difference"]),
            "ci": fmt.interval(block["ci95"]),
            "test": _primary_name(block),
            "p": _p_phrase(_primary_p(block)),
        }
    )
    good, fair = float(report.good_band_from), float(report.fair_band_from)
    paired = [c for c in data.cadres if c.pre is not None and c.post is not None]
    section.blocks.append(
        Figure(
            number=numbering.figure(),
            chart=charts.knowledge_dot_plot(
                [float(c.pre) for c in paired],
                [float(c.post) for c in paired],
                bands=charts.Bands(good_from=good, fair_from=fair),
            ),
            note=_("Open circles: pre-test; filled squares: post-test; dashed line: mean."),
        )
    )
    section.blocks.append(
        _stats_table(
            "knowledge_statistics",
            numbering.table(),
            _("Knowledge scores before and after the training"),
            block,
            unit=_("points"),
            points=True,
        )
    )
    section.blocks.append(_bands_table(paired, good, fair, numbering, report.bands_source))
    return section


def _p_phrase(p: float | None) -> str:
    text = fmt.p_value(p)
    return text if text.startswith("<") or text == fmt.MISSING else f"= {text}"


def _bands_table(paired, good: float, fair: float, numbering: _Numbering, source: str) -> Table:
    def band(score) -> str:
        score = float(score)
        if score >= good:
            return "good"
        if score >= fair:
            return "fair"
        return "poor"

    labels = {
        "good": _("Good (≥ %(from)s)") % {"from": fmt.number(good, 0)},
        "fair": _("Fair (%(from)s–%(to)s)")
        % {"from": fmt.number(fair, 0), "to": fmt.number(good - 1, 0)},
        "poor": _("Poor (< %(to)s)") % {"to": fmt.number(fair, 0)},
    }
    n = len(paired)
    rows = []
    for key in ("good", "fair", "poor"):
        before = sum(1 for c in paired if band(c.pre) == key)
        after = sum(1 for c in paired if band(c.post) == key)
        rows.append(
            [
                Cell(labels[key]),
                Cell(f"{before} ({fmt.percent(fmt.share(before, n), 0)})", value=before),
                Cell(f"{after} ({fmt.percent(fmt.share(after, n), 0)})", value=after),
            ]
        )
    return Table(
        key="knowledge_bands",
        number=numbering.table(),
        title=_("Cadres by knowledge band, n (%)"),
        columns=[
            Column(_("Band"), width=28),
            Column(_("Pre-test"), numeric=True, width=14),
            Column(_("Post-test"), numeric=True, width=14),
        ],
        rows=rows,
        footer=[[Cell(_("Total")), Cell(str(n), value=n), Cell(str(n), value=n)]],
        notes=[_("Bands: %(source)s.") % {"source": source}],
    )


# --- results: skills ---------------------------------------------------------------------------


def _skills_section(skills: Sequence[SkillStep], numbering: _Numbering) -> Section:
    section = Section(key="skills", title=_("Results: cadre skills"))
    if not skills:
        section.empty_message = _(
            "No skill assessments recorded: the cadres' re-demonstrations were not scored in "
            "kaderasi."
        )
        return section
    rows = []
    for step in sorted(skills, key=lambda s: s.number):
        rate = fmt.share(step.passed, step.assessed)
        rows.append(
            [
                Cell(str(step.number), value=step.number),
                Cell(step.title + (" (K)" if step.critical else ""), strong=step.critical),
                Cell(str(step.assessed), value=step.assessed),
                Cell(str(step.passed), value=step.passed),
                Cell(fmt.percent(rate, 0), value=None if rate is None else rate / 100),
            ]
        )
    weakest = min(skills, key=lambda s: (fmt.share(s.passed, s.assessed) or 0, s.number))
    section.paragraphs.append(
        _("The step done correctly least often was step %(number)s, “%(title)s” (%(rate)s).")
        % {
            "number": weakest.number,
            "title": weakest.title,
            "rate": fmt.percent(fmt.share(weakest.passed, weakest.assessed), 0),
        }
    )
    section.blocks.append(
        Table(
            key="skills",
            number=numbering.table(),
            title=_("Pass rate of each SOP step in the re-demonstrations"),
            columns=[
                Column(_("Step"), numeric=True, width=6),
                Column(_("SOP step"), width=60),
                Column(_("Assessed"), numeric=True, width=10),
                Column(_("Passed"), numeric=True, width=10),
                Column(_("Pass rate"), numeric=True, excel_format="0%", width=10),
            ],
            rows=rows,
            notes=[_("(K): critical step.")],
        )
    )
    return section


# --- results: milk volume ----------------------------------------------------------------------


def display_name(mother: MotherResult, pseudonymised: bool) -> str:
    return mother.code if pseudonymised else f"{mother.code} · {mother.name}"


def _milk_section(
    data: ProgrammeData, block: dict, numbering: _Numbering, pseudonymised: bool
) -> Section:
    section = Section(key="milk", title=_("Results: milk volume"))
    mothers = data.evaluated_mothers
    if not any(m.before or m.after for m in mothers):
        section.empty_message = _("No baseline or follow-up milk volume was recorded.")
        return section
    rising = sum(1 for m in mothers if m.change_ml is not None and m.change_ml > 0)
    before_days = sorted({m.before.postpartum_day for m in mothers if m.before} - {None})
    after_days = sorted({m.after.postpartum_day for m in mothers if m.after} - {None})
    if block["n"]:
        section.paragraphs.append(
            _(
                "Among the %(n)s mothers with both measurements, the mean milk volume went from "
                "%(before)s ml to %(after)s ml: a mean difference of %(difference)s ml (95 %% CI "
                "%(ci)s; %(test)s, p %(p)s; Cohen's dz %(dz)s). %(rising)s of %(n)s mothers had "
                "more milk at follow-up."
            )
            % {
                "n": block["n"],
                "before": fmt.mean(block["before"]["mean"]),
                "after": fmt.mean(block["after"]["mean"]),
                "difference": fmt.signed(block["mean_difference"]),
                "ci": fmt.interval(block["ci95"]),
                "test": _primary_name(block),
                "p": _p_phrase(_primary_p(block)),
                "dz": fmt.statistic(block["cohen_dz"]),
                "rising": rising,
            }
        )
    if before_days and after_days and not data.two_groups:
        section.paragraphs.append(
            _(
                "The baseline was measured on postpartum day %(before)s and the follow-up on day "
                "%(after)s. Milk volume normally rises several-fold over these days as milk "
                "“comes in” (lactogenesis II), so without a comparison group this rise cannot be "
                "attributed to the massage; see the comparison with the reference range below."
            )
            % {"before": _days(before_days), "after": _days(after_days)}
        )
    section.blocks.append(_per_mother_table(data, numbering, pseudonymised))
    section.blocks.append(
        _stats_table(
            "milk_statistics",
            numbering.table(),
            _("Milk volume before and after (ml)"),
            block,
            unit="ml",
        )
    )
    pairs = [
        charts.PairedValue(
            label=m.code,
            before=float(m.before.volume_ml) if m.before else None,
            after=float(m.after.volume_ml) if m.after else None,
        )
        for m in mothers
    ]
    section.blocks.append(
        FigureRow(
            figures=[
                Figure(
                    number=numbering.figure(),
                    chart=charts.slope_chart(pairs),
                    note=_(
                        "Grey lines: one mother each; open circles: before; filled squares: "
                        "after; dashed line with diamonds: mean."
                    ),
                ),
                Figure(
                    number=numbering.figure(),
                    chart=charts.box_plots(
                        [float(m.before.volume_ml) for m in mothers if m.before],
                        [float(m.after.volume_ml) for m in mothers if m.after],
                    ),
                    note=_(
                        "Box: quartiles; thick line: median; diamond: mean; whiskers: 1.5 × IQR; "
                        "points beside each box: every mother."
                    ),
                ),
            ]
        )
    )
    return section


def _days(days: list[int]) -> str:
    if len(days) == 1:
        return str(days[0])
    return f"{days[0]}–{days[-1]}"


def _per_mother_table(data: ProgrammeData, numbering: _Numbering, pseudonymised: bool) -> Table:
    mothers = data.mothers if data.two_groups else data.evaluated_mothers
    columns = [
        Column(_("No."), numeric=True, width=5),
        Column(_("Mother"), width=22 if not pseudonymised else 10),
    ]
    if data.two_groups:
        columns.append(Column(_("Group"), width=12))
    columns += [
        Column(_("Cadre"), width=8),
        Column(_("Day"), numeric=True, width=6),
        Column(_("Before (ml)"), numeric=True, excel_format="0.0", width=11),
        Column(_("Day"), numeric=True, width=6),
        Column(_("After (ml)"), numeric=True, excel_format="0.0", width=11),
        Column(_("Change (ml)"), numeric=True, excel_format="+0.0;-0.0;0.0", width=12),
        Column(_("Change (%)"), numeric=True, excel_format="+0.0;-0.0;0.0", width=11),
    ]
    groups = dict(StudyGroup.choices)
    rows = []
    for number, mother in enumerate(mothers, start=1):
        row = [Cell(str(number), value=number), Cell(display_name(mother, pseudonymised))]
        if data.two_groups:
            row.append(Cell(str(groups.get(mother.group, mother.group))))
        row += [
            Cell(mother.cadre_code or fmt.MISSING),
            _day_cell(mother.before),
            _volume_cell(mother.before),
            _day_cell(mother.after),
            _volume_cell(mother.after),
            Cell(fmt.signed(mother.change_ml), value=_float(mother.change_ml)),
            Cell(fmt.signed(mother.change_percent), value=mother.change_percent),
        ]
        rows.append(row)
    complete = [m for m in mothers if m.change_ml is not None]
    span = 2 + (1 if data.two_groups else 0)
    footer = [
        [Cell(_("Mean"), strong=True)]
        + [Cell("") for _i in range(span)]
        + [
            Cell(""),
            _mean_cell([m.before.volume_ml for m in complete]),
            Cell(""),
            _mean_cell([m.after.volume_ml for m in complete]),
            _mean_cell([m.change_ml for m in complete], signed=True),
            _mean_cell(
                [Decimal(str(m.change_percent)) for m in complete if m.change_percent is not None],
                signed=True,
            ),
        ]
    ]
    notes = [
        _(
            "Day: postpartum day of the measurement (day 1 = the first 24 hours after birth). "
            "Change (%%) is relative to the mother's own baseline; the mean row is over the %(n)s "
            "mothers with both measurements."
        )
        % {"n": len(complete)}
    ]
    if pseudonymised:
        notes.append(_("Mothers are shown by their programme code."))
    return Table(
        key="per_mother",
        number=numbering.table(),
        title=_("Milk volume of each mother before and after the massage programme"),
        columns=columns,
        rows=rows,
        footer=footer,
        notes=notes,
    )


def _float(value) -> float | None:
    return None if value is None else float(value)


def _day_cell(point) -> Cell:
    if point is None or point.postpartum_day is None:
        return Cell(fmt.MISSING)
    return Cell(str(point.postpartum_day), value=point.postpartum_day)


def _volume_cell(point) -> Cell:
    if point is None:
        return Cell(fmt.MISSING)
    return Cell(fmt.mean(point.volume_ml), value=float(point.volume_ml))


def _mean_cell(values: list, *, signed: bool = False) -> Cell:
    if not values:
        return Cell(fmt.MISSING)
    average = float(sum(values)) / len(values)
    return Cell(fmt.signed(average) if signed else fmt.mean(average), value=average, strong=True)


# --- results: two groups -----------------------------------------------------------------------


def _comparison_section(block: dict, numbering: _Numbering) -> Section:
    section = Section(key="comparison", title=_("Results: intervention and comparison groups"))
    welch = block["welch_t"]
    mann_whitney = block["mann_whitney"]
    method = {
        "exact": _("exact"),
        "asymptotic": _("normal approximation"),
    }.get(mann_whitney.get("method") or "", fmt.MISSING)
    rows = [
        (_("Mothers with both measurements: intervention"), str(block["n_intervention"])),
        (_("Mothers with both measurements: comparison"), str(block["n_comparison"])),
        (_("Mean change, intervention (ml)"), fmt.signed(block["mean_change_intervention"])),
        (_("Mean change, comparison (ml)"), fmt.signed(block["mean_change_comparison"])),
        (
            _("Difference in mean change (95 % CI, Welch)"),
            f"{fmt.signed(block['difference_in_mean_change'])} ml ({fmt.interval(block['ci95'])})",
        ),
        (
            _("Welch's t-test"),
            _("t(%(df)s) = %(t)s; p %(p)s")
            % {
                "df": fmt.number(welch["df"], 1),
                "t": fmt.statistic(welch["t"]),
                "p": _p_phrase(welch["p"]),
            }
            if welch["t"] is not None
            else fmt.MISSING,
        ),
        (
            _("Mann–Whitney U test"),
            _("U = %(u)s; p %(p)s (%(method)s)")
            % {
                "u": fmt.number(mann_whitney["u"], 1),
                "p": _p_phrase(mann_whitney["p"]),
                "method": method,
            }
            if mann_whitney["u"] is not None
            else fmt.MISSING,
        ),
    ]
    section.paragraphs.append(
        _(
            "The milk volume of the intervention group changed by %(intervention)s ml on "
            "average and that of the comparison group by %(comparison)s ml: a difference of "
            "%(difference)s ml (95 %% CI %(ci)s; Welch's t-test p %(p)s)."
        )
        % {
            "intervention": fmt.signed(block["mean_change_intervention"]),
            "comparison": fmt.signed(block["mean_change_comparison"]),
            "difference": fmt.signed(block["difference_in_mean_change"]),
            "ci": fmt.interval(block["ci95"]),
            "p": _p_phrase(welch["p"]),
        }
    )
    section.blocks.append(
        Table(
            key="comparison",
            number=numbering.table(),
            title=_("Change in milk volume: intervention compared with comparison group"),
            columns=[Column(_("Statistic"), width=44), Column(_("Value"), width=56)],
            rows=[[Cell(label), Cell(text)] for label, text in rows],
        )
    )
    return section


# --- results: norms ----------------------------------------------------------------------------


def _norms_section(
    data: ProgrammeData,
    block: dict,
    references: Sequence[ReferenceRange],
    numbering: _Numbering,
) -> Section:
    section = Section(key="norms", title=_("Results: comparison with the reference range"))
    not_comparable = block["not_comparable"]
    total = block["compared"] + sum(not_comparable.values())
    if not references:
        section.paragraphs.append(
            _(
                "No reference ranges of 24-hour milk volume are configured, so no volume is "
                "compared with the norm for its postpartum day."
            )
        )
    elif block["basis_unknown"]:
        section.paragraphs.append(
            _(
                "The basis of the volumes is unknown (one expression or a 24-hour estimate was "
                "not recorded), so none of the %(total)s volumes can be judged against the "
                "24-hour reference range. The figure shows them beside the range for orientation "
                "only: do not read it as below or above the norm."
            )
            % {"total": total}
        )
    else:
        section.paragraphs.append(
            _(
                "%(compared)s of %(total)s volumes were 24-hour estimates on a day with a "
                "reference range and were compared with it."
            )
            % {"compared": block["compared"], "total": total}
        )
    if block["compared"]:
        section.blocks.append(_norms_table(block, numbering))
    reasons = {
        "basis_not_24h": _("basis not a 24-hour estimate"),
        "no_postpartum_day": _("postpartum day unknown"),
        "no_reference_for_day": _("no reference range for that day"),
    }
    skipped = [
        f"{reasons[key]}: {count}"
        for key, count in not_comparable.items()
        if count and key in reasons
    ]
    if skipped and references:
        section.paragraphs.append(_("Not compared: %(reasons)s.") % {"reasons": "; ".join(skipped)})
    observations = [
        charts.DayVolume(
            label=m.code,
            phase=phase,
            postpartum_day=point.postpartum_day,
            volume_ml=float(point.volume_ml),
        )
        for m in data.mothers
        for phase, point in (("before", m.before), ("after", m.after))
        if point is not None
    ]
    if any(o.postpartum_day is not None for o in observations):
        section.blocks.append(
            Figure(
                number=numbering.figure(),
                chart=charts.norms_chart(
                    observations,
                    [charts.DayRange(r.postpartum_day, r.lower_ml, r.upper_ml) for r in references],
                    comparable=block["compared"] > 0,
                ),
                note=_(
                    "Grey boxes: 24-hour reference range of the day (dashed edges); open "
                    "circles: before; filled squares: after; grey lines join each mother's two "
                    "volumes."
                ),
            )
        )
    if references:
        section.blocks.append(_references_table(references, numbering))
    return section


def _norms_table(block: dict, numbering: _Numbering) -> Table:
    rows = []
    labels = {"before": _("Before (baseline)"), "after": _("After (follow-up)")}
    for phase in ("before", "after"):
        phase_rows = [row for row in block["rows"] if row["phase"] == phase]
        counts = {
            key: sum(1 for row in phase_rows if row["classification"] == key)
            for key in ("below", "within", "above")
        }
        share_below = block["share_below"].get(phase)
        rows.append(
            [
                Cell(labels[phase]),
                Cell(str(len(phase_rows)), value=len(phase_rows)),
                Cell(str(counts["below"]), value=counts["below"]),
                Cell(str(counts["within"]), value=counts["within"]),
                Cell(str(counts["above"]), value=counts["above"]),
                Cell(
                    fmt.percent(None if share_below is None else 100 * share_below, 0),
                    value=share_below,
                ),
            ]
        )
    return Table(
        key="norms",
        number=numbering.table(),
        title=_("24-hour volumes compared with the reference range of their postpartum day"),
        columns=[
            Column(_("Phase"), width=22),
            Column(_("Compared"), numeric=True, width=10),
            Column(_("Below"), numeric=True, width=8),
            Column(_("Within"), numeric=True, width=8),
            Column(_("Above"), numeric=True, width=8),
            Column(_("Mothers below"), numeric=True, excel_format="0%", width=12),
        ],
        rows=rows,
    )


def _references_table(references: Sequence[ReferenceRange], numbering: _Numbering) -> Table:
    return Table(
        key="references",
        number=numbering.table(),
        title=_("Reference ranges of 24-hour milk volume used"),
        columns=[
            Column(_("Postpartum day"), numeric=True, width=10),
            Column(_("Lower (ml)"), numeric=True, excel_format="0.0", width=10),
            Column(_("Upper (ml)"), numeric=True, excel_format="0.0", width=10),
            Column(_("Source"), width=60),
        ],
        rows=[
            [
                Cell(str(r.postpartum_day), value=r.postpartum_day),
                Cell(fmt.mean(r.lower_ml), value=r.lower_ml),
                Cell(fmt.mean(r.upper_ml), value=r.upper_ml),
                Cell(r.source),
            ]
            for r in references
        ],
    )


# --- appendix, conclusion, sources -------------------------------------------------------------


def _appendix_section(data: ProgrammeData, numbering: _Numbering, pseudonymised: bool) -> Section:
    section = Section(key="appendix", title=_("Appendix: knowledge score of each cadre"))
    if not data.cadres:
        section.empty_message = _("No cadre is registered in this programme.")
        return section
    rows = [
        [
            Cell(str(number), value=number),
            Cell(cadre.code if pseudonymised else f"{cadre.code} · {cadre.name}"),
            Cell(cadre.posyandu),
            Cell(fmt.mean(cadre.pre), value=_float(cadre.pre)),
            Cell(fmt.mean(cadre.post), value=_float(cadre.post)),
            Cell(
                fmt.signed(cadre.post - cadre.pre)
                if cadre.pre is not None and cadre.post is not None
                else fmt.MISSING,
                value=_float(cadre.post - cadre.pre)
                if cadre.pre is not None and cadre.post is not None
                else None,
            ),
        ]
        for number, cadre in enumerate(data.cadres, start=1)
    ]
    notes = []
    if any(c.illustrative for c in data.cadres):
        notes.append(
            _("Individual scores are illustrative: generated to match the published means.")
        )
    section.blocks.append(
        Table(
            key="cadre_scores",
            number=numbering.table(),
            title=_("Knowledge score of each cadre"),
            columns=[
                Column(_("No."), numeric=True, width=5),
                Column(_("Cadre"), width=24 if not pseudonymised else 10),
                Column(_("Posyandu"), width=20),
                Column(_("Pre-test"), numeric=True, excel_format="0.0", width=10),
                Column(_("Post-test"), numeric=True, excel_format="0.0", width=10),
                Column(_("Change"), numeric=True, excel_format="+0.0;-0.0;0.0", width=10),
            ],
            rows=rows,
            notes=notes,
        )
    )
    return section


def suggested_conclusion(data: ProgrammeData, evaluation: dict) -> str:
    """A first draft of the conclusion, honest about what the design can show; the coordinator
    edits it before export."""
    knowledge = evaluation["knowledge"]
    milk = evaluation["milk_volume"]
    parts = []
    if knowledge["n"]:
        parts.append(
            _(
                "The knowledge of the %(n)s cadres about oxytocin massage rose from a mean score "
                "of %(before)s to %(after)s after the training."
            )
            % {
                "n": knowledge["n"],
                "before": fmt.mean(knowledge["before"]["mean"]),
                "after": fmt.mean(knowledge["after"]["mean"]),
            }
        )
    if milk["n"]:
        parts.append(
            _(
                "The %(n)s mothers they accompanied had a mean milk volume of %(before)s ml at "
                "baseline and %(after)s ml at follow-up."
            )
            % {
                "n": milk["n"],
                "before": fmt.mean(milk["before"]["mean"]),
                "after": fmt.mean(milk["after"]["mean"]),
            }
        )
        if "comparison" not in evaluation:
            parts.append(
                _(
                    "Without a comparison group this rise cannot be attributed to the massage, "
                    "because milk volume rises naturally in the first days after birth. A next "
                    "programme should measure 24-hour volumes with a recorded method and include "
                    "a comparison group."
                )
            )
    if not parts:
        parts.append(_("Too few results were recorded to draw a conclusion."))
    return " ".join(str(p) for p in parts)


def _sources(references: Sequence[ReferenceRange], report: ProgrammeReport) -> list[str]:
    sources = sorted({r.source for r in references})
    sources.append(_("Knowledge bands: %(source)s.") % {"source": report.bands_source})
    return sources


def delivery_type_label(code: str) -> str:
    return dict(DeliveryType.choices).get(code, code)
