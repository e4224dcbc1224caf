"""Comparison of breast-milk volumes with reference ranges for the postpartum day.

The reference ranges themselves are data (stored with their sources elsewhere); this module only
defines the plain values they are handed over as and the comparison rules. A volume can only be
compared with a 24-hour reference range when it is itself a 24-hour estimate: a single expression
is a fraction of the daily volume, and a volume of unknown basis cannot be interpreted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

Classification = Literal["below", "within", "above"]
Phase = Literal["before", "after"]
Basis = Literal["single_expression", "24h_estimate", "unknown"]

PHASES: tuple[Phase, ...] = ("before", "after")
BASES: tuple[Basis, ...] = ("single_expression", "24h_estimate", "unknown")
COMPARABLE_BASIS: Basis = "24h_estimate"


@dataclass(frozen=True)
class ReferenceRange:
    """Reference range of 24-hour milk volume on one postpartum day, with its source.

    Construction guarantees ``lower_ml <= upper_ml``.
    """

    postpartum_day: int
    lower_ml: float
    upper_ml: float
    source: str
    # What the bounds are ("observed_extremes": the lowest and highest in a small study, not a
    # normal range; "guide_range") and how many mothers they come from, for honest labels.
    bounds: str = "observed_extremes"
    study_size: int | None = None

    def __post_init__(self) -> None:
        if self.lower_ml > self.upper_ml:
            raise ValueError(
                f"reference range for day {self.postpartum_day} has lower bound "
                f"{self.lower_ml} above upper bound {self.upper_ml}"
            )


@dataclass(frozen=True)
class VolumeObservation:
    """One measured milk volume of a subject in one phase of the evaluation.

    Construction guarantees that ``phase`` is one of ``PHASES`` and ``basis`` one of ``BASES``.
    """

    subject: str
    phase: Phase
    postpartum_day: int | None
    volume_ml: float
    basis: Basis

    def __post_init__(self) -> None:
        if self.phase not in PHASES:
            raise ValueError(f"phase must be one of {PHASES}, got {self.phase!r}")
        if self.basis not in BASES:
            raise ValueError(f"basis must be one of {BASES}, got {self.basis!r}")


def classify(volume_ml: float, reference: ReferenceRange) -> Classification:
    """Place a 24-hour volume relative to a reference range.

    Returns ``"below"`` when the volume is under ``lower_ml``, ``"above"`` when it is over
    ``upper_ml`` and ``"within"`` otherwise; both bounds themselves count as within.
    """
    if volume_ml < reference.lower_ml:
        return "below"
    if volume_ml > reference.upper_ml:
        return "above"
    return "within"


def compare_with_norms(
    observations: Iterable[VolumeObservation], references: Iterable[ReferenceRange]
) -> dict[str, Any]:
    """Compare the comparable observations with the reference range of their postpartum day.

    An observation is compared only when its basis is ``"24h_estimate"`` and it has a postpartum
    day for which a reference range exists. Every other observation is counted under exactly one
    reason in ``not_comparable``, checked in this order: ``basis_not_24h``, ``no_postpartum_day``,
    ``no_reference_for_day``.

    Returns a JSON-serialisable dictionary with the keys

    * ``compared``: number of compared observations;
    * ``not_comparable``: the counts described above;
    * ``basis_unknown``: true when there is at least one observation and every observation's
      basis is ``"unknown"`` (the data cannot be related to 24-hour norms at all);
    * ``rows``: one dictionary per compared observation, in input order, with ``subject``,
      ``phase``, ``postpartum_day``, ``volume_ml``, ``lower_ml``, ``upper_ml``,
      ``classification`` and ``source``;
    * ``share_below``: per phase (``"before"``, ``"after"``) the fraction of distinct subjects
      compared in that phase who are below the lower reference bound, or ``None`` when nobody
      was compared in that phase. A subject with several compared observations in one phase
      counts as below when any of them is below.

    Raises ``ValueError`` when two reference ranges are given for the same postpartum day.
    """
    reference_by_day: dict[int, ReferenceRange] = {}
    for reference in references:
        if reference.postpartum_day in reference_by_day:
            raise ValueError(
                f"more than one reference range for postpartum day {reference.postpartum_day}"
            )
        reference_by_day[reference.postpartum_day] = reference

    observation_list = list(observations)
    not_comparable = {"basis_not_24h": 0, "no_reference_for_day": 0, "no_postpartum_day": 0}
    rows: list[dict[str, Any]] = []
    compared_subjects: dict[Phase, set[str]] = {phase: set() for phase in PHASES}
    subjects_below: dict[Phase, set[str]] = {phase: set() for phase in PHASES}

    for observation in observation_list:
        if observation.basis != COMPARABLE_BASIS:
            not_comparable["basis_not_24h"] += 1
            continue
        if observation.postpartum_day is None:
            not_comparable["no_postpartum_day"] += 1
            continue
        day_reference = reference_by_day.get(observation.postpartum_day)
        if day_reference is None:
            not_comparable["no_reference_for_day"] += 1
            continue
        classification = classify(observation.volume_ml, day_reference)
        rows.append(
            {
                "subject": observation.subject,
                "phase": observation.phase,
                "postpartum_day": observation.postpartum_day,
                "volume_ml": observation.volume_ml,
                "lower_ml": day_reference.lower_ml,
                "upper_ml": day_reference.upper_ml,
                "classification": classification,
                "source": day_reference.source,
            }
        )
        compared_subjects[observation.phase].add(observation.subject)
        if classification == "below":
            subjects_below[observation.phase].add(observation.subject)

    share_below = {
        phase: (
            len(subjects_below[phase]) / len(compared_subjects[phase])
            if compared_subjects[phase]
            else None
        )
        for phase in PHASES
    }
    return {
        "compared": len(rows),
        "not_comparable": not_comparable,
        "basis_unknown": bool(observation_list)
        and all(observation.basis == "unknown" for observation in observation_list),
        "rows": rows,
        "share_below": share_below,
    }
