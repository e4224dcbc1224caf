"""Day-specific reference ranges of 24-hour milk volume for the mother's chart.

The norms table (with its sources) belongs to the evaluation app; the chart reads it through
this one function. Days without a reference row get no band (never an invented one)."""

from kaderasi.evaluation.norms import ReferenceRange
from kaderasi.evaluation.selectors import reference_ranges


def milk_reference_ranges() -> list[ReferenceRange]:
    """Reference ranges by postpartum day from the evaluation app's table."""
    return reference_ranges()
