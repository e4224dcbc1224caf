"""The day rows are counted by the database (grouped per programme, posyandu and local day,
decision 0145); here they are compared with the same flows counted one event at a time in
Python, on a field with events either side of local midnight, skipped, cancelled, early and
missing sessions, and closed referrals."""

import datetime as dt
from collections import Counter, defaultdict

import pytest
from auditlog.context import disable_auditlog

from kaderasi.care.models import (
    Delivery,
    FlagSeverity,
    MassageSession,
    Measurement,
    MeasurementKind,
    Mother,
    ReferralStatus,
    ScheduledSession,
)
from kaderasi.care.models.sessions import SessionStatus, SkipReason
from kaderasi.care.scheduling import session_status
from kaderasi.reports.models import PosyanduDayRollup
from kaderasi.reports.rollups import local_date, rollups_rebuild, rollups_refresh_for_mother
from kaderasi.reports.tests import factories as r
from kaderasi.reports.tests.conftest import NOW
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db

MOTHER_FLOWS = [
    "mothers_registered",
    "deliveries",
    "sessions_due",
    "sessions_done",
    "sessions_missed",
    "massages_recorded",
    "milk_volumes_recorded",
    "referrals_opened_red",
    "referrals_opened_amber",
    "referrals_open_red",
    "referrals_open_amber",
]


def counted_one_event_at_a_time(now: dt.datetime) -> dict[tuple, Counter]:
    """The mothers' day flows, each event read as a row and dated in Python."""
    counts: dict[tuple, Counter] = defaultdict(Counter)

    def add(mother, moment, field):
        counts[(mother.programme_id, mother.posyandu_id, local_date(moment))][field] += 1

    for mother in Mother.objects.all():
        add(mother, mother.created_at, "mothers_registered")
    for delivery in Delivery.objects.select_related("pregnancy__mother"):
        add(delivery.pregnancy.mother, delivery.delivered_at, "deliveries")
    for session in ScheduledSession.objects.filter(cancelled_at__isnull=True).select_related(
        "mother"
    ):
        status = session_status(
            window_starts_at=session.window_starts_at,
            window_ends_at=session.window_ends_at,
            now=now,
            done=MassageSession.objects.filter(scheduled_session=session).exists(),
            skipped=session.skipped_at is not None,
        )
        if status in (SessionStatus.DONE, SessionStatus.MISSED):
            add(session.mother, session.window_starts_at, "sessions_due")
            add(session.mother, session.window_starts_at, f"sessions_{status.value}")
    for massage in MassageSession.objects.select_related("mother"):
        add(massage.mother, massage.started_at, "massages_recorded")
    for volume in Measurement.objects.filter(kind=MeasurementKind.MILK_VOLUME).select_related(
        "mother"
    ):
        add(volume.mother, volume.measured_at, "milk_volumes_recorded")
    for referral in Mother.referrals.rel.related_model.objects.select_related("mother", "flag"):
        colour = "red" if referral.flag.severity == FlagSeverity.RED else "amber"
        add(referral.mother, referral.opened_at, f"referrals_opened_{colour}")
        if referral.status != ReferralStatus.CLOSED:
            add(referral.mother, referral.opened_at, f"referrals_open_{colour}")
    return {key: +counter for key, counter in counts.items() if +counter}


def stored_flows() -> dict[tuple, Counter]:
    rows = PosyanduDayRollup.objects.values("programme_id", "posyandu_id", "day", *MOTHER_FLOWS)
    stored = {
        (row["programme_id"], row["posyandu_id"], row["day"]): +Counter(
            {name: row[name] for name in MOTHER_FLOWS}
        )
        for row in rows
    }
    return {key: counter for key, counter in stored.items() if counter}


@pytest.fixture
def varied(field):
    """The hand-counted field and a mother whose events fall either side of local midnight
    (the UTC day differs from the local one), with a skipped, an early-done and a missed
    session, a massage outside any schedule and a closed red referral."""
    with disable_auditlog():
        late = f.delivered_mother(
            programme=field.world.programme,
            posyandu=field.world.kenanga,
            code="LATE",
            delivered_at=r.at("2026-11-26", 23, 30),
        )
        r.scheduled_session(late, day=1, slot=1, starts_at=r.at("2026-11-27", 0, 30))
        skipped = r.scheduled_session(late, day=1, slot=2, starts_at=r.at("2026-11-27", 6))
        ScheduledSession.objects.filter(pk=skipped.pk).update(
            skipped_at=r.at("2026-11-27", 7), skip_reason=SkipReason.values[0]
        )
        early = r.scheduled_session(late, day=3, slot=1, starts_at=r.at("2026-11-29", 23))
        r.massage(late, scheduled=early, started_at=r.at("2026-11-28", 23, 45))
        r.massage(late, started_at=r.at("2026-11-28", 0, 15))
        r.milk(late, measured_at=r.at("2026-11-27", 23, 59), value=35)
        r.milk(late, measured_at=r.at("2026-11-28", 0, 1), value=45, basis="single_expression")
        r.referral(
            late, severity="red", opened_at=r.at("2026-11-27", 23, 50), status=ReferralStatus.CLOSED
        )
        r.referral(late, severity="amber", opened_at=r.at("2026-11-28", 0, 10))
    return field


def test_a_rebuild_counts_the_day_flows_as_one_event_at_a_time_does(varied):
    rollups_rebuild(now=NOW)

    assert stored_flows() == counted_one_event_at_a_time(NOW)


def test_a_refresh_of_one_mother_counts_her_days_as_one_event_at_a_time_does(varied):
    rollups_rebuild(now=NOW)
    late = Mother.objects.get(code="LATE")
    with disable_auditlog():
        r.milk(late, measured_at=r.at("2026-11-28", 23, 55), value=60)
        MassageSession.objects.filter(mother=late, scheduled_session__isnull=True).delete()

    rollups_refresh_for_mother(mother=late, now=NOW)

    assert stored_flows() == counted_one_event_at_a_time(NOW)


def test_refreshing_a_mother_on_a_training_day_keeps_the_cadres_trained_that_day(field):
    """A refresh of some days reads only the cadres with a post-test or a certified training on
    one of them; the cadres first trained on such a day still count there."""
    rollups_rebuild(now=NOW)
    m1 = field.mothers["M1"]
    with disable_auditlog():
        r.massage(m1, started_at=r.at("2026-11-10", 9))  # the day of the Wedi training

    rollups_refresh_for_mother(mother=m1, now=NOW)

    assert _training_day_counts(field) == (3, 1)
    _assert_a_rebuild_changes_no_day_row()


def test_a_training_day_a_mother_leaves_keeps_its_cadres_and_loses_her_flows(field):
    """When a refresh leaves a day without any mother's row, the day row keeps the cadres trained
    that day with no mother's flow left, as a rebuild counts it (decision 0260)."""
    m1 = field.mothers["M1"]
    with disable_auditlog():
        massage = r.massage(m1, started_at=r.at("2026-11-10", 9))  # the day of the Wedi training
    rollups_rebuild(now=NOW)
    with disable_auditlog():
        MassageSession.objects.filter(pk=massage.pk).delete()

    rollups_refresh_for_mother(mother=m1, now=NOW)

    assert _training_day_counts(field) == (3, 0)
    _assert_a_rebuild_changes_no_day_row()


def _training_day_counts(field) -> tuple[int, int]:
    """(cadres trained, massages recorded) on the day of the Wedi training at Mawar."""
    row = PosyanduDayRollup.objects.get(
        programme=field.world.programme, posyandu=field.world.mawar, day=dt.date(2026, 11, 10)
    )
    return row.cadres_trained, row.massages_recorded


def _assert_a_rebuild_changes_no_day_row() -> None:
    refreshed = r.snapshot(PosyanduDayRollup)
    rollups_rebuild(now=NOW)
    assert refreshed == r.snapshot(PosyanduDayRollup)
