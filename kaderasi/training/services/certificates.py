"""Writes to certificates: issue (from a training's pass rule, or by hand with a recorded reason
when the rule was not met) and revoke."""

import calendar
import datetime as dt
import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from kaderasi.accounts.models import User
from kaderasi.cadres.models import Cadre
from kaderasi.core.errors import DomainError
from kaderasi.training.errors import TrainingErrorCode
from kaderasi.training.models import Certificate, Training, TrainingPolicy
from kaderasi.training.selectors import training_policy_for

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


def _certificate_create(
    *,
    cadre: Cadre,
    issued_on: dt.date,
    training: Training | None,
    by: User | None,
    policy: TrainingPolicy,
    reason: str = "",
) -> Certificate:
    """A certificate valid from `issued_on` for the `policy`'s validity, with its refresher
    date and a unique verification code."""
    expires_on = add_months(issued_on, policy.certificate_valid_months)
    code = new_verification_code()
    while Certificate.objects.filter(verification_code=code).exists():
        code = new_verification_code()
    return Certificate.objects.create(
        cadre=cadre,
        training=training,
        issued_on=issued_on,
        expires_on=expires_on,
        refresher_due_on=add_months(expires_on, -policy.refresher_months_before_expiry),
        verification_code=code,
        issued_by=by,
        issued_reason=reason,
    )


def met_pass_rule(cadre: Cadre, training: Training | None) -> bool:
    """Whether `cadre` meets the programme's pass rule (post-test mark and skill assessment) in
    `training`; never without a training."""
    from kaderasi.training.summaries import certification_rows

    if training is None:
        return False
    rows = certification_rows(training, cadres=Cadre.objects.filter(pk=cadre.pk))
    return any(row.eligibility.eligible for row in rows)


def certificate_issue_check(*, cadre: Cadre, training: Training | None, reason: str) -> None:
    """Raise the DomainError `certificate_issue` would raise, without issuing anything (the
    admin form shows it on the field it names)."""
    if training is not None and training.programme_id != cadre.programme_id:
        raise DomainError(
            TrainingErrorCode.TRAINING_OTHER_PROGRAMME,
            _("%(code)s belongs to another programme.") % {"code": cadre.code},
            field="training",
        )
    if training is not None and Certificate.objects.filter(cadre=cadre, training=training).exists():
        raise DomainError(
            TrainingErrorCode.CERTIFICATE_ALREADY_ISSUED,
            _("This cadre already holds a certificate from this training."),
            field="training",
        )
    if not reason.strip() and not met_pass_rule(cadre, training):
        raise DomainError(
            TrainingErrorCode.CERTIFICATE_ISSUE_REASON_REQUIRED,
            _(
                "%(code)s has not met the pass rule of a training of this programme. Say why "
                "she is certified all the same (for example, certified by an earlier programme)."
            )
            % {"code": cadre.code},
            field="issued_reason",
        )


@transaction.atomic
def certificate_issue(
    *,
    cadre: Cadre,
    issued_on: dt.date,
    training: Training | None = None,
    reason: str = "",
    by: User | None = None,
) -> Certificate:
    """Issue one certificate by hand, valid for the programme's validity from `issued_on`. A
    cadre who did not meet the pass rule of `training` (or with no training named) is certified
    only with a recorded `reason`, kept with the certificate."""
    certificate_issue_check(cadre=cadre, training=training, reason=reason)
    return _certificate_create(
        cadre=cadre,
        issued_on=issued_on,
        training=training,
        by=by,
        policy=training_policy_for(cadre.programme),
        reason=reason.strip(),
    )


@transaction.atomic
def certificates_issue_for_training(
    *, training: Training, on: dt.date, by: User | None = None
) -> list[Certificate]:
    """Certify every participant of `training` who meets the programme's pass rule (post-test
    mark and skill assessment) and holds no certificate from this training yet, with the
    programme's validity and refresher lead time. Returns the new certificates; running it twice
    issues nothing the second time."""
    from kaderasi.training.summaries import certification_rows

    policy = training_policy_for(training.programme)
    return [
        _certificate_create(cadre=row.cadre, issued_on=on, training=training, by=by, policy=policy)
        for row in certification_rows(training)
        if row.eligibility.eligible and row.certificate is None
    ]


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
