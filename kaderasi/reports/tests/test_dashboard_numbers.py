"""Dashboard numbers against the hand-counted field (see conftest.py), per role."""

import datetime as dt

import pytest

from kaderasi.reports.dashboards import (
    CadreList,
    DashboardFilters,
    Granularity,
    MotherList,
    cadre_rollups_for,
    dashboard_for,
    mother_rollups_for,
)
from kaderasi.reports.rollups import rollups_rebuild
from kaderasi.reports.tests.conftest import NOW

pytestmark = pytest.mark.django_db

NOVEMBER = DashboardFilters(
    starts_on=dt.date(2026, 11, 1), ends_on=dt.date(2026, 11, 30), granularity=Granularity.WEEK
)


@pytest.fixture
def counted(field):
    rollups_rebuild(now=NOW)
    return field


def numbers(user, references, filters=NOVEMBER):
    return dashboard_for(user, filters, now=NOW, references=references)


def test_the_midwife_counts_only_her_village(counted, midwife, references):
    board = numbers(midwife, references)

    assert board.mothers["total"] == 4  # M1, M2, M3, M6 — never M4 (Canan) or M5 (Sleman)
    assert (board.mothers["pregnant"], board.mothers["postpartum"]) == (1, 1)
    assert (board.mothers["ended"], board.mothers["unknown"]) == (1, 1)
    assert (board.mothers["accompanied"], board.mothers["unaccompanied"]) == (1, 0)
    assert (board.mothers["below_reference"], board.mothers["compared"]) == (1, 1)
    assert board.mothers["missed_sessions"] == 1
    # Due = done + missed (care.scheduling.adherence): M1's session in its open window at NOW
    # counts against no one.
    assert (board.period["sessions_due"], board.period["sessions_done"]) == (4, 2)
    assert board.adherence == 50.0
    assert (board.open_red, board.open_amber) == (1, 0)
    assert board.cadres == {
        "total": 3,
        "trained": 3,
        "certified": 2,
        "expiring": 1,
        "not_certified": 1,
    }


def test_the_coordinator_counts_her_district_and_her_programme(counted, coordinator, references):
    board = numbers(coordinator, references)

    assert board.mothers["total"] == 5  # M1–M4, M6
    assert (board.mothers["postpartum"], board.mothers["accompanied"]) == (2, 1)
    assert board.coverage == 50.0
    assert (board.mothers["compared"], board.mothers["below_reference"]) == (2, 1)
    # Due = done + missed (care.scheduling.adherence): M1's session in its open window at NOW
    # counts against no one.
    assert (board.period["sessions_due"], board.period["sessions_done"]) == (6, 4)
    assert (board.open_red, board.open_amber) == (1, 1)
    assert board.oldest_age_days("amber") == 3  # opened 26 Nov, today 29 Nov
    assert board.cadres["certified"] == 3
    assert [(k.training_title, k.pairs, k.pre_mean, k.post_mean) for k in board.knowledge] == [
        ("Pelatihan pijat oksitosin", 3, 50.0, 90.0)
    ]


def test_the_district_office_counts_its_regency_only(counted, district_officer, references):
    board = numbers(district_officer, references)

    assert board.mothers["total"] == 5
    assert board.period["deliveries"] == 2  # M1 27 Nov, M4 25 Nov; M3 in September is outside
    assert board.breakdown_level == "district"
    assert [(row.area.name, row.mothers, row.open_referrals) for row in board.breakdown] == [
        ("Kecamatan Wedi", 5, 2)
    ]


def test_the_admin_counts_everyone(counted, admin_user, references):
    board = numbers(admin_user, references)

    assert board.mothers["total"] == 6
    assert board.mothers["below_reference"] == 2  # M1 and M5
    assert board.open_red == 2
    assert board.breakdown_level == "province"
    assert {row.area.name for row in board.breakdown} == {"Jawa Tengah", "DI Yogyakarta"}


def test_a_cadre_has_no_numbers(counted, cadre_user, references):
    board = numbers(cadre_user, references)

    assert board.mothers["total"] == 0
    assert board.cadres["total"] == 0


def test_an_area_filter_narrows_but_never_widens_the_scope(counted, world, midwife, references):
    wider = DashboardFilters(
        starts_on=NOVEMBER.starts_on, ends_on=NOVEMBER.ends_on, area=world.klaten
    )
    other_village = DashboardFilters(
        starts_on=NOVEMBER.starts_on, ends_on=NOVEMBER.ends_on, area=world.canan
    )

    assert numbers(midwife, references, wider).mothers["total"] == 4
    assert numbers(midwife, references, other_village).mothers["total"] == 0


def test_the_period_bounds_the_flows(counted, coordinator, references):
    first_days = DashboardFilters(starts_on=dt.date(2026, 11, 25), ends_on=dt.date(2026, 11, 27))

    board = numbers(coordinator, references, first_days)

    assert (board.period["sessions_due"], board.period["sessions_done"]) == (4, 3)
    assert board.period["referrals_opened_amber"] == 1


def test_the_trend_has_every_week_of_the_period(counted, coordinator, references):
    board = numbers(coordinator, references)

    assert [bucket.starts_on for bucket in board.trend] == [
        dt.date(2026, 10, 26),
        dt.date(2026, 11, 2),
        dt.date(2026, 11, 9),
        dt.date(2026, 11, 16),
        dt.date(2026, 11, 23),
    ]
    last = board.trend[-1]
    # Due = done + missed (care.scheduling.adherence): M1's session in its open window at NOW
    # counts against no one.
    assert (last.sessions_due, last.sessions_done, last.deliveries) == (6, 4, 2)


def test_months_group_the_trend_by_calendar_month(counted, coordinator, references):
    months = DashboardFilters(
        starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2026, 11, 30), granularity="month"
    )

    board = numbers(coordinator, references, months)

    assert [bucket.starts_on.month for bucket in board.trend] == [9, 10, 11]
    assert [bucket.deliveries for bucket in board.trend] == [1, 0, 2]


def test_without_reference_ranges_nothing_is_called_below(counted, admin_user):
    board = numbers(admin_user, [])

    assert board.mothers["below_reference"] == 0
    assert board.mothers["not_comparable"] == 3  # M1, M4, M5 have volumes; none can be judged


@pytest.mark.parametrize(
    ("which", "expected"),
    [
        (MotherList.ALL, {"M1", "M2", "M3", "M6"}),
        (MotherList.POSTPARTUM, {"M1"}),
        (MotherList.BELOW_REFERENCE, {"M1"}),
        (MotherList.OPEN_REFERRALS, {"M1"}),
        (MotherList.SESSIONS_IN_PERIOD, {"M1"}),
    ],
)
def test_each_mother_number_has_its_list_for_the_midwife(
    counted, midwife, references, which, expected
):
    rows = mother_rollups_for(midwife, NOVEMBER, which, now=NOW, references=references)

    assert {row.mother.code for row in rows} == expected


def test_the_list_behind_a_number_has_as_many_rows_as_the_number(counted, coordinator, references):
    board = numbers(coordinator, references)

    for which, number in [
        (MotherList.UNACCOMPANIED, board.mothers["unaccompanied"]),
        (MotherList.PREGNANT, board.mothers["pregnant"]),
        (MotherList.MISSED_SESSIONS, board.mothers["missed_sessions"]),
        (MotherList.NOT_COMPARABLE, board.mothers["not_comparable"]),
    ]:
        listed = mother_rollups_for(coordinator, NOVEMBER, which, now=NOW, references=references)
        assert listed.count() == number, which
    for which in (CadreList.CERTIFIED, CadreList.EXPIRING, CadreList.TRAINED):
        listed = cadre_rollups_for(coordinator, NOVEMBER, which, today=NOW.date())
        assert listed.count() == board.cadres[which], which


def test_a_coordinator_on_a_large_team_is_counted_once_per_mother(
    counted, coordinator, references, world
):
    from kaderasi.tests import factories as f

    for name in ("rina", "tono", "yuli"):
        world.programme.team.add(f.UserFactory(username=name, role="coordinator"))

    assert numbers(coordinator, references).mothers["total"] == 5
