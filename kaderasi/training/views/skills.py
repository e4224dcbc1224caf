"""Skill re-demonstrations: the room's overview with the most often missed steps, and the
assessor's phone/tablet screen for one cadre's attempt."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from kaderasi.cadres.selectors import cadres_visible_to
from kaderasi.core import clock
from kaderasi.core.errors import DomainError
from kaderasi.core.policies import Permission, can, require
from kaderasi.training import services
from kaderasi.training.forms import SkillAssessmentForm
from kaderasi.training.models import SkillAssessment
from kaderasi.training.scoring import skill_outcome
from kaderasi.training.selectors import training_policy_for
from kaderasi.training.summaries import skill_overview, skill_rule_of
from kaderasi.training.views.access import managed_training_or_404, training_or_404


@login_required
def training_skills(request, public_id):
    require(request.user, Permission.VIEW_TRAINING)
    training = training_or_404(request.user, public_id)
    overview = skill_overview(training, cadres=cadres_visible_to(request.user))
    return render(
        request,
        "training/skills.html",
        {
            "training": training,
            "overview": overview,
            "can_manage": can(request.user, Permission.MANAGE_TRAINING),
        },
    )


@login_required
def skill_assess(request, public_id, cadre_public_id, attempt):
    """Score one re-demonstration step by step (yes/no, with a comment where useful)."""
    training = managed_training_or_404(request.user, public_id)
    participant = get_object_or_404(
        training.participants.filter(cadre__in=cadres_visible_to(request.user)).select_related(
            "cadre"
        ),
        cadre__public_id=cadre_public_id,
    )
    cadre = participant.cadre
    if training.skill_checklist is None:
        messages.error(request, _("Choose the training's skill checklist first."))
        return redirect("training:training-edit", public_id=training.public_id)
    steps = list(training.skill_checklist.steps.all())
    existing = (
        SkillAssessment.objects.filter(training=training, cadre=cadre, attempt=attempt)
        .prefetch_related("results")
        .first()
    )
    initial = {}
    if existing is not None:
        initial = {"partner": existing.partner, "note": existing.note}
        for result in existing.results.all():
            number = next(step.number for step in steps if step.pk == result.step_id)
            initial[f"step_{number}"] = "yes" if result.done else "no"
            initial[f"comment_{number}"] = result.comment
    form = SkillAssessmentForm(request.POST or None, steps=steps, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.skill_assessment_record(
                training=training,
                cadre=cadre,
                attempt=attempt,
                results=form.results(),
                assessor=request.user,
                now=clock.now(),
                partner=form.cleaned_data["partner"],
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            outcome = skill_outcome(
                [(step.is_critical, done) for step, (done, _c) in form.results().items()],
                skill_rule_of(training_policy_for(training.programme)),
            )
            if outcome.passed:
                messages.success(
                    request,
                    _(
                        "%(code)s, re-demonstration %(attempt)s: passed "
                        "(%(done)s of %(total)s steps)."
                    )
                    % {
                        "code": cadre.code,
                        "attempt": assessment.attempt,
                        "done": outcome.done,
                        "total": outcome.total,
                    },
                )
            else:
                messages.error(
                    request,
                    _(
                        "%(code)s, re-demonstration %(attempt)s: not yet passed (%(done)s of "
                        "%(total)s steps, %(critical)s critical step(s) missed)."
                    )
                    % {
                        "code": cadre.code,
                        "attempt": assessment.attempt,
                        "done": outcome.done,
                        "total": outcome.total,
                        "critical": outcome.critical_missed,
                    },
                )
            return redirect("training:training-skills", public_id=training.public_id)
    policy = training_policy_for(training.programme)
    return render(
        request,
        "training/skill_assess.html",
        {
            "training": training,
            "cadre": cadre,
            "attempt": attempt,
            "form": form,
            "existing": existing,
            "policy": policy,
            "attempts": range(1, policy.skill_attempts + 1),
        },
    )
