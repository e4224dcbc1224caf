"""A mother's baseline and follow-up milk volume has one definition (care/phase_volumes.py): the
earliest volume of the phase, plus the earliest of the other breast when it is of one breast. The
village list, the evaluation, the report's table and the dashboard rollups all show
that number (the village list used to show the last volume of one breast)."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaderasi.care.models import Mother
from kaderasi.care.phase_volumes import phase_volume, phase_volumes
from kaderasi.care.selectors import mother_rows
from kaderasi.evaluation.selectors import mother_volumes
from kaderasi.reports.models import MotherRollup
from kaderasi.reports.programme_data import programme_data
from kaderasi.reports.rollups import rollups_rebuild
from kaderasi.tests import factories as f

WIB = dt.timezone(dt.timedelta(hours=7))
DELIVERED_AT = dt.datetime(2026, 3, 1, 8, 0, tzinfo=WIB)


def volume(hours, value, side="both", phase="before", basis="single_expression"):
    return SimpleNamespace(
        measured_at=DELIVERED_AT + dt.timedelta(hours=hours),
        value=Decimal(value),
        side=side,
        phase=phase,
        basis=basis,
        method="manual_pump",
    )


def test_the_earliest_volume_counts_and_later_ones_are_left_unused():
    counted, unused = phase_volume([volume(30, 50), volume(6, 12), volume(20, 40)], [DELIVERED_AT])

    assert (counted.volume_ml, counted.postpartum_day, counted.measurements_used) == (12.0, 1, 1)
    assert unused == 2


def test_left_and_right_measured_separately_count_as_their_sum():
    counted, unused = phase_volume(
        [
            volume(6, 10, "left"),
            volume(7, 30, "left"),
            volume(8, 14, "right"),
            volume(9, 99, "right"),
        ],
        [DELIVERED_AT],
    )

    assert (counted.volume_ml, counted.measurements_used, unused) == (24.0, 2, 2)


def test_a_volume_without_a_phase_never_counts_and_the_day_needs_a_delivery():
    volumes = phase_volumes([volume(6, 12, phase=""), volume(54, 80, phase="after")], [])

    assert volumes.before is None
    assert (volumes.after.volume_ml, volumes.after.postpartum_day) == (80.0, None)
    assert volumes.unused == 0


def test_the_day_comes_from_the_latest_delivery_before_the_measurement():
    earlier = DELIVERED_AT - dt.timedelta(days=700)
    counted, _unused = phase_volume([volume(30, 12)], [DELIVERED_AT, earlier])

    assert counted.postpartum_day == 2


sides = st.sampled_from(["left", "right", "both"])


@given(st.lists(st.tuples(st.integers(0, 200), st.integers(0, 500), sides), max_size=8))
def test_used_and_unused_volumes_add_up_to_all_of_the_phase(rows):
    measurements = [volume(hours, value, side) for hours, value, side in rows]
    counted, unused = phase_volume(measurements, [DELIVERED_AT])
    if not measurements:
        assert (counted, unused) == (None, 0)
        return
    assert counted.measurements_used + unused == len(measurements)
    assert counted.measurements_used in (1, 2)
    assert counted.volume_ml >= float(min(m.value for m in measurements))


@pytest.fixture
def mother(world):
    """Baseline: left 10 ml at 6 h, left again 30 ml at 7 h, right 14 ml at 8 h (counted: 24).
    Follow-up: both breasts 120 ml at 54 h, then 200 ml at 60 h (counted: 120)."""
    mother = f.delivered_mother(
        programme=world.programme, posyandu=world.mawar, code="M-DUA", delivered_at=DELIVERED_AT
    )
    for hours, value, side, phase in (
        (6, 10, "left", "before"),
        (7, 30, "left", "before"),
        (8, 14, "right", "before"),
        (54, 120, "both", "after"),
        (60, 200, "both", "after"),
    ):
        f.MeasurementFactory(
            mother=mother,
            phase=phase,
            side=side,
            value=Decimal(value),
            measured_at=DELIVERED_AT + dt.timedelta(hours=hours),
        )
    return mother


NOW = DELIVERED_AT + dt.timedelta(days=4)


def test_the_village_list_the_evaluation_the_report_and_the_rollups_agree(world, mother):
    (row,) = mother_rows(Mother.objects.filter(pk=mother.pk), now=NOW)
    (evaluated,) = mother_volumes(world.programme, Mother.objects.all())
    (reported,) = programme_data(world.programme).mothers
    rollups_rebuild(now=NOW)
    rollup = MotherRollup.objects.get(mother=mother)

    assert (row.baseline_volume_ml, row.follow_up_volume_ml) == (Decimal(24), Decimal(120))
    assert (evaluated.before.volume_ml, evaluated.after.volume_ml) == (24.0, 120.0)
    assert (reported.before.volume_ml, reported.after.volume_ml) == (Decimal(24), Decimal(120))
    assert (rollup.baseline_ml, rollup.follow_up_ml) == (Decimal(24), Decimal(120))
    assert evaluated.measurements_unused == 2


def test_the_plain_value_read_gives_what_the_model_instances_give_for_the_mothers_asked(
    world, mother
):
    from kaderasi.care.phase_volumes import delivery_times
    from kaderasi.care.selectors import phase_volumes_of

    other = f.delivered_mother(
        programme=world.programme, posyandu=world.mawar, code="M-LAIN", delivered_at=DELIVERED_AT
    )
    f.MeasurementFactory(mother=other, phase="before", measured_at=DELIVERED_AT)
    measurements = list(
        mother.measurements.filter(kind="milk_volume").order_by("measured_at", "created_at", "pk")
    )
    expected = phase_volumes(measurements, delivery_times(mother.pregnancies.all()))

    read = phase_volumes_of(Mother.objects.filter(pk=mother.pk))

    assert read == {mother.pk: expected}
    assert read[mother.pk].before.postpartum_day == expected.before.postpartum_day is not None
