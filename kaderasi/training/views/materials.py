"""The booklet (read on a phone, or as an A5 PDF) and the training videos."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language

from kaderasi.core.policies import Permission, require
from kaderasi.programmes.clinical_rules import clinical_rules_approved_for_all
from kaderasi.programmes.selectors import programmes_visible_to
from kaderasi.training.booklets import rendered_chapters
from kaderasi.training.documents import booklet_pdf
from kaderasi.training.models import Booklet
from kaderasi.training.selectors import trainings_visible_to


@login_required
def materials(request):
    """Every booklet, and the videos of the trainings the user may see."""
    require(request.user, Permission.READ_MATERIALS)
    trainings = (
        trainings_visible_to(request.user)
        .exclude(video_file="", video_url="")
        .select_related("programme")
    )
    return render(
        request,
        "training/materials.html",
        {"booklets": Booklet.objects.all(), "trainings": trainings},
    )


@login_required
def booklet_read(request, code, version):
    require(request.user, Permission.READ_MATERIALS)
    booklet = get_object_or_404(Booklet, code=code, version=version)
    language = (get_language() or "id")[:2]
    return render(
        request,
        "training/booklet.html",
        {
            "booklet": booklet,
            "chapters": rendered_chapters(booklet, language=language),
            "rules_approved": _rules_approved(request.user),
        },
    )


def _rules_approved(user) -> bool:
    """The booklet prints the shared clinical rules: approved only when every programme the
    reader works in has a midwife's approval in force."""
    return clinical_rules_approved_for_all(programmes_visible_to(user))


@login_required
def booklet_download(request, code, version):
    require(request.user, Permission.READ_MATERIALS)
    booklet = get_object_or_404(Booklet, code=code, version=version)
    language = (get_language() or "id")[:2]
    response = HttpResponse(
        booklet_pdf(booklet, language=language, rules_approved=_rules_approved(request.user)),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = (
        f'inline; filename="{booklet.code}-v{booklet.version}-{language}.pdf"'
    )
    return response
