"""The milk-volume reference table: one source, rising by postpartum day, and labelled for what
its bounds are (issue 19; domain reference §3.1)."""

import itertools
from importlib import import_module

from django.apps import apps
from django.utils import translation

from kaderasi.evaluation.models import MilkVolumeReference, ReferenceBounds

ONE_SOURCE = import_module("kaderasi.evaluation.migrations.0003_milk_references_one_source")


def test_the_shipped_table_comes_from_one_source(db):
    assert set(MilkVolumeReference.objects.values_list("source", flat=True)) == {
        ONE_SOURCE.SAINT_1984
    }


def test_the_shipped_table_never_falls_from_one_postpartum_day_to_the_next(db):
    rows = list(MilkVolumeReference.objects.order_by("postpartum_day"))
    for earlier, later in itertools.pairwise(rows):
        assert later.lower_ml >= earlier.lower_ml
        assert later.mean_ml >= earlier.mean_ml
        assert later.upper_ml >= earlier.upper_ml


def test_the_shipped_bounds_are_labelled_as_the_extremes_of_9_mothers_not_a_normal_range(db):
    for reference in MilkVolumeReference.objects.all():
        assert reference.bounds == ReferenceBounds.OBSERVED_EXTREMES
        assert reference.study_size == 9
        assert "not a normal range" in reference.note
    with translation.override("en"):
        assert str(ReferenceBounds.OBSERVED_EXTREMES.label) == (
            "Lowest and highest observed in a small study (not a normal range)"
        )


def test_the_migration_removes_the_day_7_row_of_another_source_and_puts_it_back_in_reverse(db):
    ONE_SOURCE.two_sources(apps, None)
    day_7 = MilkVolumeReference.objects.get(postpartum_day=7)
    assert day_7.source == ONE_SOURCE.KELLYMOM
    assert day_7.bounds == ReferenceBounds.GUIDE_RANGE
    assert MilkVolumeReference.objects.filter(study_size__isnull=True).count() == 4

    ONE_SOURCE.one_source(apps, None)

    assert list(MilkVolumeReference.objects.values_list("postpartum_day", flat=True)) == [1, 3, 5]
    assert set(MilkVolumeReference.objects.values_list("study_size", flat=True)) == {9}


def test_the_migration_leaves_a_row_a_coordinator_edited_alone(db):
    MilkVolumeReference.objects.create(
        postpartum_day=7,
        lower_ml=500,
        upper_ml=900,
        source="Programme's own measurements",
        bounds=ReferenceBounds.GUIDE_RANGE,
    )
    ONE_SOURCE.one_source(apps, None)
    assert MilkVolumeReference.objects.get(postpartum_day=7).source == (
        "Programme's own measurements"
    )
