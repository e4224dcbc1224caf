"""The cadre's "Hari ini", and one login acting for the same person's cadre rows in several
programmes."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from kaderasi.cadres.selectors import cadres_of_login, cadres_visible_to
from kaderasi.care import services
from kaderasi.care.models import Pregnancy
from kaderasi.care.selectors import mothers_visible_to
from kaderasi.care.tests.factories import at, delivered, session
from kaderasi.care.today import clients_today
from kaderasi.core import clock
from kaderasi.programmes.selectors import programmes_visible_to
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db

NOW = at(10, 9)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def client_mother(world, cadre_user):
    mother = delivered(
        programme=world.programme,
        posyandu=world.mawar,
        delivered_at=at(8, 23, 30),
        now=NOW,
        name="Ny. Klien",
    )
    f.CertificateFactory(cadre=cadre_user.cadre)
    services.pairing_start(mother=mother, cadre=cadre_user.cadre, starts_at=at(9, 1))
    return mother


def test_her_day_shows_the_session_due_now_the_next_and_what_to_record(cadre_user, client_mother):
    session(client_mother, at(9, 7), now=NOW)
    (day,) = clients_today(cadre_user, now=NOW)
    assert day.postpartum_day == 2
    assert (day.current.row.postpartum_day, day.current.row.slot) == (2, 1)
    assert (day.next.row.postpartum_day, day.next.row.slot) == (2, 2)
    assert [v.status for v in day.sessions_today] == ["due", "upcoming"]
    assert (day.adherence.done, day.adherence.due) == (1, 2)
    assert [task.kind for task in day.tasks] == [
        "danger_signs",
        "feeds",
        "wet_nappies",
        "stools",
    ]


def test_before_any_massage_the_baseline_volume_is_due(cadre_user, client_mother):
    (day,) = clients_today(cadre_user, now=NOW)
    assert day.tasks[0].kind == "milk_volume"
    assert day.suggested_phase == "before"


def test_after_the_last_day_the_follow_up_volume_is_due(cadre_user, client_mother):
    session(client_mother, at(9, 7), now=NOW)
    (day,) = clients_today(cadre_user, now=at(12, 9))
    assert day.postpartum_day == 4
    assert day.protocol_over
    assert day.tasks[0].kind == "milk_volume"
    assert day.suggested_phase == "after"


def test_a_pregnant_client_from_36_weeks_gets_the_antenatal_education(world, cadre_user):
    mother = f.MotherFactory(programme=world.programme, posyandu=world.mawar)
    Pregnancy.objects.create(mother=mother, last_menstrual_period=dt.date(2026, 3, 1))
    f.CertificateFactory(cadre=cadre_user.cadre)
    services.pairing_start(mother=mother, cadre=cadre_user.cadre, starts_at=at(1, 8))
    (day,) = clients_today(cadre_user, now=NOW)
    assert (day.gestational_age.weeks, day.antenatal_education) == (36, True)


def test_the_home_page_offers_one_tap_to_start_the_session(client, cadre_user, client_mother):
    client.force_login(cadre_user)
    page = client.get("/").content.decode()
    assert f"/mothers/{client_mother.public_id}/session/" in page
    assert "Ny. Klien" in page


@pytest.fixture
def second_programme_row(world, cadre_user):
    """The same person, cadre in a second programme of the same village."""
    programme = f.ProgrammeFactory(slug="live", area=world.pandes)
    row = f.CadreFactory(
        programme=programme,
        posyandu=world.mawar,
        code="K01",
        name=cadre_user.cadre.name,
        same_person_as=cadre_user.cadre,
    )
    f.CertificateFactory(cadre=row)
    return row


def test_one_login_acts_for_her_rows_in_every_programme(
    world, cadre_user, second_programme_row, client_mother
):
    live_mother = delivered(
        programme=second_programme_row.programme,
        posyandu=world.mawar,
        delivered_at=at(9, 20),
        now=NOW,
        name="Ny. Live",
    )
    services.pairing_start(mother=live_mother, cadre=second_programme_row, starts_at=at(9, 21))
    assert set(cadres_of_login(cadre_user)) == {cadre_user.cadre, second_programme_row}
    assert set(cadres_visible_to(cadre_user)) == {cadre_user.cadre, second_programme_row}
    assert set(mothers_visible_to(cadre_user)) == {client_mother, live_mother}
    assert set(programmes_visible_to(cadre_user)) == {
        world.programme,
        second_programme_row.programme,
    }
    assert {day.mother.name for day in clients_today(cadre_user, now=NOW)} == {
        "Ny. Klien",
        "Ny. Live",
    }


def test_a_cadre_row_holds_a_login_or_points_at_the_row_that_does_not_both(
    world, cadre_user, second_programme_row
):
    with pytest.raises(IntegrityError), transaction.atomic():
        second_programme_row.user = f.UserFactory()
        second_programme_row.save()


def test_a_person_has_one_row_per_programme(world, cadre_user, second_programme_row):
    with pytest.raises(IntegrityError), transaction.atomic():
        f.CadreFactory(
            programme=second_programme_row.programme,
            posyandu=world.mawar,
            same_person_as=cadre_user.cadre,
        )


def test_a_session_given_her_row_of_another_programme_is_attributed_to_the_paired_row(
    world, cadre_user, second_programme_row
):
    live_mother = delivered(
        programme=second_programme_row.programme,
        posyandu=world.mawar,
        delivered_at=at(9, 20),
        now=NOW,
    )
    services.pairing_start(mother=live_mother, cadre=second_programme_row, starts_at=at(9, 21))
    done = session(live_mother, at(10, 7), now=NOW, cadre=cadre_user.cadre, by=cadre_user)
    assert done.cadre == second_programme_row
