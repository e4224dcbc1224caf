"""Training events: the training page, create/edit, invitations and attendance, the test switch,
the video (upload and range-served playback) and the printable test paper."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaderasi.accounts.models import Role, User
from kaderasi.cadres.selectors import cadres_visible_to
from kaderasi.core import clock
from kaderasi.core.errors import DomainError
from kaderasi.core.policies import Permission, can, require
from kaderasi.programmes.selectors import programmes_visible_to
from kaderasi.training import services
from kaderasi.training.forms import (
    AttendanceForm,
    TestControlForm,
    TrainingForm,
    VideoUploadForm,
    cadre_field_name,
)
from kaderasi.training.models import Booklet, Questionnaire, SkillChecklist, TestPhase
from kaderasi.training.ranges import ranged_file_response
from kaderasi.training.services.events import VIDEO_SUFFIXES
from kaderasi.training.summaries import training_status
from kaderasi.training.views.access import (
    add_domain_error,
    managed_training_or_404,
    training_or_404,
)


def _trainer_choices(programme, user):
    """Who can be named a trainer: the programme's team, and the person editing."""
    return User.objects.filter(
        pk__in=[*programme.team.values_list("pk", flat=True), user.pk],
        role__in=[Role.ADMIN, Role.COORDINATOR, Role.MIDWIFE],
    ).order_by("first_name", "username")


@login_required
def training_detail(request, public_id):
    require(request.user, Permission.VIEW_TRAINING)
    training = training_or_404(request.user, public_id)
    status = training_status(training, cadres=cadres_visible_to(request.user))
    return render(
        request,
        "training/training_detail.html",
        {
            "training": training,
            "status": status,
            "can_manage": can(request.user, Permission.MANAGE_TRAINING),
            "video_form": VideoUploadForm(),
            "phases": TestPhase,
        },
    )


def _latest(model):
    return model.objects.order_by("code", "-version").first()


@login_required
def training_create(request, slug):
    require(request.user, Permission.MANAGE_TRAINING)
    programme = get_object_or_404(programmes_visible_to(request.user), slug=slug)
    form = TrainingForm(
        request.POST or None,
        trainer_choices=_trainer_choices(programme, request.user),
        initial={
            "questionnaire": _latest(Questionnaire),
            "skill_checklist": _latest(SkillChecklist),
            "booklet": _latest(Booklet),
            "trainers": [request.user],
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            training = services.training_create(programme=programme, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Training created. Now invite the cadres."))
            return redirect("training:training-participants", public_id=training.public_id)
    return render(request, "training/training_form.html", {"form": form, "programme": programme})


@login_required
def training_edit(request, public_id):
    training = managed_training_or_404(request.user, public_id)
    initial = {
        name: getattr(training, name)
        for name in (
            "title",
            "starts_at",
            "ends_at",
            "venue",
            "guest_trainers",
            "questionnaire",
            "skill_checklist",
            "booklet",
            "video_url",
            "notes",
        )
    }
    initial["trainers"] = list(training.trainers.all())
    form = TrainingForm(
        request.POST or None,
        trainer_choices=_trainer_choices(training.programme, request.user),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.training_update(training=training, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Training saved."))
            return redirect("training:training-detail", public_id=training.public_id)
    return render(
        request,
        "training/training_form.html",
        {"form": form, "programme": training.programme, "training": training},
    )


@login_required
def training_participants(request, public_id):
    training = managed_training_or_404(request.user, public_id)
    cadres = (
        cadres_visible_to(request.user)
        .filter(programme=training.programme)
        .select_related("posyandu")
        .order_by("code")
    )
    current = {p.cadre_id: p.attendance for p in training.participants.all()}
    form = AttendanceForm(
        request.POST or None,
        cadres=cadres,
        initial={cadre_field_name("c", c): current.get(c.pk, "") for c in cadres},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.participants_record(training=training, attendance=form.attendance())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Invitations and attendance saved."))
            return redirect("training:training-detail", public_id=training.public_id)
    return render(request, "training/participants.html", {"training": training, "form": form})


@login_required
@require_POST
def training_test_control(request, public_id):
    training = managed_training_or_404(request.user, public_id)
    form = TestControlForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose which test to open or close."))
        return redirect("training:training-detail", public_id=training.public_id)
    action = form.cleaned_data["action"]
    now = clock.now()
    try:
        if action == "close":
            collected = services.training_test_close(training=training, now=now)
            messages.success(
                request,
                _("Test closed; %(count)s unfinished test(s) were collected and scored.")
                % {"count": len(collected)},
            )
        else:
            phase = TestPhase.PRE if action == "open_pre" else TestPhase.POST
            services.training_test_open(training=training, phase=phase, now=now)
            messages.success(
                request,
                _("%(phase)s is open: invited cadres can take it on their phones now.")
                % {"phase": phase.label},
            )
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("training:training-detail", public_id=training.public_id)


@login_required
@require_POST
def training_video_upload(request, public_id):
    training = managed_training_or_404(request.user, public_id)
    if request.POST.get("remove"):
        services.training_video_remove(training=training)
        messages.success(request, _("Video removed."))
        return redirect("training:training-detail", public_id=training.public_id)
    form = VideoUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.training_video_attach(training=training, video=form.cleaned_data["video_file"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Video uploaded."))
            return redirect("training:training-detail", public_id=training.public_id)
    status = training_status(training, cadres=cadres_visible_to(request.user))
    return render(
        request,
        "training/training_detail.html",
        {
            "training": training,
            "status": status,
            "can_manage": True,
            "video_form": form,
            "phases": TestPhase,
        },
        status=400,
    )


@login_required
def training_video(request, public_id):
    """The uploaded video, streamed with range requests (206) so phones can seek."""
    require(request.user, Permission.READ_MATERIALS)
    training = training_or_404(request.user, public_id)
    if not training.video_file:
        raise Http404
    suffix = "." + training.video_file.name.rsplit(".", 1)[-1].lower()
    try:
        file = training.video_file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return ranged_file_response(
        file,
        size=training.video_file.size,
        content_type=VIDEO_SUFFIXES.get(suffix, "application/octet-stream"),
        range_header=request.headers.get("Range"),
    )


@login_required
def test_paper(request, public_id):
    """The knowledge test as a printable paper form (printed letters, not shuffled), with the
    answer key on a separate page for trainers."""
    require(request.user, Permission.MANAGE_TRAINING)
    training = training_or_404(request.user, public_id)
    if training.questionnaire is None:
        raise Http404
    questions = training.questionnaire.questions.prefetch_related("options")
    return render(
        request,
        "training/test_paper.html",
        {"training": training, "questionnaire": training.questionnaire, "questions": questions},
    )
