"""A planned session's status and a mother's adherence have one definition
(care/scheduling.py): the phone's pull, the mother's timeline and the dashboard rollups agree."""

import datetime as dt

import pytest
from django.template import Context, Template

from kaderasi.care.models import ScheduledSession
from kaderasi.care.scheduling import Adherence
from kaderasi.care.tests.factories import at, delivered, session
from kaderasi.care.timeline import mother_timeline
from kaderasi.core.numbers import share
from kaderasi.reports.models import MotherRollup
from kaderasi.reports.rollups import rollups_rebuild
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_mother(world, cadre_user, now):
    """Delivered on 27 November at 20:00; at `now` (29 November, 09:00) day 1's morning session
    was done, its afternoon one missed, day 2's morning window is open and the rest is to come."""
    mother = delivered(
        programme=world.programme,
        posyandu=world.mawar,
        delivered_at=at(27, 20),
        now=at(27, 21),
    )
    f.PairingFactory(mother=mother, cadre=cadre_user.cadre)
    first = ScheduledSession.objects.filter(mother=mother).order_by("window_starts_at").first()
    session(mother, first.window_starts_at + dt.timedelta(minutes=30), now=now)
    return mother


def test_the_pull_and_the_timeline_give_every_session_the_same_status(phone, client_mother, now):
    pulled = {row["id"]: row["status"] for row in phone.pull().json()["schedule"]}
    timeline = mother_timeline(client_mother, now=now)
    shown = {str(view.row.public_id): view.status.value for view in timeline.sessions}

    assert pulled == shown
    assert {"done", "missed", "due", "upcoming"} <= set(shown.values())


def test_the_rollup_counts_the_adherence_the_timeline_shows(client_mother, now):
    rollups_rebuild(now=now)
    rollup = MotherRollup.objects.get(mother=client_mother)
    adherence = mother_timeline(client_mother, now=now).adherence

    assert (rollup.sessions_done, rollup.sessions_due) == (adherence.done, adherence.due)
    assert rollup.sessions_missed == adherence.due - adherence.done


def test_the_village_list_and_the_dashboard_round_an_adherence_of_one_in_eight_alike():
    adherence = Adherence(done=1, due=8)
    dashboard = Template("{{ share|floatformat:0 }}").render(Context({"share": share(1, 8)}))

    assert adherence.percent == 13
    assert dashboard == "13"
