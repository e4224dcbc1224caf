"""The evaluation dict the programme report is written from.

The contract: ``{"programme": slug, "knowledge": paired_block, "milk_volume": paired_block,
"comparison": two_group_block (two-group programmes only), "norms": norms_block,
"limitations": [str, ...]}``; the evaluation app builds it (`kaderasi evaluate` uses the same).
"""

from collections.abc import Sequence

from kaderasi.evaluation.norms import ReferenceRange
from kaderasi.evaluation.results import programme_evaluation as canonical_programme_evaluation
from kaderasi.reports.programme_data import ProgrammeData


def programme_evaluation(data: ProgrammeData, *, references: Sequence[ReferenceRange]) -> dict:
    """The evaluation dict of `data.programme` over all its cadres and mothers (the report is
    opened only by users who see the whole programme), built by the evaluation app so the report,
    `kaderasi evaluate` and the evaluation page always agree. `references` are the ranges the
    report draws; the evaluation reads the same table itself."""
    programme = data.programme
    return canonical_programme_evaluation(
        programme, cadres=programme.cadres.all(), mothers=programme.mothers.all()
    )
