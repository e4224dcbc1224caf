"""Writes to certificates: issue (by hand or from a training's pass rule) and revoke."""

import calendar
import datetime as dt
import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from kaderasi.accounts.models import User
from kaderasi.cadres.models import Cadre
from kaderasi.core.errors import DomainError
from kaderasi.training.errors import TrainingErrorCode
from kaderasi.training.models import Certificate, Training

# Unambiguous on paper and when read aloud over the phone: no 0/O, 1/I/L.
VERIFICATION_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_verification_code(length: int = 10) -> str:
    return "".join(secrets.choice(VERIFICATION_ALPHABET) for _ in range(length))


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or earlier), clamped to that month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last_day))


@transaction.atomic
def certificate_issue(
    *,
    cadre: Cadre,
    issued_on: dt.date,
    training: Training | None = None,
    valid_months: int = 24,
    refresher_months_before_expiry: int = 3,
    by: User | None = None,
) -> Certificate:
    """Issue a certificate valid for `valid_months` from `issued_on`, with a refresher date
    `refresher_months_before_expiry` before it expires. The verification code is unique."""
    expires_on = add_months(issued_on, valid_months)
    code = new_verification_code()
    while Certificate.objects.filter(verification_code=code).exists():
        code = new_verification_code()
    return Certificate.objects.create(
        cadre=cadre,
        training=training,
        issued_on=issued_on,
        expires_on=expires_on,
        refresher_due_on=add_months(expires_on, -refresher_months_before_expiry),
        verification_code=code,
        issued_by=by,
    )


@transaction.atomic
def certificates_issue_for_training(
    *, training: Training, on: dt.date, by: User | None = None
) -> list[Certificate]:
    """Certify every participant of `training` who meets the programme's pass rule (post-test
    mark and skill assessment) and holds no certificate from this training yet, with the
    programme's validity and refresher lead time. Returns the new certificates; running it twice
    issues nothing the second time."""
    from kaderasi.training.selectors import training_policy_for
    from kaderasi.training.summaries import certification_rows

    policy = training_policy_for(training.programme)
    issued = []
    for row in certification_rows(training):
        if row.eligibility.eligible and row.certificate is None:
            issued.append(
                certificate_issue(
                    cadre=row.cadre,
                    issued_on=on,
                    training=training,
                    valid_months=policy.certificate_valid_months,
                    refresher_months_before_expiry=policy.refresher_months_before_expiry,
                    by=by,
                )
            )
    return issued


@transaction.atomic
def certificate_revoke(
    *, certificate: Certificate, on: dt.date, reason: str, by: User | None = None
) -> Certificate:
    """Revoke from `on`: the certificate no longer counts from that day (the pairing gate and the
    public verification page say so)."""
    reason = reason.strip()
    if not reason:
        raise DomainError(
            TrainingErrorCode.CERTIFICATE_REASON_REQUIRED,
            _("Say why the certificate is revoked."),
            field="reason",
        )
    if certificate.revoked_on is not None:
        raise DomainError(
            TrainingErrorCode.CERTIFICATE_ALREADY_REVOKED,
            _("This certificate is already revoked."),
            field="reason",
        )
    certificate.revoked_on = on
    certificate.revoked_reason = reason
    certificate.revoked_by = by
    certificate.save(update_fields=["revoked_on", "revoked_reason", "revoked_by", "updated_at"])
    return certificate
