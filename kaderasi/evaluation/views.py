"""The evaluation of a programme as a page, a workbook and a PDF, over the reader's scope."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kaderasi.core import clock
from kaderasi.core.policies import Permission, require
from kaderasi.evaluation.presentation import evaluation_sections
from kaderasi.evaluation.rendering import render_pdf, render_workbook
from kaderasi.evaluation.results import programme_evaluation_for
from kaderasi.programmes.selectors import programmes_visible_to

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sections_for(request, slug):
    require(request.user, Permission.VIEW_EVALUATION)
    programme = get_object_or_404(
        programmes_visible_to(request.user).select_related("area"), slug=slug
    )
    evaluation, partial = programme_evaluation_for(request.user, programme)
    scope_note = (
        _("These results count only the cadres and mothers of your area.") if partial else ""
    )
    return programme, evaluation_sections(evaluation, programme, scope_note=scope_note)


@login_required
def programme_evaluation(request, slug):
    programme, sections = _sections_for(request, slug)
    return render(
        request,
        "evaluation/programme_evaluation.html",
        # A phone should not have to scroll through one row per mother to reach the limitations.
        {"programme": programme, "sections": sections, "collapse_long_tables": True},
    )


@login_required
def programme_evaluation_workbook(request, slug):
    programme, sections = _sections_for(request, slug)
    return _attachment(render_workbook(sections), XLSX, f"{programme.slug}-evaluation.xlsx")


@login_required
def programme_evaluation_pdf(request, slug):
    programme, sections = _sections_for(request, slug)
    content = render_pdf(sections, generated_on=date_format(clock.today(), "j F Y"))
    return _attachment(content, "application/pdf", f"{programme.slug}-evaluation.pdf")


def _attachment(content: bytes, content_type: str, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response
