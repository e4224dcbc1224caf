"""Writes to training events: create and edit, invitations and attendance, the video, and which
test is open on the cadres' phones."""

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from kaderasi.accounts.models import User
from kaderasi.cadres.models import Cadre
from kaderasi.core.errors import DomainError
from kaderasi.programmes.models import Programme
from kaderasi.training.errors import TrainingErrorCode
from kaderasi.training.models import (
    AttemptStatus,
    Attendance,
    Booklet,
    Participant,
    Questionnaire,
    SkillChecklist,
    TestAttempt,
    TestPhase,
    Training,
)

# Formats a cheap Android phone's browser plays without a plug-in.
VIDEO_SUFFIXES = {".mp4": "video/mp4", ".m4v": "video/mp4", ".webm": "video/webm"}


def _check_times(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if ends_at <= starts_at:
        raise DomainError(
            TrainingErrorCode.TRAINING_ENDS_BEFORE_START,
            _("The training must end after it starts."),
            field="ends_at",
        )


@transaction.atomic
def training_create(
    *,
    programme: Programme,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    venue: str = "",
    trainers: Iterable[User] = (),
    guest_trainers: str = "",
    questionnaire: Questionnaire | None = None,
    skill_checklist: SkillChecklist | None = None,
    booklet: Booklet | None = None,
    video_url: str = "",
    notes: str = "",
) -> Training:
    _check_times(starts_at, ends_at)
    training = Training.objects.create(
        programme=programme,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        venue=venue,
        guest_trainers=guest_trainers,
        questionnaire=questionnaire,
        skill_checklist=skill_checklist,
        booklet=booklet,
        video_url=video_url,
        notes=notes,
    )
    training.trainers.set(trainers)
    return training


@transaction.atomic
def training_update(
    *,
    training: Training,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    venue: str = "",
    trainers: Iterable[User] = (),
    guest_trainers: str = "",
    questionnaire: Questionnaire | None = None,
    skill_checklist: SkillChecklist | None = None,
    booklet: Booklet | None = None,
    video_url: str = "",
    notes: str = "",
) -> Training:
    """Change a training's details. The questionnaire cannot change once a cadre has answered
    it item by item (the answers belong to that version)."""
    _check_times(starts_at, ends_at)
    answered = TestAttempt.objects.filter(training=training, answers__isnull=False).exists()
    if answered and questionnaire != training.questionnaire:
        raise DomainError(
            TrainingErrorCode.CONTENT_IN_USE,
            _("Cadres have already answered this questionnaire; it cannot be changed."),
            field="questionnaire",
        )
    assessed = training.skill_assessments.exists()
    if assessed and skill_checklist != training.skill_checklist:
        raise DomainError(
            TrainingErrorCode.CONTENT_IN_USE,
            _("Re-demonstrations were scored with this checklist; it cannot be changed."),
            field="skill_checklist",
        )
    for name, value in {
        "title": title,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "venue": venue,
        "guest_trainers": guest_trainers,
        "questionnaire": questionnaire,
        "skill_checklist": skill_checklist,
        "booklet": booklet,
        "video_url": video_url,
        "notes": notes,
    }.items():
        setattr(training, name, value)
    training.save()
    training.trainers.set(trainers)
    return training


@transaction.atomic
def participants_record(
    *, training: Training, attendance: Mapping[Cadre, Attendance | None]
) -> list[Participant]:
    """Invite cadres and record whether they came (None: not invited). All or nothing: a cadre
    of another programme, or one with test scores or assessments in this training who would be
    uninvited, refuses the whole change."""
    kept = []
    for cadre, status in attendance.items():
        if cadre.programme_id != training.programme_id:
            raise DomainError(
                TrainingErrorCode.TRAINING_OTHER_PROGRAMME,
                _("%(code)s belongs to another programme.") % {"code": cadre.code},
            )
        if status is None:
            has_records = (
                TestAttempt.objects.filter(training=training, cadre=cadre).exists()
                or training.skill_assessments.filter(cadre=cadre).exists()
            )
            if has_records:
                raise DomainError(
                    TrainingErrorCode.TEST_NOT_INVITED,
                    _(
                        "%(code)s has test scores or re-demonstrations in this training and "
                        "stays invited."
                    )
                    % {"code": cadre.code},
                )
            Participant.objects.filter(training=training, cadre=cadre).delete()
            continue
        participant, _created = Participant.objects.update_or_create(
            training=training, cadre=cadre, defaults={"attendance": status}
        )
        kept.append(participant)
    return kept


@transaction.atomic
def training_test_open(*, training: Training, phase: TestPhase, now: dt.datetime) -> Training:
    """Open the pre-test or post-test on invited cadres' phones (one test at a time)."""
    if training.questionnaire_id is None:
        raise DomainError(
            TrainingErrorCode.TRAINING_NO_QUESTIONNAIRE,
            _("Choose the training's knowledge test first."),
            field="questionnaire",
        )
    if training.open_test and training.open_test != phase:
        training_test_close(training=training, now=now)
    training.open_test = phase
    training.save(update_fields=["open_test", "updated_at"])
    return training


@transaction.atomic
def training_test_close(*, training: Training, now: dt.datetime) -> list[TestAttempt]:
    """Close the open test, like collecting the papers at the end: every attempt still in
    progress is scored with what was answered (a question left unanswered counts as wrong).
    Returns the attempts completed this way."""
    from kaderasi.training.services.knowledge import test_attempt_submit

    phase = training.open_test
    training.open_test = ""
    training.save(update_fields=["open_test", "updated_at"])
    if not phase:
        return []
    unfinished = TestAttempt.objects.filter(
        training=training, phase=phase, status=AttemptStatus.IN_PROGRESS
    )
    return [test_attempt_submit(attempt=attempt, now=now) for attempt in unfinished]


def _video_max_bytes() -> int:
    return settings.KADERASI_TRAINING_VIDEO_MAX_MB * 1024 * 1024


@transaction.atomic
def training_video_attach(*, training: Training, video: UploadedFile) -> Training:
    """Store an uploaded video (MP4 or WebM, at most KADERASI_TRAINING_VIDEO_MAX_MB), replacing
    any earlier one."""
    suffix = PurePath(video.name or "").suffix.lower()
    if suffix not in VIDEO_SUFFIXES:
        raise DomainError(
            TrainingErrorCode.VIDEO_TYPE,
            _("Upload an MP4 or WebM video; phones cannot play other formats."),
            field="video_file",
        )
    if video.size > _video_max_bytes():
        raise DomainError(
            TrainingErrorCode.VIDEO_TOO_LARGE,
            _("The video is larger than %(mb)s MB; compress it for phones first.")
            % {"mb": settings.KADERASI_TRAINING_VIDEO_MAX_MB},
            field="video_file",
        )
    old_name = training.video_file.name if training.video_file else ""
    training.video_file.save(f"video{suffix}", video, save=False)
    training.save(update_fields=["video_file", "updated_at"])
    if old_name and old_name != training.video_file.name:
        transaction.on_commit(lambda: training.video_file.storage.delete(old_name))
    return training


@transaction.atomic
def training_video_remove(*, training: Training) -> Training:
    old_name = training.video_file.name if training.video_file else ""
    training.video_file = ""
    training.save(update_fields=["video_file", "updated_at"])
    if old_name:
        storage = Training._meta.get_field("video_file").storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return training
