"""What the evaluation of a programme counts: which scores and volumes, over whose rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from kaderasi.cadres.models import Cadre
from kaderasi.care.models import Mother
from kaderasi.evaluation.models import MilkVolumeReference
from kaderasi.evaluation.presentation import evaluation_sections
from kaderasi.evaluation.rendering import render_text
from kaderasi.evaluation.results import programme_evaluation, programme_evaluation_for
from kaderasi.programmes.models import StudyDesign
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db

WIB = dt.timezone(dt.timedelta(hours=7))
DELIVERED_AT = dt.datetime(2026, 3, 1, 8, 0, tzinfo=WIB)


def _everything(programme) -> dict:
    with translation.override("en"):
        return programme_evaluation(
            programme, cadres=Cadre.objects.all(), mothers=Mother.objects.all()
        )


def _volume(mother, phase, value, hours, **extra):
    return f.MeasurementFactory(
        mother=mother,
        phase=phase,
        value=Decimal(value),
        measured_at=DELIVERED_AT + dt.timedelta(hours=hours),
        **extra,
    )


def _mother(world, code, *, group="intervention", posyandu=None):
    return f.delivered_mother(
        programme=world.programme,
        posyandu=posyandu or world.mawar,
        code=code,
        group=group,
        delivered_at=DELIVERED_AT,
    )


def test_the_reference_volumes_of_domain_3_1_are_seeded_with_their_sources(db):
    rows = list(
        MilkVolumeReference.objects.values_list("postpartum_day", "lower_ml", "mean_ml", "upper_ml")
    )
    # One source for the whole table (migration 0003 removed the day-7 guide range of another
    # source, which read as a fall after day 5).
    assert rows == [
        (1, Decimal("7.0"), Decimal("37.1"), Decimal("122.5")),
        (3, Decimal("98.0"), Decimal("408.0"), Decimal("775.0")),
        (5, Decimal("452.0"), Decimal("705.0"), Decimal("876.0")),
    ]
    assert all(
        reference.source.startswith("Saint L") for reference in MilkVolumeReference.objects.all()
    )


def test_the_seed_migration_is_reversible(db):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("kaderasi.evaluation.migrations.0002_seed_milk_volume_references")
    migration.unseed(apps, None)
    assert not MilkVolumeReference.objects.exists()
    migration.seed(apps, None)
    assert MilkVolumeReference.objects.count() == 4


def test_knowledge_pairs_each_cadres_pre_and_post_test_of_her_first_training(world):
    first = f.TrainingFactory(programme=world.programme)
    refresher = f.TrainingFactory(
        programme=world.programme,
        starts_at=dt.datetime(2026, 6, 1, 8, 0, tzinfo=WIB),
        ends_at=dt.datetime(2026, 6, 1, 12, 0, tzinfo=WIB),
    )
    both = f.CadreFactory(programme=world.programme, posyandu=world.mawar, code="K01")
    only_pre = f.CadreFactory(programme=world.programme, posyandu=world.mawar, code="K02")
    f.CadreFactory(programme=world.programme, posyandu=world.mawar, code="K03")  # no test
    f.TestAttemptFactory(training=first, cadre=both, phase="pre", score=Decimal(40))
    f.TestAttemptFactory(training=first, cadre=both, phase="post", score=Decimal(80))
    f.TestAttemptFactory(training=refresher, cadre=both, phase="post", score=Decimal(100))
    f.TestAttemptFactory(training=first, cadre=only_pre, phase="pre", score=Decimal(55))

    knowledge = _everything(world.programme)["knowledge"]

    assert knowledge["n"] == 1
    assert knowledge["excluded_pairs"] == 1
    assert knowledge["before"]["mean"] == 40.0
    assert knowledge["after"]["mean"] == 80.0


def test_a_phase_counts_its_earliest_volume_with_left_and_right_added(world):
    mother = _mother(world, "M01")
    _volume(mother, "before", 20, 5, side="left", basis="24h_estimate")
    _volume(mother, "before", 25, 5.5, side="right", basis="24h_estimate")
    _volume(mother, "before", 90, 20, side="both", basis="24h_estimate")  # later: not used
    _volume(mother, "after", 300, 50, basis="24h_estimate")

    result = _everything(world.programme)

    assert result["milk_volume"]["before"]["mean"] == 45.0
    assert result["milk_volume"]["after"]["mean"] == 300.0
    assert any(
        "For 1 mother more than one volume was recorded in a phase" in sentence
        for sentence in result["limitations"]
    )


def test_24_hour_estimates_are_compared_with_the_reference_for_their_postpartum_day(world):
    low = _mother(world, "M01")
    normal = _mother(world, "M02")
    _volume(low, "before", 5, 6, basis="24h_estimate")  # day 1, below 7.0
    _volume(low, "after", 90, 54, basis="24h_estimate")  # day 3, below 98
    _volume(normal, "before", 40, 6, basis="24h_estimate")  # day 1, within
    _volume(normal, "after", 400, 54, basis="single_expression")  # not a 24-hour amount

    norms = _everything(world.programme)["norms"]

    assert norms["status"] == "compared"
    assert norms["basis_counts"] == {"single_expression": 1, "24h_estimate": 3, "unknown": 0}
    intervention = norms["groups"]["intervention"]
    assert [
        (row["subject"], row["phase"], row["postpartum_day"], row["classification"])
        for row in intervention["rows"]
    ] == [
        ("M01", "before", 1, "below"),
        ("M01", "after", 3, "below"),
        ("M02", "before", 1, "within"),
    ]
    assert intervention["share_below"] == {"before": 0.5, "after": 1.0}
    assert intervention["not_comparable"]["basis_not_24h"] == 1


def test_a_comparison_group_adds_the_two_group_block_and_leaves_it_out_of_milk_volume(world):
    for code, group, before, after in (
        ("M01", "intervention", 40, 300),
        ("M02", "intervention", 50, 280),
        ("M03", "comparison", 45, 200),
        ("M04", "comparison", 35, 190),
    ):
        mother = _mother(world, code, group=group)
        _volume(mother, "before", before, 6)
        _volume(mother, "after", after, 54)

    result = _everything(world.programme)

    assert list(result) == [
        "programme",
        "flow",
        "protocol",
        "knowledge",
        "milk_volume",
        "comparison",
        "norms",
        "limitations",
    ]
    assert result["milk_volume"]["n"] == 2
    assert result["comparison"]["n_intervention"] == 2
    assert result["comparison"]["n_comparison"] == 2
    assert result["comparison"]["mean_change_intervention"] == 245.0
    assert result["comparison"]["mean_change_comparison"] == 155.0
    assert set(result["norms"]["groups"]) == {"intervention", "comparison"}


def test_a_single_group_programme_has_no_comparison_block(world):
    mother = _mother(world, "M01")
    _volume(mother, "before", 40, 6)
    _volume(mother, "after", 300, 54)
    assert world.programme.design == StudyDesign.SINGLE_GROUP
    assert "comparison" not in _everything(world.programme)


def test_a_midwife_evaluation_counts_only_the_mothers_and_cadres_of_her_villages(world, midwife):
    for code, posyandu, before, after in (
        ("M-PANDES", world.mawar, 40, 300),
        ("M-CANAN", world.kenanga, 60, 100),
    ):
        mother = _mother(world, code, posyandu=posyandu)
        _volume(mother, "before", before, 6)
        _volume(mother, "after", after, 54)

    evaluation, partial = programme_evaluation_for(midwife, world.programme)

    assert evaluation["milk_volume"]["n"] == 1
    assert evaluation["milk_volume"]["mean_difference"] == 260.0
    assert partial is True


def test_the_evaluation_reads_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for number in range(30):
        mother = _mother(world, f"M{number:02d}")
        _volume(mother, "before", 40 + number, 6)
        _volume(mother, "after", 300, 54)
    with django_assert_max_num_queries(8):
        _everything(world.programme)


def test_the_norms_block_also_compares_the_whole_programme_for_the_report(world):
    world.programme.design = StudyDesign.TWO_GROUP
    world.programme.save()
    _volume(_mother(world, "M01"), "before", 5, 6, basis="24h_estimate")  # day 1, below
    _volume(_mother(world, "M02", group="comparison"), "before", 40, 6, basis="24h_estimate")

    norms = _everything(world.programme)["norms"]

    assert norms["compared"] == 2
    assert [(row["subject"], row["classification"]) for row in norms["rows"]] == [
        ("M01", "below"),
        ("M02", "within"),
    ]
    assert norms["share_below"] == {"before": 0.5, "after": None}
    assert norms["basis_unknown"] is False
    assert norms["groups"]["intervention"]["compared"] == 1
    assert norms["groups"]["comparison"]["compared"] == 1


def test_a_two_group_programme_without_comparison_pairs_keeps_the_lactogenesis_caveat(world):
    world.programme.design = StudyDesign.TWO_GROUP
    world.programme.save()
    for code in ("M01", "M02"):
        mother = _mother(world, code)
        _volume(mother, "before", 40, 6)
        _volume(mother, "after", 300, 54)
    _volume(_mother(world, "M03", group="comparison"), "before", 45, 6)

    limitations = _everything(world.programme)["limitations"]

    assert limitations[0].startswith("No mother of the comparison group has both milk volumes")
    assert limitations[1].startswith("Single group, before and after")
    assert limitations[2].startswith("The baseline volumes were measured on postpartum day 1")


def test_the_text_report_leaves_out_a_confidence_interval_that_cannot_be_computed(world):
    world.programme.design = StudyDesign.TWO_GROUP
    world.programme.save()
    for code, group, before, after in (
        ("M01", "intervention", 40, 300),
        ("M02", "intervention", 50, 280),
        ("M03", "comparison", 45, 200),
    ):
        mother = _mother(world, code, group=group)
        _volume(mother, "before", before, 6)
        _volume(mother, "after", after, 54)
    evaluation = _everything(world.programme)
    assert evaluation["comparison"]["ci95"] is None

    with translation.override("en"):
        text = " ".join(render_text(evaluation_sections(evaluation, world.programme)).split())

    assert (
        "The mean change was 245.00 ml in the intervention group and 155.00 ml in the "
        "comparison group: a difference of 90.00 ml." in text
    )
    assert "confidence interval —" not in text
    assert "mean difference of 245.00 ml (95 % confidence interval" in text
