"""The day flows per district and per village kept by the database (decisions 0226, 0300) equal
summing the posyandu day rows, whatever wrote them (a rebuild, a refresh, a move, raw inserts,
updates and deletes in any order, a TRUNCATE); the migration's fill sums the rows already there;
and a dashboard that reads them shows exactly the figures it shows from the day rows."""

import dataclasses
import datetime as dt

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as strategy

from kaderasi.reports import dashboards, district_days
from kaderasi.reports.dashboard_scope import DashboardFilters, Granularity
from kaderasi.reports.district_days import SUMMARIES
from kaderasi.reports.models import (
    DAY_FLOWS,
    DistrictDayFlows,
    PosyanduDayRollup,
    VillageDayFlows,
)
from kaderasi.reports.rollups import rollups_rebuild, rollups_refresh_for_mother
from kaderasi.reports.tests.conftest import NOW
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db

AUTUMN = DashboardFilters(
    starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2026, 12, 6), granularity=Granularity.WEEK
)


@pytest.fixture(params=SUMMARIES, ids=lambda summary: summary.model.__name__)
def summary(request) -> district_days.DayFlowsSummary:
    return request.param


def summed_from_rows(summary: district_days.DayFlowsSummary) -> dict:
    """The flows per (programme, day, path cut at the summary's depth) and the area columns, one
    day row at a time, in Python."""
    sums: dict = {}
    for row in PosyanduDayRollup.objects.all():
        cut = "/".join(row.area_path.split("/")[: summary.depth + 1]) + "/"
        entry = sums.setdefault((row.programme_id, row.day, cut), dict.fromkeys(DAY_FLOWS, 0))
        entry.update({column: getattr(row, column) for column in summary.areas})
        for name in DAY_FLOWS:
            entry[name] += getattr(row, name)
    return {key: value for key, value in sums.items() if any(value[n] for n in DAY_FLOWS)}


def kept(summary: district_days.DayFlowsSummary) -> dict:
    """The kept sums, without the rows left at zero by day rows gone since."""
    return {
        (row.programme_id, row.day, row.area_path): {
            **{column: getattr(row, column) for column in summary.areas},
            **{name: getattr(row, name) for name in DAY_FLOWS},
        }
        for row in summary.model.objects.all()
        if any(getattr(row, name) for name in DAY_FLOWS)
    }


def test_a_rebuild_leaves_the_sums_of_its_day_rows(field, summary):
    rollups_rebuild(now=NOW)

    assert kept(summary) == summed_from_rows(summary) != {}


def test_a_row_is_keyed_by_its_district_or_village_path(field):
    rollups_rebuild(now=NOW)
    world = field.world

    wedi = DistrictDayFlows.objects.filter(district=world.wedi)
    assert wedi.exists()
    assert {row.area_path for row in wedi} == {world.wedi.path}
    pandes = VillageDayFlows.objects.filter(village=world.pandes)
    assert pandes.exists()
    paths = {(row.area_path, row.district_id) for row in pandes}
    assert paths == {(world.pandes.path, world.wedi.pk)}


def test_the_sums_follow_refreshes_moves_and_deletions(field, summary):
    rollups_rebuild(now=NOW)
    m2, m6 = field.mothers["M2"], field.mothers["M6"]

    f.DeliveryFactory(pregnancy=m2.pregnancies.get(), delivered_at=NOW - dt.timedelta(hours=3))
    rollups_refresh_for_mother(mother=m2, now=NOW)
    assert kept(summary) == summed_from_rows(summary)

    m6.posyandu = field.world.kenanga
    m6.save()
    rollups_refresh_for_mother(mother=m6, now=NOW)
    assert kept(summary) == summed_from_rows(summary)

    PosyanduDayRollup.objects.filter(posyandu=field.world.mawar).update(sessions_done=7)
    assert kept(summary) == summed_from_rows(summary)

    field.mothers["M3"].delete()
    rollups_refresh_for_mother(mother=field.mothers["M1"], now=NOW)
    assert kept(summary) == summed_from_rows(summary)
    rollups_rebuild(now=NOW)
    assert kept(summary) == summed_from_rows(summary)


def test_the_migration_sums_the_day_rows_already_there(field, summary):
    rollups_rebuild(now=NOW)
    editor = _Statements()
    summary.remove(editor)
    summary.model.objects.all().delete()
    PosyanduDayRollup.objects.filter(posyandu=field.world.kenanga).delete()
    assert not summary.model.objects.exists()

    summary.install(editor)

    assert kept(summary) == summed_from_rows(summary) != {}
    PosyanduDayRollup.objects.filter(posyandu=field.world.mawar).delete()  # triggers back
    assert kept(summary) == summed_from_rows(summary)


class _Statements:
    """What the migration's functions use of a schema editor, inside the test's transaction
    (SQLite's schema editor cannot be opened in one)."""

    connection = connection

    def execute(self, sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_a_truncate_of_the_day_rows_empties_the_sums(field, summary):
    rollups_rebuild(now=NOW)
    assert summary.model.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending
        cursor.execute(f"TRUNCATE {district_days.SOURCE}")
    assert not summary.model.objects.exists()


DAYS = [dt.date(2026, 11, 1) + dt.timedelta(days=n) for n in range(3)]
flows = strategy.fixed_dictionaries(
    {name: strategy.integers(min_value=0, max_value=5) for name in DAY_FLOWS}
)
steps = strategy.lists(
    strategy.tuples(
        strategy.sampled_from(["insert", "update", "delete", "bulk_delete", "bulk_insert"]),
        strategy.integers(min_value=0, max_value=2),  # posyandu
        strategy.sampled_from(DAYS),
        flows,
    ),
    max_size=12,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=steps)
def test_any_sequence_of_writes_keeps_the_sums(world, steps):
    posyandus = [world.mawar, world.kenanga, world.sakura]
    programmes = [world.programme, world.programme, world.other_programme]
    with transaction.atomic():
        for action, which, day, values in steps:
            posyandu, programme = posyandus[which], programmes[which]
            rows = PosyanduDayRollup.objects.filter(posyandu=posyandu, programme=programme)
            if action in ("insert", "bulk_insert"):
                days = [day] if action == "insert" else DAYS
                rows.filter(day__in=days).delete()
                PosyanduDayRollup.objects.bulk_create(
                    [_day_row(posyandu, programme, d, values) for d in days]
                )
            elif action == "update":
                rows.filter(day=day).update(**values)
            elif action == "delete":
                rows.filter(day=day).delete()
            else:
                rows.delete()
            for summary in SUMMARIES:
                assert kept(summary) == summed_from_rows(summary), (summary, action, which, day)
        transaction.set_rollback(True)


def _day_row(posyandu, programme, day, values) -> PosyanduDayRollup:
    ancestors, area = {}, posyandu
    while area is not None:
        ancestors[area.level] = area
        area = area.parent
    return PosyanduDayRollup(
        programme=programme,
        posyandu=posyandu,
        village=ancestors.get("village"),
        district=ancestors.get("district"),
        regency=ancestors.get("regency"),
        province=ancestors.get("province"),
        area_path=posyandu.path,
        day=day,
        refreshed_at=NOW,
        **values,
    )


def test_the_pages_above_the_posyandu_read_the_kept_sums_with_the_same_figures(
    field, references, admin_user, district_officer, coordinator, midwife, monkeypatch
):
    rollups_rebuild(now=NOW)
    users = (admin_user, district_officer, coordinator, midwife)
    filters = [
        AUTUMN,
        dataclasses.replace(AUTUMN, granularity=Granularity.MONTH),
        dataclasses.replace(AUTUMN, area=field.world.klaten),
        dataclasses.replace(AUTUMN, area=field.world.wedi),
        dataclasses.replace(AUTUMN, programme=field.world.programme),
    ]
    summed = {}
    for user in users:
        for index, chosen in enumerate(filters):
            summed[user.username, index] = dashboards.dashboard_for(
                user, chosen, now=NOW, references=references
            )
    # The administrator and the district office read the district sums on their own pages, the
    # coordinator (a table by village) the village sums; a table by posyandu the day rows.
    source = district_days.period_source
    assert source(admin_user, AUTUMN, "province") is DistrictDayFlows
    assert source(district_officer, AUTUMN, "district") is DistrictDayFlows
    assert source(coordinator, AUTUMN, "village") is VillageDayFlows
    assert source(admin_user, dataclasses.replace(AUTUMN, area=field.world.pandes), None) is (
        VillageDayFlows
    )
    assert source(midwife, AUTUMN, "posyandu") is None
    assert source(admin_user, dataclasses.replace(AUTUMN, area=field.world.mawar), None) is None

    monkeypatch.setattr(district_days, "period_source", lambda *args: None)
    for (username, index), board in summed.items():
        chosen = filters[index]
        user = next(u for u in users if u.username == username)
        from_day_rows = dashboards.dashboard_for(user, chosen, now=NOW, references=references)
        assert board.period == from_day_rows.period, username
        assert board.trend == from_day_rows.trend, username
        assert board.breakdown == from_day_rows.breakdown, username
    assert summed["ani-admin", 0].period["sessions_due"] > 0


def test_the_sums_have_exactly_the_day_flows_with_the_day_rows_labels(summary):
    """The summary declares its flows again (integers that the triggers add and subtract): they
    are exactly `DAY_FLOWS`, under the day rows' own labels, so a flow added to the day rows and
    to `DAY_FLOWS` cannot be left out of the summary or named differently on its admin page."""
    flows = {
        field.name: str(field.verbose_name)
        for field in summary.model._meta.concrete_fields
        if field.attname not in {"id", "programme_id", "day", "area_path", *summary.areas}
    }
    assert set(flows) == set(DAY_FLOWS)
    for name, label in flows.items():
        assert label == str(PosyanduDayRollup._meta.get_field(name).verbose_name), name
