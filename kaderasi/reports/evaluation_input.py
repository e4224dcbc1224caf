"""The evaluation dict the programme report is written from.

The contract (issue 5): ``{"programme": slug, "knowledge": paired_block, "milk_volume":
paired_block, "comparison": two_group_block (two-group programmes only), "norms": norms_block,
"limitations": [str, ...]}``, with the blocks produced by `kaderasi.evaluation.statistics` and
`kaderasi.evaluation.norms`. The evaluation app owns the canonical builder (`kaderasi evaluate`);
this one assembles the same dict from the same pure functions and the same programme data as the
report's tables, so the web report and its exports work on their own. When the evaluation app's
builder is available, `programme_evaluation` should call it instead.
"""

from collections.abc import Sequence

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kaderasi.care.models import StudyGroup
from kaderasi.evaluation.norms import ReferenceRange, VolumeObservation, compare_with_norms
from kaderasi.evaluation.statistics import paired_summary, two_group_summary
from kaderasi.reports.programme_data import MotherResult, ProgrammeData

SMALL_SAMPLE = 30


def programme_evaluation(data: ProgrammeData, *, references: Sequence[ReferenceRange]) -> dict:
    """The evaluation dict of `data.programme` (see the module docstring), limitations in the
    active language."""
    cadres = data.cadres
    knowledge = paired_summary([_float(c.pre) for c in cadres], [_float(c.post) for c in cadres])
    evaluated = data.evaluated_mothers
    milk_volume = paired_summary(
        [_volume(m, "before") for m in evaluated], [_volume(m, "after") for m in evaluated]
    )
    observations = [
        VolumeObservation(
            subject=m.code,
            phase=phase,
            postpartum_day=point.postpartum_day,
            volume_ml=float(point.volume_ml),
            basis=point.basis or "unknown",
        )
        for m in data.mothers
        for phase, point in (("before", m.before), ("after", m.after))
        if point is not None
    ]
    evaluation = {
        "programme": data.programme.slug,
        "knowledge": knowledge,
        "milk_volume": milk_volume,
    }
    if data.two_groups:
        intervention = data.mothers_in(StudyGroup.INTERVENTION)
        comparison = data.mothers_in(StudyGroup.COMPARISON)
        evaluation["comparison"] = two_group_summary(
            [_volume(m, "before") for m in intervention],
            [_volume(m, "after") for m in intervention],
            [_volume(m, "before") for m in comparison],
            [_volume(m, "after") for m in comparison],
        )
    evaluation["norms"] = compare_with_norms(observations, references)
    evaluation["limitations"] = _limitations(data, milk_volume, evaluation["norms"])
    return evaluation


def _float(value) -> float | None:
    return None if value is None else float(value)


def _volume(mother: MotherResult, phase: str) -> float | None:
    point = getattr(mother, phase)
    return None if point is None else float(point.volume_ml)


def _limitations(data: ProgrammeData, milk_volume: dict, norms: dict) -> list[str]:
    limitations = []
    if not data.two_groups:
        limitations.append(
            _(
                "Single group measured before and after: without a comparison group the change "
                "in milk volume cannot be separated from the normal rise of milk production in "
                "the first days after birth (lactogenesis II)."
            )
        )
    if milk_volume["n"] < SMALL_SAMPLE:
        limitations.append(
            ngettext(
                "Small sample: %(n)s mother with both measurements; estimates are imprecise.",
                "Small sample: %(n)s mothers with both measurements; estimates are imprecise.",
                milk_volume["n"],
            )
            % {"n": milk_volume["n"]}
        )
    compared_bases = [
        point.basis or "unknown"
        for m in data.mothers
        for point in (m.before, m.after)
        if point is not None
    ]
    unknown = sum(1 for basis in compared_bases if basis == "unknown")
    if unknown:
        limitations.append(
            _(
                "The measurement basis (one expression or a 24-hour estimate) is unknown for "
                "%(unknown)s of %(total)s volumes, so they cannot be compared with 24-hour "
                "reference ranges."
            )
            % {"unknown": unknown, "total": len(compared_bases)}
        )
    if milk_volume["excluded_pairs"]:
        limitations.append(
            ngettext(
                "%(n)s mother without both a baseline and a follow-up volume was excluded.",
                "%(n)s mothers without both a baseline and a follow-up volume were excluded.",
                milk_volume["excluded_pairs"],
            )
            % {"n": milk_volume["excluded_pairs"]}
        )
    if data.programme.is_illustrative:
        limitations.append(
            _("Some values of this programme are illustrative, not observed: %(note)s")
            % {"note": data.programme.data_note}
        )
    return limitations
