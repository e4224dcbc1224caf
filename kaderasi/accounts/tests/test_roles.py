"""The policy table (accounts/roles.py) and core's check over it (core/policies.py)."""

import pytest

from kaderasi.accounts.models import Role
from kaderasi.accounts.roles import GRANTS
from kaderasi.core.policies import Permission, can
from kaderasi.tests import factories as f


def test_every_permission_is_held_by_some_role():
    assert {permission for permission, roles in GRANTS.items() if roles} == set(Permission)


@pytest.mark.django_db
def test_a_user_holds_what_her_role_is_granted():
    midwife = f.UserFactory(role=Role.MIDWIFE)

    assert (
        midwife.holds(Permission.HANDLE_REFERRAL),
        can(midwife, Permission.HANDLE_REFERRAL),
    ) == (
        True,
        True,
    )
    assert (midwife.holds(Permission.MANAGE_USERS), can(midwife, Permission.MANAGE_USERS)) == (
        False,
        False,
    )


@pytest.mark.django_db
def test_can_adds_what_does_not_depend_on_the_role():
    inactive = f.UserFactory(role=Role.ADMIN, is_active=False)
    superuser = f.UserFactory(role=Role.CADRE, is_superuser=True)

    assert can(inactive, Permission.MANAGE_USERS) is False
    assert can(superuser, Permission.MANAGE_USERS) is True
    assert can(None, Permission.VIEW_PROGRAMME) is False
