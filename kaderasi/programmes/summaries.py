"""Per-programme headline numbers, computed in a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from kaderasi.programmes.models import Programme
from kaderasi.training.knowledge_pairs import programme_pairs
from kaderasi.training.models import TestAttempt


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
    means = _paired_means(programmes, cadre_ids)
    return [
        ProgrammeSummary(
            programme=row,
            cadres=row.cadre_count,
            mothers=row.mother_count,
            mothers_paired=row.paired_count,
            knowledge_pre_mean=means.get(row.pk, (None, None))[0],
            knowledge_post_mean=means.get(row.pk, (None, None))[1],
        )
        for row in rows
    ]


def _paired_means(programmes: QuerySet[Programme], cadre_ids) -> dict[int, tuple[float, float]]:
    """Per programme, the mean pre- and post-test score of its cadres' complete knowledge pairs
    (`training.knowledge_pairs.programme_pairs`, the pairs the evaluation counts); a programme
    without a complete pair has no entry."""
    attempts = (
        TestAttempt.objects.filter(training__programme__in=programmes, cadre__in=cadre_ids)
        .select_related("training")
        .only(
            "cadre_id",
            "training_id",
            "phase",
            "status",
            "score",
            "training__starts_at",
            "training__programme_id",
        )
    )
    by_programme: dict[int, list] = defaultdict(list)
    for attempt in attempts:
        by_programme[attempt.training.programme_id].append(attempt)
    means = {}
    for programme_id, rows in by_programme.items():
        pairs = [pair for pair in programme_pairs(rows).values() if pair.complete]
        if pairs:
            means[programme_id] = (
                float(sum(pair.pre_score for pair in pairs) / len(pairs)),
                float(sum(pair.post_score for pair in pairs) / len(pairs)),
            )
    return means
