"""Small helpers shared by the care services."""

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext as _

from kaderasi.care.errors import CareErrorCode
from kaderasi.care.models import Delivery, Mother
from kaderasi.core.errors import DomainError
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


def latest_delivery_of(mother: Mother) -> Delivery | None:
    return Delivery.objects.filter(pregnancy__mother=mother).order_by("-delivered_at").first()


def resent_record(model, *, public_id, mother: Mother):
    """The row of `model` already stored under the client's `public_id`, or None. A re-sent record
    is that row (never a second one); an id already used for another mother is refused."""
    if public_id is None:
        return None
    existing = model.objects.filter(public_id=public_id).first()
    if existing is not None and existing.mother_id != mother.pk:
        raise DomainError(
            CareErrorCode.RECORD_BELONGS_TO_ANOTHER_MOTHER,
            _("This record id is already used for another mother."),
            field="id",
        )
    return existing
