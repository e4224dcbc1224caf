"""Care records built through the services, so schedules, flags and referrals are the real ones."""

import datetime as dt
from zoneinfo import ZoneInfo

from kaderasi.care import services
from kaderasi.care.models import Mother, PerformedBy, Pregnancy
from kaderasi.tests import factories as f

WIB = ZoneInfo("Asia/Jakarta")


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=WIB)


def delivered(
    *,
    programme,
    posyandu,
    delivered_at: dt.datetime,
    now: dt.datetime,
    birth_weight_g: int | None = 3000,
    **mother_fields,
) -> Mother:
    """A mother whose delivery (and infant) went through `delivery_and_infant_record`."""
    mother = f.MotherFactory(programme=programme, posyandu=posyandu, **mother_fields)
    pregnancy = Pregnancy.objects.create(
        mother=mother, last_menstrual_period=(delivered_at - dt.timedelta(days=275)).date()
    )
    services.delivery_and_infant_record(
        pregnancy=pregnancy,
        delivered_at=delivered_at,
        now=now,
        infant={"sex": "female", "birth_weight_g": birth_weight_g},
    )
    return mother


def session(mother, started_at, *, minutes=12, now, **extra):
    return services.massage_session_record(
        mother=mother,
        performed_by=PerformedBy.CADRE,
        started_at=started_at,
        ended_at=started_at + dt.timedelta(minutes=minutes),
        now=now,
        **extra,
    )
