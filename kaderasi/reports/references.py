"""The day-specific reference ranges of 24-hour milk volume that reports and dashboards compare
with. They are data with their sources, kept by the evaluation app (its norms table); reports
only read them, through the callable named by the setting `KADERASI_REFERENCE_RANGES`
(a dotted path returning `kaderasi.evaluation.norms.ReferenceRange` objects). Without it no
volume is judged, and the pages say so."""

from django.conf import settings
from django.utils.module_loading import import_string

from kaderasi.evaluation.norms import ReferenceRange


def reference_ranges() -> list[ReferenceRange]:
    """The configured reference ranges, one per postpartum day, ordered by day."""
    provider = getattr(settings, "KADERASI_REFERENCE_RANGES", "")
    if not provider:
        return []
    ranges = list(import_string(provider)())
    return sorted(ranges, key=lambda reference: reference.postpartum_day)
