"""Writes to knowledge tests, for the three ways a test reaches kaderasi: the cadre answers on her
phone (one question at a time, saved as she goes), a trainer types a room's paper answer sheets,
or a trainer types the total scores."""

import datetime as dt
import random
import secrets
from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaderasi.accounts.models import User
from kaderasi.cadres.models import Cadre
from kaderasi.core.errors import DomainError
from kaderasi.training.errors import TrainingErrorCode
from kaderasi.training.models import (
    AttemptStatus,
    ItemAnswer,
    Option,
    Participant,
    Question,
    QuestionKind,
    TestAttempt,
    TestEntry,
    TestPhase,
    Training,
)
from kaderasi.training.scoring import OptionPlace, percent_score, shuffled_option_ids


def _require_participant(training: Training, cadre: Cadre) -> None:
    if not Participant.objects.filter(training=training, cadre=cadre).exists():
        raise DomainError(
            TrainingErrorCode.TEST_NOT_INVITED,
            _("%(code)s is not invited to this training.") % {"code": cadre.code},
        )


def _require_open(training: Training, phase: str) -> None:
    if training.open_test != phase:
        raise DomainError(
            TrainingErrorCode.TEST_NOT_OPEN,
            _("This test is not open now. Ask your trainer to open it."),
        )


@transaction.atomic
def test_attempt_start(
    *,
    training: Training,
    cadre: Cadre,
    phase: TestPhase,
    now: dt.datetime,
    rng: random.Random | None = None,
) -> TestAttempt:
    """Start (or resume) `cadre`'s test on her phone. A new attempt gets its own shuffled order
    of options, stored with it; calling this again returns the attempt in progress unchanged."""
    _require_open(training, phase)
    _require_participant(training, cadre)
    existing = (
        TestAttempt.objects.select_for_update()
        .filter(training=training, cadre=cadre, phase=phase)
        .first()
    )
    if existing is not None:
        if existing.status == AttemptStatus.COMPLETED:
            raise DomainError(
                TrainingErrorCode.TEST_ALREADY_COMPLETED,
                _("You have already finished this test."),
            )
        return existing
    rng = rng or random.Random(secrets.randbits(64))  # noqa: S311 - order of options, not a secret
    questions = training.questionnaire.questions.prefetch_related("options")
    # True/false keeps "Benar" first, as on paper: flipping it would test attention, not
    # knowledge. Multiple-choice options move, except those marked to stay (e.g. "all of these").
    option_order = {
        str(question.pk): shuffled_option_ids(
            [
                OptionPlace(
                    option.pk,
                    option.stays_in_place or question.kind == QuestionKind.TRUE_FALSE,
                )
                for option in question.options.all()
            ],
            rng,
        )
        for question in questions
    }
    return TestAttempt.objects.create(
        training=training,
        cadre=cadre,
        phase=phase,
        status=AttemptStatus.IN_PROGRESS,
        score=None,
        entry=TestEntry.PHONE,
        questionnaire=training.questionnaire,
        option_order=option_order,
        started_at=now,
        taken_on=timezone.localdate(now),
    )


@transaction.atomic
def test_answer_record(
    *, attempt: TestAttempt, question: Question, option: Option, now: dt.datetime
) -> ItemAnswer:
    """Save the cadre's answer to one question (a second answer replaces the first), so that a
    dropped connection loses nothing already answered."""
    if attempt.status != AttemptStatus.IN_PROGRESS:
        raise DomainError(
            TrainingErrorCode.TEST_ALREADY_COMPLETED, _("You have already finished this test.")
        )
    _require_open(attempt.training, attempt.phase)
    if question.questionnaire_id != attempt.questionnaire_id:
        raise DomainError(
            TrainingErrorCode.TEST_QUESTION_OTHER_QUESTIONNAIRE,
            _("This question is not part of your test."),
        )
    if option.question_id != question.pk:
        raise DomainError(
            TrainingErrorCode.TEST_WRONG_OPTION,
            _("Choose one of this question's answers."),
            field="option",
        )
    answer, _created = ItemAnswer.objects.update_or_create(
        attempt=attempt,
        question=question,
        defaults={"option": option, "is_correct": option.is_correct, "answered_at": now},
    )
    return answer


@transaction.atomic
def test_attempt_submit(*, attempt: TestAttempt, now: dt.datetime) -> TestAttempt:
    """Score the attempt: the share of the questionnaire's questions answered correctly (an
    unanswered question is wrong). Submitting twice changes nothing the second time."""
    attempt = TestAttempt.objects.select_for_update().get(pk=attempt.pk)
    if attempt.status == AttemptStatus.COMPLETED:
        return attempt
    questions = list(attempt.questionnaire.questions.all())
    answered = set(attempt.answers.values_list("question_id", flat=True))
    # An unanswered question is recorded as a blank, like on a paper sheet, so that the item
    # analysis counts it as wrong rather than as not asked.
    ItemAnswer.objects.bulk_create(
        ItemAnswer(attempt=attempt, question=question, option=None, is_correct=False)
        for question in questions
        if question.pk not in answered
    )
    correct = attempt.answers.filter(is_correct=True).count()
    attempt.score = percent_score(correct, len(questions))
    attempt.status = AttemptStatus.COMPLETED
    attempt.completed_at = now
    attempt.save(update_fields=["score", "status", "completed_at", "updated_at"])
    return attempt


@transaction.atomic
def answer_sheets_record(
    *,
    training: Training,
    phase: TestPhase,
    sheets: Mapping[Cadre, Mapping[Question, Option | None]],
    by: User | None,
    now: dt.datetime,
    is_illustrative: bool = False,
) -> list[TestAttempt]:
    """Record paper answer sheets typed by a trainer: for each cadre, the option marked for every
    question of the training's questionnaire (None: left blank, counted wrong). Each sheet
    replaces that cadre's earlier paper or total-score entry for the phase. All or nothing.
    `is_illustrative` labels invented answers (the demo's)."""
    questionnaire = training.questionnaire
    if questionnaire is None:
        raise DomainError(
            TrainingErrorCode.TRAINING_NO_QUESTIONNAIRE,
            _("Choose the training's knowledge test first."),
        )
    questions = list(questionnaire.questions.all())
    saved = []
    for cadre, marks in sheets.items():
        _require_participant(training, cadre)
        if set(marks) != set(questions):
            raise DomainError(
                TrainingErrorCode.ANSWER_SHEET_INCOMPLETE,
                _("The sheet of %(code)s must have a mark or a dash for every question.")
                % {"code": cadre.code},
            )
        for question, option in marks.items():
            if option is not None and option.question_id != question.pk:
                raise DomainError(
                    TrainingErrorCode.TEST_WRONG_OPTION,
                    _("Question %(number)s of %(code)s has an answer of another question.")
                    % {"number": question.number, "code": cadre.code},
                )
        existing = TestAttempt.objects.filter(training=training, cadre=cadre, phase=phase).first()
        if existing is not None and existing.entry == TestEntry.PHONE:
            raise DomainError(
                TrainingErrorCode.TEST_ANSWERED_ON_PHONE,
                _("%(code)s took this test on her phone; her answers cannot be replaced.")
                % {"code": cadre.code},
            )
        correct = sum(1 for option in marks.values() if option is not None and option.is_correct)
        attempt, _created = TestAttempt.objects.update_or_create(
            training=training,
            cadre=cadre,
            phase=phase,
            defaults={
                "status": AttemptStatus.COMPLETED,
                "score": percent_score(correct, len(questions)),
                "entry": TestEntry.ANSWER_SHEET,
                "questionnaire": questionnaire,
                "option_order": {},
                "taken_on": timezone.localdate(training.starts_at),
                "completed_at": now,
                "entered_by": by,
                "is_illustrative": is_illustrative,
            },
        )
        attempt.answers.all().delete()
        ItemAnswer.objects.bulk_create(
            ItemAnswer(
                attempt=attempt,
                question=question,
                option=option,
                is_correct=option is not None and option.is_correct,
            )
            for question, option in marks.items()
        )
        saved.append(attempt)
    return saved


@transaction.atomic
def total_scores_record(
    *,
    training: Training,
    phase: TestPhase,
    scores: Mapping[Cadre, Decimal],
    by: User | None,
    now: dt.datetime,
    is_illustrative: bool = False,
) -> list[TestAttempt]:
    """Record total scores (0–100) typed from paper forms that carry no item answers. A score
    replaces an earlier total for the phase, never answers entered item by item. All or
    nothing. `is_illustrative` labels invented scores (the demo's)."""
    saved = []
    for cadre, score in scores.items():
        _require_participant(training, cadre)
        if not Decimal(0) <= score <= Decimal(100):
            raise DomainError(
                TrainingErrorCode.SCORE_OUT_OF_RANGE,
                _("The score of %(code)s must be between 0 and 100.") % {"code": cadre.code},
            )
        existing = TestAttempt.objects.filter(training=training, cadre=cadre, phase=phase).first()
        if existing is not None and existing.entry != TestEntry.TOTAL_SCORE:
            raise DomainError(
                TrainingErrorCode.SCORE_HAS_ITEM_ANSWERS,
                _("%(code)s has answers item by item; her score is computed from them.")
                % {"code": cadre.code},
            )
        attempt, _created = TestAttempt.objects.update_or_create(
            training=training,
            cadre=cadre,
            phase=phase,
            defaults={
                "status": AttemptStatus.COMPLETED,
                "score": score,
                "entry": TestEntry.TOTAL_SCORE,
                "taken_on": timezone.localdate(training.starts_at),
                "completed_at": now,
                "entered_by": by,
                "is_illustrative": is_illustrative,
            },
        )
        saved.append(attempt)
    return saved
