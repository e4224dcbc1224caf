"""Reads over trainings, tests and certificates, scoped like the programmes and cadres they
belong to."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from kaderasi.accounts.models import Role, User
from kaderasi.cadres.models import Cadre
from kaderasi.cadres.selectors import cadres_of_login, cadres_visible_to
from kaderasi.programmes.models import Programme
from kaderasi.programmes.selectors import programmes_visible_to
from kaderasi.training.certification import CertificateStatus, certificate_status
from kaderasi.training.knowledge_pairs import training_pairs
from kaderasi.training.models import (
    AttemptStatus,
    Certificate,
    ItemAnswer,
    Participant,
    Questionnaire,
    SkillAssessment,
    TestAttempt,
    TestPhase,
    Training,
    TrainingPolicy,
)


def trainings_visible_to(user: User) -> QuerySet[Training]:
    """Trainings of the programmes `user` may see. A cadre sees her programme's trainings (she
    takes tests only in those she is invited to)."""
    return Training.objects.filter(programme__in=programmes_visible_to(user))


def attempts_visible_to(user: User) -> QuerySet[TestAttempt]:
    return TestAttempt.objects.filter(
        training__in=trainings_visible_to(user), cadre__in=cadres_visible_to(user)
    )


def participants_visible_to(user: User) -> QuerySet[Participant]:
    return Participant.objects.filter(
        training__in=trainings_visible_to(user), cadre__in=cadres_visible_to(user)
    )


def skill_assessments_visible_to(user: User) -> QuerySet[SkillAssessment]:
    return SkillAssessment.objects.filter(
        training__in=trainings_visible_to(user), cadre__in=cadres_visible_to(user)
    )


def certificates_visible_to(user: User) -> QuerySet[Certificate]:
    return Certificate.objects.filter(cadre__in=cadres_visible_to(user))


def training_policies_visible_to(user: User) -> QuerySet[TrainingPolicy]:
    return TrainingPolicy.objects.filter(programme__in=programmes_visible_to(user))


def training_policy_for(programme: Programme) -> TrainingPolicy:
    """The programme's stored policy, or (unsaved) the defaults when it has none."""
    policy = TrainingPolicy.objects.filter(programme=programme).first()
    return policy or TrainingPolicy(programme=programme)


def paired_scores(
    training: Training, *, cadres: QuerySet[Cadre] | None = None
) -> list[tuple[float, float]]:
    """(pre, post) scores of the cadres with a complete pair in `training`
    (`training.knowledge_pairs`: both tests completed), ordered by cadre code; only the `cadres`
    given when a scope is passed."""
    rows = TestAttempt.objects.filter(training=training)
    if cadres is not None:
        rows = rows.filter(cadre__in=cadres)
    pairs = training_pairs(rows.order_by("cadre__code", "pk"))
    return [
        (float(pair.pre_score), float(pair.post_score)) for pair in pairs.values() if pair.complete
    ]


def cadres_of(user: User) -> QuerySet[Cadre]:
    """The cadre rows a cadre's login acts for: her row in every programme she takes part in
    (decision 0030). Empty for any other role."""
    if not user.is_authenticated or user.role != Role.CADRE:
        return Cadre.objects.none()
    return cadres_of_login(user).select_related("programme", "posyandu")


@dataclass(frozen=True)
class OpenTest:
    training: Training
    phase: TestPhase
    attempt: TestAttempt | None

    @property
    def answered(self) -> int:
        return len(self.attempt.answers.all()) if self.attempt else 0


def open_tests_for(cadres: Iterable[Cadre]) -> list[OpenTest]:
    """Tests open now in trainings one of `cadres` (a person's rows) is invited to and that she
    has not finished."""
    trainings = (
        Training.objects.filter(participants__cadre__in=cadres)
        .exclude(open_test="")
        .exclude(questionnaire__isnull=True)
        .select_related("programme", "questionnaire")
        .distinct()
        .order_by("starts_at")
    )
    attempts = {
        (attempt.training_id, attempt.phase): attempt
        for attempt in TestAttempt.objects.filter(
            cadre__in=cadres, training__in=trainings
        ).prefetch_related("answers")
    }
    result = []
    for training in trainings:
        attempt = attempts.get((training.pk, training.open_test))
        if attempt is None or attempt.status == AttemptStatus.IN_PROGRESS:
            result.append(OpenTest(training, TestPhase(training.open_test), attempt))
    return result


def attempts_of_cadres(cadres: Iterable[Cadre]) -> QuerySet[TestAttempt]:
    """The completed tests of `cadres` (a person's rows), latest training first."""
    return (
        TestAttempt.objects.completed()
        .filter(cadre__in=cadres)
        .select_related("training")
        .order_by("-training__starts_at", "-phase")
    )


@dataclass(frozen=True)
class HeldCertificate:
    certificate: Certificate
    status: CertificateStatus

    @property
    def is_valid(self) -> bool:
        return self.status == CertificateStatus.VALID


def _valid_first(held: HeldCertificate) -> tuple:
    return (not held.is_valid, -held.certificate.expires_on.toordinal())


def certificates_of_cadres(cadres: Iterable[Cadre], *, on: dt.date) -> list[HeldCertificate]:
    """Every certificate of `cadres` (a person's rows) with its status on `on`: those valid on
    `on` first, then the others, each group latest-expiring first."""
    held = [
        HeldCertificate(certificate, certificate_status(certificate, on=on))
        for certificate in Certificate.objects.filter(cadre__in=cadres).select_related(
            "training", "cadre__programme"
        )
    ]
    return sorted(held, key=_valid_first)


def certification_by_programme(cadres: Iterable[Cadre], *, on: dt.date) -> list[HeldCertificate]:
    """For each of `cadres` (a person's rows, one per programme) that holds a certificate: the
    one that makes her certified on `on`, else her latest-expiring one; programmes where she is
    certified first."""
    shown: dict[int, HeldCertificate] = {}
    for held in certificates_of_cadres(cadres, on=on):
        shown.setdefault(held.certificate.cadre_id, held)
    return sorted(shown.values(), key=_valid_first)


def certificate_by_code(code: str) -> Certificate | None:
    """The certificate with this verification code (case-insensitive, spaces and dashes
    ignored), for the public verification page."""
    normalized = "".join(character for character in code.upper() if character.isalnum())
    return (
        Certificate.objects.filter(verification_code=normalized)
        .select_related("cadre", "cadre__programme", "training")
        .first()
    )


def questionnaire_answered(questionnaire: Questionnaire) -> bool:
    """Whether any cadre answered this version item by item (then it must not be edited)."""
    return ItemAnswer.objects.filter(attempt__questionnaire=questionnaire).exists()


def refresher_due(cadres: QuerySet[Cadre], *, on: dt.date) -> QuerySet[Certificate]:
    """Valid certificates of `cadres` whose refresher date has come."""
    return (
        Certificate.objects.filter(
            cadre__in=cadres, refresher_due_on__lte=on, expires_on__gt=on, issued_on__lte=on
        )
        .filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=on))
        .select_related("cadre")
    )
