"""Small helpers shared by the care services."""

import datetime as dt

from django.conf import settings

from kaderasi.regions.models import Area, AreaLevel
from kaderasi.regions.selectors import ancestor_of_level


def clock_tolerance() -> dt.timedelta:
    """How far in the future a record's time may lie: phones' clocks drift, and a record a few
    minutes "in the future" is a clock, not a typo. One setting for every interface."""
    return dt.timedelta(minutes=settings.KADERASI_CLOCK_TOLERANCE_MINUTES)


def district_of(posyandu: Area) -> Area:
    district = ancestor_of_level(posyandu, AreaLevel.DISTRICT)
    if district is None:  # pragma: no cover - the tree constraints make a posyandu sit under one
        raise ValueError("posyandu without a district")
    return district
