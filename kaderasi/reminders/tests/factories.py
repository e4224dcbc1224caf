"""Factories for reminder tests: scheduled sessions written directly (the schedule derivation
belongs to care), paired mothers with phones, family members."""

import datetime as dt
from zoneinfo import ZoneInfo

import factory

from kaderasi.care.models import MassageSession, PerformedBy, ScheduledSession
from kaderasi.regions.models import AreaLevel
from kaderasi.regions.selectors import ancestor_of_level
from kaderasi.reminders.models import FamilyMember, ProgrammeReminderSettings, Relationship
from kaderasi.tests import factories as f

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
WIT = ZoneInfo("Asia/Jayapura")


class ScheduledSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScheduledSession

    postpartum_day = 1
    slot = 1
    window_starts_at = dt.datetime(2026, 11, 29, 8, 0, tzinfo=WIB)
    window_ends_at = factory.LazyAttribute(lambda o: o.window_starts_at + dt.timedelta(hours=2))
    district = factory.LazyAttribute(
        lambda o: ancestor_of_level(o.mother.posyandu, AreaLevel.DISTRICT)
    )


class FamilyMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilyMember

    name = "Pak Budi"
    relationship = Relationship.HUSBAND
    phone = "+6281298765432"


def session_done(session: ScheduledSession) -> MassageSession:
    return MassageSession.objects.create(
        mother=session.mother,
        district=session.district,
        scheduled_session=session,
        performed_by=PerformedBy.CADRE,
        started_at=session.window_starts_at + dt.timedelta(minutes=10),
        ended_at=session.window_starts_at + dt.timedelta(minutes=25),
    )


def cadre_with_phone(*, programme, posyandu, phone="+6281211110001", **kwargs):
    return f.certified_cadre(programme=programme, posyandu=posyandu, phone=phone, **kwargs)


def mother_in_care(
    *,
    programme,
    posyandu,
    cadre=None,
    delivered_at=dt.datetime(2026, 11, 28, 10, 0, tzinfo=WIB),
    phone="+6281233330001",
    **kwargs,
):
    """A delivered mother with a phone, paired with `cadre` (if given)."""
    mother = f.delivered_mother(
        programme=programme, posyandu=posyandu, delivered_at=delivered_at, phone=phone, **kwargs
    )
    if cadre is not None:
        f.PairingFactory(mother=mother, cadre=cadre, starts_at=delivered_at + dt.timedelta(hours=2))
    return mother


def sessions_for(mother, *, first_day_starts_at, days=3, per_day=2, hours_apart=8):
    """`days` × `per_day` scheduled sessions of two hours, `hours_apart` apart within a day."""
    sessions = []
    for day in range(days):
        for slot in range(per_day):
            starts = first_day_starts_at + dt.timedelta(days=day, hours=slot * hours_apart)
            sessions.append(
                ScheduledSessionFactory(
                    mother=mother,
                    postpartum_day=day + 1,
                    slot=slot + 1,
                    window_starts_at=starts,
                    window_ends_at=starts + dt.timedelta(hours=2),
                )
            )
    return sessions


def no_quiet_hours(programme):
    return ProgrammeReminderSettings.objects.update_or_create(
        programme=programme,
        defaults={"quiet_hours_start": dt.time(0, 0), "quiet_hours_end": dt.time(0, 0)},
    )[0]
