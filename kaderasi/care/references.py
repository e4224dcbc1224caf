"""Day-specific reference ranges of 24-hour milk volume for the mother's chart and the milk flag.

The norms table (with its sources and what its bounds are) belongs to the evaluation app; care
reads it through this one function. Days without a reference row get no band (never an invented
one)."""

from kaderasi.evaluation.models import MilkVolumeReference
from kaderasi.evaluation.norms import ReferenceRange


def milk_reference_ranges() -> list[ReferenceRange]:
    """Reference ranges by postpartum day from the evaluation app's table, each saying what its
    bounds are (`bounds`, `study_size`) so that the chart labels the band truthfully."""
    return [
        reference.as_range() for reference in MilkVolumeReference.objects.order_by("postpartum_day")
    ]
