"""Placing imported people on the area tree by the names a spreadsheet uses."""

from __future__ import annotations

import pytest
from django.utils import translation

from kaderasi.interop.areas import (
    AreaProblem,
    AreaResolver,
    area_from_reference,
    area_path,
    normalise_name,
)
from kaderasi.interop.errors import InteropErrorCode

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("name", "level", "expected"),
    [
        ("Posyandu  Mawar ", "posyandu", "mawar"),
        ("MAWAR", "posyandu", "mawar"),
        ("Desa Pandes", "village", "pandes"),
        ("Kel. Pandes", "village", "pandes"),
        ("Posyandu Mawar", "village", "posyandu mawar"),
    ],
)
def test_names_match_without_case_spacing_or_the_usual_prefix(name, level, expected):
    assert normalise_name(name, level) == expected


def test_an_existing_posyandu_is_found_by_its_short_name(world):
    target = AreaResolver(world.wedi).resolve(village="pandes", posyandu="mawar")
    assert target.existing == world.mawar


def test_a_new_posyandu_is_created_once_under_its_village(world):
    resolver = AreaResolver(world.wedi)
    first = resolver.resolve(village="Desa Canan", posyandu="Posyandu Melati")
    second = resolver.resolve(village="Canan", posyandu="Posyandu Melati")
    assert first.existing is None
    created = resolver.area_for(first)
    assert resolver.area_for(second) == created
    assert (created.name, created.parent, created.level) == (
        "Posyandu Melati",
        world.canan,
        "posyandu",
    )


def test_a_posyandu_named_without_village_is_found_when_unique_in_the_area(world):
    assert AreaResolver(world.wedi).resolve(village=None, posyandu="Kenanga").existing == (
        world.kenanga
    )


@pytest.mark.parametrize(
    ("area_name", "village", "posyandu", "code"),
    [
        ("wedi", "Desa Sendangadi", None, InteropErrorCode.VILLAGE_NOT_FOUND),
        ("wedi", None, None, InteropErrorCode.VILLAGE_REQUIRED),
        ("pandes", "Canan", None, InteropErrorCode.AREA_OUTSIDE_PROGRAMME),
        ("mawar", None, "Kenanga", InteropErrorCode.AREA_OUTSIDE_PROGRAMME),
    ],
)
def test_names_outside_or_not_found_in_the_programme_area_are_problems(
    world, area_name, village, posyandu, code
):
    result = AreaResolver(getattr(world, area_name)).resolve(village=village, posyandu=posyandu)
    assert isinstance(result, AreaProblem)
    assert result.code == code


def test_a_posyandu_programme_places_everyone_at_that_posyandu(world):
    resolver = AreaResolver(world.mawar)
    assert resolver.resolve(village=None, posyandu=None).existing == world.mawar
    assert resolver.resolve(village="Pandes", posyandu="Mawar").existing == world.mawar
    assert resolver.default_target().existing == world.mawar


def test_an_area_is_found_by_its_path_of_names_or_its_code(world):
    assert area_from_reference("Jawa Tengah / Kabupaten Klaten / Kecamatan Wedi") == world.wedi
    assert area_from_reference("jawa tengah › kabupaten klaten") == world.klaten
    assert area_from_reference("Jawa Tengah / Kabupaten Sleman") is None
    world.wedi.code = "33.10.06"
    world.wedi.save()
    assert area_from_reference("33.10.06") == world.wedi
    assert area_path(world.mawar) == (
        "Jawa Tengah / Kabupaten Klaten / Kecamatan Wedi / Desa Pandes / Posyandu Mawar"
    )
