"""Who an import command acts as: the --as user, or else the only administrator."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from kaderasi.accounts.models import Role, User
from kaderasi.core.policies import Permission, can

FAILED = 1


def importing_user(username: str, *, without_username: str) -> User:
    """The active user named by --as, who may import; with no --as, the only active administrator.

    Raises CommandError (exit status 1) when the user is missing or may not import, or, with
    ``without_username`` as its message, when there is not exactly one active administrator.
    """
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(
                _("There is no active user “%(username)s”.") % {"username": username},
                returncode=FAILED,
            )
        if not can(user, Permission.IMPORT_PROGRAMME):
            raise CommandError(
                _("%(username)s is not a coordinator or administrator and may not import.")
                % {"username": username},
                returncode=FAILED,
            )
        return user
    admins = list(User.objects.filter(role=Role.ADMIN, is_active=True)[:2])
    if len(admins) != 1:
        raise CommandError(without_username, returncode=FAILED)
    return admins[0]
