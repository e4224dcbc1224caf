"""Writes to user accounts."""

from collections.abc import Iterable

from django.db import transaction

from kaderasi.accounts.models import Role, User
from kaderasi.regions.models import Area


@transaction.atomic
def user_ensure(
    *,
    username: str,
    password: str,
    role: Role,
    areas: Iterable[Area] = (),
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Create the user or bring an existing one to the given role, areas, name and password
    (idempotent; used by seeding and provisioning scripts)."""
    user = User.objects.filter(username=username).first() or User(username=username)
    user.role = role
    user.first_name = first_name
    user.last_name = last_name
    user.is_active = True
    user.is_superuser = role == Role.ADMIN
    user.is_staff = role in {Role.ADMIN, Role.COORDINATOR}
    user.set_password(password)
    user.save()
    user.areas.set(areas)
    return user
