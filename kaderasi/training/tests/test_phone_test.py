"""A cadre takes a knowledge test on her phone: one question per screen, answers saved one by one,
options shuffled per attempt and scored by the option chosen, never by its position."""

import random
from decimal import Decimal

import pytest
from django.urls import reverse

from kaderasi.core.errors import DomainError
from kaderasi.training import services
from kaderasi.training.attempts import attempt_screens
from kaderasi.training.errors import TrainingErrorCode
from kaderasi.training.models import AttemptStatus, ItemAnswer, TestAttempt, TestEntry, TestPhase
from kaderasi.training.selectors import open_tests_for, paired_scores
from kaderasi.training.tests.answering import correct_option, wrong_option

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_post_test(training, now):
    return services.training_test_open(training=training, phase=TestPhase.POST, now=now)


def test_starting_a_test_stores_a_shuffled_order_of_every_questions_options(
    open_post_test, wati, now
):
    attempt = services.test_attempt_start(
        training=open_post_test, cadre=wati, phase=TestPhase.POST, now=now, rng=random.Random(7)
    )
    assert attempt.status == AttemptStatus.IN_PROGRESS
    assert attempt.score is None
    assert attempt.entry == TestEntry.PHONE
    questions = list(open_post_test.questionnaire.questions.prefetch_related("options"))
    printed = {str(q.pk): [o.pk for o in q.options.all()] for q in questions}
    assert {key: sorted(ids) for key, ids in attempt.option_order.items()} == {
        key: sorted(ids) for key, ids in printed.items()
    }
    assert any(attempt.option_order[key] != printed[key] for key in printed)
    for question in questions:
        if question.kind == "true_false":  # Benar stays first, as on paper
            assert attempt.option_order[str(question.pk)] == printed[str(question.pk)]
    all_of_these = next(q for q in questions if q.options.filter(stays_in_place=True).exists())
    assert (
        attempt.option_order[str(all_of_these.pk)][-1]
        == all_of_these.options.get(stays_in_place=True).pk
    )


def test_answers_are_scored_by_the_option_chosen_whatever_its_place_on_screen(
    open_post_test, wati, now
):
    attempt = services.test_attempt_start(
        training=open_post_test, cadre=wati, phase=TestPhase.POST, now=now, rng=random.Random(3)
    )
    screens = attempt_screens(attempt)
    for number, screen in screens.items():
        # Tap the first option on screen for 3 questions (wrong there), the right one elsewhere.
        chosen = correct_option(screen.question)
        if number in {2, 5, 11}:
            chosen = next(option for option in screen.options if not option.is_correct)
        services.test_answer_record(
            attempt=attempt, question=screen.question, option=chosen, now=now
        )
    attempt = services.test_attempt_submit(attempt=attempt, now=now)
    assert attempt.status == AttemptStatus.COMPLETED
    assert attempt.score == Decimal("85.00")
    assert ItemAnswer.objects.filter(attempt=attempt, is_correct=True).count() == 17


def test_a_question_left_unanswered_counts_as_wrong(open_post_test, wati, now):
    attempt = services.test_attempt_start(
        training=open_post_test, cadre=wati, phase=TestPhase.POST, now=now
    )
    question = open_post_test.questionnaire.questions.get(number=1)
    services.test_answer_record(
        attempt=attempt, question=question, option=correct_option(question), now=now
    )
    assert services.test_attempt_submit(attempt=attempt, now=now).score == Decimal("5.00")
    blanks = attempt.answers.filter(option__isnull=True)
    assert (blanks.count(), blanks.filter(is_correct=True).count()) == (19, 0)


def test_a_second_answer_to_the_same_question_replaces_the_first(open_post_test, wati, now):
    attempt = services.test_attempt_start(
        training=open_post_test, cadre=wati, phase=TestPhase.POST, now=now
    )
    question = open_post_test.questionnaire.questions.get(number=4)
    services.test_answer_record(
        attempt=attempt, question=question, option=wrong_option(question), now=now
    )
    services.test_answer_record(
        attempt=attempt, question=question, option=correct_option(question), now=now
    )
    assert list(attempt.answers.values_list("is_correct", flat=True)) == [True]


def test_starting_again_resumes_the_same_attempt_with_its_order_and_answers(
    open_post_test, wati, now
):
    first = services.test_attempt_start(
        training=open_post_test, cadre=wati, phase=TestPhase.POST, now=now
    )
    question = open_post_test.questionnaire.questions.get(number=1)
    services.test_answer_record(
        attempt=first, question=question, option=correct_option(question), now=now
    )
    again = services.test_attempt_start(
        training=open_post_test, cadre=wati, phase=TestPhase.POST, now=now
    )
    assert again.pk == first.pk
    assert again.option_order == first.option_order
    assert again.answers.count() == 1


def test_an_option_of_another_question_is_refused(open_post_test, wati, now):
    attempt = services.test_attempt_start(
        training=open_post_test, cadre=wati, phase=TestPhase.POST, now=now
    )
    one, two = open_post_test.questionnaire.questions.filter(number__in=[1, 2])
    with pytest.raises(DomainError) as error:
        services.test_answer_record(
            attempt=attempt, question=one, option=correct_option(two), now=now
        )
    assert error.value.code == TrainingErrorCode.TEST_WRONG_OPTION
    assert not attempt.answers.exists()


def test_a_test_that_is_not_open_cannot_be_started(training, wati, now):
    with pytest.raises(DomainError) as error:
        services.test_attempt_start(training=training, cadre=wati, phase=TestPhase.PRE, now=now)
    assert error.value.code == TrainingErrorCode.TEST_NOT_OPEN
    assert not TestAttempt.objects.exists()


def test_a_cadre_who_is_not_invited_cannot_take_the_test(open_post_test, world, now):
    from kaderasi.tests import factories as f

    stranger = f.CadreFactory(programme=world.programme, posyandu=world.mawar)
    with pytest.raises(DomainError) as error:
        services.test_attempt_start(
            training=open_post_test, cadre=stranger, phase=TestPhase.POST, now=now
        )
    assert error.value.code == TrainingErrorCode.TEST_NOT_INVITED


def test_a_finished_test_cannot_be_taken_again(open_post_test, wati, now):
    attempt = services.test_attempt_start(
        training=open_post_test, cadre=wati, phase=TestPhase.POST, now=now
    )
    services.test_attempt_submit(attempt=attempt, now=now)
    assert services.test_attempt_submit(attempt=attempt, now=now).score == Decimal(0)
    with pytest.raises(DomainError) as error:
        services.test_attempt_start(
            training=open_post_test, cadre=wati, phase=TestPhase.POST, now=now
        )
    assert error.value.code == TrainingErrorCode.TEST_ALREADY_COMPLETED


def test_closing_a_test_collects_and_scores_the_unfinished_ones(open_post_test, wati, now):
    attempt = services.test_attempt_start(
        training=open_post_test, cadre=wati, phase=TestPhase.POST, now=now
    )
    for question in open_post_test.questionnaire.questions.filter(number__lte=10):
        services.test_answer_record(
            attempt=attempt, question=question, option=correct_option(question), now=now
        )
    collected = services.training_test_close(training=open_post_test, now=now)
    attempt.refresh_from_db()
    assert [a.pk for a in collected] == [attempt.pk]
    assert (attempt.status, attempt.score) == (AttemptStatus.COMPLETED, Decimal("50.00"))
    assert open_post_test.open_test == ""


def test_an_unfinished_test_is_not_yet_a_score(open_post_test, training, wati, now):
    services.total_scores_record(
        training=training, phase=TestPhase.PRE, scores={wati: Decimal(40)}, by=None, now=now
    )
    services.test_attempt_start(training=training, cadre=wati, phase=TestPhase.POST, now=now)
    assert paired_scores(training) == []


def test_her_open_tests_list_what_she_has_not_finished(open_post_test, wati, rina, now):
    assert [(t.training, t.phase, t.attempt) for t in open_tests_for([wati])] == [
        (open_post_test, TestPhase.POST, None)
    ]
    attempt = services.test_attempt_start(
        training=open_post_test, cadre=wati, phase=TestPhase.POST, now=now
    )
    services.test_attempt_submit(attempt=attempt, now=now)
    assert open_tests_for([wati]) == []
    assert len(open_tests_for([rina])) == 1


def test_on_the_phone_tapping_an_answer_saves_it_and_shows_the_next_question(
    client, open_post_test, cadre_user, wati
):
    client.force_login(cadre_user)
    start = reverse("training:test-start", args=[open_post_test.public_id, "post"])
    assert client.get(start).status_code == 200
    response = client.post(start)
    attempt = TestAttempt.objects.get(cadre=wati)
    assert response.url == reverse("training:test-question", args=[attempt.public_id, 1])
    page = client.get(response.url)
    screen = page.context["screen"]
    assert [o.pk for o in screen.options] == attempt.option_order[str(screen.question.pk)]
    answered = client.post(response.url, {"option": screen.options[0].public_id})
    assert answered.url == reverse("training:test-question", args=[attempt.public_id, 2])
    assert attempt.answers.get().option == screen.options[0]
    # The connection drops; she opens the test again and lands on question 2.
    resumed = client.post(start)
    assert resumed.url == reverse("training:test-question", args=[attempt.public_id, 2])


def test_on_the_phone_the_last_answer_leads_to_the_review_and_handing_in_to_the_score(
    client, open_post_test, cadre_user, wati, now
):
    attempt = services.test_attempt_start(
        training=open_post_test, cadre=wati, phase=TestPhase.POST, now=now
    )
    questions = list(open_post_test.questionnaire.questions.all())
    for question in questions[:-1]:
        services.test_answer_record(
            attempt=attempt, question=question, option=correct_option(question), now=now
        )
    client.force_login(cadre_user)
    last = reverse("training:test-question", args=[attempt.public_id, 20])
    response = client.post(last, {"option": correct_option(questions[-1]).public_id})
    assert response.url == reverse("training:test-review", args=[attempt.public_id])
    review = client.get(response.url)
    assert review.context["unanswered"] == 0
    handed_in = client.post(response.url)
    assert handed_in.url == reverse("training:test-result", args=[attempt.public_id])
    result = client.get(handed_in.url)
    assert result.context["result"].score == Decimal("100.00")
    assert result.context["result"].passed is True
    assert len(result.context["result"].feedback) == 20


def test_after_the_pre_test_she_sees_her_score_but_not_the_answers(
    client, training, cadre_user, wati, now
):
    services.training_test_open(training=training, phase=TestPhase.PRE, now=now)
    attempt = services.test_attempt_start(
        training=training, cadre=wati, phase=TestPhase.PRE, now=now
    )
    services.test_attempt_submit(attempt=attempt, now=now)
    client.force_login(cadre_user)
    result = client.get(reverse("training:test-result", args=[attempt.public_id])).context["result"]
    assert result.feedback == []
    assert result.passed is None


def test_a_cadre_cannot_open_another_cadres_attempt(client, open_post_test, rina, cadre_user, now):
    attempt = services.test_attempt_start(
        training=open_post_test, cadre=rina, phase=TestPhase.POST, now=now
    )
    client.force_login(cadre_user)
    response = client.get(reverse("training:test-question", args=[attempt.public_id, 1]))
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["coordinator", "midwife", "district_officer"])
def test_only_cadres_take_tests(request, client, open_post_test, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(reverse("training:test-start", args=[open_post_test.public_id, "post"]))
    assert response.status_code == 403
    assert not TestAttempt.objects.exists()
