"""The keys a mother's rollup rows copy (her posyandu's village, district, regency and province;
her programme and posyandu on her day rows) keep out a row that names a missing area or
programme, and keep an area a rollup row names from being deleted, as the foreign keys did:
by triggers once per statement on PostgreSQL, by the foreign keys on SQLite (decision 0305)."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from kaderasi.regions.models import Area
from kaderasi.reports.models import MotherDayRollup, MotherRollup
from kaderasi.reports.rollups import rollups_rebuild
from kaderasi.reports.tests.conftest import NOW

pytestmark = pytest.mark.django_db(transaction=True)

MISSING = 10**9


@pytest.fixture
def rebuilt(field):
    rollups_rebuild(now=NOW)
    return field


def refused(write) -> None:
    """`write` in a transaction of its own fails as a foreign key fails, by the end of it."""
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


@pytest.mark.parametrize("column", ["village_id", "district_id", "regency_id", "province_id"])
def test_a_mother_row_naming_a_missing_area_is_refused(rebuilt, column):
    row = MotherRollup.objects.get(mother=rebuilt.mothers["M1"])
    refused(lambda: MotherRollup.objects.filter(pk=row.pk).update(**{column: MISSING}))
    assert getattr(MotherRollup.objects.get(pk=row.pk), column) is not None


@pytest.mark.parametrize("column", ["programme_id", "posyandu_id"])
def test_a_day_row_naming_a_missing_programme_or_posyandu_is_refused(rebuilt, column):
    mother = rebuilt.mothers["M1"]
    values = {"programme_id": mother.programme_id, "posyandu_id": mother.posyandu_id}
    values[column] = MISSING
    refused(
        lambda: MotherDayRollup.objects.create(
            mother=mother, day=dt.date(2026, 1, 1), mothers_registered=1, **values
        )
    )
    assert not MotherDayRollup.objects.filter(day=dt.date(2026, 1, 1)).exists()


def test_a_rebuild_writes_the_rows_of_a_whole_field_without_a_refusal(rebuilt):
    # Every copied key of every row names a row that exists.
    areas = set(Area.objects.values_list("pk", flat=True))
    for row in MotherRollup.objects.all():
        assert {row.village_id, row.district_id, row.regency_id, row.province_id} <= areas
    assert MotherDayRollup.objects.exists()
    for row in MotherDayRollup.objects.select_related("mother"):
        assert (row.programme_id, row.posyandu_id) == (
            row.mother.programme_id,
            row.mother.posyandu_id,
        )


def _kenanga_moved_to_pandes(world) -> None:
    """Kenanga moves to Desa Pandes behind the rollups' back: Desa Canan has no area under it
    any more, and only M4's rows name it (her mother row's village)."""
    Area.objects.filter(pk=world.kenanga.pk).update(parent=world.pandes)


def test_an_area_only_a_copied_key_names_cannot_be_deleted_behind_the_rollups(rebuilt):
    _kenanga_moved_to_pandes(rebuilt.world)
    canan = rebuilt.world.canan.pk
    assert MotherRollup.objects.filter(village_id=canan).count() == 1

    def delete_behind_the_rollups():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM regions_area WHERE id = %s", [canan])

    refused(delete_behind_the_rollups)
    assert Area.objects.filter(pk=canan).exists()


def test_deleting_that_area_through_django_takes_the_rows_naming_it_along(rebuilt):
    _kenanga_moved_to_pandes(rebuilt.world)
    canan = rebuilt.world.canan.pk
    with transaction.atomic():
        Area.objects.filter(pk=canan).delete()
    assert not Area.objects.filter(pk=canan).exists()
    assert not MotherRollup.objects.filter(village_id=canan).exists()


def test_an_area_renumbered_while_a_copied_key_names_it_is_refused(rebuilt):
    _kenanga_moved_to_pandes(rebuilt.world)
    canan = rebuilt.world.canan.pk
    refused(lambda: Area.objects.filter(pk=canan).update(id=MISSING))
    assert Area.objects.filter(pk=canan).exists()
