"""Who may see and do what in training: coordinators (and admins) manage the trainings of the
programmes they see, midwives and the district office read, cadres take their own tests. A
training outside a person's area is not found; a denied change leaves everything as it was."""

import datetime as dt

import pytest
from django.urls import reverse

from kaderasi.accounts.models import Role
from kaderasi.conftest import WIB
from kaderasi.tests import factories as f
from kaderasi.training.models import Participant, Training
from kaderasi.training.tests.answering import english_url

pytestmark = pytest.mark.django_db

READ_PAGES = ["training-detail", "training-summary", "training-skills", "training-certificates"]
MANAGE_PAGES = ["training-edit", "training-participants", "test-paper"]


@pytest.fixture
def sleman_coordinator(world):
    user = f.UserFactory(role=Role.COORDINATOR, areas=[world.sleman])
    world.other_programme.team.add(user)
    return user


@pytest.mark.parametrize("page", READ_PAGES)
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin_user", 200),
        ("coordinator", 200),
        ("midwife", 200),
        ("district_officer", 200),
        ("cadre_user", 403),
        ("sleman_coordinator", 404),
    ],
)
def test_reading_a_trainings_pages(request, client, training, page, persona, status):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse(f"training:{page}", args=[training.public_id]))
    assert response.status_code == status


@pytest.mark.parametrize("page", MANAGE_PAGES)
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin_user", 200),
        ("coordinator", 200),
        ("midwife", 403),
        ("district_officer", 403),
        ("cadre_user", 403),
        ("sleman_coordinator", 404),
    ],
)
def test_managing_a_training(request, client, training, page, persona, status):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse(f"training:{page}", args=[training.public_id]))
    assert response.status_code == status


def test_a_coordinator_creates_a_training_for_her_programme(client, world, coordinator, content):
    client.force_login(coordinator)
    response = client.post(
        reverse("training:training-create", args=[world.programme.slug]),
        {
            "title": "Penyegaran kader",
            "starts_at": "2026-12-05T08:00",
            "ends_at": "2026-12-05T12:00",
            "venue": "Puskesmas Wedi",
            "trainers": [coordinator.pk],
            "questionnaire": content.questionnaire.pk,
            "skill_checklist": content.checklist.pk,
            "booklet": content.booklet.pk,
        },
    )
    training = Training.objects.get()
    assert response.url == reverse("training:training-participants", args=[training.public_id])
    assert training.starts_at == dt.datetime(2026, 12, 5, 8, 0, tzinfo=WIB)
    assert list(training.trainers.all()) == [coordinator]


def test_a_training_that_ends_before_it_starts_is_refused_on_the_end_field(
    client, world, coordinator, content
):
    client.force_login(coordinator)
    response = client.post(
        english_url("training:training-create", world.programme.slug),
        {
            "title": "Penyegaran kader",
            "starts_at": "2026-12-05T12:00",
            "ends_at": "2026-12-05T08:00",
            "questionnaire": content.questionnaire.pk,
            "skill_checklist": content.checklist.pk,
        },
    )
    assert response.context["form"].errors["ends_at"] == ["The training must end after it starts."]
    assert not Training.objects.exists()


def test_a_coordinator_cannot_create_a_training_in_another_programme(
    client, world, sleman_coordinator, content
):
    client.force_login(sleman_coordinator)
    response = client.post(
        reverse("training:training-create", args=[world.programme.slug]), {"title": "x"}
    )
    assert response.status_code == 404
    assert not Training.objects.exists()


def test_a_midwife_cannot_change_invitations(client, training, midwife, wati):
    client.force_login(midwife)
    response = client.post(
        reverse("training:training-participants", args=[training.public_id]),
        {f"c_{wati.public_id.hex}": ""},
    )
    assert response.status_code == 403
    assert Participant.objects.filter(training=training).count() == 2


def test_invitations_and_attendance_are_saved_for_the_whole_list(
    client, training, coordinator, wati, rina
):
    client.force_login(coordinator)
    client.post(
        reverse("training:training-participants", args=[training.public_id]),
        {f"c_{wati.public_id.hex}": "absent", f"c_{rina.public_id.hex}": ""},
    )
    assert dict(training.participants.values_list("cadre__code", "attendance")) == {"K01": "absent"}


def test_the_programme_page_links_to_its_trainings_and_certification(client, training, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("programme-detail", args=[training.programme.slug])).content.decode()
    assert reverse("training:training-detail", args=[training.public_id]) in page
    assert reverse("training:programme-certification", args=[training.programme.slug]) in page
    assert reverse("training:training-create", args=[training.programme.slug]) in page


def test_the_cadres_home_page_leads_to_her_open_test_and_her_certificate(
    client, training, cadre_user, now
):
    from kaderasi.training import services

    services.training_test_open(training=training, phase="pre", now=now)
    client.force_login(cadre_user)
    page = client.get(reverse("home")).content.decode()
    assert reverse("training:test-start", args=[training.public_id, "pre"]) in page
    assert reverse("training:my-training") in page


def test_the_trainers_pages_render_for_a_training_with_records(
    client, training, coordinator, wati, now
):
    from kaderasi.training import services
    from kaderasi.training.tests.answering import marks

    services.answer_sheets_record(
        training=training,
        phase="pre",
        sheets={wati: marks(training.questionnaire)},
        by=None,
        now=now,
    )
    client.force_login(coordinator)
    for name, args in [
        ("training:answer-sheets", [training.public_id, "pre"]),
        ("training:total-scores", [training.public_id, "post"]),
        ("training:skill-assess", [training.public_id, wati.public_id, 1]),
        ("training:my-training", None),
        ("training:materials", []),
    ]:
        response = client.get(reverse(name, args=args))
        expected = 403 if name == "training:my-training" else 200
        assert response.status_code == expected, name
