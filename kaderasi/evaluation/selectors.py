"""Reads a programme's outcomes into plain values for the evaluation (no statistics here).

Every function takes the querysets of cadres and mothers the viewer may see, so an evaluation
counts only rows its reader is allowed to see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from kaderasi.cadres.models import Cadre
from kaderasi.care.consent import withdrawn_q
from kaderasi.care.models import ConsentSubject, Mother
from kaderasi.care.phase_volumes import PhaseVolume, PhaseVolumes
from kaderasi.care.selectors import phase_volumes_of
from kaderasi.evaluation.models import MilkVolumeReference
from kaderasi.evaluation.norms import ReferenceRange
from kaderasi.programmes.models import Programme
from kaderasi.training.knowledge_pairs import programme_pairs
from kaderasi.training.models import Attendance, TestAttempt


@dataclass(frozen=True)
class CadreScores:
    """A cadre's knowledge pair (`training.knowledge_pairs.programme_pairs`) as plain values."""

    code: str
    pre: float | None
    post: float | None
    pre_taken_on: dt.date | None = None
    post_taken_on: dt.date | None = None


@dataclass(frozen=True)
class MotherVolumes:
    code: str
    group: str
    before: PhaseVolume | None
    after: PhaseVolume | None
    measurements_unused: int


def knowledge_scores(programme: Programme, cadres: QuerySet[Cadre]) -> list[CadreScores]:
    """One row per cadre of `programme` in `cadres` with at least one completed test score,
    ordered by code: her pair as `training.knowledge_pairs.programme_pairs` defines it (the
    earliest training of the programme in which she has a score; a test still being answered is
    ignored). A missing phase is None. One query whatever the number of cadres.
    """
    attempts = (
        TestAttempt.objects.filter(
            training__programme=programme,
            cadre__in=cadres.filter(programme=programme).values("pk"),
        )
        .select_related("cadre", "training")
        .order_by("cadre__code", "training__starts_at", "training_id")
    )
    pairs = programme_pairs(attempts)
    rows = []
    for pair in sorted(pairs.values(), key=lambda pair: pair.attempts[0].cadre.code):
        rows.append(
            CadreScores(
                code=pair.attempts[0].cadre.code,
                pre=_float(pair.pre_score),
                post=_float(pair.post_score),
                pre_taken_on=pair.pre.taken_on if pair.pre else None,
                post_taken_on=pair.post.taken_on if pair.post else None,
            )
        )
    return rows


def _float(value) -> float | None:
    return None if value is None else float(value)


def mother_volumes(
    programme: Programme,
    mothers: QuerySet[Mother],
    *,
    volumes: Mapping[int, PhaseVolumes] | None = None,
) -> list[MotherVolumes]:
    """One row per mother of `programme` in `mothers` with at least one milk volume marked
    before or after, ordered by code. Three queries whatever the number of mothers; one when the
    caller already holds `phase_volumes_of` these mothers (`volumes`, by her id), so a report
    computes them once."""
    chosen = mothers.filter(programme=programme)
    if volumes is None:
        volumes = phase_volumes_of(chosen)
    return [
        MotherVolumes(
            code=code,
            group=group,
            before=volumes[pk].before,
            after=volumes[pk].after,
            measurements_unused=volumes[pk].unused,
        )
        for pk, code, group in chosen.order_by("code").values_list("pk", "code", "group")
        if pk in volumes
    ]


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


@dataclass(frozen=True)
class RegisteredMother:
    """A mother registered in the programme, whether or not any volume of hers is recorded."""

    code: str
    group: str
    consent_withdrawn: bool


def registered_mothers(programme: Programme, mothers: QuerySet[Mother]) -> list[RegisteredMother]:
    """Every mother of `programme` in `mothers`, ordered by code, with whether she withdrew her
    consent to the processing of her data (and did not give it again). Two queries."""
    registered = mothers.filter(programme=programme)
    withdrawn = set(
        registered.filter(withdrawn_q(ConsentSubject.MOTHER, mother="pk")).values_list(
            "code", flat=True
        )
    )
    return [
        RegisteredMother(code=code, group=group, consent_withdrawn=code in withdrawn)
        for code, group in registered.order_by("code").values_list("code", "group")
    ]


def trained_cadres(programme: Programme, cadres: QuerySet[Cadre]) -> list[str]:
    """The codes of the cadres of `programme` in `cadres` who were present at one of its
    trainings or have a test attempt in one, ordered by code. One query."""
    return list(
        cadres.filter(programme=programme)
        .filter(
            Q(
                training_participations__training__programme=programme,
                training_participations__attendance=Attendance.PRESENT,
            )
            | Q(test_attempts__training__programme=programme)
        )
        .order_by("code")
        .values_list("code", flat=True)
        .distinct()
    )
