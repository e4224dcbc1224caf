"""Reads a programme for the FHIR export as plain rows (dicts), in a fixed number of queries
whatever the number of mothers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from kaderasi.accounts.models import User
from kaderasi.accounts.roles import Role
from kaderasi.cadres.models import Cadre
from kaderasi.care.models import (
    LATCH_ITEMS,
    Consent,
    Delivery,
    Flag,
    Infant,
    LatchObservation,
    MassageSession,
    Measurement,
    Mother,
    Pairing,
)
from kaderasi.programmes.models import Programme
from kaderasi.regions.models import Area
from kaderasi.training.models import (
    AttemptStatus,
    ItemAnswer,
    Option,
    Question,
    Questionnaire,
    SkillAssessment,
    SkillChecklist,
    SkillStep,
    SkillStepResult,
    TestAttempt,
)

Row = dict[str, Any]


@dataclass
class ProgrammeRows:
    """Everything the bundle is built from; builders read only these rows."""

    programme: Row
    areas: dict[int, Row] = field(default_factory=dict)
    midwives: list[Row] = field(default_factory=list)
    cadres: list[Row] = field(default_factory=list)
    mothers: list[Row] = field(default_factory=list)
    deliveries: list[Row] = field(default_factory=list)
    infants: list[Row] = field(default_factory=list)
    pairings: list[Row] = field(default_factory=list)
    sessions: list[Row] = field(default_factory=list)
    measurements: list[Row] = field(default_factory=list)
    flags: list[Row] = field(default_factory=list)
    consents: list[Row] = field(default_factory=list)
    latch: list[Row] = field(default_factory=list)
    # The cadres' training: knowledge tests and skill re-demonstrations, with the content used.
    questionnaires: list[Row] = field(default_factory=list)
    questions: list[Row] = field(default_factory=list)
    options: list[Row] = field(default_factory=list)
    attempts: list[Row] = field(default_factory=list)
    answers: list[Row] = field(default_factory=list)
    checklists: list[Row] = field(default_factory=list)
    steps: list[Row] = field(default_factory=list)
    assessments: list[Row] = field(default_factory=list)
    step_results: list[Row] = field(default_factory=list)


def _ancestor_ids(paths: list[str]) -> set[int]:
    return {int(part) for path in paths for part in path.strip("/").split("/") if part}


def programme_fhir_rows(
    programme: Programme,
    *,
    mothers: QuerySet[Mother],
    cadres: QuerySet[Cadre],
    staff: QuerySet[User],
    training: bool = True,
) -> ProgrammeRows:
    """The programme's rows over the given mothers, cadres and staff (the reader's scope: a
    midwife is named only when she is in `staff` and covers an area above a listed posyandu).
    `training`: the cadres' knowledge tests and skill assessments too (not in one mother's
    record: the facility that cares for her has no need of them)."""
    mothers = mothers.filter(programme=programme)
    rows = ProgrammeRows(
        programme={
            "public_id": programme.public_id,
            "slug": programme.slug,
            "name": programme.name,
        }
    )
    rows.mothers = list(
        mothers.order_by("code").values(
            "id", "public_id", "code", "name", "nik", "phone", "birth_date", "posyandu_id"
        )
    )
    rows.cadres = list(
        cadres.filter(programme=programme)
        .order_by("code")
        .values("id", "public_id", "code", "name", "posyandu_id")
    )
    posyandu_paths = list(
        Area.objects.filter(
            id__in={row["posyandu_id"] for row in rows.mothers + rows.cadres}
        ).values_list("path", flat=True)
    )
    ancestors = _ancestor_ids(posyandu_paths)
    rows.areas = {
        row["id"]: row
        for row in Area.objects.filter(id__in=ancestors).values(
            "id", "public_id", "name", "level", "code", "path", "parent_id"
        )
    }
    rows.midwives = list(
        User.objects.filter(
            pk__in=staff.values("pk"), role=Role.MIDWIFE, is_active=True, areas__in=ancestors
        )
        .distinct()
        .order_by("id")
        .values("id", "public_id", "first_name", "last_name", "username")
    )
    mother_ids = [row["id"] for row in rows.mothers]
    rows.deliveries = list(
        Delivery.objects.filter(pregnancy__mother_id__in=mother_ids)
        .order_by("delivered_at")
        .values("id", "public_id", "pregnancy__mother_id", "delivered_at")
    )
    rows.infants = list(
        Infant.objects.filter(delivery__pregnancy__mother_id__in=mother_ids)
        .order_by("delivery__delivered_at", "created_at")
        .values("id", "public_id", "delivery_id", "sex", "birth_weight_g")
    )
    rows.pairings = list(
        Pairing.objects.filter(mother_id__in=mother_ids)
        .order_by("starts_at")
        .values("mother_id", "cadre_id", "starts_at", "ends_at")
    )
    rows.sessions = list(
        MassageSession.objects.filter(mother_id__in=mother_ids)
        .order_by("started_at")
        .values("public_id", "mother_id", "cadre_id", "performed_by", "started_at", "ended_at")
    )
    rows.measurements = list(
        Measurement.objects.filter(mother_id__in=mother_ids)
        .order_by("measured_at")
        .values(
            "public_id",
            "mother_id",
            "kind",
            "measured_at",
            "value",
            "method",
            "basis",
            "phase",
            "side",
            "expression_minutes",
        )
    )
    rows.flags = list(
        Flag.objects.filter(mother_id__in=mother_ids)
        .order_by("raised_at")
        .values(
            "public_id",
            "mother_id",
            "severity",
            "raised_at",
            "rule__code",
            "rule__title_en",
            "referral__public_id",
            "referral__status",
            "referral__opened_at",
            "referral__closed_at",
            "referral__outcome",
        )
    )
    rows.consents = list(
        Consent.objects.filter(mother_id__in=mother_ids)
        .order_by("given_at")
        .values(
            "public_id",
            "mother_id",
            "subject",
            "text_version",
            "given_by",
            "given_at",
            "withdrawn_at",
        )
    )
    rows.latch = list(
        LatchObservation.objects.filter(mother_id__in=mother_ids)
        .order_by("observed_at")
        .values("public_id", "mother_id", "observed_at", *LATCH_ITEMS)
    )
    if training:
        _training_rows(rows)
    return rows


def _training_rows(rows: ProgrammeRows) -> None:
    """The completed knowledge tests and the skill assessments of the listed cadres, and the
    questionnaires and checklists they used (nine queries)."""
    cadre_ids = [row["id"] for row in rows.cadres]
    rows.attempts = list(
        TestAttempt.objects.completed()
        .filter(cadre_id__in=cadre_ids)
        .order_by("cadre__code", "training__starts_at", "phase")
        .values(
            "id",
            "public_id",
            "cadre_id",
            "phase",
            "score",
            "taken_on",
            "completed_at",
            "questionnaire_id",
        )
    )
    rows.answers = list(
        ItemAnswer.objects.filter(
            attempt__cadre_id__in=cadre_ids, attempt__status=AttemptStatus.COMPLETED
        )
        .order_by("attempt_id", "question__number")
        .values("attempt_id", "question_id", "option_id")
    )
    questionnaire_ids = {row["questionnaire_id"] for row in rows.attempts} - {None}
    rows.questionnaires = list(
        Questionnaire.objects.filter(id__in=questionnaire_ids)
        .order_by("code", "version")
        .values("id", "public_id", "code", "version", "title_id", "title_en")
    )
    rows.questions = list(
        Question.objects.filter(questionnaire_id__in=questionnaire_ids)
        .order_by("questionnaire_id", "number")
        .values("id", "questionnaire_id", "number", "kind", "text_id")
    )
    rows.options = list(
        Option.objects.filter(question__questionnaire_id__in=questionnaire_ids)
        .order_by("question_id", "position")
        .values("id", "question_id", "position", "text_id")
    )
    rows.assessments = list(
        SkillAssessment.objects.filter(cadre_id__in=cadre_ids)
        .order_by("cadre__code", "assessed_at", "attempt")
        .values(
            "id",
            "public_id",
            "cadre_id",
            "checklist_id",
            "attempt",
            "assessed_at",
            "assessor__public_id",
        )
    )
    rows.step_results = list(
        SkillStepResult.objects.filter(assessment__cadre_id__in=cadre_ids)
        .order_by("assessment_id", "step__number")
        .values("assessment_id", "step_id", "done")
    )
    checklist_ids = {row["checklist_id"] for row in rows.assessments}
    rows.checklists = list(
        SkillChecklist.objects.filter(id__in=checklist_ids)
        .order_by("code", "version")
        .values("id", "public_id", "code", "version", "title_id", "title_en")
    )
    rows.steps = list(
        SkillStep.objects.filter(checklist_id__in=checklist_ids)
        .order_by("checklist_id", "number")
        .values("id", "checklist_id", "number", "text_id", "is_critical")
    )
