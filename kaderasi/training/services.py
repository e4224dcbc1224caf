"""Writes to training records."""

import calendar
import datetime as dt
import secrets

from django.db import transaction

from kaderasi.cadres.models import Cadre
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
) -> Certificate:
    """Issue a certificate valid for `valid_months` from `issued_on`, with a refresher date
    `refresher_months_before_expiry` before it expires."""
    expires_on = add_months(issued_on, valid_months)
    return Certificate.objects.create(
        cadre=cadre,
        training=training,
        issued_on=issued_on,
        expires_on=expires_on,
        refresher_due_on=add_months(expires_on, -refresher_months_before_expiry),
        verification_code=new_verification_code(),
    )
