"""The day rows are sums of the mothers' day rows, which a refresh of one mother rewrites for her
alone (decision 0220). Whatever changes are made and refreshed, one mother at a time, the day
rows equal a full rebuild's and the events counted one at a time in Python; a refresh of a
mother keeps the cadres' flows of her days, which a refresh of a cadre changes."""

import datetime as dt

import pytest
from auditlog.context import disable_auditlog
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaderasi.care.models import MassageSession, Mother, Referral, ReferralStatus, ScheduledSession
from kaderasi.reports.models import MotherDayRollup, PosyanduDayRollup
from kaderasi.reports.rollups import (
    local_date,
    rollups_rebuild,
    rollups_refresh_for_cadre,
    rollups_refresh_for_mother,
)
from kaderasi.reports.tests import factories as r
from kaderasi.reports.tests.conftest import NOW
from kaderasi.reports.tests.test_rollups_set_based import (
    counted_one_event_at_a_time,
    stored_flows,
)
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db

MOTHERS = ["M1", "M2", "M3", "M4", "M5", "M6"]
CADRES = ["KM3", "KK1"]
ACTIONS = [
    "massage",
    "milk",
    "red referral",
    "amber referral",
    "close a referral",
    "delete a massage",
    "session",
    "cancel a session",
    "move",
]

# Moments from four days before NOW to one after, either side of local midnight.
moments = st.builds(
    lambda days, minutes: r.at("2026-11-25") + dt.timedelta(days=days, minutes=minutes),
    st.integers(0, 5),
    st.sampled_from([0, 15, 7 * 60, 23 * 60 + 45]),
)
steps = st.lists(
    st.tuples(st.sampled_from(MOTHERS), st.sampled_from(ACTIONS), moments)
    | st.tuples(st.sampled_from(CADRES), st.just("certificate"), moments),
    min_size=1,
    max_size=6,
)


def _change(mother: Mother, action: str, moment: dt.datetime, world) -> None:
    if action == "massage":
        r.massage(mother, started_at=moment)
    elif action == "milk":
        r.milk(mother, measured_at=moment, value=50)
    elif action in ("red referral", "amber referral"):
        r.referral(mother, severity=action.split()[0], opened_at=moment)
    elif action == "close a referral":
        Referral.objects.filter(mother=mother).exclude(status=ReferralStatus.CLOSED).update(
            status=ReferralStatus.CLOSED,
            acknowledged_at=moment,
            closed_at=moment,
            outcome="seen_by_midwife",
        )
    elif action == "delete a massage":
        first = MassageSession.objects.filter(mother=mother).order_by("pk").first()
        if first is not None:
            first.delete()
    elif action == "session":
        slot = ScheduledSession.objects.filter(mother=mother).count() + 10
        r.scheduled_session(mother, day=slot, slot=1, starts_at=moment)
    elif action == "cancel a session":
        ScheduledSession.objects.filter(mother=mother, cancelled_at__isnull=True).filter(
            pk__in=ScheduledSession.objects.filter(mother=mother).order_by("pk").values("pk")[:1]
        ).update(cancelled_at=moment)
    elif action == "move" and mother.programme_id == world.programme.pk:
        other = world.kenanga if mother.posyandu_id == world.mawar.pk else world.mawar
        Mother.objects.filter(pk=mother.pk).update(posyandu=other)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps)
def test_day_rows_after_any_refreshes_equal_a_full_recount(field, steps):
    with transaction.atomic():
        with disable_auditlog():
            rollups_rebuild(now=NOW)
            for code, action, moment in steps:
                if action == "certificate":  # a cadre's flow on a day mothers count on too
                    cadre = field.cadres[code]
                    f.CertificateFactory(cadre=cadre, issued_on=local_date(moment))
                    rollups_refresh_for_cadre(cadre=cadre, now=NOW)
                    continue
                mother = Mother.objects.get(code=code)
                _change(mother, action, moment, field.world)
                rollups_refresh_for_mother(mother=mother, now=NOW)
            refreshed = r.snapshot(PosyanduDayRollup)

            assert stored_flows() == counted_one_event_at_a_time(NOW)
            rollups_rebuild(now=NOW)
            assert refreshed == r.snapshot(PosyanduDayRollup)
        transaction.set_rollback(True)


def test_a_mothers_day_rows_hold_only_days_with_a_flow(field):
    """A session still to come counts neither done nor missed: no row for its day alone."""
    m6 = field.mothers["M6"]
    with disable_auditlog():
        r.scheduled_session(m6, day=30, slot=1, starts_at=r.at("2026-12-20", 8))
    rollups_rebuild(now=NOW)

    assert not MotherDayRollup.objects.filter(mother=m6, day=dt.date(2026, 12, 20)).exists()
    assert MotherDayRollup.objects.filter(mother=m6).count() == 1  # her registration day
