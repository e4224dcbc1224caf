"""A trainer types a room's paper tests: the answer-sheet grid (one row per cadre) or, when the
forms carry only a total, the total scores. Bad input names the cell and the rule; nothing is
saved until every row is right."""

from decimal import Decimal

import pytest
from django.urls import reverse

from kaderasi.core.errors import DomainError
from kaderasi.training import services
from kaderasi.training.errors import TrainingErrorCode
from kaderasi.training.forms import AnswerSheetGridForm, mark_for_option
from kaderasi.training.models import ItemAnswer, TestAttempt, TestEntry, TestPhase
from kaderasi.training.tests.answering import english_url, marks

pytestmark = pytest.mark.django_db


def _sheet_row(cadre, questionnaire, typed: dict[int, str] | None = None) -> dict:
    """The grid's POST data for one cadre: the printed letter of the right answer for every
    question, except the numbers overridden in `typed`."""
    data = {}
    for question in questionnaire.questions.prefetch_related("options"):
        mark = mark_for_option(question.options.get(is_correct=True), question)
        data[AnswerSheetGridForm.cell(cadre, question)] = (typed or {}).get(question.number, mark)
    return data


def _wrong_letter(questionnaire, number: int) -> str:
    question = questionnaire.questions.get(number=number)
    return mark_for_option(question.options.filter(is_correct=False).first(), question)


def test_typed_answer_sheets_are_scored_item_by_item(client, training, coordinator, wati, rina):
    questionnaire = training.questionnaire
    data = _sheet_row(wati, questionnaire, {1: _wrong_letter(questionnaire, 1), 7: "-"})
    data |= _sheet_row(rina, questionnaire)
    client.force_login(coordinator)
    url = reverse("training:answer-sheets", args=[training.public_id, "pre"])
    response = client.post(url, data)
    assert response.status_code == 302
    scores = dict(
        TestAttempt.objects.filter(phase=TestPhase.PRE).values_list("cadre__code", "score")
    )
    assert scores == {"K01": Decimal("90.00"), "K02": Decimal("100.00")}
    wati_attempt = TestAttempt.objects.get(cadre=wati)
    assert wati_attempt.entry == TestEntry.ANSWER_SHEET
    assert wati_attempt.entered_by == coordinator
    blank = ItemAnswer.objects.get(attempt=wati_attempt, question__number=7)
    assert (blank.option, blank.is_correct) == (None, False)


def test_the_number_pad_and_true_false_letters_are_understood(client, training, coordinator, wati):
    questionnaire = training.questionnaire
    q1 = questionnaire.questions.get(number=1)  # multiple choice, answer b
    q3 = questionnaire.questions.get(number=3)  # true/false, answer true
    q8 = questionnaire.questions.get(number=8)  # true/false, answer false
    data = _sheet_row(wati, questionnaire, {1: "2", 3: "t", 8: "f"})
    assert (q1.options.get(is_correct=True).letter, q3.kind, q8.kind) == (
        "b",
        "true_false",
        "true_false",
    )
    client.force_login(coordinator)
    client.post(reverse("training:answer-sheets", args=[training.public_id, "post"]), data)
    assert TestAttempt.objects.get(cadre=wati).score == Decimal("100.00")


def test_a_wrong_letter_is_named_by_cadre_and_question_and_nothing_is_saved(
    client, training, coordinator, wati, rina
):
    questionnaire = training.questionnaire
    data = _sheet_row(wati, questionnaire) | _sheet_row(rina, questionnaire, {4: "x"})
    client.force_login(coordinator)
    response = client.post(english_url("training:answer-sheets", training.public_id, "pre"), data)
    assert response.status_code == 200
    cell = AnswerSheetGridForm.cell(rina, questionnaire.questions.get(number=4))
    assert response.context["form"].errors[cell] == [
        "K02: question 4 takes a letter from a to d, or '-' for blank."
    ]
    assert not TestAttempt.objects.exists()
    # What the trainer typed is still there to correct.
    assert 'value="x"' in response.content.decode()


def test_a_half_typed_row_asks_for_a_dash_instead_of_a_blank(client, training, coordinator, wati):
    questionnaire = training.questionnaire
    data = _sheet_row(wati, questionnaire, {12: ""})
    client.force_login(coordinator)
    response = client.post(english_url("training:answer-sheets", training.public_id, "pre"), data)
    cell = AnswerSheetGridForm.cell(wati, questionnaire.questions.get(number=12))
    assert response.context["form"].errors[cell] == [
        "K01: question 12 is empty; type '-' if she left it blank."
    ]
    assert not TestAttempt.objects.exists()


def test_an_empty_row_is_a_sheet_not_yet_typed(client, training, coordinator, wati, rina):
    client.force_login(coordinator)
    client.post(
        reverse("training:answer-sheets", args=[training.public_id, "pre"]),
        _sheet_row(wati, training.questionnaire),
    )
    assert list(TestAttempt.objects.values_list("cadre__code", flat=True)) == ["K01"]


def test_a_test_taken_on_the_phone_is_locked_in_the_grid(training, wati, now):
    services.training_test_open(training=training, phase=TestPhase.PRE, now=now)
    services.test_attempt_start(training=training, cadre=wati, phase=TestPhase.PRE, now=now)
    with pytest.raises(DomainError) as error:
        services.answer_sheets_record(
            training=training,
            phase=TestPhase.PRE,
            sheets={wati: marks(training.questionnaire)},
            by=None,
            now=now,
        )
    assert error.value.code == TrainingErrorCode.TEST_ANSWERED_ON_PHONE
    form = AnswerSheetGridForm(
        cadres=[wati], questions=training.questionnaire.questions.all(), locked={wati.pk}
    )
    assert form.fields == {}


def test_an_incomplete_sheet_is_refused_by_the_service(training, wati, now):
    sheet = marks(training.questionnaire)
    sheet.pop(next(iter(sheet)))
    with pytest.raises(DomainError) as error:
        services.answer_sheets_record(
            training=training, phase=TestPhase.PRE, sheets={wati: sheet}, by=None, now=now
        )
    assert error.value.code == TrainingErrorCode.ANSWER_SHEET_INCOMPLETE
    assert not TestAttempt.objects.exists()


def test_retyping_a_sheet_replaces_its_answers(training, wati, now):
    questionnaire = training.questionnaire
    for wrong in ({1, 2}, {3}):
        services.answer_sheets_record(
            training=training,
            phase=TestPhase.POST,
            sheets={wati: marks(questionnaire, wrong=wrong)},
            by=None,
            now=now,
        )
    attempt = TestAttempt.objects.get()
    assert attempt.score == Decimal("95.00")
    assert attempt.answers.count() == 20


def test_total_scores_are_saved_for_the_filled_rows(client, training, coordinator, wati, rina):
    client.force_login(coordinator)
    response = client.post(
        reverse("training:total-scores", args=[training.public_id, "pre"]),
        {f"s_{wati.public_id.hex}": "47.5", f"s_{rina.public_id.hex}": ""},
    )
    assert response.status_code == 302
    attempt = TestAttempt.objects.get()
    assert (attempt.cadre, attempt.score, attempt.entry) == (
        wati,
        Decimal("47.50"),
        TestEntry.TOTAL_SCORE,
    )


def test_a_total_above_100_is_refused_and_nothing_is_saved(
    client, training, coordinator, wati, rina
):
    client.force_login(coordinator)
    response = client.post(
        english_url("training:total-scores", training.public_id, "pre"),
        {f"s_{wati.public_id.hex}": "80", f"s_{rina.public_id.hex}": "180"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors[f"s_{rina.public_id.hex}"] == [
        "A score is between 0 and 100."
    ]
    assert not TestAttempt.objects.exists()


def test_a_total_cannot_overwrite_a_score_computed_from_answers(training, wati, now):
    services.answer_sheets_record(
        training=training,
        phase=TestPhase.PRE,
        sheets={wati: marks(training.questionnaire)},
        by=None,
        now=now,
    )
    with pytest.raises(DomainError) as error:
        services.total_scores_record(
            training=training, phase=TestPhase.PRE, scores={wati: Decimal(10)}, by=None, now=now
        )
    assert error.value.code == TrainingErrorCode.SCORE_HAS_ITEM_ANSWERS
    assert TestAttempt.objects.get().score == Decimal("100.00")


@pytest.mark.parametrize("persona", ["midwife", "district_officer", "cadre_user"])
def test_only_trainers_type_scores(request, client, training, wati, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(
        reverse("training:total-scores", args=[training.public_id, "pre"]),
        {f"s_{wati.public_id.hex}": "80"},
    )
    assert response.status_code == 403
    assert not TestAttempt.objects.exists()
