"""The programme report as data: sections of text, numbered tables and figures, built once from
the evaluation dict and the programme's data, then laid out as a web page, a PDF and a workbook
(`documents.py`). Everything here is written in the active language; numbers are rounded by
`core/numbers.py` (means 1 decimal, confidence intervals 2, p-values 3 significant digits or
"< 0.001")."""

import datetime as dt
from collections.abc import Sequence

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kaderasi.care.models import MilkBasis, MilkMethod
from kaderasi.core import numbers as fmt
from kaderasi.evaluation.norms import ReferenceRange
from kaderasi.programmes.models import StudyDesign
from kaderasi.reports.models import ExportStep, ProgrammeReport
from kaderasi.reports.programme_data import ProgrammeData
from kaderasi.reports.report_document import (
    Cell,
    Column,
    Figure,
    FigureRow,
    Numbering,
    Paragraph,
    ProgrammeReportDocument,
    ProgressCallback,
    Section,
    SkillStep,
    Table,
)
from kaderasi.reports.report_pairing import certification_overrides_section
from kaderasi.reports.report_results import (
    appendix_section,
    comparison_section,
    knowledge_section,
    milk_section,
    norms_section,
    skills_section,
    within_groups_section,
)
from kaderasi.reports.report_statistics import primary_test_text
from kaderasi.training.scoring import Bands

__all__ = [
    "Cell",
    "Column",
    "Figure",
    "FigureRow",
    "Paragraph",
    "ProgrammeReportDocument",
    "ProgressCallback",
    "Section",
    "SkillStep",
    "Table",
    "build_programme_report",
    "primary_test_text",
    "protocol_text",
    "suggested_conclusion",
]


def build_programme_report(
    *,
    data: ProgrammeData,
    evaluation: dict,
    report: ProgrammeReport,
    bands: Bands,
    bands_source: str,
    language: str,
    now: dt.datetime,
    references: Sequence[ReferenceRange] = (),
    skills: Sequence[SkillStep] = (),
    pseudonymised: bool = True,
    progress: ProgressCallback | None = None,
) -> ProgrammeReportDocument:
    """The whole report of `data.programme` in the active language (the caller activates
    `language`). `pseudonymised` shows codes instead of names; `bands` are the programme's
    knowledge bands and `bands_source` where they come from (`bands.knowledge_bands_for`)."""
    programme = data.programme
    numbering = Numbering()

    def step(percent: int, name: str) -> None:
        if progress:
            progress(percent, name)

    step(15, ExportStep.CHARTS)
    sections = [
        _programme_section(data),
        _methods_section(data, skills, references),
        knowledge_section(
            data, evaluation["knowledge"], bands, bands_source, numbering, pseudonymised
        ),
    ]
    step(30, ExportStep.CHARTS)
    sections.append(skills_section(skills, numbering))
    overrides = certification_overrides_section(data, numbering)
    if overrides is not None:
        sections.append(overrides)
    if "comparison" in evaluation:
        # The difference between the groups' changes leads; each group's own change follows.
        sections.append(comparison_section(evaluation["comparison"], numbering))
        sections.append(
            within_groups_section(
                data, evaluation["comparison"]["within_groups"], numbering, pseudonymised
            )
        )
    else:
        sections.append(milk_section(data, evaluation["milk_volume"], numbering, pseudonymised))
    step(50, ExportStep.CHARTS)
    sections.append(norms_section(data, evaluation["norms"], references, numbering))
    sections.append(appendix_section(data, numbering, pseudonymised))
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
        sources=_sources(references, bands_source),
    )


# --- the programme and its methods -------------------------------------------------------------


def _date(day: dt.date | None) -> str:
    return formats.date_format(day, "j F Y") if day else fmt.MISSING


def _period(starts_on: dt.date, ends_on: dt.date | None) -> str:
    if ends_on is None:
        return _("from %(start)s") % {"start": _date(starts_on)}
    return f"{_date(starts_on)} – {_date(ends_on)}"


def protocol_text(programme) -> str:
    return ngettext(
        "%(per_day)s massage sessions a day of %(min)s–%(max)s minutes, for %(days)s days from "
        "postpartum day %(start)s; at most %(cap)s active client per cadre (One Kader One "
        "Client); antenatal education from %(week)s weeks of pregnancy.",
        "%(per_day)s massage sessions a day of %(min)s–%(max)s minutes, for %(days)s days from "
        "postpartum day %(start)s; at most %(cap)s active clients per cadre (One Kader One "
        "Client); antenatal education from %(week)s weeks of pregnancy.",
        programme.max_active_clients_per_cadre,
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


def _sources(references: Sequence[ReferenceRange], bands_source: str) -> list[str]:
    sources = sorted({r.source for r in references})
    sources.append(_("Knowledge bands: %(source)s.") % {"source": bands_source})
    return sources
