"""Day-specific reference ranges of 24-hour milk volume for the mother's chart.

The norms table (with its sources) belongs to the evaluation app. The chart reads it through this
one function, so wiring the table in changes nothing else; until it is wired, there is no
reference and the chart shows the measurements alone (never an invented band)."""

from kaderasi.evaluation.norms import ReferenceRange


def milk_reference_ranges() -> list[ReferenceRange]:
    """Reference ranges by postpartum day, or [] when no norms table is available."""
    return []
