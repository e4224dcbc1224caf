"""Cadres: who sees which, the rows one login acts for, and the constraints on a cadre's rows."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from kaderasi.accounts.models import Role
from kaderasi.cadres.models import Cadre
from kaderasi.cadres.selectors import cadres_of_login, cadres_visible_to
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def cadres(world, cadre_user):
    """Wati (K01, Mawar, Desa Pandes, with a login), Rina (K02, Kenanga, Desa Canan) and Ayu
    (KS1, Sakura, Sleman programme)."""
    return {
        "wati": cadre_user.cadre,
        "rina": f.CadreFactory(programme=world.programme, posyandu=world.kenanga, code="K02"),
        "ayu": f.CadreFactory(programme=world.other_programme, posyandu=world.sakura, code="KS1"),
    }


def test_an_admin_sees_every_cadre(admin_user, cadres):
    assert set(cadres_visible_to(admin_user)) == set(cadres.values())


def test_a_midwife_sees_the_cadres_of_the_posyandu_in_her_villages(midwife, cadres):
    assert list(cadres_visible_to(midwife)) == [cadres["wati"]]


def test_a_district_officer_sees_the_cadres_of_her_regency(district_officer, cadres):
    assert set(cadres_visible_to(district_officer)) == {cadres["wati"], cadres["rina"]}


def test_a_coordinator_sees_her_areas_cadres_and_every_cadre_of_her_teams_programmes(
    coordinator, cadres, world
):
    assert set(cadres_visible_to(coordinator)) == {cadres["wati"], cadres["rina"]}

    world.other_programme.team.add(coordinator)

    assert set(cadres_visible_to(coordinator)) == set(cadres.values())
    assert cadres_visible_to(coordinator).count() == 3


def test_a_cadre_sees_only_herself(cadre_user, cadres):
    assert list(cadres_visible_to(cadre_user)) == [cadres["wati"]]


def test_an_anonymous_visitor_sees_no_cadre_and_acts_for_none(cadres):
    assert list(cadres_visible_to(AnonymousUser())) == []
    assert list(cadres_of_login(AnonymousUser())) == []


def test_one_login_acts_for_her_rows_in_every_programme_and_for_nobody_elses(
    cadre_user, cadres, world
):
    second_row = f.CadreFactory(
        programme=world.other_programme,
        posyandu=world.sakura,
        code="KS2",
        same_person_as=cadres["wati"],
    )

    assert set(cadres_of_login(cadre_user)) == {cadres["wati"], second_row}
    assert set(cadres_visible_to(cadre_user)) == {cadres["wati"], second_row}


def test_two_cadres_of_one_programme_cannot_share_a_code(world, cadres):
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        f.CadreFactory(programme=world.programme, posyandu=world.kenanga, code="K01")

    expected = {
        "postgresql": 'unique constraint "cadre_code_unique_in_programme"',
        "sqlite": "UNIQUE constraint failed: cadres_cadre.programme_id, cadres_cadre.code",
    }[connection.vendor]
    assert expected in str(error.value)
    assert Cadre.objects.filter(programme=world.programme, code="K01").count() == 1


def test_the_same_code_may_be_used_in_another_programme(world, cadres):
    other = f.CadreFactory(programme=world.other_programme, posyandu=world.sakura, code="K01")

    assert Cadre.objects.filter(code="K01").count() == 2
    assert other.programme == world.other_programme


def test_a_person_has_at_most_one_row_per_programme(world, cadres):
    f.CadreFactory(
        programme=world.other_programme,
        code="KS2",
        posyandu=world.sakura,
        same_person_as=cadres["wati"],
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        f.CadreFactory(
            programme=world.other_programme,
            code="KS3",
            posyandu=world.sakura,
            same_person_as=cadres["wati"],
        )

    assert Cadre.objects.filter(same_person_as=cadres["wati"]).count() == 1


def test_a_row_cannot_both_hold_a_login_and_point_at_another_row(world, cadres):
    login = f.UserFactory(role=Role.CADRE)

    with pytest.raises(IntegrityError) as error, transaction.atomic():
        f.CadreFactory(
            programme=world.other_programme,
            code="KS2",
            posyandu=world.sakura,
            user=login,
            same_person_as=cadres["wati"],
        )

    assert "cadre_login_or_same_person_not_both" in str(error.value)
    assert not Cadre.objects.filter(code="KS2").exists()


def test_a_duplicate_code_is_explained_in_words_when_the_row_is_validated(world, cadres):
    duplicate = Cadre(
        programme=world.programme, posyandu=world.kenanga, code="K01", name="Kader baru"
    )

    with translation.override("en"), pytest.raises(ValidationError) as error:
        duplicate.validate_constraints()

    assert error.value.messages == ["Another cadre of this programme already has this code."]


def test_a_cadre_is_shown_by_her_code_and_name(world):
    cadre = f.CadreFactory(
        programme=world.programme, posyandu=world.mawar, code="K07", name="Bu Sri"
    )

    assert str(cadre) == "K07 Bu Sri"
