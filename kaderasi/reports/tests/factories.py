"""Factories for the care and training rows the dashboards count (schedules, massages, flags,
referrals), created directly so these tests do not depend on how they are derived."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from kaderasi.care.models import (
    Flag,
    FlagRule,
    MassageSession,
    Measurement,
    PerformedBy,
    Referral,
    ReferralStatus,
    ScheduledSession,
)
from kaderasi.regions.models import AreaLevel
from kaderasi.regions.selectors import ancestor_of_level
from kaderasi.reports.models import MotherRollup

WIB = ZoneInfo("Asia/Jakarta")


def at(day: str, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A WIB time on an ISO day: at("2026-11-27", 10)."""
    return dt.datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=WIB)


def district_of(mother):
    return ancestor_of_level(mother.posyandu, AreaLevel.DISTRICT)


def scheduled_session(mother, *, day: int, slot: int, starts_at, hours: int = 3, **extra):
    return ScheduledSession.objects.create(
        mother=mother,
        district=district_of(mother),
        postpartum_day=day,
        slot=slot,
        window_starts_at=starts_at,
        window_ends_at=starts_at + dt.timedelta(hours=hours),
        **extra,
    )


def massage(mother, *, started_at, scheduled=None, cadre=None, minutes: int = 12):
    return MassageSession.objects.create(
        mother=mother,
        district=district_of(mother),
        scheduled_session=scheduled,
        cadre=cadre,
        performed_by=PerformedBy.CADRE,
        started_at=started_at,
        ended_at=started_at + dt.timedelta(minutes=minutes),
        steps_done=list(range(1, 24)),
    )


def flag_rule(severity: str) -> FlagRule:
    rule, _created = FlagRule.objects.get_or_create(
        code=f"test-{severity}",
        defaults={
            "severity": severity,
            "title_id": f"Uji {severity}",
            "title_en": f"Test {severity}",
            "source": "test fixture",
        },
    )
    return rule


def referral(mother, *, severity: str, opened_at, status=ReferralStatus.OPEN) -> Referral:
    flag = Flag.objects.create(
        mother=mother,
        district=district_of(mother),
        rule=flag_rule(severity),
        severity=severity,
        raised_at=opened_at,
    )
    extra = {}
    if status != ReferralStatus.OPEN:
        extra["acknowledged_at"] = opened_at + dt.timedelta(hours=1)
    if status == ReferralStatus.CLOSED:
        extra["closed_at"] = opened_at + dt.timedelta(hours=2)
        extra["outcome"] = "seen_by_midwife"
    return Referral.objects.create(
        flag=flag,
        mother=mother,
        district=flag.district,
        status=status,
        opened_at=opened_at,
        **extra,
    )


def milk(
    mother,
    *,
    measured_at,
    value,
    basis="24h_estimate",
    phase="",
    method="hand_expression",
    side="",
):
    return Measurement.objects.create(
        side=side,
        mother=mother,
        district=district_of(mother),
        kind="milk_volume",
        measured_at=measured_at,
        value=Decimal(value),
        basis=basis,
        phase=phase,
        method=method,
    )


ROLLUP_EXCLUDED = {"id", "public_id", "created_at", "updated_at", "refreshed_at"}


def snapshot(model) -> list[dict]:
    """Every row of a rollup table as plain values, without ids and refresh times, sorted, so two
    ways of computing the rollups can be compared."""
    fields = [f.attname for f in model._meta.concrete_fields if f.attname not in ROLLUP_EXCLUDED]
    rows = [dict(zip(fields, values, strict=True)) for values in model.objects.values_list(*fields)]
    return sorted(rows, key=lambda row: [str(row[f]) for f in fields])


def mother_rollup(mother) -> MotherRollup:
    return MotherRollup.objects.get(mother=mother)
