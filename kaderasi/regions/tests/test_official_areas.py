"""Kemendagri's official area tree, loaded from the vendored idn-area-data with its codes."""

import gzip
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from kaderasi.core.errors import DomainError
from kaderasi.interop.areas import AreaResolver, area_from_reference
from kaderasi.interop.services import programme_import
from kaderasi.interop.tests.builders import VALID, copy_of, xlsx_workbook
from kaderasi.regions.errors import AreaErrorCode
from kaderasi.regions.models import Area, AreaLevel
from kaderasi.regions.official import (
    DATA,
    data_version,
    named_as_shown,
    official_areas,
    official_code,
)
from kaderasi.regions.selectors import area_has_code
from kaderasi.regions.services import official_areas_load

WEDI = "33.10.03"  # Kecamatan Wedi, Kabupaten Klaten: 19 villages


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("33", "33"),
        ("3310", "33.10"),
        ("331003", "33.10.03"),
        ("3310032014", "33.10.03.2014"),
        (" 33.10.03.2014 ", "33.10.03.2014"),
        ("33100320", None),
        ("Pandes", None),
        ("33.1", None),
        ("", None),
    ],
)
def test_a_code_is_read_with_or_without_its_dots(text, expected):
    assert official_code(text) == expected


def test_the_vendored_data_names_its_package_version_and_licence():
    manifest = json.loads((DATA / "vendor.json").read_text())
    assert data_version() == f"idn-area-data {manifest['idn-area-data']['version']}"
    assert "Open Database License" in manifest["idn-area-data"]["licence"]
    assert (DATA / "idn-area-data" / "DATA-LICENSE.md").exists()
    with gzip.open(DATA / "idn-area-data" / "villages.csv.gz", "rt") as villages:
        assert villages.readline().strip() == "code,district_code,name"


def test_a_district_comes_with_its_ancestors_and_its_villages():
    rows = list(official_areas(within=WEDI))
    assert [(row.code, row.level) for row in rows[:3]] == [
        ("33", AreaLevel.PROVINCE),
        ("33.10", AreaLevel.REGENCY),
        (WEDI, AreaLevel.DISTRICT),
    ]
    villages = [row for row in rows if row.level == AreaLevel.VILLAGE]
    assert len(villages) == 19
    assert {row.parent_code for row in villages} == {WEDI}
    assert ("33.10.03.2014", "Desa Pandes") in {(row.code, row.name) for row in villages}


@pytest.mark.django_db
def test_loading_a_district_creates_the_tree_with_codes_and_paths():
    result = official_areas_load(within=WEDI)
    assert (result.created, result.adopted, result.unchanged) == (22, 0, 0)
    pandes = Area.objects.get(code="33.10.03.2014")
    assert (pandes.name, pandes.level, pandes.parent.code) == ("Desa Pandes", "village", WEDI)
    chain = [Area.objects.get(code=code) for code in ("33", "33.10", WEDI, "33.10.03.2014")]
    assert pandes.path == "/" + "".join(f"{area.pk}/" for area in chain)
    assert str(chain[1]) == "Kabupaten Klaten"


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    official_areas_load(within=WEDI)
    before = list(Area.objects.values_list("pk", "path", "code", "name"))
    again = official_areas_load(within=WEDI)
    assert (again.created, again.adopted, again.unchanged) == (0, 0, 22)
    assert list(Area.objects.values_list("pk", "path", "code", "name")) == before


def test_hand_made_areas_get_their_code_instead_of_a_twin(world):
    """The world's areas were typed by hand ("Kecamatan Wedi", "Desa Pandes") without codes."""
    result = official_areas_load(within=WEDI)
    assert result.adopted == 5  # Jawa Tengah, Kabupaten Klaten, Kecamatan Wedi, Pandes, Canan
    world.pandes.refresh_from_db()
    world.wedi.refresh_from_db()
    assert (world.pandes.code, world.pandes.name) == ("33.10.03.2014", "Desa Pandes")
    assert world.wedi.code == WEDI
    assert Area.objects.filter(parent=world.wedi, level="village").count() == 19
    # The posyandus stay local children of their villages.
    world.mawar.refresh_from_db()
    assert (world.mawar.parent, world.mawar.code) == (world.pandes, "")


@pytest.mark.parametrize(
    ("code", "name", "level", "shown"),
    [
        ("33.10.03", "Wedi", "district", "Kecamatan Wedi"),
        ("91.03.01", "Sentani", "district", "Distrik Sentani"),
        ("33.10.03.2014", "Pandes", "village", "Desa Pandes"),
        ("12.01.10.1001", "Sorkam Kanan", "village", "Kelurahan Sorkam Kanan"),
        ("11.01.01.2004", "Gampong Drien", "village", "Gampong Drien"),
        ("33.10", "Kabupaten Klaten", "regency", "Kabupaten Klaten"),
    ],
)
def test_districts_and_villages_are_named_as_people_say_them(code, name, level, shown):
    assert named_as_shown(code, name, level) == shown


@pytest.mark.django_db
def test_a_desa_and_a_kelurahan_of_one_name_in_one_district_are_told_apart():
    official_areas_load(within="12.01.10")
    assert set(
        Area.objects.filter(code__in=["12.01.10.1001", "12.01.10.2018"]).values_list(
            "name", flat=True
        )
    ) == {"Kelurahan Sorkam Kanan", "Desa Sorkam Kanan"}


@pytest.mark.django_db
def test_two_villages_of_one_name_in_one_district_both_load():
    official_areas_load(within="71.02.11")
    assert set(
        Area.objects.filter(code__in=["71.02.11.2003", "71.02.11.2018"]).values_list(
            "name", flat=True
        )
    ) == {"Desa Tounelet Satu", "Desa Tounelet Satu (71.02.11.2018)"}


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["99", "Klaten", "33.10.99"])
def test_an_unknown_or_malformed_code_is_refused_by_name(code):
    with pytest.raises(DomainError) as error:
        official_areas_load(within=code)
    assert error.value.code == AreaErrorCode.UNKNOWN_OFFICIAL_CODE
    assert code in error.value.message
    assert not Area.objects.exists()


@pytest.mark.django_db
def test_the_command_loads_a_province_and_says_what_it_did():
    out = StringIO()
    call_command("areas", "load", "--within", WEDI, stdout=out)
    assert "22 created" in out.getvalue()
    assert "idn-area-data" in out.getvalue()


@pytest.mark.django_db
def test_the_command_refuses_a_regency_code_given_as_a_province():
    with pytest.raises(CommandError, match="two-digit code"):
        call_command("areas", "load", "--province", "33.10")


def test_a_village_is_named_by_its_code_with_or_without_dots(world):
    official_areas_load(within=WEDI)
    world.pandes.refresh_from_db()
    assert area_has_code(world.pandes, "3310032014")
    assert not area_has_code(world.pandes, "Pandes")
    resolver = AreaResolver(world.wedi)
    assert resolver.resolve(village="33.10.03.2014", posyandu="Mawar").existing == world.mawar
    assert resolver.resolve(village="3310032011", posyandu=None).village == world.canan
    assert area_from_reference("331003") == world.wedi


def test_an_import_names_its_villages_by_code(world, coordinator, now):
    official_areas_load(within=WEDI)
    sheets = copy_of(VALID)
    sheets["cadres"][1][4] = "33.10.03.2014"  # Pandes
    sheets["cadres"][2][4] = "3310032011"  # Canan
    programme_import(workbook=xlsx_workbook(sheets), slug="wedi-2026", by=coordinator, now=now)
    placed = dict(world.programme.cadres.values_list("code", "posyandu__parent__code"))
    assert placed == {"K01": "33.10.03.2014", "K02": "33.10.03.2011"}
