"""A cadre who takes part in several programmes has a row in each, and one login acts for all of
them (decision 0030): her training pages show her tests, results and certificates of every
programme, and she takes a test as her row in that training's programme."""

import datetime as dt

import pytest
from django.urls import reverse

from kaderasi.core import clock
from kaderasi.tests import factories as f
from kaderasi.training import services
from kaderasi.training.models import Attendance, TestAttempt, TestPhase

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_programme(world):
    return f.ProgrammeFactory(slug="wedi-2027", area=world.wedi)


@pytest.fixture
def wati_2027(second_programme, world, wati):
    """Wati's row in the second programme; her login is on her first row."""
    return f.CadreFactory(
        programme=second_programme, posyandu=world.mawar, code="K07", same_person_as=wati
    )


@pytest.fixture
def refresher(second_programme, content, wati_2027):
    """A training of the second programme with its post-test open for Wati's row there."""
    starts_at = clock.now() - dt.timedelta(days=2)
    training = services.training_create(
        programme=second_programme,
        title="Penyegaran kader 2027",
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=2),
        questionnaire=content.questionnaire,
    )
    services.participants_record(training=training, attendance={wati_2027: Attendance.PRESENT})
    return services.training_test_open(training=training, phase=TestPhase.POST, now=clock.now())


@pytest.fixture
def expired_here_valid_there(wati, wati_2027):
    """Her first programme's certificate has expired; her second programme's is valid."""
    today = clock.today()
    expired = services.certificate_issue(
        cadre=wati,
        issued_on=today - dt.timedelta(days=3 * 365),
        reason="Certified by the district's 2023 training",
    )
    valid = services.certificate_issue(
        cadre=wati_2027,
        issued_on=today - dt.timedelta(days=30),
        reason="Certified by the district's 2026 refresher",
    )
    return expired, valid


def test_her_home_page_offers_the_test_of_her_other_programmes_training(
    client, cadre_user, refresher
):
    client.force_login(cadre_user)
    page = client.get(reverse("home")).content.decode()
    assert reverse("training:test-start", args=[refresher.public_id, "post"]) in page


def test_she_starts_the_test_of_her_other_programme_as_her_row_there(
    client, cadre_user, refresher, wati_2027
):
    client.force_login(cadre_user)
    response = client.post(reverse("training:test-start", args=[refresher.public_id, "post"]))
    attempt = TestAttempt.objects.get()
    assert attempt.cadre == wati_2027
    assert response.url == reverse("training:test-question", args=[attempt.public_id, 1])
    assert client.get(response.url).status_code == 200


def test_her_training_page_lists_the_open_test_of_each_programme(
    client, cadre_user, refresher, training, now
):
    services.training_test_open(training=training, phase=TestPhase.PRE, now=now)
    client.force_login(cadre_user)
    open_tests = client.get(reverse("training:my-training")).context["open_tests"]
    assert {(test.training, test.phase) for test in open_tests} == {
        (training, TestPhase.PRE),
        (refresher, TestPhase.POST),
    }


def test_her_home_page_shows_her_valid_certificate_first_not_only_her_logins_expired_one(
    client, cadre_user, expired_here_valid_there
):
    client.force_login(cadre_user)
    page = client.get(reverse("home")).content.decode()
    assert page.index('data-certification="valid"') < page.index('data-certification="expired"')


def test_her_training_page_lists_every_programmes_certificate_the_valid_one_first(
    client, cadre_user, expired_here_valid_there
):
    expired, valid = expired_here_valid_there
    client.force_login(cadre_user)
    certificates = client.get(reverse("training:my-training")).context["certificates"]
    assert [(held.certificate, held.status) for held in certificates] == [
        (valid, "valid"),
        (expired, "expired"),
    ]


def test_her_results_include_her_tests_in_every_programme(
    client, cadre_user, refresher, training, wati, wati_2027, now
):
    services.total_scores_record(
        training=training, phase=TestPhase.POST, scores={wati: 80}, by=None, now=now
    )
    attempt = services.test_attempt_start(
        training=refresher, cadre=wati_2027, phase=TestPhase.POST, now=now
    )
    services.test_attempt_submit(attempt=attempt, now=now)
    client.force_login(cadre_user)
    attempts = client.get(reverse("training:my-training")).context["attempts"]
    assert {a.training for a in attempts} == {training, refresher}
    result = client.get(reverse("training:test-result", args=[attempt.public_id]))
    assert result.status_code == 200


def test_another_cadre_does_not_see_her_rows(client, world, refresher, rina):
    client.force_login(rina.user)
    response = client.post(reverse("training:test-start", args=[refresher.public_id, "post"]))
    assert response.status_code == 404
    assert not TestAttempt.objects.exists()
