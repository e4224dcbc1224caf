"""In a real browser at a cheap phone's size: the demo cadre takes the post-test of the demo's
refresher training on her phone and sees her score, and the trainer, on her laptop, finds that
score in the training's summary."""

import pytest

from kaderasi.conftest import log_in
from kaderasi.tests.seeded_demo import demo_seeded
from kaderasi.training.models import Question, TestAttempt, TestPhase, Training

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WRONG_ON_PURPOSE = {4, 13, 18}


@pytest.fixture
def refresher(now):
    """The demo as a person trying it finds it: demo-live's refresher, whose post-test is open
    for the `kader` login (her row K01 there)."""
    demo_seeded(now=now)
    return Training.objects.get(programme__slug="demo-live", open_test=TestPhase.POST)


def _tap_answer(phone, questions_by_text: dict) -> None:
    question = questions_by_text[phone.locator("h1.question-text").inner_text().strip()]
    wanted = question.options.filter(is_correct=question.number not in WRONG_ON_PURPOSE).first()
    # The phone prints the option as the cadre reads it: thresholds filled in from the rules.
    text = wanted.localized("text", "id")
    buttons = phone.locator("button.choice")
    for index in range(buttons.count()):
        if buttons.nth(index).inner_text().strip() == text:
            buttons.nth(index).click()
            phone.wait_for_load_state()
            return
    raise AssertionError(f"no button for {text!r}")


def test_the_demo_cadre_takes_a_post_test_on_her_phone_and_the_trainer_sees_her_score(
    phone, refresher, live_server
):
    questions = {
        q.localized("text", "id"): q
        for q in Question.objects.filter(questionnaire=refresher.questionnaire).prefetch_related(
            "options"
        )
    }
    log_in(phone, "kader")
    phone.click("[data-open-test]")
    phone.click("[data-start-test]")
    for number in range(1, 21):
        assert phone.locator("[data-question-position]").inner_text().split()[1] == str(number)
        # Big enough to hit with a thumb, and nothing wider than the screen.
        assert all(box["height"] >= 48 for box in _boxes(phone, "button.choice"))
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        _tap_answer(phone, questions)
    phone.click("[data-submit-test]")
    phone.wait_for_load_state()
    assert phone.locator("[data-score]").inner_text() == "85"
    attempt = TestAttempt.objects.get(training=refresher, phase=TestPhase.POST, cadre__code="K01")
    assert (attempt.score, attempt.entry, attempt.cadre.same_person_as.user.username) == (
        85,
        "phone",
        "kader",
    )

    # The trainer, on her laptop, opens the training's summary and finds the score.
    laptop = phone.context.browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="en-GB", base_url=live_server.url
    )
    try:
        trainer = laptop.new_page()
        log_in(trainer, "koordinator")
        trainer.goto(f"/en/trainings/{refresher.public_id}/summary/")
        post = trainer.locator('tr[data-cadre="K01"] [data-score="post"]')
        assert post.inner_text().split()[0] == "85"
    finally:
        laptop.close()


def _boxes(phone, selector):
    locator = phone.locator(selector)
    return [locator.nth(index).bounding_box() for index in range(locator.count())]
