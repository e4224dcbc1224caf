"""The mothers' rollup statements are compiled by the ORM once per number of mothers and given
each refresh's ids and moments as parameters (decision 0260): the statement and parameters a
refresh runs are exactly those compiling it again would give, for any mothers and moments."""

import datetime as dt

import pytest

from kaderasi.reports.models import MotherRollup
from kaderasi.reports.mother_day_rollup_sql import mother_day_rollups_sql
from kaderasi.reports.mother_rollup_sql import _template, compiled_once, mother_rollups_sql
from kaderasi.reports.rollups import rollups_rebuild, rollups_refresh_for_mother
from kaderasi.reports.tests.conftest import NOW

pytestmark = pytest.mark.django_db

LATER = NOW + dt.timedelta(days=3, hours=5, microseconds=17)
CREATED = dt.datetime(2026, 12, 1, 2, 3, 4, 5678, tzinfo=dt.UTC)


@pytest.mark.parametrize("mother_ids", [[41], [7, 3, 12], None])
@pytest.mark.parametrize("now", [NOW, LATER])
def test_the_mother_rows_statement_is_the_one_compiled_for_these_mothers(mother_ids, now):
    expected = mother_rollups_sql(mother_ids=mother_ids, now=now, created=CREATED)

    # Compiled for other mothers and moments first, so that the statement comes from the cache.
    compiled_once(
        mother_rollups_sql,
        mother_ids=None if mother_ids is None else [900 + i for i in range(len(mother_ids))],
        now=now - dt.timedelta(days=40),
        created=CREATED - dt.timedelta(seconds=1),
    )
    given = compiled_once(mother_rollups_sql, mother_ids=mother_ids, now=now, created=CREATED)

    assert given == expected


@pytest.mark.parametrize("mother_ids", [[41], [7, 3, 12], None])
@pytest.mark.parametrize("now", [NOW, LATER])
def test_the_day_rows_statement_is_the_one_compiled_for_these_mothers(mother_ids, now):
    expected = mother_day_rollups_sql(mother_ids=mother_ids, now=now)

    compiled_once(
        mother_day_rollups_sql,
        mother_ids=None if mother_ids is None else [900 + i for i in range(len(mother_ids))],
        now=now + dt.timedelta(hours=1),
    )
    given = compiled_once(mother_day_rollups_sql, mother_ids=mother_ids, now=now)

    assert given == expected


def test_a_refresh_of_another_mother_compiles_nothing_again(field):
    rollups_rebuild(now=NOW)
    rollups_refresh_for_mother(mother=field.mothers["M1"], now=NOW)
    compiled = _template.cache_info().misses

    rollups_refresh_for_mother(mother=field.mothers["M4"], now=LATER)

    assert _template.cache_info().misses == compiled
    assert MotherRollup.objects.get(mother=field.mothers["M4"]).refreshed_at == LATER
