"""A mother's baseline and follow-up milk volume: the one definition (pure, no database).

Every page, export, rollup and the evaluation read a mother's phase volume from here (decisions
0020 and 0034), so the village list, the dashboards, the report's table and the statistics always
show the same number:

- A phase (`before`, `after`) counts one volume per mother: her earliest milk volume marked with
  that phase. Milk volumes without a phase never count.
- When that earliest volume is of one breast, the earliest volume of the other breast in the same
  phase is added, so left and right measured separately count as their sum. A volume of both
  breasts counts alone.
- Later volumes of the phase are left unused, and how many is reported (the limitations say so).
- Its postpartum day comes from `care.timing.postpartum_day` and the latest delivery at or before
  the measurement (None without one).

The functions take measurements as objects with `value`, `side`, `phase`, `measured_at`, `basis`
and `method` (a `Measurement` or anything shaped like one), in any order: they sort by
`measured_at`, keeping the given order for measurements taken at the same moment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from kaderasi.care.timing import postpartum_day

BEFORE = "before"
AFTER = "after"
PHASES = (BEFORE, AFTER)
OPPOSITE_SIDE = {"left": "right", "right": "left"}


class MilkVolume(Protocol):
    @property
    def value(self) -> Decimal | float: ...
    @property
    def side(self) -> str: ...
    @property
    def phase(self) -> str: ...
    @property
    def measured_at(self) -> dt.datetime: ...
    @property
    def basis(self) -> str: ...
    @property
    def method(self) -> str: ...


@dataclass(frozen=True)
class PhaseVolume:
    """The milk volume one mother contributes to one phase."""

    volume_ml: float
    postpartum_day: int | None
    basis: str
    method: str
    measured_at: dt.datetime
    measurements_used: int

    @property
    def volume(self) -> Decimal:
        """The volume as a Decimal (for tables and rollups that store Decimals)."""
        return Decimal(str(self.volume_ml))


@dataclass(frozen=True)
class PhaseVolumes:
    """Both phases of one mother, and how many of her phase volumes were left unused."""

    before: PhaseVolume | None
    after: PhaseVolume | None
    unused: int

    def of(self, phase: str) -> PhaseVolume | None:
        return self.before if phase == BEFORE else self.after if phase == AFTER else None


def phase_volume(
    measurements: Iterable[MilkVolume], delivered_at: Iterable[dt.datetime]
) -> tuple[PhaseVolume | None, int]:
    """The volume one phase contributes, and how many of `measurements` were left unused.

    `measurements` are one mother's milk volumes of one phase, `delivered_at` the times of her
    deliveries (any order)."""
    ordered = sorted(measurements, key=lambda measurement: measurement.measured_at)
    if not ordered:
        return None, 0
    first = ordered[0]
    used = [first]
    opposite = OPPOSITE_SIDE.get(first.side)
    if opposite is not None:
        other = next((m for m in ordered[1:] if m.side == opposite), None)
        if other is not None:
            used.append(other)
    delivery = _delivery_before(delivered_at, first.measured_at)
    total = sum((Decimal(str(measurement.value)) for measurement in used), Decimal(0))
    return (
        PhaseVolume(
            volume_ml=float(total),
            postpartum_day=(
                postpartum_day(delivery, first.measured_at) if delivery is not None else None
            ),
            basis=first.basis or "unknown",
            method=first.method,
            measured_at=first.measured_at,
            measurements_used=len(used),
        ),
        len(ordered) - len(used),
    )


def phase_volumes(
    milk_volumes: Iterable[MilkVolume], delivered_at: Iterable[dt.datetime]
) -> PhaseVolumes:
    """Both phase volumes of one mother from all her milk volumes (those without a phase are
    ignored) and the times of her deliveries."""
    by_phase: dict[str, list[Any]] = {phase: [] for phase in PHASES}
    for measurement in milk_volumes:
        if measurement.phase in by_phase:
            by_phase[measurement.phase].append(measurement)
    deliveries: Sequence[dt.datetime] = list(delivered_at)
    before, before_unused = phase_volume(by_phase[BEFORE], deliveries)
    after, after_unused = phase_volume(by_phase[AFTER], deliveries)
    return PhaseVolumes(before=before, after=after, unused=before_unused + after_unused)


def delivery_times(pregnancies: Iterable[Any]) -> list[dt.datetime]:
    """When each of `pregnancies` ended in a delivery (pregnancy rows with `delivery` loaded or
    absent); a pregnancy without a delivery is skipped."""
    return [
        pregnancy.delivery.delivered_at
        for pregnancy in pregnancies
        if getattr(pregnancy, "delivery", None) is not None
    ]


def _delivery_before(delivered_at: Iterable[dt.datetime], at: dt.datetime) -> dt.datetime | None:
    return max((moment for moment in delivered_at if moment <= at), default=None)
