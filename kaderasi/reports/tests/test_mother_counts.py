"""The mother counts per posyandu kept by the database (decision 0190) equal counting the mother
rollup rows, whatever wrote them; and every mother number of a dashboard, read from those counts
and the recent deliveries, equals the number of rows of the list it links to (one condition per
mother row), for every role and at times either side of the puerperium's end."""

import datetime as dt

import pytest

from kaderasi.reports.dashboard_scope import DashboardFilters, Granularity, MotherList
from kaderasi.reports.dashboards import dashboard_for, mother_rollups_for
from kaderasi.reports.models import MotherRollup, PosyanduMotherCounts
from kaderasi.reports.mother_counts import COLUMNS
from kaderasi.reports.rollups import rollups_rebuild, rollups_refresh_for_mother
from kaderasi.reports.tests import factories as r
from kaderasi.reports.tests.conftest import NOW
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db

NOVEMBER = DashboardFilters(
    starts_on=dt.date(2026, 11, 1), ends_on=dt.date(2026, 11, 30), granularity=Granularity.WEEK
)
# The number of the dashboard behind each list (`Dashboard.mothers` keys).
NUMBERS = {
    MotherList.ALL: "total",
    MotherList.PREGNANT: "pregnant",
    MotherList.POSTPARTUM: "postpartum",
    MotherList.ENDED: "ended",
    MotherList.UNKNOWN: "unknown",
    MotherList.ACCOMPANIED: "accompanied",
    MotherList.UNACCOMPANIED: "unaccompanied",
    MotherList.BELOW_REFERENCE: "below_reference",
    MotherList.NOT_COMPARABLE: "not_comparable",
    MotherList.MISSED_SESSIONS: "missed_sessions",
    MotherList.OPEN_REFERRALS: "with_open_referral",
}


def counted_from_rows() -> dict:
    """The counts per (programme, posyandu, path), one mother row at a time, in Python."""
    counts: dict = {}
    for row in MotherRollup.objects.all():
        key = (row.programme_id, row.posyandu_id, row.area_path)
        entry = counts.setdefault(key, dict.fromkeys(COLUMNS, 0))
        entry["mothers"] += 1
        entry["pregnant"] += row.has_pregnancy and row.delivered_at is None
        entry["without_pregnancy"] += not row.has_pregnancy
        entry["delivered"] += row.delivered_at is not None
        entry["with_open_referral"] += row.open_red_referrals > 0 or row.open_amber_referrals > 0
        entry["certification_overrides"] += row.certification_overrides
    return counts


def kept() -> dict:
    """The kept counts, without the rows left at zero by mothers gone since."""
    return {
        (row.programme_id, row.posyandu_id, row.area_path): {c: getattr(row, c) for c in COLUMNS}
        for row in PosyanduMotherCounts.objects.all()
        if any(getattr(row, c) for c in COLUMNS)
    }


def test_a_rebuild_leaves_the_counts_of_its_rows(field):
    rollups_rebuild(now=NOW)

    assert kept() == counted_from_rows()
    mawar = PosyanduMotherCounts.objects.get(posyandu=field.world.mawar)
    # M1 postpartum, M2 pregnant, M3 ended, M6 no pregnancy; open referral: M1 only.
    assert (mawar.mothers, mawar.pregnant, mawar.without_pregnancy, mawar.delivered) == (4, 1, 1, 2)
    assert mawar.with_open_referral == 1


def test_the_counts_follow_refreshes_moves_updates_and_deletions(field):
    rollups_rebuild(now=NOW)
    m2, m6 = field.mothers["M2"], field.mothers["M6"]

    f.DeliveryFactory(pregnancy=m2.pregnancies.get(), delivered_at=NOW - dt.timedelta(hours=3))
    rollups_refresh_for_mother(mother=m2, now=NOW)
    assert kept() == counted_from_rows()

    m6.posyandu = field.world.kenanga
    m6.save()
    rollups_refresh_for_mother(mother=m6, now=NOW)
    assert kept() == counted_from_rows()

    MotherRollup.objects.filter(mother=field.mothers["M4"]).update(certification_overrides=2)
    assert kept() == counted_from_rows()

    field.mothers["M3"].delete()
    assert kept() == counted_from_rows()
    rollups_rebuild(now=NOW)
    assert kept() == counted_from_rows()


@pytest.mark.parametrize(
    "now",
    [
        NOW,
        # M3 delivered on 1 Sep 10:00: her puerperium ends 13 Oct 10:00 (42 days).
        r.at("2026-10-13", 10),
        r.at("2026-10-13", 10) + dt.timedelta(seconds=1),
        # before M1 (27 Nov 10:00) delivered: she counts as delivered, in no stage yet.
        r.at("2026-11-26", 12),
    ],
)
def test_every_mother_number_is_the_size_of_its_list(
    field, references, admin_user, district_officer, coordinator, midwife, now
):
    f.delivered_mother(  # delivered exactly 42 days before the second time
        programme=field.world.programme,
        posyandu=field.world.mawar,
        code="M7",
        delivered_at=r.at("2026-10-13", 10) - dt.timedelta(days=42),
    )
    rollups_rebuild(now=now)

    for user in (admin_user, district_officer, coordinator, midwife):
        board = dashboard_for(user, NOVEMBER, now=now, references=references)
        for which, number in NUMBERS.items():
            listed = mother_rollups_for(user, NOVEMBER, which, now=now, references=references)
            assert board.mothers[number] == listed.count(), (user.username, which)
