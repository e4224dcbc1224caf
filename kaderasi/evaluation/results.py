"""A programme's evaluation: knowledge, milk volume, comparison, norms and limitations.

`programme_evaluation` reads the rows the reader may see; `evaluation_of` is the pure part that
turns plain values into the result, so it can be tested without a database.
"""

from __future__ import annotations

import statistics as descriptive
from collections.abc import Sequence
from typing import Any, cast

from django.db.models import QuerySet

from kaderasi.accounts.models import User
from kaderasi.cadres.models import Cadre
from kaderasi.cadres.selectors import cadres_visible_to
from kaderasi.care.models import MilkMethod, Mother, StudyGroup
from kaderasi.care.phase_volumes import PhaseVolume
from kaderasi.care.selectors import mothers_visible_to
from kaderasi.evaluation.flow import participant_flow
from kaderasi.evaluation.limitations import EvaluationFacts, limitations
from kaderasi.evaluation.norms import (
    BASES,
    Basis,
    Phase,
    ReferenceRange,
    VolumeObservation,
    compare_with_norms,
)
from kaderasi.evaluation.selectors import (
    CadreScores,
    MotherVolumes,
    RegisteredMother,
    knowledge_scores,
    mother_volumes,
    reference_rows,
    registered_mothers,
    trained_cadres,
)
from kaderasi.evaluation.statistics import paired_summary, two_group_summary
from kaderasi.programmes.models import Programme, StudyDesign
from kaderasi.programmes.protocol_days import OUTSIDE_REASONS, ProtocolDays

TOP_LEVEL_KEYS = (
    "programme",
    "flow",
    "protocol",
    "knowledge",
    "milk_volume",
    "comparison",
    "norms",
    "limitations",
)


class NormsStatus:
    """Why the norms block says what it says (renderers turn these codes into sentences)."""

    COMPARED = "compared"
    BASIS_UNKNOWN = "basis_unknown"
    NO_24H_ESTIMATES = "no_24h_estimates"
    NO_VOLUMES = "no_volumes"


def programme_evaluation(
    programme: Programme, *, cadres: QuerySet[Cadre], mothers: QuerySet[Mother]
) -> dict[str, Any]:
    """The evaluation of `programme` over the given cadres and mothers (the reader's scope).

    The result is JSON-serialisable with exactly the keys of `TOP_LEVEL_KEYS`, except that
    `comparison` is present only when the programme has a comparison group (a two-group design,
    or any mother of the comparison group). Numbers are unrounded. `flow` is the participant flow
    (`evaluation.flow`); mothers who withdrew their consent are counted there and analysed nowhere.
    """
    volumes = mother_volumes(programme, mothers)
    has_comparison = programme.design == StudyDesign.TWO_GROUP or any(
        row.group == StudyGroup.COMPARISON for row in volumes
    )
    return evaluation_of(
        slug=programme.slug,
        has_comparison=has_comparison,
        is_illustrative=programme.is_illustrative,
        knowledge=knowledge_scores(programme, cadres),
        volumes=volumes,
        references=reference_rows(),
        registered=registered_mothers(programme, mothers),
        trained=trained_cadres(programme, cadres),
        protocol=ProtocolDays.of(programme),
    )


def evaluation_of(
    *,
    slug: str,
    has_comparison: bool,
    is_illustrative: bool,
    knowledge: Sequence[CadreScores],
    volumes: Sequence[MotherVolumes],
    references: Sequence[dict],
    registered: Sequence[RegisteredMother] = (),
    trained: Sequence[str] = (),
    protocol: ProtocolDays | None = None,
) -> dict[str, Any]:
    """The evaluation of plain values (see `programme_evaluation`). `registered` lists every mother
    of the programme (a mother with volumes missing from it counts as registered) and `trained`
    the cadres who were trained; both feed only the participant flow, except that the volumes of
    a mother who withdrew her consent are left out of every analysis. `protocol` (the paper's
    days when None) says which pairs keep to the measurement days; when it analyses only
    conformant pairs, the volumes of the others are left out of every analysis."""
    protocol = protocol or ProtocolDays()
    withdrawn = {mother.code for mother in registered if mother.consent_withdrawn}
    outside = _pairs_outside([row for row in volumes if row.code not in withdrawn], protocol)
    flow = participant_flow(
        registered=registered,
        volumes=volumes,
        has_comparison=has_comparison,
        trained=trained,
        knowledge=knowledge,
        outside_protocol=outside,
        conformant_only=protocol.conformant_only,
    )
    volumes = [row for row in volumes if row.code not in withdrawn]
    protocol_block = _protocol_block(protocol, volumes, outside)
    if protocol.conformant_only:
        volumes = [row for row in volumes if row.code not in outside]
    intervention = [row for row in volumes if row.group != StudyGroup.COMPARISON]
    comparison_rows = [row for row in volumes if row.group == StudyGroup.COMPARISON]
    knowledge_block = paired_summary(
        [row.pre for row in knowledge], [row.post for row in knowledge]
    )
    milk_block = paired_summary(*_before_after(intervention))
    result: dict[str, Any] = {
        "programme": slug,
        "flow": flow,
        "protocol": protocol_block,
        "knowledge": knowledge_block,
        "milk_volume": milk_block,
    }
    comparison_block = None
    if has_comparison:
        comparison_block = two_group_summary(
            *_before_after(intervention), *_before_after(comparison_rows)
        )
        comparison_block["within_groups"] = {
            StudyGroup.INTERVENTION.value: _within_group(intervention, milk_block),
            StudyGroup.COMPARISON.value: _within_group(
                comparison_rows, paired_summary(*_before_after(comparison_rows))
            ),
        }
        result["comparison"] = comparison_block
    result["norms"] = _norms(volumes, references, has_comparison)
    result["limitations"] = limitations(
        _facts(
            has_comparison=has_comparison,
            is_illustrative=is_illustrative,
            knowledge_block=knowledge_block,
            milk_block=milk_block,
            comparison_block=comparison_block,
            comparison_rows=comparison_rows,
            volumes=volumes,
            references=references,
        )
    )
    return result


def _within_group(rows: Sequence[MotherVolumes], block: dict[str, Any]) -> dict[str, Any]:
    """One group's own before-and-after change (its paired summary) with the median postpartum
    days of its baselines and follow-ups: a two-group report shows it after the difference
    between the groups, with the caveat that milk comes in over these days whatever the care."""
    return {
        **block,
        "before_day": _median_day([row.before for row in rows if row.before]),
        "after_day": _median_day([row.after for row in rows if row.after]),
    }


def _pairs_outside(rows: Sequence[MotherVolumes], protocol: ProtocolDays) -> dict[str, str]:
    """The codes of the mothers whose pair is outside the protocol, with the reason."""
    outside = {}
    for row in rows:
        if row.before is not None and row.after is not None:
            reason = protocol.pair_outside(row.before, row.after)
            if reason is not None:
                outside[row.code] = reason
    return outside


def _protocol_block(
    protocol: ProtocolDays, rows: Sequence[MotherVolumes], outside: dict[str, str]
) -> dict[str, Any]:
    pairs = [row for row in rows if row.before is not None and row.after is not None]
    reasons = {reason: 0 for reason in OUTSIDE_REASONS}
    for reason in outside.values():
        reasons[reason] += 1
    return {
        **protocol.as_json(),
        "pairs": len(pairs),
        "pairs_outside": len(outside),
        "reasons": reasons,
        "pairs_without_day": sum(
            1
            for row in pairs
            if row.before is not None
            and row.after is not None
            and (row.before.postpartum_day is None or row.after.postpartum_day is None)
        ),
    }


def _before_after(rows: Sequence[MotherVolumes]) -> tuple[list, list]:
    return (
        [row.before.volume_ml if row.before else None for row in rows],
        [row.after.volume_ml if row.after else None for row in rows],
    )


def _observations(rows: Sequence[MotherVolumes]) -> list[VolumeObservation]:
    observations = []
    for row in rows:
        phases: tuple[tuple[Phase, PhaseVolume | None], ...] = (
            ("before", row.before),
            ("after", row.after),
        )
        for phase, volume in phases:
            if volume is not None:
                observations.append(
                    VolumeObservation(
                        subject=row.code,
                        phase=phase,
                        postpartum_day=volume.postpartum_day,
                        volume_ml=volume.volume_ml,
                        basis=cast(Basis, volume.basis) if volume.basis in BASES else "unknown",
                    )
                )
    return observations


def _norms(
    volumes: Sequence[MotherVolumes], references: Sequence[dict], has_comparison: bool
) -> dict[str, Any]:
    ranges = [
        ReferenceRange(
            postpartum_day=row["postpartum_day"],
            lower_ml=row["lower_ml"],
            upper_ml=row["upper_ml"],
            source=row["source"],
        )
        for row in references
    ]
    observations = _observations(volumes)
    groups = {
        StudyGroup.INTERVENTION.value: compare_with_norms(
            _observations([row for row in volumes if row.group != StudyGroup.COMPARISON]), ranges
        )
    }
    if has_comparison:
        groups[StudyGroup.COMPARISON.value] = compare_with_norms(
            _observations([row for row in volumes if row.group == StudyGroup.COMPARISON]), ranges
        )
    basis_counts = {basis: 0 for basis in BASES}
    for observation in observations:
        basis_counts[observation.basis] += 1
    if not observations:
        status = NormsStatus.NO_VOLUMES
    elif basis_counts["unknown"] == len(observations):
        status = NormsStatus.BASIS_UNKNOWN
    elif basis_counts["24h_estimate"] == 0:
        status = NormsStatus.NO_24H_ESTIMATES
    else:
        status = NormsStatus.COMPARED
    return {
        "status": status,
        # The whole programme (both groups), as the programme report tabulates it; `groups` has
        # the same comparison for each group.
        **compare_with_norms(observations, ranges),
        "basis_counts": basis_counts,
        "references": [dict(row) for row in references],
        "groups": groups,
    }


def _facts(
    *,
    has_comparison: bool,
    is_illustrative: bool,
    knowledge_block: dict,
    milk_block: dict,
    comparison_block: dict | None,
    comparison_rows: Sequence[MotherVolumes],
    volumes: Sequence[MotherVolumes],
    references: Sequence[dict],
) -> EvaluationFacts:
    phase_volumes = [
        volume for row in volumes for volume in (row.before, row.after) if volume is not None
    ]
    basis_counts: dict[str, int] = {basis: 0 for basis in BASES}
    for volume in phase_volumes:
        basis_counts[volume.basis if volume.basis in BASES else "unknown"] += 1
    methods = sorted({volume.method for volume in phase_volumes if volume.method})
    method_labels = dict(MilkMethod.choices)
    before_day = _median_day([row.before for row in volumes if row.before])
    after_day = _median_day([row.after for row in volumes if row.after])
    reference_means = {row["postpartum_day"]: row["mean_ml"] for row in references}
    comparison_pairs = comparison_block["n_comparison"] if comparison_block else 0
    return EvaluationFacts(
        has_comparison=has_comparison,
        is_illustrative=is_illustrative,
        knowledge_pairs=knowledge_block["n"],
        knowledge_excluded=knowledge_block["excluded_pairs"],
        milk_pairs=milk_block["n"],
        milk_excluded=milk_block["excluded_pairs"],
        milk_interval=milk_block["ci95"] is not None,
        comparison_pairs=comparison_pairs,
        comparison_excluded=len(comparison_rows) - comparison_pairs,
        volumes=len(phase_volumes),
        basis_counts=basis_counts,
        method_labels=tuple(str(method_labels.get(method, method)) for method in methods),
        volumes_without_method=sum(1 for volume in phase_volumes if not volume.method),
        volumes_without_postpartum_day=sum(
            1 for volume in phase_volumes if volume.postpartum_day is None
        ),
        mothers_with_unused_volumes=sum(1 for row in volumes if row.measurements_unused),
        unused_volumes=sum(row.measurements_unused for row in volumes),
        before_day=before_day,
        after_day=after_day,
        before_reference_mean_ml=reference_means.get(before_day),
        after_reference_mean_ml=reference_means.get(after_day),
    )


def _median_day(volumes: Sequence) -> int | None:
    days = [volume.postpartum_day for volume in volumes if volume.postpartum_day is not None]
    if not days:
        return None
    # The lower median keeps the day a whole day that some mother was actually measured on.
    return descriptive.median_low(days)


def programme_evaluation_for(user: User, programme: Programme) -> tuple[dict[str, Any], bool]:
    """The evaluation of `programme` over the cadres and mothers `user` may see, and whether that
    is only part of the programme (so the page can say that its numbers are partial)."""
    cadres = cadres_visible_to(user)
    mothers = mothers_visible_to(user)
    evaluation = programme_evaluation(programme, cadres=cadres, mothers=mothers)
    partial = (
        cadres.filter(programme=programme).count()
        < Cadre.objects.filter(programme=programme).count()
        or mothers.filter(programme=programme).count()
        < Mother.objects.filter(programme=programme).count()
    )
    return evaluation, partial
