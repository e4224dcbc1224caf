"""Writes to skill assessments: an assessor scores every step of one re-demonstration."""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from kaderasi.accounts.models import User
from kaderasi.cadres.models import Cadre
from kaderasi.core.errors import DomainError
from kaderasi.training.errors import TrainingErrorCode
from kaderasi.training.models import (
    Participant,
    PracticePartner,
    SkillAssessment,
    SkillStep,
    SkillStepResult,
    Training,
)
from kaderasi.training.selectors import training_policy_for


@dataclass(frozen=True)
class ObservedAttempt:
    """One re-demonstration as observed: (done, comment) for every step of the checklist."""

    cadre: Cadre
    attempt: int
    results: Mapping[SkillStep, tuple[bool, str]]
    assessor: User | None
    assessed_at: dt.datetime
    partner: PracticePartner = PracticePartner.PEER
    note: str = ""
    is_illustrative: bool = False


def _check(training: Training, observed: Sequence[ObservedAttempt]) -> list[SkillStep]:
    checklist = training.skill_checklist
    if checklist is None:
        raise DomainError(
            TrainingErrorCode.TRAINING_NO_CHECKLIST,
            _("Choose the training's skill checklist first."),
        )
    invited = set(Participant.objects.filter(training=training).values_list("cadre_id", flat=True))
    allowed = training_policy_for(training.programme).skill_attempts
    steps = list(checklist.steps.all())
    for entry in observed:
        if entry.cadre.pk not in invited:
            raise DomainError(
                TrainingErrorCode.TEST_NOT_INVITED,
                _("%(code)s is not invited to this training.") % {"code": entry.cadre.code},
            )
        if not 1 <= entry.attempt <= allowed:
            raise DomainError(
                TrainingErrorCode.SKILL_ATTEMPT_OUT_OF_RANGE,
                _("This programme has re-demonstrations 1 to %(allowed)s.") % {"allowed": allowed},
                field="attempt",
            )
        if any(step.checklist_id != checklist.pk for step in entry.results):
            raise DomainError(
                TrainingErrorCode.SKILL_STEP_OTHER_CHECKLIST,
                _("A step does not belong to this training's checklist."),
            )
        missing = [step.number for step in steps if step not in entry.results]
        if missing:
            raise DomainError(
                TrainingErrorCode.SKILL_STEPS_INCOMPLETE,
                _("Mark every step yes or no; missing: %(steps)s.")
                % {"steps": ", ".join(str(number) for number in missing)},
            )
    return steps


@transaction.atomic
def skill_assessment_record(
    *,
    training: Training,
    cadre: Cadre,
    attempt: int,
    results: Mapping[SkillStep, tuple[bool, str]],
    assessor: User | None,
    now: dt.datetime,
    partner: PracticePartner = PracticePartner.PEER,
    note: str = "",
    is_illustrative: bool = False,
) -> SkillAssessment:
    """Record re-demonstration number `attempt` (1 … the programme's number of
    re-demonstrations) with (done, comment) for every step of the training's checklist.
    Recording the same attempt again replaces it, with the new assessor and time."""
    _check(
        training,
        [ObservedAttempt(cadre, attempt, results, assessor, now, partner, note, is_illustrative)],
    )
    assessment, _created = SkillAssessment.objects.update_or_create(
        training=training,
        cadre=cadre,
        attempt=attempt,
        defaults={
            "checklist": training.skill_checklist,
            "assessor": assessor,
            "assessed_at": now,
            "partner": partner,
            "note": note,
            "is_illustrative": is_illustrative,
        },
    )
    assessment.results.all().delete()
    SkillStepResult.objects.bulk_create(
        SkillStepResult(assessment=assessment, step=step, done=done, comment=comment.strip())
        for step, (done, comment) in results.items()
    )
    return assessment


@transaction.atomic
def skill_assessments_record_many(
    *, training: Training, observed: Sequence[ObservedAttempt]
) -> list[SkillAssessment]:
    """Record a room's re-demonstrations at once (from paper checklists, or the demo), replacing
    any recorded before for the same cadre and attempt. All or nothing; a fixed number of
    queries whatever the size of the room."""
    _check(training, observed)
    keys = {(entry.cadre.pk, entry.attempt) for entry in observed}
    stale = [
        pk
        for pk, cadre_id, attempt in SkillAssessment.objects.filter(
            training=training, cadre__in=[entry.cadre for entry in observed]
        ).values_list("pk", "cadre_id", "attempt")
        if (cadre_id, attempt) in keys
    ]
    SkillAssessment.objects.filter(pk__in=stale).delete()
    assessments = SkillAssessment.objects.bulk_create(
        SkillAssessment(
            training=training,
            cadre=entry.cadre,
            checklist=training.skill_checklist,
            attempt=entry.attempt,
            assessor=entry.assessor,
            assessed_at=entry.assessed_at,
            partner=entry.partner,
            note=entry.note,
            is_illustrative=entry.is_illustrative,
        )
        for entry in observed
    )
    SkillStepResult.objects.bulk_create(
        SkillStepResult(assessment=assessment, step=step, done=done, comment=comment.strip())
        for assessment, entry in zip(assessments, observed, strict=True)
        for step, (done, comment) in entry.results.items()
    )
    return assessments
