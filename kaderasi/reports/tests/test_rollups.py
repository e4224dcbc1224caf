"""Rollups: hand-counted rows, and incremental refreshes that end exactly where a rebuild does."""

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.context import disable_auditlog
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaderasi.care.models import Mother, Pairing, PairingEndReason, ReferralStatus
from kaderasi.care.services import pairing_end
from kaderasi.reports.models import (
    CadreRollup,
    KnowledgeRollup,
    MotherRollup,
    PosyanduDayRollup,
    RollupState,
)
from kaderasi.reports.rollups import (
    rollups_rebuild,
    rollups_refresh_due,
    rollups_refresh_for_cadre,
    rollups_refresh_for_mother,
)
from kaderasi.reports.tests import factories as r
from kaderasi.reports.tests.conftest import NOW
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db

TABLES = [MotherRollup, CadreRollup, PosyanduDayRollup, KnowledgeRollup]


def all_rows() -> dict:
    return {model.__name__: r.snapshot(model) for model in TABLES}


def test_a_rebuild_counts_each_mother_by_hand(field):
    rollups_rebuild(now=NOW)

    m1 = r.mother_rollup(field.mothers["M1"])
    # Adherence as care.scheduling counts it: due = done + missed; day 3's first session, in its
    # open window at NOW, counts against no one (it used to count as due here only).
    assert (m1.sessions_due, m1.sessions_done, m1.sessions_missed) == (4, 2, 2)
    assert m1.first_window_on == dt.date(2026, 11, 27)
    assert m1.last_window_on == dt.date(2026, 11, 29)
    assert m1.next_change_at == r.at("2026-11-29", 11)
    assert m1.cadre_id == field.cadres["KM1"].pk
    assert (m1.has_open_pairing, m1.accompanied) == (True, True)
    assert (m1.latest_24h_ml, m1.latest_24h_day) == (Decimal(20), 2)
    assert (m1.open_red_referrals, m1.open_amber_referrals) == (1, 0)
    assert m1.oldest_open_referral_at == r.at("2026-11-28", 10)
    assert m1.area_path == field.world.mawar.path
    assert m1.village_id == field.world.pandes.pk
    assert m1.district_id == field.world.wedi.pk

    m3 = r.mother_rollup(field.mothers["M3"])
    assert (m3.has_open_pairing, m3.accompanied) == (False, True)
    assert (m3.milk_volumes, m3.milk_volumes_24h, m3.latest_24h_ml) == (1, 0, None)
    assert (m3.open_red_referrals, m3.open_amber_referrals) == (0, 0)

    m2 = r.mother_rollup(field.mothers["M2"])
    assert (m2.has_pregnancy, m2.delivered_at, m2.accompanied) == (True, None, False)
    m6 = r.mother_rollup(field.mothers["M6"])
    assert m6.has_pregnancy is False


def test_a_rebuild_counts_each_cadre_by_hand(field):
    rollups_rebuild(now=NOW)

    km2 = CadreRollup.objects.get(cadre=field.cadres["KM2"])
    assert km2.certified_from == dt.date(2025, 1, 1)
    assert km2.certified_until == dt.date(2027, 1, 1)
    assert km2.refresher_due_on == dt.date(2026, 10, 1)
    assert km2.trained_on == dt.date(2026, 11, 10)
    assert km2.active_clients == 0
    km3 = CadreRollup.objects.get(cadre=field.cadres["KM3"])
    assert (km3.certified_from, km3.trained_on) == (None, dt.date(2026, 11, 10))
    km1 = CadreRollup.objects.get(cadre=field.cadres["KM1"])
    assert km1.active_clients == 1


def test_day_rows_count_sessions_on_the_day_their_window_opens(field):
    rollups_rebuild(now=NOW)

    mawar = {
        row.day: row
        for row in PosyanduDayRollup.objects.filter(
            programme=field.world.programme, posyandu=field.world.mawar
        )
    }
    assert (
        mawar[dt.date(2026, 11, 27)].sessions_due,
        mawar[dt.date(2026, 11, 27)].sessions_done,
    ) == (2, 1)
    assert mawar[dt.date(2026, 11, 27)].sessions_missed == 1
    assert mawar[dt.date(2026, 11, 27)].deliveries == 1
    # Day 3's first session is inside its open window at NOW: neither due nor missed yet, as
    # care.scheduling.adherence counts it, so that day has no row at all.
    assert dt.date(2026, 11, 29) not in mawar
    assert mawar[dt.date(2026, 11, 28)].referrals_open_red == 1
    assert mawar[dt.date(2026, 9, 2)].referrals_opened_amber == 1
    assert mawar[dt.date(2026, 9, 2)].referrals_open_amber == 0
    assert mawar[dt.date(2026, 11, 10)].cadres_trained == 3
    assert mawar[dt.date(2025, 1, 1)].certificates_issued == 1


def test_knowledge_rows_sum_the_cadres_who_took_both_tests(field):
    rollups_rebuild(now=NOW)

    mawar = KnowledgeRollup.objects.get(training=field.training, posyandu=field.world.mawar)
    assert (mawar.pairs, mawar.pre_sum, mawar.post_sum) == (2, Decimal(110), Decimal(170))
    kenanga = KnowledgeRollup.objects.get(training=field.training, posyandu=field.world.kenanga)
    assert (kenanga.pairs, kenanga.pre_sum, kenanga.post_sum) == (1, Decimal(40), Decimal(100))


def _change_the_field(field):
    """A day of changes: a measurement, a new mother, a move, a closed referral, an ended pairing,
    a session done late, a new certificate, a deleted mother."""
    world, mothers, cadres = field.world, field.mothers, field.cadres
    r.milk(mothers["M4"], measured_at=r.at("2026-11-28", 12), value=60)
    newcomer = f.delivered_mother(
        programme=world.programme,
        posyandu=world.kenanga,
        code="M7",
        delivered_at=r.at("2026-11-28", 22),
    )
    mothers["M6"].posyandu = world.kenanga
    mothers["M6"].save()
    referral = mothers["M4"].referrals.get()
    referral.status = ReferralStatus.CLOSED
    referral.acknowledged_at = r.at("2026-11-28", 8)
    referral.closed_at = r.at("2026-11-28", 9)
    referral.outcome = "seen_by_midwife"
    referral.save()
    pairing_end(
        pairing=Pairing.objects.get(mother=mothers["M1"]),
        ends_at=r.at("2026-11-29", 8),
        reason=PairingEndReason.REASSIGNED,
    )
    late = mothers["M1"].scheduled_sessions.get(postpartum_day=2, slot=2)
    r.massage(mothers["M1"], scheduled=late, started_at=r.at("2026-11-28", 19))
    f.CertificateFactory(cadre=cadres["KM3"], issued_on=dt.date(2026, 11, 20))
    mothers["M2"].delete()
    return newcomer


def test_refreshing_each_changed_person_ends_where_a_rebuild_does(field):
    rollups_rebuild(now=NOW)
    newcomer = _change_the_field(field)

    for key in ("M1", "M4", "M6"):
        rollups_refresh_for_mother(mother=field.mothers[key], now=NOW)
    rollups_refresh_for_mother(mother=newcomer, now=NOW)
    rollups_refresh_for_cadre(cadre=field.cadres["KM3"], now=NOW)
    rollups_refresh_due(now=NOW)  # the deleted mother is known only from the audit log
    incremental = all_rows()
    rollups_rebuild(now=NOW)

    assert incremental == all_rows()
    assert MotherRollup.objects.filter(mother=newcomer).exists()


def test_the_periodic_refresh_alone_finds_every_change(field):
    rollups_rebuild(now=NOW)
    _change_the_field(field)

    summary = rollups_refresh_due(now=NOW)
    incremental = all_rows()
    rollups_rebuild(now=NOW)

    assert summary.skipped is False
    assert incremental == all_rows()


def test_the_periodic_refresh_follows_the_clock(field):
    rollups_rebuild(now=NOW)
    later = r.at("2026-11-29", 12)

    rollups_refresh_due(now=later)

    m1 = r.mother_rollup(field.mothers["M1"])
    assert (m1.sessions_due, m1.sessions_missed) == (5, 3)
    assert m1.next_change_at == r.at("2026-11-29", 17)
    rows_later = all_rows()
    rollups_rebuild(now=later)
    assert rows_later == all_rows()


def test_a_mother_not_yet_counted_is_picked_up_by_the_periodic_refresh(field):
    rollups_rebuild(now=NOW)
    MotherRollup.objects.filter(mother=field.mothers["M4"]).delete()

    rollups_refresh_due(now=NOW)

    assert MotherRollup.objects.filter(mother=field.mothers["M4"]).exists()


def test_the_first_periodic_refresh_rebuilds(field):
    summary = rollups_refresh_due(now=NOW)

    assert summary.rebuilt is True
    assert MotherRollup.objects.count() == 6
    assert RollupState.objects.get().last_run_at == NOW


def test_a_run_held_by_another_worker_is_skipped_and_changes_nothing(field):
    rollups_rebuild(now=NOW)
    RollupState.objects.update(run_started_at=NOW - dt.timedelta(minutes=5))
    r.milk(field.mothers["M4"], measured_at=r.at("2026-11-28", 12), value=60)
    before = all_rows()

    summary = rollups_refresh_due(now=NOW)

    assert summary.skipped is True
    assert all_rows() == before


def test_a_run_that_died_long_ago_does_not_block_the_next(field):
    rollups_rebuild(now=NOW)
    RollupState.objects.update(run_started_at=NOW - dt.timedelta(hours=2))

    summary = rollups_refresh_due(now=NOW)

    assert summary.skipped is False
    assert RollupState.objects.get().run_started_at is None


def test_a_deleted_mother_leaves_the_day_counts_at_the_next_refresh(field):
    rollups_rebuild(now=NOW)
    kenanga = {"programme": field.world.programme, "posyandu": field.world.kenanga}
    assert PosyanduDayRollup.objects.filter(**kenanga, deliveries=1).count() == 1

    field.mothers["M4"].delete()  # e.g. erased at her request (UU PDP)
    rollups_refresh_due(now=NOW)

    assert PosyanduDayRollup.objects.filter(**kenanga, deliveries__gt=0).count() == 0
    incremental = all_rows()
    rollups_rebuild(now=NOW)
    assert incremental == all_rows()


def test_a_cadre_certified_from_a_training_without_a_test_counts_as_trained_that_day(field):
    # A certificate names the training she took part in, even when no test of hers is recorded
    # (issued by hand): she is trained, never "not trained yet · certified".
    cadre = f.CadreFactory(programme=field.world.programme, posyandu=field.world.mawar)
    f.CertificateFactory(cadre=cadre, training=field.training)

    rollups_rebuild(now=NOW)

    assert CadreRollup.objects.get(cadre=cadre).trained_on == dt.date(2026, 11, 10)
    trained_that_day = PosyanduDayRollup.objects.get(
        programme=field.world.programme, posyandu=field.world.mawar, day=dt.date(2026, 11, 10)
    ).cadres_trained
    assert trained_that_day == 4  # KM1, KM2, KM3 by their post-tests, and her


def test_a_certificate_naming_no_training_does_not_make_a_cadre_trained(field):
    cadre = f.CadreFactory(programme=field.world.programme, posyandu=field.world.mawar)
    f.CertificateFactory(cadre=cadre)

    rollups_rebuild(now=NOW)

    assert CadreRollup.objects.get(cadre=cadre).trained_on is None


def test_a_cadres_row_follows_her_certificates_and_only_her_finished_post_tests(field):
    """The rules of her row over certificates and post-tests read as plain values (decision
    0320): a revoked certificate is her last, one still to start is her next change, a post-test
    still being answered on an earlier training does not make her trained earlier, and a
    pre-test alone makes no knowledge pair."""
    world = field.world
    cadre = f.CadreFactory(programme=world.programme, posyandu=world.mawar)
    f.CertificateFactory(
        cadre=cadre,
        issued_on=dt.date(2025, 1, 1),
        expires_on=dt.date(2027, 1, 1),
        revoked_on=dt.date(2026, 6, 1),
        refresher_due_on=dt.date(2026, 3, 1),
    )
    f.CertificateFactory(
        cadre=cadre, issued_on=dt.date(2026, 12, 15), expires_on=dt.date(2028, 12, 15)
    )
    earlier = f.TrainingFactory(
        programme=world.programme, starts_at=r.at("2026-11-01", 8), ends_at=r.at("2026-11-01", 13)
    )
    f.TestAttemptFactory(training=earlier, cadre=cadre, phase="pre", score=Decimal(30))
    f.TestAttemptFactory(
        training=earlier, cadre=cadre, phase="post", status="in_progress", score=None
    )
    f.TestAttemptFactory(training=field.training, cadre=cadre, phase="post", score=Decimal(65))

    rollups_rebuild(now=NOW)

    row = CadreRollup.objects.get(cadre=cadre)
    assert (row.certified_from, row.certified_until, row.refresher_due_on) == (
        dt.date(2025, 1, 1),
        dt.date(2026, 6, 1),
        dt.date(2026, 3, 1),
    )
    assert row.next_change_at == r.at("2026-12-15", 0)
    assert row.trained_on == dt.date(2026, 11, 10)
    assert row.counted_days == ["2025-01-01", "2026-11-01", "2026-11-10", "2026-12-15"]
    assert not KnowledgeRollup.objects.filter(training=earlier).exists()
    mawar = KnowledgeRollup.objects.get(training=field.training, posyandu=world.mawar)
    assert (mawar.pairs, mawar.pre_sum, mawar.post_sum) == (2, Decimal(110), Decimal(170))
    rebuilt = all_rows()
    rollups_refresh_for_cadre(cadre=cadre, now=NOW)
    assert all_rows() == rebuilt


def _changes_only_known_from_her_stored_days(field):
    """Changes whose old day no current row shows: a volume deleted, a volume moved to another
    day, a session cancelled, a referral opened on a day she had nothing else on."""
    m1, m4 = field.mothers["M1"], field.mothers["M4"]
    m4.measurements.filter(kind="milk_volume").delete()
    moved = m1.measurements.filter(kind="milk_volume").first()
    moved.measured_at = r.at("2026-11-21", 10)
    moved.save()
    first = m1.scheduled_sessions.order_by("window_starts_at").first()
    first.cancelled_at = r.at("2026-11-28", 6)
    first.save()
    r.referral(m4, severity="red", opened_at=r.at("2026-11-15", 10))
    for day, value in (("2026-11-16", 35), ("2026-11-18", 80)):
        r.milk(field.mothers["M6"], measured_at=r.at(day, 7), value=value)


def test_refreshing_a_mother_recomputes_the_days_she_counted_on_before_and_after(field):
    rollups_rebuild(now=NOW)
    _changes_only_known_from_her_stored_days(field)

    for key in ("M1", "M4", "M6"):
        rollups_refresh_for_mother(mother=field.mothers[key], now=NOW)
    incremental = all_rows()
    rollups_rebuild(now=NOW)

    assert incremental == all_rows()


def test_refreshing_a_mother_leaves_the_other_days_of_her_posyandu_alone(field):
    rollups_rebuild(now=NOW)
    m4 = field.mothers["M4"]
    her_days = {dt.date.fromisoformat(day) for day in r.mother_rollup(m4).counted_days}
    kenanga = PosyanduDayRollup.objects.filter(posyandu=field.world.kenanga)
    other_days = kenanga.exclude(day__in=her_days)
    assert other_days.exists()
    PosyanduDayRollup.objects.update(refreshed_at=NOW - dt.timedelta(days=1))

    later = NOW + dt.timedelta(minutes=5)
    rollups_refresh_for_mother(mother=m4, now=later)

    assert set(kenanga.filter(refreshed_at=later).values_list("day", flat=True)) <= her_days
    assert not other_days.filter(refreshed_at=later).exists()
    assert set(r.mother_rollup(m4).counted_days) >= {"2026-11-26"}  # her referral's day


def _queries_to_refresh(mother) -> int:
    with CaptureQueriesContext(connection) as queries:
        rollups_refresh_for_mother(mother=mother, now=NOW)
    return len(queries)


def _neighbours_on_her_days(field, count: int, *, first: int = 0) -> None:
    """Mothers of M1's posyandu, paired with her cadre, with sessions, massages, volumes and
    referrals on the days she counts on."""
    for index in range(first, first + count):
        neighbour = f.delivered_mother(
            programme=field.world.programme,
            posyandu=field.world.mawar,
            code=f"X{index}",
            delivered_at=r.at("2026-11-26", 20),
        )
        f.PairingFactory(
            mother=neighbour, cadre=field.cadres["KM1"], starts_at=r.at("2026-11-27", 8)
        )
        session = r.scheduled_session(neighbour, day=2, slot=1, starts_at=r.at("2026-11-28", 6))
        r.massage(neighbour, scheduled=session, started_at=r.at("2026-11-28", 7))
        r.milk(neighbour, measured_at=r.at("2026-11-28", 8), value=20)
        r.referral(neighbour, severity="red", opened_at=r.at("2026-11-28", 10))


def test_refreshing_one_mother_costs_the_same_queries_among_fifty_as_among_five(field):
    """A refresh reads her rows, her days' rows and her cadres' counts by her ids and days: a
    fixed, small number of queries, none of them growing with her posyandu (decision 0185)."""
    with disable_auditlog():
        _neighbours_on_her_days(field, 1)  # Mawar: M1, M2, M3, M6 and one more
    rollups_rebuild(now=NOW)
    among_five = _queries_to_refresh(field.mothers["M1"])
    with disable_auditlog():
        _neighbours_on_her_days(field, 45, first=1)
    rollups_rebuild(now=NOW)

    among_fifty = _queries_to_refresh(field.mothers["M1"])

    assert Mother.objects.filter(posyandu=field.world.mawar).count() == 50
    assert among_fifty == among_five <= 20
