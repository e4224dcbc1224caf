"""Plausibility bounds for typed observations: a milk volume of 1,500 ml or more is a typo, not a
clinical finding. These are input checks, not clinical thresholds (those are flag rules, data), so
they live in code beside the services that check them; the offline app receives them with its
forms so the phone refuses what the server would refuse."""

from decimal import Decimal

from kaderasi.care.models import MeasurementKind

# Inclusive bounds per measurement kind.
PLAUSIBLE_RANGES: dict[str, tuple[Decimal, Decimal]] = {
    MeasurementKind.MILK_VOLUME: (Decimal(0), Decimal(1500)),
    MeasurementKind.FEEDS: (Decimal(0), Decimal(30)),
    MeasurementKind.WET_NAPPIES: (Decimal(0), Decimal(30)),
    MeasurementKind.STOOLS: (Decimal(0), Decimal(30)),
    MeasurementKind.INFANT_WEIGHT: (Decimal(300), Decimal(7000)),
}
