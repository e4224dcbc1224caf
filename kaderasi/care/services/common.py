"""Small helpers shared by the care services."""

import datetime as dt

from kaderasi.care.models import Delivery, Mother
from kaderasi.regions.models import Area, AreaLevel
from kaderasi.regions.selectors import ancestor_of_level

# Phones' clocks drift: a record a few minutes "in the future" is a clock, not a typo.
CLOCK_TOLERANCE = dt.timedelta(minutes=5)


def district_of(posyandu: Area) -> Area:
    district = ancestor_of_level(posyandu, AreaLevel.DISTRICT)
    if district is None:  # pragma: no cover - the tree constraints make a posyandu sit under one
        raise ValueError("posyandu without a district")
    return district


def latest_delivery_of(mother: Mother) -> Delivery | None:
    return Delivery.objects.filter(pregnancy__mother=mother).order_by("-delivered_at").first()
