"""Which volumes and pairs keep to the protocol's measurement days (pure; decision 0110)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from kaderasi.programmes.models import Programme
from kaderasi.programmes.protocol_days import OutsideReason, ProtocolDays

BIRTH = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Volume:
    postpartum_day: int | None
    hours: int

    @property
    def measured_at(self) -> dt.datetime:
        return BIRTH + dt.timedelta(hours=self.hours)


def test_the_defaults_are_the_papers_days_baseline_day_1_to_2_follow_up_day_3_to_4():
    programme = Programme()
    protocol = ProtocolDays.of(programme)
    assert protocol.window("before") == (1, 2)
    assert protocol.window("after") == (3, 4)
    assert protocol.follow_up_after_baseline is True
    assert protocol.conformant_only is False
    assert "domain reference 4.2" in protocol.source


@pytest.mark.parametrize(
    ("before", "after", "reason"),
    [
        (Volume(1, 6), Volume(3, 54), None),
        (Volume(2, 30), Volume(4, 80), None),
        (Volume(5, 100), Volume(6, 130), OutsideReason.BASELINE_DAY),
        (Volume(1, 6), Volume(1, 10), OutsideReason.FOLLOW_UP_DAY),
        (Volume(1, 6), Volume(7, 150), OutsideReason.FOLLOW_UP_DAY),
        (Volume(None, 6), Volume(None, 2), OutsideReason.FOLLOW_UP_NOT_AFTER_BASELINE),
        (Volume(None, 6), Volume(None, 54), None),
    ],
)
def test_a_pair_is_outside_the_protocol_for_the_first_rule_it_breaks(before, after, reason):
    assert ProtocolDays().pair_outside(before, after) == reason


def test_a_follow_up_before_its_baseline_is_allowed_when_the_protocol_does_not_ask_for_order():
    protocol = ProtocolDays(
        baseline_from=1,
        baseline_to=4,
        follow_up_from=1,
        follow_up_to=4,
        follow_up_after_baseline=False,
    )
    assert protocol.pair_outside(Volume(3, 60), Volume(2, 30)) is None
