"""Pages of the reports app: dashboards (and the lists behind their numbers), the programme
report with its editable conclusion, and background exports with their progress."""

import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaderasi.accounts.models import Role
from kaderasi.accounts.selectors import areas_prefetch
from kaderasi.care.models import Mother, ReadInterface
from kaderasi.care.read_audit import reads_record
from kaderasi.core import clock
from kaderasi.core.errors import DomainError
from kaderasi.core.policies import Permission, can, require
from kaderasi.programmes.selectors import programmes_visible_to
from kaderasi.reports import dashboards, services
from kaderasi.reports.forms import ConclusionForm, DashboardFilterForm, ExportForm
from kaderasi.reports.models import ExportFormat, ExportStatus
from kaderasi.reports.references import reference_ranges
from kaderasi.reports.rollups import local_date
from kaderasi.reports.selectors import (
    exports_visible_to,
    programme_report_allowed,
    programme_report_for,
    report_programmes_for,
)
from kaderasi.training.models import Training

DASHBOARD_TEMPLATES = {
    Role.ADMIN: "reports/dashboard_district.html",
    Role.DISTRICT_OFFICE: "reports/dashboard_district.html",
    Role.COORDINATOR: "reports/dashboard_coordinator.html",
    Role.MIDWIFE: "reports/dashboard_midwife.html",
}
LIST_PAGE_SIZE = 50


def _filters(request):
    form = DashboardFilterForm(
        request.GET or None, user=request.user, today=local_date(clock.now())
    )
    return form, form.filters()


@login_required
def dashboard(request):
    require(request.user, Permission.VIEW_DASHBOARD)
    areas_prefetch(request.user)
    form, filters = _filters(request)
    board = dashboards.dashboard_for(
        request.user, filters, now=clock.now(), references=reference_ranges()
    )
    role = Role.ADMIN if request.user.is_superuser else Role(request.user.role)
    return render(
        request,
        DASHBOARD_TEMPLATES[role],
        {
            "form": form,
            "board": board,
            "query": request.GET.urlencode(),
            # The table by area links to lists (and dashboards) of one area in the same period.
            "area_query": _without(request.GET, "area"),
            "programmes": report_programmes_for(request.user)
            if can(request.user, Permission.VIEW_PROGRAMME_REPORT)
            else [],
        },
    )


@login_required
def dashboard_mothers(request):
    require(request.user, Permission.VIEW_DASHBOARD)
    form, filters = _filters(request)
    try:
        which = dashboards.MotherList(request.GET.get("show", "all"))
    except ValueError as error:
        raise Http404 from error
    rows = dashboards.mother_rollups_for(
        request.user, filters, which, now=clock.now(), references=reference_ranges()
    )
    page = Paginator(rows, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/dashboard_mothers.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "title": dashboards.MOTHER_LIST_TITLES[which],
            "query": _without(request.GET, "page"),
            "back": _without(request.GET, "page", "show"),
        },
    )


@login_required
def dashboard_cadres(request):
    require(request.user, Permission.VIEW_DASHBOARD)
    form, filters = _filters(request)
    try:
        which = dashboards.CadreList(request.GET.get("show", "all"))
    except ValueError as error:
        raise Http404 from error
    today = local_date(clock.now())
    training = _training_for_list(request.user, request.GET.get("training"))
    rows = dashboards.cadre_rollups_for(
        request.user, filters, which, today=today, training=training
    )
    page = Paginator(rows, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    title = dashboards.CADRE_LIST_TITLES[which]
    if training is not None:
        title = _("Cadres who took both tests of %(training)s") % {"training": training.title}
    return render(
        request,
        "reports/dashboard_cadres.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "today": today,
            "title": title,
            "query": _without(request.GET, "page"),
            "back": _without(request.GET, "page", "show", "training"),
        },
    )


@login_required
def dashboard_referrals(request):
    require(request.user, Permission.VIEW_DASHBOARD)
    form, filters = _filters(request)
    severity = request.GET.get("severity", "")
    age = dashboards.REFERRAL_AGE_BY_KEY.get(request.GET.get("age", ""))
    opened_in_period = request.GET.get("opened") == "period"
    rows = dashboards.open_referrals_for(
        request.user,
        filters,
        severity=severity,
        age=age,
        opened_in_period=opened_in_period,
        today=local_date(clock.now()),
    )
    page = Paginator(rows, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/dashboard_referrals.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "now": clock.now(),
            "severity": severity,
            "age": age,
            "opened_in_period": opened_in_period,
            "query": _without(request.GET, "page"),
            "back": _without(request.GET, "page", "severity", "age", "opened"),
        },
    )


@login_required
def dashboard_overrides(request):
    require(request.user, Permission.VIEW_DASHBOARD)
    form, filters = _filters(request)
    rows = dashboards.certification_overrides_for(request.user, filters)
    page = Paginator(rows, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/dashboard_overrides.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "title": _("Cadres paired without a valid certificate"),
            "query": _without(request.GET, "page"),
            "back": _without(request.GET, "page"),
        },
    )


def _training_for_list(user, public_id: str | None):
    """The training a knowledge card's list is narrowed to: one of a programme the viewer sees
    (the list itself stays scoped to her cadres); any other id is a 404."""
    if not public_id:
        return None
    try:
        key = uuid.UUID(public_id)
    except ValueError as error:
        raise Http404 from error
    trainings = Training.objects.filter(programme__in=programmes_visible_to(user))
    return get_object_or_404(trainings, public_id=key)


def _without(query, *keys) -> str:
    copy = query.copy()
    for key in keys:
        copy.pop(key, None)
    return copy.urlencode()


def _programme_for_report(user, slug):
    require(user, Permission.VIEW_PROGRAMME_REPORT)
    programme = get_object_or_404(programmes_visible_to(user).select_related("area"), slug=slug)
    if not programme_report_allowed(user, programme):
        raise PermissionDenied("the report counts mothers or cadres outside your areas")
    return programme


@login_required
def programme_report(request, slug):
    programme = _programme_for_report(request.user, slug)
    language = translation.get_language() or "id"
    document = programme_report_for(programme, language=language, now=clock.now())
    can_edit = can(request.user, Permission.EDIT_PROGRAMME_REPORT)
    return render(
        request,
        "reports/programme_report.html",
        {
            "programme": programme,
            "document": document,
            "conclusion_editor": can_edit,
            "conclusion_form": ConclusionForm(
                initial={
                    "conclusion": "" if document.conclusion_is_suggestion else document.conclusion
                }
            ),
            "export_form": ExportForm(initial={"language": language, "pseudonymised": True}),
            "can_export_identifiable": can(request.user, Permission.EXPORT_IDENTIFIABLE_DATA),
            "exports": exports_visible_to(request.user).filter(programme=programme)[:5],
        },
    )


@login_required
@require_POST
def programme_report_conclusion(request, slug):
    programme = _programme_for_report(request.user, slug)
    require(request.user, Permission.EDIT_PROGRAMME_REPORT)
    language = translation.get_language() or "id"
    form = ConclusionForm(request.POST)
    saved = False
    if form.is_valid():
        services.programme_report_update(
            programme=programme,
            by=request.user,
            conclusions={language: form.cleaned_data["conclusion"]},
        )
        saved = True
    if request.headers.get("HX-Request") != "true":
        return redirect(reverse("reports:programme-report", args=[slug]) + "#section-conclusion")
    document = programme_report_for(programme, language=language, now=clock.now())
    return render(
        request,
        "reports/programme_report.html#conclusion",
        {
            "programme": programme,
            "document": document,
            "conclusion_editor": True,
            "conclusion_form": form
            if not saved
            else ConclusionForm(initial={"conclusion": form.cleaned_data["conclusion"]}),
            "saved": saved,
        },
    )


@login_required
@require_POST
def report_export_create(request, slug):
    programme = _programme_for_report(request.user, slug)
    require(request.user, Permission.EXPORT_PROGRAMME_REPORT)
    form = ExportForm(request.POST)
    if form.is_valid():
        try:
            export = services.report_export_request(
                programme=programme, by=request.user, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(error.field, str(error.message))
        else:
            return redirect("reports:export-detail", public_id=export.public_id)
    document = programme_report_for(
        programme, language=translation.get_language() or "id", now=clock.now()
    )
    return render(
        request,
        "reports/programme_report.html",
        {
            "programme": programme,
            "document": document,
            "conclusion_editor": can(request.user, Permission.EDIT_PROGRAMME_REPORT),
            "conclusion_form": ConclusionForm(),
            "export_form": form,
            "can_export_identifiable": can(request.user, Permission.EXPORT_IDENTIFIABLE_DATA),
            "exports": exports_visible_to(request.user).filter(programme=programme)[:5],
        },
        status=400,
    )


@login_required
def report_export_detail(request, public_id):
    export = get_object_or_404(exports_visible_to(request.user), public_id=public_id)
    partial = request.headers.get("HX-Request") == "true"
    template = "reports/export_detail.html#progress" if partial else "reports/export_detail.html"
    return render(request, template, {"export": export, "finished": export.finished_at})


@login_required
def report_export_download(request, public_id):
    export = get_object_or_404(
        exports_visible_to(request.user), public_id=public_id, status=ExportStatus.DONE
    )
    if export.format == ExportFormat.XLSX and not export.pseudonymised:
        # The workbook's mothers sheet names every mother of the programme (reports.documents).
        included = Mother.objects.filter(programme=export.programme_id).values_list("pk", flat=True)
        reads_record(request, mother_ids=included, interface=ReadInterface.REPORT_DOWNLOAD)
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=services.export_file_name(export),
    )
