"""Whether a cadre may do field work: derived from her certificates, never stored on the cadre."""

import datetime as dt

from django.db.models import Q, TextChoices
from django.utils.translation import gettext_lazy as _

from kaderasi.cadres.models import Cadre
from kaderasi.training.models import Certificate


class CertificateStatus(TextChoices):
    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")
    NOT_YET_VALID = "not_yet_valid", _("Not yet valid")


def certificate_status(certificate: Certificate, *, on: dt.date) -> CertificateStatus:
    """The status of one certificate on `on`: revoked from its revocation day, expired from its
    expiry day (exclusive end), valid in between."""
    if certificate.revoked_on is not None and certificate.revoked_on <= on:
        return CertificateStatus.REVOKED
    if on < certificate.issued_on:
        return CertificateStatus.NOT_YET_VALID
    if on >= certificate.expires_on:
        return CertificateStatus.EXPIRED
    return CertificateStatus.VALID


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
