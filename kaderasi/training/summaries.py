"""What a trainer, midwife or district officer reads about a training: the knowledge summary
with its statistics and item analysis, the skill overview with the most often missed steps, and
who is (or can be) certified. Every function counts only the cadres it is given (the viewer's
scope) and runs a fixed number of queries."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.db.models import QuerySet

from kaderasi.cadres.models import Cadre
from kaderasi.evaluation.statistics import paired_summary
from kaderasi.programmes.models import Programme
from kaderasi.training.certification import CertificateStatus, certificate_status
from kaderasi.training.knowledge_pairs import training_pairs
from kaderasi.training.models import (
    AttemptStatus,
    Attendance,
    Certificate,
    ItemAnswer,
    Participant,
    Question,
    SkillAssessment,
    SkillPassBasis,
    SkillStep,
    SkillStepResult,
    TestAttempt,
    TestEntry,
    TestPhase,
    Training,
    TrainingPolicy,
)
from kaderasi.training.scoring import (
    Bands,
    Eligibility,
    ItemResult,
    KnowledgeBand,
    SkillOutcome,
    SkillRule,
    band_counts,
    certification_eligibility,
    item_analysis,
    knowledge_band,
    must_pass_missed,
    skill_outcome,
    skill_passed,
)
from kaderasi.training.selectors import training_policy_for


def bands_of(policy: TrainingPolicy) -> Bands:
    return Bands(
        good_minimum=Decimal(policy.good_band_minimum),
        fair_minimum=Decimal(policy.fair_band_minimum),
    )


def skill_rule_of(policy: TrainingPolicy) -> SkillRule:
    return SkillRule(
        minimum_percent=policy.skill_minimum_percent,
        all_critical_required=policy.skill_all_critical_required,
    )


class ItemAnalysisUnavailable:
    """Why a summary has no item analysis (codes the page explains)."""

    NO_SCORES = "no_scores"
    TOTAL_SCORES_ONLY = "total_scores_only"


@dataclass(frozen=True)
class BandShare:
    band: KnowledgeBand
    count: int
    percent: float | None


@dataclass(frozen=True)
class PhaseSummary:
    phase: TestPhase
    n: int
    in_progress: int
    bands: list[BandShare]
    passed: int

    @property
    def passed_percent(self) -> float | None:
        return 100 * self.passed / self.n if self.n else None


@dataclass(frozen=True)
class ItemRow:
    question: Question
    result: ItemResult


@dataclass(frozen=True)
class CadreScores:
    cadre: Cadre
    pre: Decimal | None
    post: Decimal | None
    pre_band: KnowledgeBand | None
    post_band: KnowledgeBand | None
    answering: list[str]

    @property
    def gain(self) -> Decimal | None:
        return None if self.pre is None or self.post is None else self.post - self.pre


@dataclass(frozen=True)
class KnowledgeSummary:
    training: Training
    policy: TrainingPolicy
    statistics: dict[str, Any]
    phases: dict[str, PhaseSummary]
    items: list[ItemRow]
    item_analysis_unavailable: str | None
    illustrative: bool
    rows: list[CadreScores] = field(default_factory=list)


def knowledge_summary(training: Training, *, cadres: QuerySet[Cadre]) -> KnowledgeSummary:
    """Pre/post statistics over the completed tests of `cadres` in `training`: the paired
    summary of the evaluation module (n, means, SD, medians, mean gain with 95 % CI, paired t,
    Wilcoxon), the share of each knowledge band and of passes per phase, and an item analysis
    (% correct before and after, exact McNemar per item) when answers were entered item by
    item."""
    policy = training_policy_for(training.programme)
    bands = bands_of(policy)
    attempts = list(
        TestAttempt.objects.filter(training=training, cadre__in=cadres).values(
            "pk", "cadre_id", "phase", "status", "score", "entry", "is_illustrative"
        )
    )
    completed = [a for a in attempts if a["status"] == AttemptStatus.COMPLETED]
    # The pairs as `training.knowledge_pairs` defines them, the same as the evaluation's; each
    # phase's scores are read from them, so a score counts here exactly when it counts there.
    pairs = training_pairs(SimpleNamespace(**a, training_id=training.pk) for a in attempts)
    scores: dict[str, dict[int, Decimal]] = {
        TestPhase.PRE: {p.cadre_id: p.pre_score for p in pairs.values() if p.pre is not None},
        TestPhase.POST: {p.cadre_id: p.post_score for p in pairs.values() if p.post is not None},
    }
    paired = sorted((pair for pair in pairs.values() if pair.complete), key=lambda p: p.cadre_id)
    statistics = paired_summary(
        [float(pair.pre_score) for pair in paired], [float(pair.post_score) for pair in paired]
    )
    phases = {}
    for phase in TestPhase:
        phase_scores = list(scores[phase].values())
        counts = band_counts(phase_scores, bands)
        phases[phase.value] = PhaseSummary(
            phase=phase,
            n=len(phase_scores),
            in_progress=sum(
                1
                for a in attempts
                if a["phase"] == phase and a["status"] == AttemptStatus.IN_PROGRESS
            ),
            bands=[
                BandShare(
                    band=band,
                    count=counts[band],
                    percent=100 * counts[band] / len(phase_scores) if phase_scores else None,
                )
                for band in KnowledgeBand
            ],
            passed=sum(1 for score in phase_scores if score >= policy.post_test_pass_score),
        )
    items, unavailable = _item_rows(training, completed)
    return KnowledgeSummary(
        training=training,
        policy=policy,
        statistics=statistics,
        phases=phases,
        items=items,
        item_analysis_unavailable=unavailable,
        illustrative=any(a["is_illustrative"] for a in completed),
        rows=_cadre_rows(training, cadres, attempts, scores, bands),
    )


def _cadre_rows(training, cadres, attempts, scores, bands) -> list[CadreScores]:
    """One row per invited cadre (or cadre with a score), in code order."""
    cadre_ids = {a["cadre_id"] for a in attempts} | set(
        Participant.objects.filter(training=training, cadre__in=cadres).values_list(
            "cadre_id", flat=True
        )
    )
    answering: dict[int, list[str]] = defaultdict(list)
    for attempt in attempts:
        if attempt["status"] == AttemptStatus.IN_PROGRESS:
            answering[attempt["cadre_id"]].append(attempt["phase"])
    rows = []
    for cadre in Cadre.objects.filter(pk__in=cadre_ids).order_by("code"):
        pre = scores[TestPhase.PRE].get(cadre.pk)
        post = scores[TestPhase.POST].get(cadre.pk)
        rows.append(
            CadreScores(
                cadre=cadre,
                pre=pre,
                post=post,
                pre_band=None if pre is None else knowledge_band(pre, bands),
                post_band=None if post is None else knowledge_band(post, bands),
                answering=answering[cadre.pk],
            )
        )
    return rows


def _item_rows(training: Training, completed: list[dict]) -> tuple[list[ItemRow], str | None]:
    with_items = [a for a in completed if a["entry"] != TestEntry.TOTAL_SCORE]
    if not completed:
        return [], ItemAnalysisUnavailable.NO_SCORES
    if not with_items or training.questionnaire_id is None:
        return [], ItemAnalysisUnavailable.TOTAL_SCORES_ONLY
    marks: dict[str, dict[int, dict[int, bool]]] = {TestPhase.PRE: {}, TestPhase.POST: {}}
    attempt_keys = {a["pk"]: (a["phase"], a["cadre_id"]) for a in with_items}
    for attempt_id, question_id, is_correct in ItemAnswer.objects.filter(
        attempt_id__in=attempt_keys
    ).values_list("attempt_id", "question_id", "is_correct"):
        phase, cadre_id = attempt_keys[attempt_id]
        marks[phase].setdefault(cadre_id, {})[question_id] = is_correct
    questions = list(training.questionnaire.questions.all())
    results = item_analysis(
        [question.pk for question in questions], marks[TestPhase.PRE], marks[TestPhase.POST]
    )
    return [
        ItemRow(question, result) for question, result in zip(questions, results, strict=True)
    ], None


@dataclass(frozen=True)
class SkillRow:
    cadre: Cadre
    assessments: dict[int, SkillAssessment]
    outcomes: dict[int, SkillOutcome]
    passed: bool


@dataclass(frozen=True)
class StepMisses:
    step: SkillStep
    missed: dict[int, int]
    assessed: dict[int, int]

    @property
    def missed_total(self) -> int:
        return sum(self.missed.values())

    @property
    def assessed_total(self) -> int:
        return sum(self.assessed.values())

    @property
    def missed_percent(self) -> float:
        return 100 * self.missed_total / self.assessed_total if self.assessed_total else 0.0


@dataclass(frozen=True)
class SkillOverview:
    training: Training
    policy: TrainingPolicy
    attempts: list[int]
    rows: list[SkillRow]
    steps: list[StepMisses] = field(default_factory=list)

    @property
    def most_missed(self) -> list[StepMisses]:
        """Steps missed at least once, most often missed first."""
        missed = [step for step in self.steps if step.missed_total]
        return sorted(missed, key=lambda step: (-step.missed_total, step.step.number))

    @property
    def passed(self) -> int:
        return sum(1 for row in self.rows if row.passed)

    @property
    def illustrative(self) -> bool:
        return any(a.is_illustrative for row in self.rows for a in row.assessments.values())


def skill_overview(training: Training, *, cadres: QuerySet[Cadre]) -> SkillOverview:
    """Each invited cadre's re-demonstrations with their outcome under the programme's rule, and
    for every step how often it was missed per re-demonstration."""
    policy = training_policy_for(training.programme)
    rule = skill_rule_of(policy)
    participants = (
        Participant.objects.filter(training=training, cadre__in=cadres)
        .select_related("cadre")
        .order_by("cadre__code")
    )
    assessments = SkillAssessment.objects.filter(
        training=training, cadre__in=cadres
    ).select_related("assessor")
    by_cadre: dict[int, dict[int, SkillAssessment]] = defaultdict(dict)
    for assessment in assessments:
        by_cadre[assessment.cadre_id][assessment.attempt] = assessment
    results = SkillStepResult.objects.filter(assessment__in=assessments).values_list(
        "assessment_id", "step_id", "step__is_critical", "done"
    )
    marks: dict[int, list[tuple[bool, bool]]] = defaultdict(list)
    missed: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    assessed: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    attempt_of = {a.pk: a.attempt for a in assessments}
    for assessment_id, step_id, critical, done in results:
        marks[assessment_id].append((critical, done))
        number = attempt_of[assessment_id]
        assessed[step_id][number] += 1
        if not done:
            missed[step_id][number] += 1
    rows = []
    for participant in participants:
        cadre_assessments = by_cadre.get(participant.cadre_id, {})
        outcomes = {
            number: skill_outcome(marks[assessment.pk], rule)
            for number, assessment in sorted(cadre_assessments.items())
        }
        rows.append(
            SkillRow(
                cadre=participant.cadre,
                assessments=cadre_assessments,
                outcomes=outcomes,
                passed=skill_passed(
                    outcomes,
                    every_attempt=policy.skill_pass_basis == SkillPassBasis.EVERY_ATTEMPT,
                    attempts=policy.skill_attempts,
                ),
            )
        )
    steps = (
        list(training.skill_checklist.steps.all())
        if training.skill_checklist_id is not None
        else []
    )
    return SkillOverview(
        training=training,
        policy=policy,
        attempts=list(range(1, policy.skill_attempts + 1)),
        rows=rows,
        steps=[
            StepMisses(step=step, missed=dict(missed[step.pk]), assessed=dict(assessed[step.pk]))
            for step in steps
        ],
    )


@dataclass(frozen=True)
class CertificationRow:
    cadre: Cadre
    attendance: str
    post_test_score: Decimal | None
    skill: SkillRow | None
    eligibility: Eligibility
    certificate: Certificate | None
    status: CertificateStatus | None


def certification_rows(
    training: Training, *, cadres: QuerySet[Cadre] | None = None, on: dt.date | None = None
) -> list[CertificationRow]:
    """For every invited cadre (of `cadres`, or all): her post-test score, skill outcome, whether
    she meets the programme's pass rule, and the certificate this training issued her (with its
    status on `on`, when given)."""
    scope = cadres if cadres is not None else Cadre.objects.filter(programme=training.programme)
    policy = training_policy_for(training.programme)
    overview = skill_overview(training, cadres=scope)
    skill_rows = {row.cadre.pk: row for row in overview.rows}
    post_attempts = {
        cadre_id: (score, entry)
        for cadre_id, score, entry in TestAttempt.objects.completed()
        .filter(training=training, phase=TestPhase.POST, cadre__in=scope)
        .values_list("cadre_id", "score", "entry")
    }
    post_scores = {cadre_id: score for cadre_id, (score, _entry) in post_attempts.items()}
    safety_missed = _must_pass_missed_by_cadre(training, scope, post_attempts)
    certificates = {
        certificate.cadre_id: certificate
        for certificate in Certificate.objects.filter(training=training, cadre__in=scope)
    }
    attendance = dict(
        Participant.objects.filter(training=training, cadre__in=scope).values_list(
            "cadre_id", "attendance"
        )
    )
    rows = []
    for row in overview.rows:
        cadre = row.cadre
        certificate = certificates.get(cadre.pk)
        rows.append(
            CertificationRow(
                cadre=cadre,
                attendance=attendance.get(cadre.pk, Attendance.INVITED),
                post_test_score=post_scores.get(cadre.pk),
                skill=skill_rows.get(cadre.pk),
                eligibility=certification_eligibility(
                    post_test_score=post_scores.get(cadre.pk),
                    pass_score=Decimal(policy.post_test_pass_score),
                    skill_passed=row.passed,
                    must_pass_missed=safety_missed.get(cadre.pk),
                    must_pass_required=policy.must_pass_items_required,
                ),
                certificate=certificate,
                status=certificate_status(certificate, on=on) if certificate and on else None,
            )
        )
    return rows


def _must_pass_missed_by_cadre(
    training: Training, scope: QuerySet[Cadre], post_attempts: dict[int, tuple]
) -> dict[int, tuple[int, ...] | None]:
    """For each cadre with a completed post-test: the must-pass items she did not get right, or
    None when her answers are not known item by item (a total score only). Two queries."""
    must_pass = set(
        Question.objects.filter(
            questionnaire_id=training.questionnaire_id, must_pass=True
        ).values_list("number", flat=True)
    )
    correct: dict[int, set[int]] = defaultdict(set)
    if must_pass:
        for cadre_id, number in ItemAnswer.objects.filter(
            attempt__training=training,
            attempt__phase=TestPhase.POST,
            attempt__status=AttemptStatus.COMPLETED,
            attempt__cadre__in=scope,
            question__must_pass=True,
            is_correct=True,
        ).values_list("attempt__cadre_id", "question__number"):
            correct[cadre_id].add(number)
    return {
        cadre_id: None
        if entry == TestEntry.TOTAL_SCORE
        else must_pass_missed(must_pass, correct[cadre_id])
        for cadre_id, (_score, entry) in post_attempts.items()
    }


@dataclass(frozen=True)
class CadreCertification:
    cadre: Cadre
    certificate: Certificate | None
    status: CertificateStatus | None
    refresher_due: bool


@dataclass(frozen=True)
class ProgrammeCertification:
    programme: Programme
    policy: TrainingPolicy
    rows: list[CadreCertification]
    overrides: list[Any]

    def count(self, status: str | None) -> int:
        return sum(1 for row in self.rows if (row.status or None) == status)

    @property
    def valid(self) -> int:
        return self.count(CertificateStatus.VALID)

    @property
    def not_valid(self) -> int:
        return len(self.rows) - self.valid

    @property
    def refresher_due(self) -> int:
        return sum(1 for row in self.rows if row.refresher_due)


def programme_certification(
    programme: Programme, *, cadres: QuerySet[Cadre], mothers: QuerySet, on: dt.date
) -> ProgrammeCertification:
    """Each cadre's certification on `on` (her valid certificate, else her latest one), who is
    due a refresher, and the pairings made under a coordinator's override of the gate."""
    from kaderasi.care.models import Pairing

    cadre_rows = cadres.filter(programme=programme).select_related("posyandu").order_by("code")
    latest: dict[int, Certificate] = {}
    valid: dict[int, Certificate] = {}
    for certificate in Certificate.objects.filter(cadre__in=cadre_rows).order_by(
        "issued_on", "expires_on"
    ):
        latest[certificate.cadre_id] = certificate
        if certificate_status(certificate, on=on) == CertificateStatus.VALID:
            valid[certificate.cadre_id] = certificate
    rows = []
    for cadre in cadre_rows:
        certificate = valid.get(cadre.pk) or latest.get(cadre.pk)
        status = certificate_status(certificate, on=on) if certificate else None
        rows.append(
            CadreCertification(
                cadre=cadre,
                certificate=certificate,
                status=status,
                refresher_due=bool(
                    status == CertificateStatus.VALID
                    and certificate.refresher_due_on
                    and certificate.refresher_due_on <= on
                ),
            )
        )
    overrides = list(
        Pairing.objects.filter(mother__in=mothers, mother__programme=programme)
        .exclude(certification_override_reason="")
        .select_related("mother", "cadre", "certification_override_by")
        .order_by("-starts_at")
    )
    return ProgrammeCertification(
        programme=programme,
        policy=training_policy_for(programme),
        rows=rows,
        overrides=overrides,
    )


@dataclass(frozen=True)
class TrainingStatus:
    """The numbers on a training's page (of the viewer's cadres only)."""

    training: Training
    policy: TrainingPolicy
    invited: int
    present: int
    absent: int
    tests: dict[str, dict[str, int]]
    assessed: dict[int, int]
    certificates: int

    @property
    def participants(self) -> int:
        return self.invited + self.present + self.absent


def training_status(training: Training, *, cadres: QuerySet[Cadre]) -> TrainingStatus:
    attendance = dict.fromkeys(Attendance.values, 0)
    for status in Participant.objects.filter(training=training, cadre__in=cadres).values_list(
        "attendance", flat=True
    ):
        attendance[status] += 1
    tests = {phase: {"completed": 0, "in_progress": 0} for phase in TestPhase.values}
    for phase, status in TestAttempt.objects.filter(
        training=training, cadre__in=cadres
    ).values_list("phase", "status"):
        key = "completed" if status == AttemptStatus.COMPLETED else "in_progress"
        tests[phase][key] += 1
    policy = training_policy_for(training.programme)
    assessed = dict.fromkeys(range(1, policy.skill_attempts + 1), 0)
    for number in SkillAssessment.objects.filter(training=training, cadre__in=cadres).values_list(
        "attempt", flat=True
    ):
        assessed[number] = assessed.get(number, 0) + 1
    return TrainingStatus(
        training=training,
        policy=policy,
        invited=attendance[Attendance.INVITED],
        present=attendance[Attendance.PRESENT],
        absent=attendance[Attendance.ABSENT],
        tests=tests,
        assessed=assessed,
        certificates=Certificate.objects.filter(training=training, cadre__in=cadres).count(),
    )
