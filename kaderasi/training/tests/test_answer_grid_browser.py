"""In a real browser: a trainer types a room's paper answer sheets with the keyboard only. A mark
moves the cursor to the next question by itself, a wrong letter stays and is marked, the arrow
keys, Enter and Backspace move around the grid, and Ctrl+Enter saves."""

import pytest
from django.urls import reverse

from kaderasi.training.forms import AnswerSheetGridForm, mark_for_option
from kaderasi.training.models import TestAttempt, TestEntry, TestPhase

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"  # the factories' password


@pytest.fixture
def grid(phone, live_server, training, coordinator):
    """The pre-test's answer-sheet grid on the trainer's laptop, logged in as the coordinator."""
    from kaderasi.conftest import log_in

    laptop = phone.context.browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="en-GB", base_url=live_server.url
    )
    laptop.set_default_timeout(15_000)
    page = laptop.new_page()
    log_in(page, coordinator.username, PASSWORD)
    page.goto(reverse("training:answer-sheets", args=[training.public_id, TestPhase.PRE]))
    page.wait_for_selector("form[data-answer-grid] input[data-allowed]")
    yield page
    laptop.close()


def _focused(page) -> str:
    return page.evaluate("document.activeElement.name")


def _cell(cadre, question) -> str:
    return AnswerSheetGridForm.cell(cadre, question)


def _questions(training):
    return list(training.questionnaire.questions.prefetch_related("options"))


def test_the_cursor_starts_in_the_first_cell_and_a_mark_moves_it_to_the_next_question(
    grid, training, wati
):
    questions = _questions(training)
    assert _focused(grid) == _cell(wati, questions[0])
    grid.keyboard.press("a")
    assert _focused(grid) == _cell(wati, questions[1])
    grid.keyboard.press("b")
    assert _focused(grid) == _cell(wati, questions[2])
    assert grid.input_value(f"[name={_cell(wati, questions[0])}]") == "a"


def test_a_letter_the_question_does_not_have_stays_put_and_is_marked(grid, training, wati):
    first = _cell(wati, _questions(training)[0])
    grid.keyboard.press("x")
    assert _focused(grid) == first
    assert grid.get_attribute(f"[name={first}]", "aria-invalid") == "true"
    assert grid.locator(f"td.bad [name={first}]").count() == 1
    grid.keyboard.press("Backspace")
    grid.keyboard.press("c")
    assert grid.get_attribute(f"[name={first}]", "aria-invalid") == "false"
    assert grid.locator("td.bad").count() == 0


def test_arrow_keys_enter_and_backspace_move_around_the_grid(grid, training, wati, rina):
    questions = _questions(training)
    grid.keyboard.press("ArrowRight")
    grid.keyboard.press("ArrowRight")
    assert _focused(grid) == _cell(wati, questions[2])
    grid.keyboard.press("ArrowDown")
    assert _focused(grid) == _cell(rina, questions[2])
    grid.keyboard.press("ArrowDown")  # no row below: stays
    assert _focused(grid) == _cell(rina, questions[2])
    grid.keyboard.press("ArrowLeft")
    assert _focused(grid) == _cell(rina, questions[1])
    grid.keyboard.press("ArrowUp")
    assert _focused(grid) == _cell(wati, questions[1])
    grid.keyboard.press("Backspace")  # an empty cell: back to the previous one
    assert _focused(grid) == _cell(wati, questions[0])
    grid.keyboard.press("Enter")  # the next sheet
    assert _focused(grid) == _cell(rina, questions[0])
    grid.keyboard.press("ArrowLeft")  # from a row's first cell to the end of the row above
    assert _focused(grid) == _cell(wati, questions[-1])


def test_a_sheet_typed_with_the_keyboard_alone_is_saved_with_ctrl_enter(grid, training, wati, rina):
    questions = _questions(training)
    wrong_on_purpose = {3, 12}
    for question in questions:
        options = list(question.options.all())
        marked = next(
            o for o in options if o.is_correct is (question.number not in wrong_on_purpose)
        )
        grid.keyboard.press(mark_for_option(marked, question))
    # The last mark of her sheet moves the cursor to the next cadre's first question.
    assert _focused(grid) == _cell(rina, questions[0])
    with grid.expect_navigation():
        grid.keyboard.press("Control+Enter")
    assert grid.url.endswith(reverse("training:training-summary", args=[training.public_id]))
    attempt = TestAttempt.objects.get(training=training, phase=TestPhase.PRE)
    assert (attempt.cadre, attempt.entry, attempt.score) == (wati, TestEntry.ANSWER_SHEET, 90)
    assert not TestAttempt.objects.filter(cadre=rina).exists()
