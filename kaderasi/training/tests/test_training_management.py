"""A trainer manages a training from its page: edits its details (the knowledge test and the
skill checklist are kept once cadres were tested with them), opens and closes the pre-test and
the post-test, and removes the uploaded video."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from kaderasi.core.errors import DomainError
from kaderasi.training import services
from kaderasi.training.errors import TrainingErrorCode
from kaderasi.training.models import AttemptStatus, TestPhase, Training
from kaderasi.training.tests.answering import english_url, marks

pytestmark = pytest.mark.django_db


def flashed(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def edited(training, **changes) -> dict:
    """The edit form as the page posts it, with `changes`."""
    data = {
        "title": training.title,
        "starts_at": "2026-11-29T08:00",
        "ends_at": "2026-11-29T13:00",
        "venue": training.venue,
        "questionnaire": training.questionnaire.pk,
        "skill_checklist": training.skill_checklist.pk,
        "booklet": training.booklet.pk,
        "trainers": [trainer.pk for trainer in training.trainers.all()],
    }
    return {**data, **changes}


def test_a_coordinator_edits_a_training_and_returns_to_its_page(client, coordinator, training):
    client.force_login(coordinator)

    response = client.post(
        english_url("training:training-edit", training.public_id),
        edited(training, title="Pelatihan ulang", venue="Puskesmas Wedi"),
    )

    assert response.status_code == 302
    assert response["Location"] == english_url("training:training-detail", training.public_id)
    assert flashed(response) == ["Training saved."]
    training.refresh_from_db()
    assert (training.title, training.venue) == ("Pelatihan ulang", "Puskesmas Wedi")


def test_a_training_edited_to_end_before_it_starts_is_refused_on_its_end(
    client, coordinator, training
):
    client.force_login(coordinator)

    response = client.post(
        english_url("training:training-edit", training.public_id),
        edited(training, title="Pelatihan ulang", ends_at="2026-11-29T07:00"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["ends_at"] == ["The training must end after it starts."]
    training.refresh_from_db()
    assert training.title == "Pelatihan kader Wedi"


def test_a_training_created_to_end_before_it_starts_is_refused_and_not_created(
    client, coordinator, training
):
    client.force_login(coordinator)

    response = client.post(
        english_url("training:training-create", training.programme.slug),
        edited(training, title="Pelatihan kedua", ends_at="2026-11-29T08:00"),
    )

    assert response.context["form"].errors["ends_at"] == ["The training must end after it starts."]
    assert not Training.objects.filter(title="Pelatihan kedua").exists()


def test_the_knowledge_test_cannot_change_once_cadres_answered_it(training, wati, now):
    services.answer_sheets_record(
        training=training,
        phase=TestPhase.PRE,
        sheets={wati: marks(training.questionnaire)},
        by=None,
        now=now,
    )

    with translation.override("en"), pytest.raises(DomainError) as refused:
        services.training_update(
            training=training,
            title=training.title,
            starts_at=training.starts_at,
            ends_at=training.ends_at,
            questionnaire=None,
            skill_checklist=training.skill_checklist,
        )

    assert (refused.value.code, refused.value.field) == (
        TrainingErrorCode.CONTENT_IN_USE,
        "questionnaire",
    )
    assert str(refused.value.message) == (
        "Cadres have already answered this questionnaire; it cannot be changed."
    )
    training.refresh_from_db()
    assert training.questionnaire is not None


def test_the_skill_checklist_cannot_change_once_a_re_demonstration_was_scored(training, wati, now):
    services.skill_assessment_record(
        training=training,
        cadre=wati,
        attempt=1,
        results={step: (True, "") for step in training.skill_checklist.steps.all()},
        assessor=None,
        now=now,
    )

    with pytest.raises(DomainError) as refused:
        services.training_update(
            training=training,
            title="Pelatihan ulang",
            starts_at=training.starts_at,
            ends_at=training.ends_at,
            questionnaire=training.questionnaire,
            skill_checklist=None,
        )

    assert (refused.value.code, refused.value.field) == (
        TrainingErrorCode.CONTENT_IN_USE,
        "skill_checklist",
    )
    training.refresh_from_db()
    assert training.title == "Pelatihan kader Wedi"
    assert training.skill_checklist is not None


def switch(client, training, action: str):
    return client.post(
        english_url("training:training-test", training.public_id), {"action": action}
    )


def test_the_trainer_opens_the_pre_test_on_the_cadres_phones(client, coordinator, training):
    client.force_login(coordinator)

    response = switch(client, training, "open_pre")

    assert response["Location"] == english_url("training:training-detail", training.public_id)
    assert flashed(response) == [
        "Pre-test is open: invited cadres can take it on their phones now."
    ]
    training.refresh_from_db()
    assert training.open_test == TestPhase.PRE


def test_opening_the_post_test_collects_the_unfinished_pre_tests_first(
    client, coordinator, training, wati, now
):
    services.training_test_open(training=training, phase=TestPhase.PRE, now=now)
    attempt = services.test_attempt_start(
        training=training, cadre=wati, phase=TestPhase.PRE, now=now
    )
    client.force_login(coordinator)

    switch(client, training, "open_post")

    attempt.refresh_from_db()
    training.refresh_from_db()
    assert (attempt.status, attempt.score) == (AttemptStatus.COMPLETED, 0)
    assert training.open_test == TestPhase.POST


def test_closing_the_test_says_how_many_unfinished_tests_were_collected(
    client, coordinator, training, wati, rina, now
):
    services.training_test_open(training=training, phase=TestPhase.POST, now=now)
    for cadre in (wati, rina):
        services.test_attempt_start(training=training, cadre=cadre, phase=TestPhase.POST, now=now)
    client.force_login(coordinator)

    response = switch(client, training, "close")

    assert flashed(response) == ["Test closed; 2 unfinished test(s) were collected and scored."]
    training.refresh_from_db()
    assert training.open_test == ""


def test_closing_when_no_test_is_open_collects_nothing(training, now):
    assert services.training_test_close(training=training, now=now) == []


def test_an_unknown_test_action_is_refused_and_nothing_opens(client, coordinator, training):
    client.force_login(coordinator)

    response = switch(client, training, "open_everything")

    assert flashed(response) == ["Choose which test to open or close."]
    training.refresh_from_db()
    assert training.open_test == ""


def test_a_test_cannot_be_opened_before_the_training_has_a_knowledge_test(
    client, coordinator, training
):
    Training.objects.filter(pk=training.pk).update(questionnaire=None)
    client.force_login(coordinator)

    response = switch(client, training, "open_pre")

    assert flashed(response) == ["Choose the training's knowledge test first."]
    training.refresh_from_db()
    assert training.open_test == ""


def test_a_midwife_cannot_open_a_test(client, midwife, training):
    client.force_login(midwife)

    response = switch(client, training, "open_pre")

    assert response.status_code == 403
    training.refresh_from_db()
    assert training.open_test == ""


def test_the_trainer_removes_the_uploaded_video_and_its_file_is_deleted(
    client, coordinator, training, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    services.training_video_attach(
        training=training, video=SimpleUploadedFile("pijat.mp4", b"\x00" * 64, "video/mp4")
    )
    stored = tmp_path / training.video_file.name
    assert stored.exists()
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            english_url("training:training-video-upload", training.public_id), {"remove": "1"}
        )

    assert flashed(response) == ["Video removed."]
    training.refresh_from_db()
    assert not training.video_file
    assert not stored.exists()
    assert client.get(english_url("training:training-video", training.public_id)).status_code == 404
