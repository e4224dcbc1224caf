"""Per-programme headline numbers, computed in a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Avg, Count, Q, QuerySet

from kaderasi.programmes.models import Programme
from kaderasi.training.models import TestAttempt, TestPhase


@dataclass(frozen=True)
class ProgrammeSummary:
    programme: Programme
    cadres: int
    mothers: int
    mothers_paired: int
    knowledge_pre_mean: float | None
    knowledge_post_mean: float | None


def programme_summaries(
    programmes: QuerySet[Programme], *, cadres: QuerySet, mothers: QuerySet
) -> list[ProgrammeSummary]:
    """Counts only the `cadres` and `mothers` given (the viewer's scope), so no number reveals
    rows the viewer may not see."""
    cadre_ids = cadres.values("pk")
    mother_ids = mothers.values("pk")
    rows = programmes.select_related("area").annotate(
        cadre_count=Count("cadres", filter=Q(cadres__in=cadre_ids), distinct=True),
        mother_count=Count("mothers", filter=Q(mothers__in=mother_ids), distinct=True),
        paired_count=Count(
            "mothers",
            filter=Q(mothers__in=mother_ids, mothers__pairings__isnull=False),
            distinct=True,
        ),
    )
    means = {
        (row["training__programme"], row["phase"]): row["mean"]
        for row in TestAttempt.objects.filter(
            training__programme__in=programmes, cadre__in=cadre_ids
        )
        .values("training__programme", "phase")
        .annotate(mean=Avg("score"))
    }
    return [
        ProgrammeSummary(
            programme=row,
            cadres=row.cadre_count,
            mothers=row.mother_count,
            mothers_paired=row.paired_count,
            knowledge_pre_mean=_float(means.get((row.pk, TestPhase.PRE))),
            knowledge_post_mean=_float(means.get((row.pk, TestPhase.POST))),
        )
        for row in rows
    ]


def _float(value) -> float | None:
    return None if value is None else float(value)
