"""What a cadre sees of her own test: one screen per question, with the options in the order
stored for her attempt, and her result."""

from dataclasses import dataclass, field
from decimal import Decimal

from kaderasi.training.models import Option, Question, TestAttempt, TestPhase, TrainingPolicy
from kaderasi.training.scoring import Bands, KnowledgeBand, knowledge_band


@dataclass(frozen=True)
class QuestionScreen:
    number: int
    question: Question
    options: list[Option]
    chosen: Option | None
    previous_number: int | None
    next_number: int | None


def attempt_screens(attempt: TestAttempt) -> dict[int, QuestionScreen]:
    """The attempt's questions by number, each with its options in the shuffled order stored
    for this attempt (printed order for a question the attempt has no order for) and the option
    the cadre chose, if any. Three queries whatever the number of questions."""
    questions = list(attempt.questionnaire.questions.prefetch_related("options"))
    chosen = {
        answer.question_id: answer.option for answer in attempt.answers.select_related("option")
    }
    numbers = [question.number for question in questions]
    screens = {}
    for index, question in enumerate(questions):
        options = {option.pk: option for option in question.options.all()}
        order = [pk for pk in attempt.option_order.get(str(question.pk), []) if pk in options]
        order += [pk for pk in options if pk not in order]
        screens[question.number] = QuestionScreen(
            number=question.number,
            question=question,
            options=[options[pk] for pk in order],
            chosen=chosen.get(question.pk),
            previous_number=numbers[index - 1] if index else None,
            next_number=numbers[index + 1] if index + 1 < len(numbers) else None,
        )
    return screens


@dataclass(frozen=True)
class Feedback:
    question: Question
    chosen: Option | None
    correct: Option | None

    @property
    def is_correct(self) -> bool:
        return self.chosen is not None and self.chosen == self.correct


@dataclass(frozen=True)
class TestResult:
    attempt: TestAttempt
    score: Decimal
    band: KnowledgeBand
    pass_score: int
    passed: bool | None
    correct: int | None
    total: int | None
    feedback: list[Feedback]
    # The must-pass (safety) questions of a post-test she did not get right: they bar the
    # certificate whatever her score (when the programme's policy requires them).
    must_pass_missed: list[Question] = field(default_factory=list)

    @property
    def reached_pass_mark(self) -> bool:
        return self.score >= self.pass_score


def test_result(attempt: TestAttempt, bands: Bands, policy: TrainingPolicy) -> TestResult:
    """Her score and band; after the post-test, whether she passed (the pass mark reached and,
    when the policy requires it, every must-pass safety item right) and, question by question,
    the right answer (never after the pre-test, which would teach the post-test)."""
    feedback: list[Feedback] = []
    missed: list[Question] = []
    correct = total = None
    is_post = attempt.phase == TestPhase.POST
    if attempt.questionnaire_id is not None and attempt.answers.exists():
        screens = attempt_screens(attempt)
        total = len(screens)
        correct = sum(
            1 for screen in screens.values() if screen.chosen and screen.chosen.is_correct
        )
        if is_post and policy.must_pass_items_required:
            missed = [
                screen.question
                for screen in screens.values()
                if screen.question.must_pass and not (screen.chosen and screen.chosen.is_correct)
            ]
        if attempt.phase == TestPhase.POST:
            feedback = [
                Feedback(
                    question=screen.question,
                    chosen=screen.chosen,
                    correct=next((o for o in screen.options if o.is_correct), None),
                )
                for screen in screens.values()
            ]
    return TestResult(
        attempt=attempt,
        score=attempt.score,
        band=knowledge_band(attempt.score, bands),
        pass_score=policy.post_test_pass_score,
        passed=(attempt.score >= policy.post_test_pass_score and not missed) if is_post else None,
        correct=correct,
        total=total,
        feedback=feedback,
        must_pass_missed=missed,
    )
