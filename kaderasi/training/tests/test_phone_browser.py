"""In a real browser at a cheap phone's size: the demo cadre takes a post-test and sees her score,
and the trainer finds that score in the training's summary."""

import datetime as dt

import pytest

from kaderasi.cadres.models import Cadre
from kaderasi.conftest import log_in
from kaderasi.core import clock
from kaderasi.demo.seeding import seed_demo
from kaderasi.training import services
from kaderasi.training.models import Attendance, Question, TestAttempt, TestPhase

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WRONG_ON_PURPOSE = {4, 13, 18}


@pytest.fixture
def refresher(now):
    """The demo, plus a refresher training today with the post-test open for the demo cadre
    (her 2018 scores are already complete)."""
    seed_demo(now=now)
    kader = Cadre.objects.get(user__username="kader")
    content = services.standard_content_load()
    today = clock.now()
    training = services.training_create(
        programme=kader.programme,
        title="Penyegaran pijat oksitosin",
        starts_at=today - dt.timedelta(hours=1),
        ends_at=today + dt.timedelta(hours=3),
        venue="Balai Desa Pandes",
        questionnaire=content.questionnaire,
        skill_checklist=content.checklist,
        booklet=content.booklet,
    )
    services.participants_record(training=training, attendance={kader: Attendance.PRESENT})
    services.training_test_open(training=training, phase=TestPhase.POST, now=today)
    return training


def _tap_answer(phone, questions_by_text: dict) -> None:
    question = questions_by_text[phone.locator("h1.question-text").inner_text().strip()]
    wanted = question.options.filter(is_correct=question.number not in WRONG_ON_PURPOSE).first()
    buttons = phone.locator("button.choice")
    for index in range(buttons.count()):
        if buttons.nth(index).inner_text().strip() == wanted.text_id:
            buttons.nth(index).click()
            phone.wait_for_load_state()
            return
    raise AssertionError(f"no button for {wanted.text_id!r}")


def test_the_demo_cadre_takes_a_post_test_on_her_phone_and_the_trainer_sees_her_score(
    phone, refresher
):
    questions = {
        q.text_id: q
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
    attempt = TestAttempt.objects.get(training=refresher)
    assert (attempt.score, attempt.entry) == (85, "phone")

    # The trainer opens the summary (on her laptop) and sees the score.
    from django.test import Client

    from kaderasi.accounts.models import User

    trainer = Client()
    trainer.force_login(User.objects.get(username="koordinator"))
    summary = trainer.get(f"/en/trainings/{refresher.public_id}/summary/").content.decode()
    row = summary[summary.index('data-cadre="K01"') :]
    post = row[row.index('data-score="post"') :]
    assert post[post.index(">") + 1 :].lstrip().startswith("85")


def _boxes(phone, selector):
    locator = phone.locator(selector)
    return [locator.nth(index).bounding_box() for index in range(locator.count())]
