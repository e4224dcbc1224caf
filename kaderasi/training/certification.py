"""Whether a cadre may do field work: derived from her certificates, never stored on the cadre."""

import datetime as dt

from django.db.models import Q

from kaderasi.cadres.models import Cadre
from kaderasi.training.models import Certificate


def valid_certificate(cadre: Cadre, *, on: dt.date) -> Certificate | None:
    """The certificate that makes `cadre` certified on `on` (issued on or before, not yet expired,
    not revoked by then), the latest-expiring one if several; None if she holds none."""
    return (
        Certificate.objects.filter(cadre=cadre, issued_on__lte=on, expires_on__gt=on)
        .filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=on))
        .order_by("-expires_on")
        .first()
    )


def is_certified(cadre: Cadre, *, on: dt.date) -> bool:
    return valid_certificate(cadre, on=on) is not None
