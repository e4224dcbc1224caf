"""Programmes: who sees which, the headline numbers of a viewer's scope, the protocol's defaults
and the constraints that keep a protocol possible."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from kaderasi.cadres.models import Cadre
from kaderasi.care.models import Mother
from kaderasi.programmes.models import Programme, StudyDesign
from kaderasi.programmes.selectors import programmes_visible_to
from kaderasi.programmes.summaries import programme_summaries
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_new_programme_has_the_papers_protocol(world):
    programme = Programme.objects.create(
        slug="klaten-2027", name="Klaten 2027", area=world.klaten, starts_on=dt.date(2027, 1, 1)
    )

    programme.refresh_from_db()
    assert (
        programme.sessions_per_day,
        programme.session_minutes_min,
        programme.session_minutes_max,
        programme.protocol_days,
        programme.start_postpartum_day,
        programme.max_active_clients_per_cadre,
        programme.antenatal_start_week,
        programme.first_massage_min_hours,
        programme.first_massage_after_postnatal_check,
        programme.design,
    ) == (2, 10, 15, 3, 1, 1, 36, 6, True, StudyDesign.SINGLE_GROUP)
    assert [visit["code"] for visit in programme.postnatal_visits] == ["KF2", "KN2"]
    assert programme.first_massage_timing_source.startswith("Proposal (issue 19)")


def test_an_admin_sees_every_programme(admin_user, world):
    assert set(programmes_visible_to(admin_user)) == {world.programme, world.other_programme}


def test_a_midwife_sees_the_district_programme_that_covers_her_village(midwife, world):
    assert list(programmes_visible_to(midwife)) == [world.programme]


def test_a_district_officer_sees_the_programmes_inside_her_regency(district_officer, world):
    assert list(programmes_visible_to(district_officer)) == [world.programme]


def test_a_coordinator_also_sees_her_teams_programme_outside_her_areas(coordinator, world):
    assert list(programmes_visible_to(coordinator)) == [world.programme]

    world.other_programme.team.add(coordinator)

    assert set(programmes_visible_to(coordinator)) == {world.programme, world.other_programme}
    assert programmes_visible_to(coordinator).count() == 2


def test_a_cadre_sees_the_programmes_of_her_rows_and_no_other(cadre_user, world):
    assert list(programmes_visible_to(cadre_user)) == [world.programme]

    f.CadreFactory(
        programme=world.other_programme,
        posyandu=world.sakura,
        code="KS1",
        same_person_as=cadre_user.cadre,
    )

    assert set(programmes_visible_to(cadre_user)) == {world.programme, world.other_programme}


def test_an_anonymous_visitor_sees_no_programme(world):
    assert list(programmes_visible_to(AnonymousUser())) == []


@pytest.fixture
def counted(world):
    """In wedi-2026: K01 (Mawar) pre 40 post 80, K02 (Kenanga) pre 60 post 100; mothers M1
    (Mawar, paired with K01), M2 (Mawar), M3 (Kenanga). In sleman-2026: nothing."""
    programme = world.programme
    k01 = f.CadreFactory(programme=programme, posyandu=world.mawar, code="K01")
    k02 = f.CadreFactory(programme=programme, posyandu=world.kenanga, code="K02")
    training = f.TrainingFactory(programme=programme)
    for cadre, pre, post in ((k01, 40, 80), (k02, 60, 100)):
        f.TestAttemptFactory(training=training, cadre=cadre, phase="pre", score=Decimal(pre))
        f.TestAttemptFactory(training=training, cadre=cadre, phase="post", score=Decimal(post))
    m1 = f.delivered_mother(programme=programme, posyandu=world.mawar, code="M1")
    f.PairingFactory(mother=m1, cadre=k01)
    f.MotherFactory(programme=programme, posyandu=world.mawar, code="M2")
    f.MotherFactory(programme=programme, posyandu=world.kenanga, code="M3")
    return world


def test_the_summary_counts_every_cadre_and_mother_the_viewer_may_see(counted):
    (sleman, wedi) = programme_summaries(
        Programme.objects.filter(slug__in=["wedi-2026", "sleman-2026"]).order_by("slug"),
        cadres=Cadre.objects.all(),
        mothers=Mother.objects.all(),
    )

    assert sleman.programme.slug == "sleman-2026"
    assert (sleman.cadres, sleman.mothers, sleman.mothers_paired) == (0, 0, 0)
    assert (sleman.knowledge_pre_mean, sleman.knowledge_post_mean) == (None, None)
    assert wedi.programme.slug == "wedi-2026"
    assert (wedi.cadres, wedi.mothers, wedi.mothers_paired) == (2, 3, 1)
    assert (wedi.knowledge_pre_mean, wedi.knowledge_post_mean) == (50.0, 90.0)


def test_the_summary_reveals_no_row_outside_the_viewers_scope(counted):
    (wedi,) = programme_summaries(
        Programme.objects.filter(slug="wedi-2026"),
        cadres=Cadre.objects.filter(posyandu=counted.mawar),
        mothers=Mother.objects.filter(posyandu=counted.mawar),
    )

    assert (wedi.cadres, wedi.mothers, wedi.mothers_paired) == (1, 2, 1)
    assert (wedi.knowledge_pre_mean, wedi.knowledge_post_mean) == (40.0, 80.0)


def test_the_summary_takes_two_queries_however_many_programmes(counted, django_assert_num_queries):
    for number in range(5):
        f.ProgrammeFactory(slug=f"extra-{number}", area=counted.wedi)

    with django_assert_num_queries(2):
        summaries = programme_summaries(
            Programme.objects.all(), cadres=Cadre.objects.all(), mothers=Mother.objects.all()
        )
        assert len(summaries) == 7


@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        ({"ends_on": dt.date(2025, 12, 31)}, "programme_ends_after_it_starts"),
        ({"sessions_per_day": 0}, "programme_sessions_per_day_1_to_6"),
        ({"sessions_per_day": 7}, "programme_sessions_per_day_1_to_6"),
        ({"session_minutes_min": 0}, "programme_session_minutes_ordered"),
        ({"session_minutes_min": 16}, "programme_session_minutes_ordered"),
        ({"session_minutes_max": 121}, "programme_session_minutes_ordered"),
        ({"protocol_days": 0}, "programme_protocol_days_1_to_42"),
        ({"protocol_days": 43}, "programme_protocol_days_1_to_42"),
        ({"start_postpartum_day": 0}, "programme_start_day_1_to_42"),
        ({"start_postpartum_day": 43}, "programme_start_day_1_to_42"),
        ({"max_active_clients_per_cadre": 0}, "programme_cadre_cap_at_least_one"),
        ({"antenatal_start_week": 19}, "programme_antenatal_week_20_to_42"),
        ({"antenatal_start_week": 43}, "programme_antenatal_week_20_to_42"),
        ({"design": "crossover"}, "programme_design_is_known"),
        ({"first_massage_min_hours": 73}, "programme_first_massage_within_72_hours"),
    ],
)
def test_the_database_refuses_a_protocol_that_cannot_be_run(world, values, constraint):
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        Programme.objects.filter(pk=world.programme.pk).update(**values)

    assert constraint in str(error.value)
    world.programme.refresh_from_db()
    assert world.programme.sessions_per_day == 2
    assert world.programme.ends_on is None


@pytest.mark.parametrize(
    ("values", "boundary"),
    [
        ({"ends_on": dt.date(2026, 1, 1)}, "ends the day it starts"),
        ({"sessions_per_day": 6, "protocol_days": 42, "start_postpartum_day": 42}, "upper"),
        ({"session_minutes_min": 15, "session_minutes_max": 15}, "equal minutes"),
        ({"antenatal_start_week": 20, "first_massage_min_hours": 72}, "lower week, 72 h"),
    ],
)
def test_a_protocol_at_its_limits_is_accepted(world, values, boundary):
    updated = Programme.objects.filter(pk=world.programme.pk).update(**values)

    assert updated == 1, boundary


def test_a_programme_ending_before_it_starts_is_explained_in_words(world):
    programme = world.programme
    programme.ends_on = dt.date(2025, 6, 30)

    with translation.override("en"), pytest.raises(ValidationError) as error:
        programme.validate_constraints()

    assert error.value.messages == ["The programme cannot end before it starts."]
