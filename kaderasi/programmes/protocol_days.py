"""The days a programme's protocol measures the baseline and the follow-up milk volume, and which
volumes and pairs keep to them (pure: plain values in, no database).

The import warns about a volume outside its window and refuses a follow-up measured before its
baseline; the evaluation counts the pairs outside the protocol in the participant flow and, when
the programme says so, analyses only the pairs that keep to it (docs/decisions/0110).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

BEFORE = "before"
AFTER = "after"


class OutsideReason:
    """Why a pair is outside the protocol (the first that applies, in this order)."""

    BASELINE_DAY = "baseline_day"
    FOLLOW_UP_DAY = "follow_up_day"
    FOLLOW_UP_NOT_AFTER_BASELINE = "follow_up_not_after_baseline"


OUTSIDE_REASONS = (
    OutsideReason.BASELINE_DAY,
    OutsideReason.FOLLOW_UP_DAY,
    OutsideReason.FOLLOW_UP_NOT_AFTER_BASELINE,
)


class PlacedVolume(Protocol):
    @property
    def postpartum_day(self) -> int | None: ...
    @property
    def measured_at(self) -> dt.datetime: ...


@dataclass(frozen=True)
class ProtocolDays:
    baseline_from: int = 1
    baseline_to: int = 2
    follow_up_from: int = 3
    follow_up_to: int = 4
    follow_up_after_baseline: bool = True
    conformant_only: bool = False
    source: str = ""

    @classmethod
    def of(cls, programme: Any) -> ProtocolDays:
        """The protocol days of a `Programme` (or anything with its fields)."""
        return cls(
            baseline_from=programme.baseline_day_from,
            baseline_to=programme.baseline_day_to,
            follow_up_from=programme.follow_up_day_from,
            follow_up_to=programme.follow_up_day_to,
            follow_up_after_baseline=programme.follow_up_after_baseline,
            conformant_only=programme.analyse_protocol_conformant_only,
            source=programme.protocol_days_source,
        )

    def window(self, phase: str) -> tuple[int, int]:
        if phase == BEFORE:
            return (self.baseline_from, self.baseline_to)
        return (self.follow_up_from, self.follow_up_to)

    def day_fits(self, phase: str, day: int | None) -> bool:
        """Whether a volume of `phase` on postpartum `day` is inside its window (an unknown day
        cannot be checked and counts as fitting)."""
        if day is None:
            return True
        first, last = self.window(phase)
        return first <= day <= last

    def pair_outside(self, before: PlacedVolume, after: PlacedVolume) -> str | None:
        """The `OutsideReason` of a baseline and follow-up pair, or None when it keeps to the
        protocol."""
        if not self.day_fits(BEFORE, before.postpartum_day):
            return OutsideReason.BASELINE_DAY
        if not self.day_fits(AFTER, after.postpartum_day):
            return OutsideReason.FOLLOW_UP_DAY
        if self.follow_up_after_baseline and after.measured_at <= before.measured_at:
            return OutsideReason.FOLLOW_UP_NOT_AFTER_BASELINE
        return None

    def as_json(self) -> dict[str, Any]:
        return {
            "baseline_days": [self.baseline_from, self.baseline_to],
            "follow_up_days": [self.follow_up_from, self.follow_up_to],
            "follow_up_after_baseline": self.follow_up_after_baseline,
            "conformant_only": self.conformant_only,
            "source": self.source,
        }
