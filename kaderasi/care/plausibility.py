"""Plausibility bounds for typed observations: a milk volume of 1,500 ml or more is a typo, not a
clinical finding. These are input checks, not clinical thresholds (those are flag rules, data), so
they live in code beside the services that check them; the offline app receives them with its
forms so the phone refuses what the server would refuse."""

from decimal import Decimal

from django.utils.translation import gettext as _

from kaderasi.care.errors import CareErrorCode
from kaderasi.care.models import MAX_MILK_VOLUME_ML, MeasurementKind
from kaderasi.core.errors import DomainError

# Inclusive bounds per measurement kind.
PLAUSIBLE_RANGES: dict[str, tuple[Decimal, Decimal]] = {
    MeasurementKind.MILK_VOLUME: (Decimal(0), MAX_MILK_VOLUME_ML),  # also a database constraint
    MeasurementKind.FEEDS: (Decimal(0), Decimal(30)),
    MeasurementKind.WET_NAPPIES: (Decimal(0), Decimal(30)),
    MeasurementKind.STOOLS: (Decimal(0), Decimal(30)),
    MeasurementKind.INFANT_WEIGHT: (Decimal(300), Decimal(7000)),
}


def measurement_value_check(kind: str, value: Decimal) -> None:
    """Refuse a value outside the plausible range of its kind (field `value`). The write path and
    the workbook's checks call this one function."""
    if kind not in PLAUSIBLE_RANGES:
        raise DomainError(
            CareErrorCode.MEASUREMENT_KIND_UNKNOWN,
            _("Unknown kind of measurement: %(kind)s.") % {"kind": kind},
            field="kind",
        )
    low, high = PLAUSIBLE_RANGES[kind]
    if not low <= value <= high:
        raise DomainError(
            CareErrorCode.MEASUREMENT_OUT_OF_RANGE,
            _("%(kind)s must be between %(low)s and %(high)s; %(value)s was entered.")
            % {
                "kind": MeasurementKind(kind).label,
                "low": low,
                "high": high,
                "value": f"{value.normalize():f}",
            },
            field="value",
        )
