"""The mothers' rollup rows are computed by the database (one INSERT … SELECT, decision 0185);
here every stored row is compared, field by field, with the same mother computed in Python one
at a time from the one home of each rule (`care.phase_volumes`, `care.scheduling`,
`care.timing`), on a field of edge cases: both breasts measured separately in either order,
volumes taken at the same moment, a volume of both breasts before one of a single breast, 24-hour
volumes at the exact day boundary and before the birth, sessions done, done early, skipped,
cancelled, missed, due and upcoming, windows either side of local midnight (Asia/Jakarta), no
delivery, no pregnancy, a second pregnancy not yet delivered, ended and open pairings, open and
closed referrals."""

import datetime as dt

import pytest
from auditlog.context import disable_auditlog

from kaderasi.care.models import (
    Mother,
    Pairing,
    PairingEndReason,
    ReferralStatus,
    ScheduledSession,
)
from kaderasi.care.models.sessions import CancelReason, SkipReason
from kaderasi.reports.models import MotherRollup
from kaderasi.reports.rollup_rows import AreaColumns
from kaderasi.reports.rollups import rollups_rebuild, rollups_refresh_for_mother
from kaderasi.reports.tests import factories as r
from kaderasi.reports.tests.conftest import NOW
from kaderasi.reports.tests.mother_rows_by_person import mother_rollups
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db

NOT_COMPARED = {"id", "public_id", "created_at", "updated_at"}


def _values(row: MotherRollup) -> dict:
    return {
        field.attname: getattr(row, field.attname)
        for field in MotherRollup._meta.concrete_fields
        if field.attname not in NOT_COMPARED
    }


def computed_one_mother_at_a_time(now: dt.datetime) -> dict[int, dict]:
    ids = Mother.objects.values_list("pk", flat=True)
    return {
        row.mother_id: _values(row) for row in mother_rollups(ids, now=now, areas=AreaColumns())
    }


def stored_rows() -> dict[int, dict]:
    return {row.mother_id: _values(row) for row in MotherRollup.objects.all()}


@pytest.fixture
def edge_cases(field):
    """The hand-counted field and a mother for each edge of the rules."""
    world = field.world
    with disable_auditlog():

        def mother(code, delivered_at=None):
            return f.delivered_mother(
                programme=world.programme,
                posyandu=world.kenanga,
                code=code,
                delivered_at=delivered_at or r.at("2026-11-26", 23, 30),
            )

        both = mother("BOTH-SIDES")
        r.milk(both, measured_at=r.at("2026-11-27", 7), value=30, phase="before", side="left")
        r.milk(both, measured_at=r.at("2026-11-27", 7, 5), value=25.5, phase="before", side="right")
        r.milk(both, measured_at=r.at("2026-11-27", 8), value=40, phase="before", side="left")
        r.milk(both, measured_at=r.at("2026-11-29", 7), value=50, phase="after", side="right")
        r.milk(both, measured_at=r.at("2026-11-29", 7, 30), value=20, phase="after", side="right")
        r.milk(both, measured_at=r.at("2026-11-29", 8), value=45, phase="after", side="left")
        r.milk(both, measured_at=r.at("2026-11-27", 6), value=99, side="left")  # no phase

        one = mother("ONE-SIDE")
        r.milk(one, measured_at=r.at("2026-11-27", 7), value=30, phase="before", side="left")
        r.milk(one, measured_at=r.at("2026-11-27", 9), value=31, phase="before", side="left")
        r.milk(one, measured_at=r.at("2026-11-29", 7), value=90, phase="after", side="both")
        r.milk(one, measured_at=r.at("2026-11-29", 8), value=20, phase="after", side="left")

        same = mother("SAME-MINUTE")
        moment = r.at("2026-11-27", 23, 59)  # 16:59 UTC: the UTC and local days agree here
        r.milk(same, measured_at=moment, value=10, phase="before", side="left")
        r.milk(same, measured_at=moment, value=12, phase="before", side="right")
        r.milk(same, measured_at=moment, value=8, phase="before", side="left")
        later = r.at("2026-11-28", 0, 1)  # the next local day, still 27 Nov in UTC
        r.milk(same, measured_at=later, value=15, phase="after", side="right")
        r.milk(same, measured_at=later, value=70, phase="after", side="both")
        r.milk(same, measured_at=later, value=5, basis="24h_estimate")
        r.milk(same, measured_at=later, value=6, basis="24h_estimate")  # recorded last: latest

        boundary = mother("DAY-BOUNDARY", delivered_at=r.at("2026-11-26", 23, 30))
        r.milk(boundary, measured_at=r.at("2026-11-27", 23, 30), value=300)  # 24 h: day 2
        early = mother("JUST-BEFORE", delivered_at=r.at("2026-11-26", 23, 30))
        r.milk(early, measured_at=r.at("2026-11-27", 23, 29), value=250)  # day 1
        before_birth = mother("BEFORE-BIRTH", delivered_at=r.at("2026-11-26", 23, 30))
        r.milk(before_birth, measured_at=r.at("2026-11-26", 22), value=5)

        sessions = mother("SESSIONS")
        done = r.scheduled_session(sessions, day=1, slot=1, starts_at=r.at("2026-11-27", 0, 30))
        r.massage(sessions, scheduled=done, started_at=r.at("2026-11-27", 1))
        early_done = r.scheduled_session(sessions, day=1, slot=2, starts_at=r.at("2026-11-27", 13))
        r.massage(sessions, scheduled=early_done, started_at=r.at("2026-11-27", 11))
        skipped = r.scheduled_session(sessions, day=2, slot=1, starts_at=r.at("2026-11-28", 6))
        ScheduledSession.objects.filter(pk=skipped.pk).update(
            skipped_at=r.at("2026-11-28", 7), skip_reason=SkipReason.values[0]
        )
        cancelled = r.scheduled_session(sessions, day=2, slot=2, starts_at=r.at("2026-11-25", 13))
        ScheduledSession.objects.filter(pk=cancelled.pk).update(
            cancelled_at=r.at("2026-11-27", 9), cancel_reason=CancelReason.values[0]
        )
        r.scheduled_session(sessions, day=2, slot=3, starts_at=r.at("2026-11-28", 13))  # missed
        r.scheduled_session(sessions, day=3, slot=1, starts_at=r.at("2026-11-29", 8))  # due
        r.scheduled_session(sessions, day=3, slot=2, starts_at=r.at("2026-11-29", 10))  # upcoming
        r.massage(sessions, started_at=r.at("2026-11-28", 0, 15))  # outside any schedule

        pregnant = f.MotherFactory(programme=world.programme, posyandu=world.mawar, code="PREG")
        f.PregnancyFactory(mother=pregnant)
        r.milk(pregnant, measured_at=r.at("2026-11-20", 7), value=3)
        nothing = f.MotherFactory(programme=world.programme, posyandu=world.mawar, code="NONE")
        r.referral(nothing, severity="amber", opened_at=r.at("2026-11-20", 7))

        second = mother("SECOND-PREGNANCY", delivered_at=r.at("2025-01-10", 8))
        f.PregnancyFactory(mother=second)  # registered later, not delivered yet
        r.milk(second, measured_at=r.at("2026-11-20", 7), value=3)

        paired = mother("PAIRINGS")
        coordinator = f.UserFactory()
        km1, km2, km3 = (field.cadres[code] for code in ("KM1", "KM2", "KM3"))
        for cadre, starts, ends, reason, override in (
            (km3, r.at("2026-11-27", 8), r.at("2026-11-27", 9), PairingEndReason.OTHER, ""),
            (km2, r.at("2026-11-27", 9), r.at("2026-11-28", 9), PairingEndReason.COMPLETED, "x"),
            (km1, r.at("2026-11-28", 9), None, "", ""),
        ):
            Pairing.objects.create(
                mother=paired,
                cadre=cadre,
                starts_at=starts,
                ends_at=ends,
                end_reason=reason,
                certification_override_reason=override,
                certification_override_by=coordinator if override else None,
            )
        left = mother("LEFT-BEHIND")
        for cadre in (km3, km2):  # the same start: the later pairing (by id) is hers
            Pairing.objects.create(
                mother=left,
                cadre=cadre,
                starts_at=r.at("2026-11-27", 8),
                ends_at=r.at("2026-11-27", 9),
                end_reason=PairingEndReason.REASSIGNED,
            )

        referred = mother("REFERRALS")
        r.referral(referred, severity="red", opened_at=r.at("2026-11-27", 23, 50))
        r.referral(referred, severity="amber", opened_at=r.at("2026-11-28", 0, 10))
        r.referral(
            referred,
            severity="red",
            opened_at=r.at("2026-11-26", 10),
            status=ReferralStatus.CLOSED,
        )
    return field


def test_a_rebuild_stores_each_mother_as_the_python_rules_compute_her(edge_cases):
    rollups_rebuild(now=NOW)

    assert stored_rows() == computed_one_mother_at_a_time(NOW)


def test_the_edge_cases_are_the_ones_meant(edge_cases):
    """The field covers what it says: the rules' answers, written out by hand."""
    rollups_rebuild(now=NOW)
    row = {m.code: m.rollup for m in Mother.objects.select_related("rollup")}

    assert (row["BOTH-SIDES"].baseline_ml, row["BOTH-SIDES"].follow_up_ml) == (55.5, 95)
    assert (row["ONE-SIDE"].baseline_ml, row["ONE-SIDE"].follow_up_ml) == (30, 90)
    assert (row["SAME-MINUTE"].baseline_ml, row["SAME-MINUTE"].follow_up_ml) == (22, 15)
    assert row["SAME-MINUTE"].latest_24h_ml == 6
    # Delivered late on the 26th, volumes at 23:59 and 00:01 local: three local days.
    assert {"2026-11-26", "2026-11-27", "2026-11-28"} <= set(row["SAME-MINUTE"].counted_days)
    assert (row["DAY-BOUNDARY"].latest_24h_day, row["JUST-BEFORE"].latest_24h_day) == (2, 1)
    assert row["BEFORE-BIRTH"].latest_24h_day is None
    sessions = row["SESSIONS"]
    assert (sessions.sessions_due, sessions.sessions_done, sessions.sessions_missed) == (3, 2, 1)
    assert (sessions.first_window_on, sessions.last_window_on) == (
        dt.date(2026, 11, 27),
        dt.date(2026, 11, 29),
    )
    assert sessions.next_change_at == r.at("2026-11-29", 10)
    assert "2026-11-25" in sessions.counted_days  # the cancelled session's day
    assert (row["PREG"].has_pregnancy, row["PREG"].delivered_at) == (True, None)
    assert row["NONE"].has_pregnancy is False
    assert row["SECOND-PREGNANCY"].delivered_at is None
    paired = row["PAIRINGS"]
    assert (paired.cadre_id, paired.certification_overrides, paired.accompanied) == (
        edge_cases.cadres["KM1"].pk,
        1,
        True,
    )
    left = row["LEFT-BEHIND"]
    assert (left.cadre_id, left.has_open_pairing, left.accompanied) == (
        edge_cases.cadres["KM2"].pk,
        False,
        False,
    )
    referred = row["REFERRALS"]
    assert (referred.open_red_referrals, referred.open_amber_referrals) == (1, 1)
    assert referred.oldest_open_referral_at == r.at("2026-11-27", 23, 50)


@pytest.mark.parametrize("later", [dt.timedelta(0), dt.timedelta(hours=5), dt.timedelta(days=9)])
def test_a_rebuild_at_another_time_agrees_as_well(edge_cases, later):
    """Sessions change status with the clock alone: due, missed, upcoming at other moments."""
    rollups_rebuild(now=NOW + later)

    assert stored_rows() == computed_one_mother_at_a_time(NOW + later)


def test_a_refresh_of_one_mother_stores_her_as_the_python_rules_compute_her(edge_cases):
    rollups_rebuild(now=NOW)
    both = Mother.objects.get(code="BOTH-SIDES")
    with disable_auditlog():
        both.measurements.filter(phase="before", side="right").delete()
        r.milk(both, measured_at=r.at("2026-11-27", 6, 59), value=11, phase="before", side="both")

    rollups_refresh_for_mother(mother=both, now=NOW)

    assert stored_rows() == computed_one_mother_at_a_time(NOW)
    assert MotherRollup.objects.get(mother=both).baseline_ml == 11
