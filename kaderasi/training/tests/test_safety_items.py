"""Must-pass safety items (issue 19): a cadre who gets a danger-sign or when-to-refer item of the
post-test wrong is not certified, whatever her total, and both the trainer and the cadre are told
which item it was."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from kaderasi.training import services
from kaderasi.training.models import Question, TestPhase, TrainingPolicy
from kaderasi.training.scoring import certification_eligibility, must_pass_missed
from kaderasi.training.summaries import certification_rows
from kaderasi.training.tests.answering import english_url, marks

pytestmark = pytest.mark.django_db

SAFETY_ITEMS = [15, 16, 17, 18]


def _pass_skills(training, cadre, now):
    services.skill_assessment_record(
        training=training,
        cadre=cadre,
        attempt=2,
        results={step: (True, "") for step in training.skill_checklist.steps.all()},
        assessor=None,
        now=now,
    )


@pytest.fixture
def answered(training, wati, rina, now):
    """Post-test on paper: Wati 95 with item 17 (a maternal danger sign) wrong; Rina 90 with
    items 3 and 19 wrong. Both passed the skills."""
    services.answer_sheets_record(
        training=training,
        phase=TestPhase.POST,
        sheets={
            wati: marks(training.questionnaire, wrong={17}),
            rina: marks(training.questionnaire, wrong={3, 19}),
        },
        by=None,
        now=now,
    )
    _pass_skills(training, wati, now)
    _pass_skills(training, rina, now)
    return training


def test_the_shipped_questionnaire_marks_the_danger_sign_and_referral_items_as_must_pass(content):
    questions = content.questionnaire.questions.filter(must_pass=True).order_by("number")
    assert [q.number for q in questions] == SAFETY_ITEMS
    assert all(q.must_pass_reason_id and q.must_pass_reason_en for q in questions)


def test_a_wrong_safety_item_bars_the_certificate_whatever_the_score(answered, wati, rina):
    rows = {row.cadre: row for row in certification_rows(answered)}
    assert rows[wati].post_test_score == Decimal("95.00")
    assert rows[wati].eligibility.post_test_passed is True
    assert rows[wati].eligibility.must_pass_missed == (17,)
    assert rows[wati].eligibility.eligible is False
    assert rows[rina].eligibility.must_pass_missed == ()
    assert rows[rina].eligibility.eligible is True
    issued = services.certificates_issue_for_training(training=answered, on=dt.date(2026, 11, 29))
    assert [certificate.cadre for certificate in issued] == [rina]


def test_a_programme_may_count_the_total_only(answered, world, wati):
    TrainingPolicy.objects.create(programme=world.programme, must_pass_items_required=False)
    rows = {row.cadre: row for row in certification_rows(answered)}
    assert rows[wati].eligibility.must_pass_missed == ()
    assert rows[wati].eligibility.eligible is True


def test_a_total_score_alone_cannot_show_the_safety_items_and_says_so(
    training, wati, now, client, coordinator
):
    services.total_scores_record(
        training=training, phase=TestPhase.POST, scores={wati: Decimal(90)}, by=None, now=now
    )
    _pass_skills(training, wati, now)
    row = next(row for row in certification_rows(training) if row.cadre == wati)
    assert row.eligibility.must_pass_checked is False
    assert row.eligibility.eligible is True
    client.force_login(coordinator)
    page = client.get(english_url("training:training-certificates", training.public_id))
    assert "safety questions not checked (total score only)" in page.content.decode()


def test_the_trainers_pages_name_the_wrong_safety_item_and_mark_the_safety_questions(
    answered, client, coordinator
):
    client.force_login(coordinator)
    who_passed = client.get(
        english_url("training:training-certificates", answered.public_id)
    ).content.decode()
    assert "safety question(s) wrong: 17" in who_passed
    summary = client.get(
        english_url("training:training-summary", answered.public_id)
    ).content.decode()
    assert summary.count("data-must-pass") == len(SAFETY_ITEMS)


def test_the_cadre_sees_which_safety_question_kept_her_from_passing(
    client, training, cadre_user, wati, now
):
    services.training_test_open(training=training, phase=TestPhase.POST, now=now)
    attempt = services.test_attempt_start(
        training=training, cadre=wati, phase=TestPhase.POST, now=now
    )
    for question in training.questionnaire.questions.prefetch_related("options"):
        option = question.options.filter(is_correct=question.number != 16).first()
        services.test_answer_record(attempt=attempt, question=question, option=option, now=now)
    services.test_attempt_submit(attempt=attempt, now=now)
    client.force_login(cadre_user)
    response = client.get(english_url("training:test-result", attempt.public_id))
    result = response.context["result"]
    assert result.score == Decimal("95.00")
    assert result.reached_pass_mark is True
    assert result.passed is False
    assert [q.number for q in result.must_pass_missed] == [16]
    page = response.content.decode()
    assert "but not every safety question is right" in page
    assert (
        escape(Question.objects.get(pk=result.must_pass_missed[0].pk).must_pass_reason_en) in page
    )


def test_must_pass_missed_counts_wrong_blank_and_unanswered_alike():
    assert must_pass_missed([15, 16, 17, 18], [15, 18]) == (16, 17)
    assert must_pass_missed([], [1, 2]) == ()


@pytest.mark.parametrize(
    ("missed", "required", "eligible", "checked"),
    [
        ((), True, True, True),
        ((17,), True, False, True),
        ((17,), False, True, True),
        (None, True, True, False),
    ],
)
def test_the_eligibility_rule_with_safety_items(missed, required, eligible, checked):
    result = certification_eligibility(
        post_test_score=Decimal(95),
        pass_score=Decimal(76),
        skill_passed=True,
        must_pass_missed=missed,
        must_pass_required=required,
    )
    assert (result.eligible, result.must_pass_checked) == (eligible, checked)


def test_the_policy_admin_lets_a_coordinator_switch_the_safety_rule(client, admin_user, world):
    client.force_login(admin_user)
    page = client.get(reverse("admin:training_trainingpolicy_add")).content.decode()
    assert 'name="must_pass_items_required"' in page


def test_a_safety_question_without_its_reason_is_refused_in_the_admin(client, admin_user, content):
    question = content.questionnaire.questions.get(number=1)
    client.force_login(admin_user)
    url = english_url("admin:training_question_change", question.pk)
    form = client.get(url).context["adminform"].form
    data = {
        key: value
        for key, value in form.initial.items()
        if value is not None and not isinstance(value, list)
    }
    data |= {"questionnaire": question.questionnaire_id, "must_pass": "on"}
    options = list(question.options.all())
    data |= {
        "options-TOTAL_FORMS": len(options),
        "options-INITIAL_FORMS": len(options),
        "options-MIN_NUM_FORMS": 0,
        "options-MAX_NUM_FORMS": 1000,
    }
    for index, option in enumerate(options):
        data |= {
            f"options-{index}-id": option.pk,
            f"options-{index}-question": question.pk,
            f"options-{index}-position": option.position,
            f"options-{index}-text_id": option.text_id,
            f"options-{index}-text_en": option.text_en,
        }
        if option.is_correct:
            data[f"options-{index}-is_correct"] = "on"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Say why this safety question must be right" in response.content.decode()
    question.refresh_from_db()
    assert question.must_pass is False
