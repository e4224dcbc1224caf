"""How every training view finds its objects: through the scoped selectors, so that an object
outside the user's scope is a 404, and with the permission the action needs."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from kaderasi.cadres.models import Cadre
from kaderasi.core.errors import DomainError
from kaderasi.core.policies import Permission, require
from kaderasi.training.models import TestAttempt, TestPhase, Training
from kaderasi.training.selectors import cadre_of, trainings_visible_to


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


def own_cadre_or_404(user) -> Cadre:
    """The cadre record of a cadre's own login (only cadres take tests)."""
    require(user, Permission.TAKE_TEST)
    cadre = cadre_of(user)
    if cadre is None:
        raise Http404
    return cadre


def own_attempt_or_404(user, public_id) -> TestAttempt:
    cadre = own_cadre_or_404(user)
    return get_object_or_404(
        TestAttempt.objects.select_related("training", "questionnaire"),
        cadre=cadre,
        public_id=public_id,
    )


def add_domain_error(form, error: DomainError) -> None:
    """Put a domain failure on the form field it names (or on the form)."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))
