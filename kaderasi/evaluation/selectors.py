"""Reads a programme's outcomes into plain values for the evaluation (no statistics here).

Every function takes the querysets of cadres and mothers the viewer may see, so an evaluation
counts only rows its reader is allowed to see.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from kaderasi.cadres.models import Cadre
from kaderasi.care.models import (
    BreastSide,
    Delivery,
    Measurement,
    MeasurementKind,
    MilkPhase,
    Mother,
    Pregnancy,
)
from kaderasi.care.timing import postpartum_day
from kaderasi.evaluation.models import MilkVolumeReference
from kaderasi.evaluation.norms import ReferenceRange
from kaderasi.programmes.models import Programme
from kaderasi.training.models import TestAttempt, TestPhase

OPPOSITE_SIDE = {BreastSide.LEFT: BreastSide.RIGHT, BreastSide.RIGHT: BreastSide.LEFT}


@dataclass(frozen=True)
class CadreScores:
    """A cadre's knowledge scores in the first training of the programme she has a score in."""

    code: str
    pre: float | None
    post: float | None
    pre_taken_on: dt.date | None = None
    post_taken_on: dt.date | None = None


@dataclass(frozen=True)
class PhaseVolume:
    """The milk volume of one mother in one phase, as the evaluation counts it."""

    volume_ml: float
    postpartum_day: int | None
    basis: str
    method: str
    measured_at: dt.datetime
    measurements_used: int


@dataclass(frozen=True)
class MotherVolumes:
    code: str
    group: str
    before: PhaseVolume | None
    after: PhaseVolume | None
    measurements_unused: int


def knowledge_scores(programme: Programme, cadres: QuerySet[Cadre]) -> list[CadreScores]:
    """One row per cadre of `programme` in `cadres` with at least one test score, ordered by code.

    A cadre's pre- and post-test come from the same training: the earliest training of the
    programme in which she has a score (a later refresher is not mixed into the before/after
    comparison). A missing phase is None. Two queries whatever the number of cadres.
    """
    attempts = (
        TestAttempt.objects.filter(
            training__programme=programme,
            cadre__in=cadres.filter(programme=programme).values("pk"),
        )
        .select_related("cadre", "training")
        .order_by("cadre__code", "training__starts_at", "training_id")
    )
    first_training: dict[int, int] = {}
    scores: dict[int, dict[str, float]] = defaultdict(dict)
    dates: dict[int, dict[str, dt.date | None]] = defaultdict(dict)
    codes: dict[int, str] = {}
    for attempt in attempts:
        training_id = first_training.setdefault(attempt.cadre_id, attempt.training_id)
        if attempt.training_id != training_id:
            continue
        codes[attempt.cadre_id] = attempt.cadre.code
        scores[attempt.cadre_id][attempt.phase] = float(attempt.score)
        dates[attempt.cadre_id][attempt.phase] = attempt.taken_on
    return [
        CadreScores(
            code=codes[cadre_id],
            pre=scores[cadre_id].get(TestPhase.PRE),
            post=scores[cadre_id].get(TestPhase.POST),
            pre_taken_on=dates[cadre_id].get(TestPhase.PRE),
            post_taken_on=dates[cadre_id].get(TestPhase.POST),
        )
        for cadre_id in codes
    ]


def mother_volumes(programme: Programme, mothers: QuerySet[Mother]) -> list[MotherVolumes]:
    """One row per mother of `programme` in `mothers` with at least one milk volume marked
    before or after, ordered by code. Three queries whatever the number of mothers."""
    rows = (
        mothers.filter(programme=programme)
        .order_by("code")
        .prefetch_related(
            Prefetch(
                "pregnancies",
                queryset=Pregnancy.objects.select_related("delivery"),
                to_attr="evaluation_pregnancies",
            ),
            Prefetch(
                "measurements",
                queryset=Measurement.objects.filter(
                    kind=MeasurementKind.MILK_VOLUME, phase__in=MilkPhase.values
                ).order_by("measured_at", "created_at", "pk"),
                to_attr="evaluation_volumes",
            ),
        )
    )
    result = []
    for mother in rows:
        if not mother.evaluation_volumes:
            continue
        deliveries = sorted(
            (
                pregnancy.delivery
                for pregnancy in mother.evaluation_pregnancies
                if _has_delivery(pregnancy)
            ),
            key=lambda delivery: delivery.delivered_at,
        )
        by_phase: dict[str, list[Measurement]] = defaultdict(list)
        for measurement in mother.evaluation_volumes:
            by_phase[measurement.phase].append(measurement)
        before, before_unused = phase_volume(by_phase[MilkPhase.BEFORE], deliveries)
        after, after_unused = phase_volume(by_phase[MilkPhase.AFTER], deliveries)
        result.append(
            MotherVolumes(
                code=mother.code,
                group=mother.group,
                before=before,
                after=after,
                measurements_unused=before_unused + after_unused,
            )
        )
    return result


def phase_volume(
    measurements: Sequence[Measurement], deliveries: Sequence[Delivery]
) -> tuple[PhaseVolume | None, int]:
    """The volume one phase contributes, and how many of its measurements were left unused.

    `measurements` are one mother's milk volumes of one phase in time order, `deliveries` hers in
    time order. The earliest measurement counts; when it is of one breast, the earliest volume of
    the other breast in the same phase is added, so left and right measured separately count as
    their sum. Its postpartum day is taken from the latest delivery before it.
    """
    if not measurements:
        return None, 0
    first = measurements[0]
    used = [first]
    opposite = OPPOSITE_SIDE.get(first.side)
    if opposite is not None:
        other = next((m for m in measurements[1:] if m.side == opposite), None)
        if other is not None:
            used.append(other)
    delivery = _delivery_before(deliveries, first.measured_at)
    return (
        PhaseVolume(
            volume_ml=float(sum(measurement.value for measurement in used)),
            postpartum_day=(
                postpartum_day(delivery.delivered_at, first.measured_at) if delivery else None
            ),
            basis=first.basis or "unknown",
            method=first.method,
            measured_at=first.measured_at,
            measurements_used=len(used),
        ),
        len(measurements) - len(used),
    )


def reference_rows() -> list[dict]:
    """The milk-volume reference table as plain rows, ordered by postpartum day."""
    return [
        {
            "postpartum_day": reference.postpartum_day,
            "lower_ml": float(reference.lower_ml),
            "upper_ml": float(reference.upper_ml),
            "mean_ml": None if reference.mean_ml is None else float(reference.mean_ml),
            "source": reference.source,
        }
        for reference in MilkVolumeReference.objects.order_by("postpartum_day")
    ]


def _has_delivery(pregnancy: Pregnancy) -> bool:
    try:
        return pregnancy.delivery is not None
    except Delivery.DoesNotExist:
        return False


def _delivery_before(deliveries: Iterable[Delivery], at: dt.datetime) -> Delivery | None:
    before = [delivery for delivery in deliveries if delivery.delivered_at <= at]
    return before[-1] if before else None


def reference_ranges() -> list[ReferenceRange]:
    """The reference table as `ReferenceRange` objects (for charts, dashboards and reports)."""
    return [
        ReferenceRange(
            postpartum_day=row["postpartum_day"],
            lower_ml=row["lower_ml"],
            upper_ml=row["upper_ml"],
            source=row["source"],
        )
        for row in reference_rows()
    ]
