"""How often one user may check a NIK or phone number against the registered mothers (issue 14,
build 5).

The duplicate check when registering a mother answers only within the user's scope; still, each
answer says whether a number is registered there, so a user gets
`KADERASI_IDENTITY_LOOKUPS_PER_HOUR` checks in any hour (a busy posyandu registers a few mothers
a day). The count is kept in the database, shared by every server process."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils.translation import ngettext

from kaderasi.accounts.models import IdentityLookup, User

WINDOW = dt.timedelta(hours=1)


@transaction.atomic
def identity_lookup_take(*, user: User, now: dt.datetime) -> int:
    """Count one lookup for `user` and answer 0, or, when she has used up the hour's checks,
    count nothing and answer the seconds until she may check again. Lookups older than the
    window are forgotten here."""
    IdentityLookup.objects.filter(at__lt=now - WINDOW).delete()
    # Lock the user's row so two requests at once cannot both take the last check.
    User.objects.select_for_update().filter(pk=user.pk).exists()
    recent = list(
        IdentityLookup.objects.filter(user=user, at__gte=now - WINDOW)
        .order_by("at")
        .values_list("at", flat=True)
    )
    if len(recent) >= settings.KADERASI_IDENTITY_LOOKUPS_PER_HOUR:
        oldest_counted = recent[len(recent) - settings.KADERASI_IDENTITY_LOOKUPS_PER_HOUR]
        return max(1, int((oldest_counted + WINDOW - now).total_seconds() + 0.999))
    IdentityLookup.objects.create(user=user, at=now)
    return 0


def lookups_exhausted_message(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    return ngettext(
        "You have checked many NIK and phone numbers in the last hour: wait %(minutes)d minute "
        "and register again.",
        "You have checked many NIK and phone numbers in the last hour: wait %(minutes)d minutes "
        "and register again.",
        minutes,
    ) % {"minutes": minutes}
