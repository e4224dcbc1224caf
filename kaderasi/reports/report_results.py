"""The results sections of the programme report: knowledge, skills, milk volume, the two-group
comparison, the norms comparison, and the appendix of individual scores."""

from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import gettext as _

from kaderasi.care.models import StudyGroup
from kaderasi.core import numbers as fmt
from kaderasi.evaluation.norms import ReferenceRange
from kaderasi.evaluation.presentation import within_group_caveat
from kaderasi.reports import charts
from kaderasi.reports.programme_data import MotherResult, ProgrammeData
from kaderasi.reports.report_document import (
    LISTING_ROWS_SHOWN,
    Cell,
    Column,
    Figure,
    FigureRow,
    Numbering,
    Paragraph,
    Section,
    SkillStep,
    Table,
)
from kaderasi.reports.report_statistics import p_phrase, primary_name, primary_p, stats_table
from kaderasi.training.scoring import Bands, KnowledgeBand, band_counts


def knowledge_section(
    data: ProgrammeData,
    block: dict,
    bands: Bands,
    bands_source: str,
    numbering: Numbering,
    pseudonymised: bool,
) -> Section:
    section = Section(key="knowledge", title=_("Results: cadre knowledge"))
    if not block["n"]:
        section.empty_message = _("No cadre has both a pre-test and a post-test score.")
        return section
    values = _paired_values(block)
    if (block["mean_difference"] or 0) >= 0:
        sentence = _(
            "The mean knowledge score of the %(n)s cadres with both tests rose from %(before)s "
            "before the training to %(after)s after it: a mean difference of %(difference)s "
            "points (95 %% CI %(ci)s; %(test)s, p %(p)s)."
        )
    else:
        sentence = _(
            "The mean knowledge score of the %(n)s cadres with both tests went from %(before)s "
            "to %(after)s: a mean difference of %(difference)s points (95 %% CI %(ci)s; "
            "%(test)s, p %(p)s)."
        )
    section.paragraphs.append(sentence % values)
    paired = [c for c in data.cadres if c.pre is not None and c.post is not None]
    section.blocks.append(
        Figure(
            number=numbering.figure(),
            chart=charts.knowledge_dot_plot(
                [float(c.pre) for c in paired], [float(c.post) for c in paired], bands=bands
            ),
            note=_("Open circles: pre-test; filled squares: post-test; dashed line: mean."),
        )
    )
    section.blocks.append(
        stats_table(
            "knowledge_statistics",
            numbering.table(),
            _("Knowledge scores before and after the training"),
            block,
            unit=_("points"),
            points=True,
        )
    )
    section.blocks.append(_bands_table(paired, bands, numbering, bands_source))
    return section


def _bands_table(paired, bands: Bands, numbering: Numbering, source: str) -> Table:
    good, fair = bands.good_minimum, bands.fair_minimum
    labels = {
        KnowledgeBand.GOOD: _("Good (≥ %(from)s)") % {"from": fmt.number(good, 0)},
        KnowledgeBand.FAIR: _("Fair (%(from)s–%(to)s)")
        % {"from": fmt.number(fair, 0), "to": fmt.number(good - 1, 0)},
        KnowledgeBand.POOR: _("Poor (< %(to)s)") % {"to": fmt.number(fair, 0)},
    }
    n = len(paired)
    before_counts = band_counts([c.pre for c in paired], bands)
    after_counts = band_counts([c.post for c in paired], bands)
    rows = []
    for band in (KnowledgeBand.GOOD, KnowledgeBand.FAIR, KnowledgeBand.POOR):
        before, after = before_counts[band], after_counts[band]
        rows.append(
            [
                Cell(labels[band]),
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


def skills_section(skills: Sequence[SkillStep], numbering: Numbering) -> Section:
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


def milk_section(
    data: ProgrammeData, block: dict, numbering: Numbering, pseudonymised: bool
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
                **_paired_values(block),
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
    _per_mother_listing(section, data, numbering, pseudonymised)
    section.blocks.append(
        stats_table(
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
                    note=_notes(
                        _(
                            "Grey lines: one mother each; open circles: before; filled squares: "
                            "after; dashed line with diamonds: mean."
                        ),
                        charts.thinning_note(
                            sum(1 for p in pairs if p.before is not None and p.after is not None),
                            _("mothers"),
                        ),
                    ),
                ),
                Figure(
                    number=numbering.figure(),
                    chart=charts.box_plots(
                        [float(m.before.volume_ml) for m in mothers if m.before],
                        [float(m.after.volume_ml) for m in mothers if m.after],
                    ),
                    note=_notes(
                        _(
                            "Box: quartiles; thick line: median; diamond: mean; whiskers: 1.5 × "
                            "IQR; points beside each box: every mother."
                        ),
                        charts.thinning_note(
                            max(
                                sum(1 for m in mothers if m.before),
                                sum(1 for m in mothers if m.after),
                            ),
                            _("mothers"),
                        ),
                    ),
                ),
            ]
        )
    )
    return section


def within_groups_section(
    data: ProgrammeData, within_groups: dict, numbering: Numbering, pseudonymised: bool
) -> Section:
    """Two groups: each group's own before-and-after change, shown after the difference between
    the groups (`comparison_section`), each with the caveat that milk comes in over these days
    whatever the care and the median days of its measurements."""
    section = Section(key="milk", title=_("Results: change in milk volume within each group"))
    if not any(m.before or m.after for m in data.mothers):
        section.empty_message = _("No baseline or follow-up milk volume was recorded.")
        return section
    labels = {
        StudyGroup.INTERVENTION: _("Intervention group"),
        StudyGroup.COMPARISON: _("Comparison group"),
    }
    titles = {
        StudyGroup.INTERVENTION: _("Milk volume before and after, intervention group (ml)"),
        StudyGroup.COMPARISON: _("Milk volume before and after, comparison group (ml)"),
    }
    tables = []
    for group in (StudyGroup.INTERVENTION, StudyGroup.COMPARISON):
        block = within_groups[group.value]
        if block["n"]:
            sentence = _(
                "Among the %(n)s mothers with both measurements, the mean milk volume went from "
                "%(before)s ml to %(after)s ml: a mean difference of %(difference)s ml (95 %% CI "
                "%(ci)s; %(test)s, p %(p)s)."
            ) % _paired_values(block)
        else:
            sentence = _("No mother of this group has both measurements.")
        section.paragraphs.append(
            Paragraph(lead=labels[group], text=" ".join([sentence, *within_group_caveat(block)]))
        )
        tables.append(
            stats_table(f"milk_statistics_{group.value}", 0, titles[group], block, unit="ml")
        )
    _per_mother_listing(section, data, numbering, pseudonymised)
    for table in tables:
        table.number = numbering.table()
        section.blocks.append(table)
    return section


def _listed_mothers(data: ProgrammeData) -> list[MotherResult]:
    return data.mothers if data.two_groups else data.evaluated_mothers


def mothers_listed_in_appendix(data: ProgrammeData) -> bool:
    """A listing longer than a page goes to the appendix (its first rows, with a note)."""
    return len(_listed_mothers(data)) > LISTING_ROWS_SHOWN


def _per_mother_listing(
    section: Section, data: ProgrammeData, numbering: Numbering, pseudonymised: bool
) -> None:
    if mothers_listed_in_appendix(data):
        section.paragraphs.append(
            _(
                "The milk volume of each of the %(n)s mothers is listed in the Excel workbook of "
                "this report; the appendix shows the first %(shown)s."
            )
            % {
                "n": fmt.number(len(_listed_mothers(data)), 0),
                "shown": LISTING_ROWS_SHOWN,
            }
        )
        return
    section.blocks.append(_per_mother_table(data, numbering, pseudonymised))


def _notes(*sentences: str) -> str:
    return " ".join(sentence for sentence in sentences if sentence)


def _days(days: list[int]) -> str:
    if len(days) == 1:
        return str(days[0])
    return f"{days[0]}–{days[-1]}"


def _per_mother_table(data: ProgrammeData, numbering: Numbering, pseudonymised: bool) -> Table:
    mothers = _listed_mothers(data)
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
        shown_rows=LISTING_ROWS_SHOWN,
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


def comparison_section(block: dict, numbering: Numbering) -> Section:
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
                "p": p_phrase(welch["p"]),
            }
            if welch["t"] is not None
            else fmt.MISSING,
        ),
        (
            _("Mann–Whitney U test"),
            _("U = %(u)s; p %(p)s (%(method)s)")
            % {
                "u": fmt.number(mann_whitney["u"], 1),
                "p": p_phrase(mann_whitney["p"]),
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
            "%(difference)s ml (95 %% CI %(ci)s; Welch's t-test p %(p)s; Mann–Whitney U test "
            "p %(p_mann_whitney)s). This difference between the groups' changes is the "
            "estimate of the massage's effect; each group's own change follows."
        )
        % {
            "intervention": fmt.signed(block["mean_change_intervention"]),
            "comparison": fmt.signed(block["mean_change_comparison"]),
            "difference": fmt.signed(block["difference_in_mean_change"]),
            "ci": fmt.interval(block["ci95"]),
            "p": p_phrase(welch["p"]),
            "p_mann_whitney": p_phrase(mann_whitney["p"]),
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


def norms_section(
    data: ProgrammeData,
    block: dict,
    references: Sequence[ReferenceRange],
    numbering: Numbering,
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
        f"{reasons[key]} ({count})"  # "Not compared: <reason> (20)", never a second colon
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
                note=_notes(
                    _(
                        "Grey boxes: 24-hour reference range of the day (dashed edges); open "
                        "circles: before; filled squares: after; grey lines join each mother's "
                        "two volumes."
                    )
                    if references
                    else _(
                        "Open circles: before; filled squares: after; grey lines join each "
                        "mother's two volumes."
                    ),
                    charts.thinning_note(
                        len({o.label for o in observations if o.postpartum_day is not None}),
                        _("mothers"),
                    ),
                ),
            )
        )
    if references:
        section.blocks.append(_references_table(references, numbering))
    return section


def _norms_table(block: dict, numbering: Numbering) -> Table:
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


def _references_table(references: Sequence[ReferenceRange], numbering: Numbering) -> Table:
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


def appendix_section(data: ProgrammeData, numbering: Numbering, pseudonymised: bool) -> Section:
    """The individual results: each cadre's knowledge scores, and each mother's milk volumes when
    they are too many for the results section (a page of them; the workbook has every row)."""
    if mothers_listed_in_appendix(data):
        section = Section(key="appendix", title=_("Appendix: individual results"))
        section.blocks.append(_per_mother_table(data, numbering, pseudonymised))
    else:
        section = Section(key="appendix", title=_("Appendix: knowledge score of each cadre"))
    if not data.cadres:
        if not section.blocks:
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
            shown_rows=LISTING_ROWS_SHOWN,
        )
    )
    return section


def _paired_values(block: dict) -> dict:
    """The numbers a sentence about a paired before/after block states, formatted."""
    return {
        "n": block["n"],
        "before": fmt.mean(block["before"]["mean"]),
        "after": fmt.mean(block["after"]["mean"]),
        "difference": fmt.signed(block["mean_difference"]),
        "ci": fmt.interval(block["ci95"]),
        "test": primary_name(block),
        "p": p_phrase(primary_p(block)),
    }
