"""How every training view finds its objects: through the scoped selectors, so that an object
outside the user's scope is a 404, and with the permission the action needs."""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from kaderasi.cadres.models import Cadre
from kaderasi.core.errors import DomainError
from kaderasi.core.policies import Permission, require
from kaderasi.programmes.models import Programme
from kaderasi.training.models import TestAttempt, TestPhase, Training
from kaderasi.training.selectors import cadres_of, trainings_visible_to


def training_or_404(user, public_id) -> Training:
    return get_object_or_404(
        trainings_visible_to(user).select_related(
            "programme", "questionnaire", "skill_checklist", "booklet"
        ),
        public_id=public_id,
    )


def managed_training_or_404(user, public_id) -> Training:
    require(user, Permission.MANAGE_TRAINING)
    return training_or_404(user, public_id)


def phase_or_404(phase: str) -> TestPhase:
    if phase not in TestPhase.values:
        raise Http404
    return TestPhase(phase)


def own_cadres_or_404(user) -> QuerySet[Cadre]:
    """The cadre rows of a cadre's own login, one per programme she takes part in (only cadres
    take tests)."""
    require(user, Permission.TAKE_TEST)
    cadres = cadres_of(user)
    if not cadres.exists():
        raise Http404
    return cadres


def own_cadre_in_or_404(user, programme: Programme) -> Cadre:
    """The row of a cadre's own login in `programme` (she is a row per programme)."""
    return get_object_or_404(own_cadres_or_404(user), programme=programme)


def own_attempt_or_404(user, public_id) -> TestAttempt:
    return get_object_or_404(
        TestAttempt.objects.select_related("training", "questionnaire"),
        cadre__in=own_cadres_or_404(user),
        public_id=public_id,
    )


def add_domain_error(form, error: DomainError) -> None:
    """Put a domain failure on the form field it names (or on the form)."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))
