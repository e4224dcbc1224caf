"""Observed re-demonstrations: every step scored yes/no with a comment, attempts 1 and 2, the
programme's pass rule, and the steps the room missed most."""

from decimal import Decimal

import pytest
from django.urls import reverse

from kaderasi.cadres.models import Cadre
from kaderasi.core.errors import DomainError
from kaderasi.training import services
from kaderasi.training.errors import TrainingErrorCode
from kaderasi.training.models import SkillAssessment, SkillPassBasis, TestPhase
from kaderasi.training.summaries import skill_overview

pytestmark = pytest.mark.django_db


def _results(training, missed: set[int] = frozenset(), comments: dict | None = None):
    return {
        step: (step.number not in missed, (comments or {}).get(step.number, ""))
        for step in training.skill_checklist.steps.all()
    }


def _record(training, cadre, attempt, missed=frozenset(), now=None):
    return services.skill_assessment_record(
        training=training,
        cadre=cadre,
        attempt=attempt,
        results=_results(training, missed),
        assessor=None,
        now=now,
    )


def test_the_standard_checklist_has_23_steps_of_which_10_are_critical(content):
    steps = list(content.checklist.steps.all())
    assert len(steps) == 23
    assert [s.number for s in steps if s.is_critical] == [2, 3, 6, 8, 11, 12, 13, 14, 22, 23]


def test_a_cadre_passes_on_her_final_re_demonstration(training, wati, now):
    _record(training, wati, 1, missed={12, 17}, now=now)  # a critical step missed
    overview = skill_overview(training, cadres=Cadre.objects.all())
    assert not overview.rows[0].passed
    _record(training, wati, 2, missed={16, 17, 20, 21}, now=now)  # 19/23, no critical missed
    row = skill_overview(training, cadres=Cadre.objects.all()).rows[0]
    assert (row.outcomes[2].done, row.outcomes[2].total, row.passed) == (19, 23, True)


def test_a_flawless_first_re_demonstration_is_not_a_pass_before_the_final_one(training, wati, now):
    services.total_scores_record(
        training=training, phase=TestPhase.POST, scores={wati: Decimal(90)}, by=None, now=now
    )
    _record(training, wati, 1, now=now)
    assert not skill_overview(training, cadres=Cadre.objects.all()).rows[0].passed
    assert services.certificates_issue_for_training(training=training, on=now.date()) == []
    _record(training, wati, 2, now=now)
    assert [
        c.cadre for c in services.certificates_issue_for_training(training=training, on=now.date())
    ] == [wati]


def test_a_programme_can_require_every_re_demonstration_to_pass(training, wati, now):
    services.training_policy_set(
        programme=training.programme, skill_pass_basis=SkillPassBasis.EVERY_ATTEMPT
    )
    _record(training, wati, 1, missed={12}, now=now)
    _record(training, wati, 2, now=now)
    assert not skill_overview(training, cadres=Cadre.objects.all()).rows[0].passed


def test_the_trainer_sees_which_steps_the_room_missed_most(training, wati, rina, now):
    _record(training, wati, 1, missed={17, 11}, now=now)
    _record(training, rina, 1, missed={17}, now=now)
    _record(training, wati, 2, missed={17}, now=now)
    overview = skill_overview(training, cadres=Cadre.objects.all())
    most = [(row.step.number, row.missed, row.assessed_total) for row in overview.most_missed]
    assert most == [(17, {1: 2, 2: 1}, 3), (11, {1: 1}, 3)]


def test_every_step_must_be_marked(training, wati, now):
    results = _results(training)
    results.pop(next(step for step in results if step.number == 9))
    with pytest.raises(DomainError) as error:
        services.skill_assessment_record(
            training=training, cadre=wati, attempt=1, results=results, assessor=None, now=now
        )
    assert error.value.code == TrainingErrorCode.SKILL_STEPS_INCOMPLETE
    assert not SkillAssessment.objects.exists()


def test_there_is_no_third_re_demonstration_by_default(training, wati, now):
    with pytest.raises(DomainError) as error:
        _record(training, wati, 3, now=now)
    assert error.value.code == TrainingErrorCode.SKILL_ATTEMPT_OUT_OF_RANGE
    assert error.value.field == "attempt"


def test_scoring_the_same_attempt_again_replaces_it(training, wati, coordinator, now):
    _record(training, wati, 1, missed={5}, now=now)
    services.skill_assessment_record(
        training=training,
        cadre=wati,
        attempt=1,
        results=_results(training, comments={5: "Gorden sudah ditutup"}),
        assessor=coordinator,
        now=now,
    )
    assessment = SkillAssessment.objects.get()
    assert assessment.assessor == coordinator
    assert assessment.results.filter(done=False).count() == 0
    assert assessment.results.get(step__number=5).comment == "Gorden sudah ditutup"


def test_an_assessor_scores_a_re_demonstration_on_her_phone(client, training, coordinator, wati):
    data = {"partner": "peer", "note": ""}
    for step in training.skill_checklist.steps.all():
        data[f"step_{step.number}"] = "no" if step.number == 17 else "yes"
        data[f"comment_{step.number}"] = "Baru 8 menit" if step.number == 17 else ""
    client.force_login(coordinator)
    url = reverse("training:skill-assess", args=[training.public_id, wati.public_id, 1])
    response = client.post(url, data)
    assert response.url == reverse("training:training-skills", args=[training.public_id])
    assessment = SkillAssessment.objects.get()
    assert (assessment.assessor, assessment.attempt) == (coordinator, 1)
    assert assessment.results.get(step__number=17).comment == "Baru 8 menit"


def test_an_unmarked_step_is_named_and_the_marks_are_kept(client, training, coordinator, wati):
    from kaderasi.training.tests.answering import english_url

    data = {"partner": "peer"}
    for step in training.skill_checklist.steps.all():
        if step.number != 4:
            data[f"step_{step.number}"] = "yes"
    client.force_login(coordinator)
    response = client.post(
        english_url("training:skill-assess", training.public_id, wati.public_id, 2), data
    )
    assert response.status_code == 200
    assert response.context["form"].errors["step_4"] == ["Mark step 4 yes or no."]
    assert response.context["form"]["step_5"].value() == "yes"
    assert not SkillAssessment.objects.exists()


@pytest.mark.parametrize("persona", ["midwife", "district_officer", "cadre_user"])
def test_only_trainers_score_re_demonstrations(request, client, training, wati, persona):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("training:skill-assess", args=[training.public_id, wati.public_id, 1])
    response = client.post(url, {"partner": "peer"})
    assert response.status_code == 403
    assert not SkillAssessment.objects.exists()


def test_a_re_demonstration_scored_without_an_assessor_opens_and_says_who_scored_it(
    client, training, coordinator, wati, now
):
    # Regression (found by the crawl, issue 18): a filter argument naming the missing assessor's
    # username raised, and the page answered 500 for every imported or seeded assessment.
    _record(training, wati, 1, now=now)
    client.force_login(coordinator)

    from kaderasi.training.tests.answering import english_url

    response = client.get(
        english_url("training:skill-assess", training.public_id, wati.public_id, 1)
    )

    assert response.status_code == 200
    assert "Scored by — on" in response.content.decode()
