"""The evaluation dict the programme report is written from.

It is the evaluation app's result (`kaderasi.evaluation.results.programme_evaluation`), the one
source of every format: `kaderasi evaluate` as JSON and text, the evaluation page, and the
report's page, PDF and workbook carry the same numbers and the same limitations. Its `norms`
block has, besides the per-group comparison, the comparison over the whole programme that the
report's norms table shows.
"""

from typing import Any

from kaderasi.cadres.models import Cadre
from kaderasi.care.models import Mother
from kaderasi.evaluation.results import programme_evaluation as evaluation_of_programme
from kaderasi.programmes.models import Programme


def programme_evaluation(programme: Programme) -> dict[str, Any]:
    """The evaluation of `programme` over every cadre and mother (a report is only shown to
    someone who may see them all), limitations in the active language."""
    return evaluation_of_programme(
        programme, cadres=Cadre.objects.all(), mothers=Mother.objects.all()
    )
