import pytest
from django.db import IntegrityError, transaction

from kaderasi.core.errors import DomainError
from kaderasi.regions.errors import AreaErrorCode
from kaderasi.regions.models import Area
from kaderasi.regions.selectors import ancestor_of_level, areas_under, areas_visible_to
from kaderasi.regions.services import area_create, area_get_or_create, area_save
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db


def test_an_areas_path_lists_its_ancestors_from_the_province_down(world):
    chain = [world.province, world.klaten, world.wedi, world.pandes, world.mawar]
    expected = "/" + "".join(f"{area.pk}/" for area in chain)
    assert world.mawar.path == expected


def test_everything_under_a_district_is_one_prefix_query(world):
    assert set(areas_under([world.wedi])) == {
        world.wedi,
        world.pandes,
        world.canan,
        world.mawar,
        world.kenanga,
    }


def test_a_posyandu_finds_its_district(world):
    assert ancestor_of_level(world.kenanga, "district") == world.wedi


@pytest.mark.parametrize(
    ("level", "parent_name"),
    [("village", "klaten"), ("posyandu", "wedi"), ("province", "klaten"), ("district", None)],
)
def test_an_area_must_hang_under_the_level_just_above_it(world, level, parent_name):
    parent = getattr(world, parent_name) if parent_name else None
    with pytest.raises(DomainError) as error:
        area_create(name="Baru", level=level, parent=parent)
    assert error.value.code == AreaErrorCode.WRONG_PARENT_LEVEL
    assert error.value.field == "parent"
    assert not Area.objects.filter(name="Baru").exists()


def test_official_codes_are_unique_when_given(world):
    area_create(name="Desa Kalitengah", level="village", parent=world.wedi, code="33.10.06.2003")
    with pytest.raises(DomainError) as error:
        area_create(name="Desa Lain", level="village", parent=world.wedi, code="33.10.06.2003")
    assert error.value.code == AreaErrorCode.DUPLICATE_CODE


def test_the_database_refuses_a_duplicate_code_even_past_the_service(world):
    Area.objects.filter(pk=world.pandes.pk).update(code="X1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Area.objects.filter(pk=world.canan.pk).update(code="X1")


def test_two_villages_may_share_a_name_in_different_districts_but_not_in_one(world):
    bayat = area_create(name="Kecamatan Bayat", level="district", parent=world.klaten)
    assert area_create(name="Desa Pandes", level="village", parent=bayat).parent == bayat
    with pytest.raises(DomainError) as error:
        area_create(name="desa pandes", level="village", parent=world.wedi)
    assert error.value.code == AreaErrorCode.DUPLICATE_NAME


def test_get_or_create_is_idempotent(world):
    again = area_get_or_create(name="Desa Pandes", level="village", parent=world.wedi)
    assert again == world.pandes


def test_moving_a_village_rewrites_the_paths_beneath_it(world):
    other = area_create(name="Kecamatan Bayat", level="district", parent=world.klaten)
    world.pandes.parent = other
    area_save(area=world.pandes)
    world.mawar.refresh_from_db()
    assert world.mawar.path.startswith(other.path)
    assert ancestor_of_level(world.mawar, "district") == other


def test_a_midwife_sees_her_village_its_posyandu_and_the_areas_above_it(midwife, world):
    visible = set(areas_visible_to(midwife))
    assert visible == {world.province, world.klaten, world.wedi, world.pandes, world.mawar}


@pytest.mark.django_db
def test_an_area_named_with_its_levels_word_is_not_prefixed_twice():
    from django.utils import translation

    province = f.area("Jawa Tengah", "province")
    klaten = f.area("Kabupaten Klaten", "regency", province)
    yogya = f.area("Kota Magelang", "regency", province)
    wedi = f.area("Kecamatan Wedi", "district", klaten)
    bayat = f.area("Bayat", "district", klaten)
    anggrek = f.area("Posyandu Anggrek", "posyandu", f.area("Desa Pandes", "village", wedi))

    with translation.override("id"):
        names = [str(a) for a in [province, klaten, yogya, wedi, bayat, anggrek]]

    assert names == [
        "Provinsi Jawa Tengah",
        "Kabupaten Klaten",
        "Kota Magelang",
        "Kecamatan Wedi",
        "Kecamatan Bayat",
        "Posyandu Anggrek",
    ]
