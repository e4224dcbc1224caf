"""Knowledge tests: the summary for trainers and readers, the two trainer entry screens (paper
answer grid and total scores), and the cadre's own test on her phone."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kaderasi.cadres.selectors import cadres_visible_to
from kaderasi.core import clock
from kaderasi.core.errors import DomainError
from kaderasi.core.policies import Permission, can, require
from kaderasi.training import attempts as attempt_reads
from kaderasi.training import services
from kaderasi.training.forms import (
    AnswerForm,
    AnswerSheetGridForm,
    TotalScoresForm,
    cadre_field_name,
    mark_for_option,
)
from kaderasi.training.models import AttemptStatus, Booklet, Option, TestEntry
from kaderasi.training.selectors import (
    attempts_of_cadres,
    certificates_of_cadres,
    open_tests_for,
    training_policy_for,
    trainings_visible_to,
)
from kaderasi.training.summaries import bands_of, knowledge_summary
from kaderasi.training.views.access import (
    add_domain_error,
    managed_training_or_404,
    own_attempt_or_404,
    own_cadre_in_or_404,
    own_cadres_or_404,
    phase_or_404,
    training_or_404,
)


@login_required
def training_summary(request, public_id):
    require(request.user, Permission.VIEW_TRAINING)
    training = training_or_404(request.user, public_id)
    summary = knowledge_summary(training, cadres=cadres_visible_to(request.user))
    return render(
        request,
        "training/summary.html",
        {
            "training": training,
            "summary": summary,
            "stats": summary.statistics,
            "can_manage": can(request.user, Permission.MANAGE_TRAINING),
        },
    )


def _entry_rows(training, user, phase):
    """The invited cadres the trainer sees, and their attempts for `phase`."""
    participants = (
        training.participants.filter(cadre__in=cadres_visible_to(user))
        .select_related("cadre")
        .order_by("cadre__code")
    )
    cadres = [participant.cadre for participant in participants]
    attempts = {
        attempt.cadre_id: attempt
        for attempt in training.attempts.filter(phase=phase, cadre__in=cadres).prefetch_related(
            "answers__option"
        )
    }
    return cadres, attempts


@login_required
def answer_sheets(request, public_id, phase):
    """A keyboard-only grid for a room's paper answer sheets: one row per cadre, one column per
    question; typing a letter moves to the next cell."""
    training = managed_training_or_404(request.user, public_id)
    phase = phase_or_404(phase)
    if training.questionnaire is None:
        messages.error(request, _("Choose the training's knowledge test first."))
        return redirect("training:training-edit", public_id=training.public_id)
    questions = list(training.questionnaire.questions.prefetch_related("options"))
    cadres, attempts = _entry_rows(training, request.user, phase)
    locked = {c for c, a in attempts.items() if a.entry == TestEntry.PHONE}
    initial = {}
    for cadre in cadres:
        attempt = attempts.get(cadre.pk)
        if attempt is None or attempt.entry != TestEntry.ANSWER_SHEET:
            continue
        chosen = {answer.question_id: answer.option for answer in attempt.answers.all()}
        for question in questions:
            initial[AnswerSheetGridForm.cell(cadre, question)] = mark_for_option(
                chosen.get(question.pk), question
            )
    form = AnswerSheetGridForm(
        request.POST or None, cadres=cadres, questions=questions, locked=locked, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.answer_sheets_record(
                training=training,
                phase=phase,
                sheets=form.sheets,
                by=request.user,
                now=clock.now(),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("%(count)s answer sheet(s) saved.") % {"count": len(saved)})
            return redirect("training:training-summary", public_id=training.public_id)
    return render(
        request,
        "training/answer_sheets.html",
        {
            "training": training,
            "phase": phase,
            "questions": questions,
            "form": form,
            "attempts": attempts,
        },
    )


@login_required
def total_scores(request, public_id, phase):
    """Total scores typed from paper forms that have no item answers."""
    training = managed_training_or_404(request.user, public_id)
    phase = phase_or_404(phase)
    cadres, attempts = _entry_rows(training, request.user, phase)
    locked = {c for c, a in attempts.items() if a.entry != TestEntry.TOTAL_SCORE}
    form = TotalScoresForm(
        request.POST or None,
        cadres=cadres,
        locked=locked,
        initial={
            cadre_field_name("s", cadre): attempts[cadre.pk].score
            for cadre in cadres
            if cadre.pk in attempts and cadre.pk not in locked
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.total_scores_record(
                training=training,
                phase=phase,
                scores=form.scores(),
                by=request.user,
                now=clock.now(),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("%(count)s score(s) saved.") % {"count": len(saved)})
            return redirect("training:training-summary", public_id=training.public_id)
    return render(
        request,
        "training/total_scores.html",
        {"training": training, "phase": phase, "form": form, "attempts": attempts},
    )


@login_required
def my_training(request):
    """The cadre's training page, over her rows in every programme: tests open for her, her
    results and her certificates (the one valid today first)."""
    cadres = own_cadres_or_404(request.user)
    her_trainings = trainings_visible_to(request.user).filter(participants__cadre__in=cadres)
    today = clock.today()
    return render(
        request,
        "training/my_training.html",
        {
            "open_tests": open_tests_for(cadres),
            "attempts": attempts_of_cadres(cadres),
            "certificates": certificates_of_cadres(cadres, on=today),
            "booklets": Booklet.objects.filter(trainings__in=her_trainings).distinct(),
            "video_trainings": her_trainings.exclude(video_file="", video_url="").distinct(),
        },
    )


@login_required
def test_start(request, training_public_id, phase):
    """The cadre's test intro; starting (or resuming) leads to her first unanswered question."""
    phase = phase_or_404(phase)
    training = training_or_404(request.user, training_public_id)
    cadre = own_cadre_in_or_404(request.user, training.programme)
    error = None
    if request.method == "POST":
        try:
            attempt = services.test_attempt_start(
                training=training, cadre=cadre, phase=phase, now=clock.now()
            )
        except DomainError as failure:
            error = failure.message
        else:
            return redirect(_resume_url(attempt))
    attempt = training.attempts.filter(cadre=cadre, phase=phase).first()
    if attempt is not None and attempt.status == AttemptStatus.COMPLETED:
        return redirect("training:test-result", attempt_public_id=attempt.public_id)
    return render(
        request,
        "training/test_start.html",
        {
            "training": training,
            "phase": phase,
            "attempt": attempt,
            "question_count": training.questionnaire.questions.count()
            if training.questionnaire
            else 0,
            "is_open": training.open_test == phase,
            "error": error,
        },
    )


def _resume_url(attempt) -> str:
    answered = set(attempt.answers.values_list("question__number", flat=True))
    for number in attempt.questionnaire.questions.values_list("number", flat=True):
        if number not in answered:
            return reverse(
                "training:test-question",
                kwargs={"attempt_public_id": attempt.public_id, "number": number},
            )
    return reverse("training:test-review", kwargs={"attempt_public_id": attempt.public_id})


@login_required
def test_question(request, attempt_public_id, number):
    """One question per screen; tapping an answer saves it and moves on."""
    attempt = own_attempt_or_404(request.user, attempt_public_id)
    if attempt.status == AttemptStatus.COMPLETED:
        return redirect("training:test-result", attempt_public_id=attempt.public_id)
    screens = attempt_reads.attempt_screens(attempt)
    screen = screens.get(number)
    if screen is None:
        raise Http404
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        option = Option.objects.filter(
            public_id=form.cleaned_data["option"], question=screen.question
        ).first()
        if option is None:
            form.add_error("option", _("Choose one of this question's answers."))
        else:
            try:
                services.test_answer_record(
                    attempt=attempt, question=screen.question, option=option, now=clock.now()
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                if screen.next_number is None:
                    return redirect("training:test-review", attempt_public_id=attempt.public_id)
                return redirect(
                    "training:test-question",
                    attempt_public_id=attempt.public_id,
                    number=screen.next_number,
                )
    return render(
        request,
        "training/test_question.html",
        {"attempt": attempt, "screen": screen, "form": form, "total": len(screens)},
    )


@login_required
def test_review(request, attempt_public_id):
    """All answers at a glance before handing in; unanswered questions stand out."""
    attempt = own_attempt_or_404(request.user, attempt_public_id)
    if attempt.status == AttemptStatus.COMPLETED:
        return redirect("training:test-result", attempt_public_id=attempt.public_id)
    error = None
    if request.method == "POST":
        try:
            services.test_attempt_submit(attempt=attempt, now=clock.now())
        except DomainError as failure:
            error = failure.message
        else:
            return redirect("training:test-result", attempt_public_id=attempt.public_id)
    screens = attempt_reads.attempt_screens(attempt)
    return render(
        request,
        "training/test_review.html",
        {
            "attempt": attempt,
            "screens": list(screens.values()),
            "unanswered": sum(1 for screen in screens.values() if screen.chosen is None),
            "error": error,
        },
    )


@login_required
def test_result(request, attempt_public_id):
    attempt = own_attempt_or_404(request.user, attempt_public_id)
    if attempt.status != AttemptStatus.COMPLETED:
        return redirect(_resume_url(attempt))
    training = get_object_or_404(trainings_visible_to(request.user), pk=attempt.training_id)
    policy = training_policy_for(training.programme)
    return render(
        request,
        "training/test_result.html",
        {
            "attempt": attempt,
            "result": attempt_reads.test_result(attempt, bands_of(policy), policy),
        },
    )
