"""Users: the provisioning service, the scope a user's role and areas give, the role constraint."""

import pytest
from django.db import IntegrityError, transaction

from kaderasi.accounts.models import Role, User
from kaderasi.accounts.selectors import scope_areas_of, sees_everything, users_visible_to
from kaderasi.accounts.services import user_ensure
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db


def test_ensuring_a_new_user_creates_her_with_role_areas_name_and_password(world):
    user = user_ensure(
        username="sari",
        password="rahasia-bidan",
        role=Role.MIDWIFE,
        areas=[world.pandes],
        first_name="Sari",
        last_name="Wulandari",
    )

    user.refresh_from_db()
    assert (user.role, user.first_name, user.last_name) == (Role.MIDWIFE, "Sari", "Wulandari")
    assert list(user.areas.all()) == [world.pandes]
    assert user.check_password("rahasia-bidan")
    assert (user.is_active, user.is_staff, user.is_superuser) == (True, False, False)


@pytest.mark.parametrize(
    ("role", "staff", "superuser"),
    [
        (Role.ADMIN, True, True),
        (Role.COORDINATOR, True, False),
        (Role.MIDWIFE, False, False),
        (Role.DISTRICT_OFFICE, False, False),
        (Role.CADRE, False, False),
    ],
)
def test_only_admins_and_coordinators_reach_the_admin_and_only_admins_are_superusers(
    role, staff, superuser
):
    user = user_ensure(username="someone", password="kata-sandi-1", role=role)

    assert (user.is_staff, user.is_superuser) == (staff, superuser)


def test_ensuring_an_existing_user_again_updates_her_and_creates_no_second_one(world):
    first = user_ensure(
        username="dewi", password="lama-123", role=Role.MIDWIFE, areas=[world.pandes]
    )
    User.objects.filter(pk=first.pk).update(is_active=False)

    second = user_ensure(
        username="dewi",
        password="baru-456",
        role=Role.COORDINATOR,
        areas=[world.wedi, world.sleman],
        first_name="Dewi",
    )

    assert second.pk == first.pk
    assert User.objects.filter(username="dewi").count() == 1
    second.refresh_from_db()
    assert (second.role, second.first_name, second.is_active) == (Role.COORDINATOR, "Dewi", True)
    assert set(second.areas.all()) == {world.wedi, world.sleman}
    assert second.check_password("baru-456")
    assert not second.check_password("lama-123")


def test_a_midwifes_scope_is_her_own_villages(midwife, world):
    assert scope_areas_of(midwife) == [world.pandes]


def test_a_coordinators_scope_adds_the_areas_of_her_teams_programmes(world):
    coordinator = f.UserFactory(role=Role.COORDINATOR, areas=[world.wedi])
    world.other_programme.team.add(coordinator)

    assert scope_areas_of(coordinator) == [world.wedi, world.sleman]


def test_a_midwife_on_a_programme_team_gets_no_area_from_it(midwife, world):
    world.other_programme.team.add(midwife)

    assert scope_areas_of(midwife) == [world.pandes]


def test_a_cadre_without_areas_has_an_empty_scope(cadre_user):
    assert scope_areas_of(cadre_user) == []


@pytest.mark.parametrize(
    ("role", "superuser", "everything"),
    [
        (Role.ADMIN, False, True),
        (Role.CADRE, True, True),
        (Role.COORDINATOR, False, False),
        (Role.MIDWIFE, False, False),
        (Role.DISTRICT_OFFICE, False, False),
    ],
)
def test_an_admin_or_a_superuser_sees_everything_and_no_other_role_does(
    role, superuser, everything
):
    user = f.UserFactory(role=role, is_superuser=superuser)

    assert sees_everything(user) is everything


def test_an_admin_sees_every_user_and_anyone_else_only_herself(
    admin_user, coordinator, midwife, cadre_user
):
    assert set(users_visible_to(admin_user)) == {admin_user, coordinator, midwife, cadre_user}
    assert list(users_visible_to(coordinator)) == [coordinator]
    assert list(users_visible_to(midwife)) == [midwife]
    assert list(users_visible_to(cadre_user)) == [cadre_user]


def test_the_database_refuses_a_role_it_does_not_know():
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        User.objects.create(username="tamu", role="guest")

    assert "user_role_is_known" in str(error.value)
    assert not User.objects.filter(username="tamu").exists()


def test_a_user_is_shown_by_her_full_name_or_else_her_username():
    named = f.UserFactory(username="sari-bidan", first_name="Sari", last_name="Wulandari")
    unnamed = f.UserFactory(username="budi-dinkes")

    assert (str(named), str(unnamed)) == ("Sari Wulandari", "budi-dinkes")
