"""Import a programme workbook, download the template, export a programme."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation

from kaderasi.cadres.selectors import cadres_visible_to
from kaderasi.care.models import ReadInterface
from kaderasi.care.read_audit import reads_record
from kaderasi.care.selectors import mothers_visible_to
from kaderasi.core.errors import DomainError
from kaderasi.core.policies import Permission, require
from kaderasi.interop.blank_workbook import import_template_workbook
from kaderasi.interop.exports import programme_workbook
from kaderasi.interop.forms import ImportForm
from kaderasi.interop.import_jobs import import_job_request
from kaderasi.interop.issues import warning_lines
from kaderasi.interop.models import ImportJobStatus
from kaderasi.interop.selectors import import_jobs_visible_to, imports_visible_to
from kaderasi.programmes.selectors import programmes_visible_to

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECENT_IMPORTS = 10
UNFINISHED = (ImportJobStatus.QUEUED, ImportJobStatus.RUNNING)


@login_required
def programme_import_page(request):
    require(request.user, Permission.IMPORT_PROGRAMME)
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial={"programme": request.GET.get("programme")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_request(
                files=form.cleaned_data["files"],
                slug=form.target_slug,
                by=request.user,
                language=translation.get_language() or settings.LANGUAGE_CODE,
                name=form.cleaned_data["name"],
                area=form.cleaned_data["area"],
            )
        except DomainError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, str(error.message))
        else:
            return redirect("interop:import-job", public_id=job.public_id)
    jobs = import_jobs_visible_to(request.user).filter(requested_by=request.user)
    return render(
        request,
        "interop/programme_import.html",
        {
            "form": form,
            "unfinished": jobs.filter(status__in=UNFINISHED)[:RECENT_IMPORTS],
            "recent": imports_visible_to(request.user)[:RECENT_IMPORTS],
        },
    )


@login_required
def programme_import_job(request, public_id):
    """The progress of a background import (polled by htmx), then its problems; once it is done,
    its summary (the import's own page)."""
    require(request.user, Permission.IMPORT_PROGRAMME)
    job = get_object_or_404(import_jobs_visible_to(request.user), public_id=public_id)
    partial = request.headers.get("HX-Request") == "true"
    if job.status == ImportJobStatus.DONE:
        done = reverse("interop:import-done", args=[job.record.public_id])
        if partial:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = done
            return response
        return redirect(done)
    template = (
        "interop/programme_import_job.html#progress"
        if partial
        else "interop/programme_import_job.html"
    )
    return render(request, template, {"job": job})


@login_required
def programme_import_done(request, public_id):
    require(request.user, Permission.IMPORT_PROGRAMME)
    record = get_object_or_404(imports_visible_to(request.user), public_id=public_id)
    return render(
        request,
        "interop/programme_import_done.html",
        {"record": record, "warnings": warning_lines(record)},
    )


@login_required
def import_template(request):
    require(request.user, Permission.IMPORT_PROGRAMME)
    return _attachment(import_template_workbook(), XLSX, "kaderasi-programme-template.xlsx")


def _programme_for(request, slug):
    require(request.user, Permission.EXPORT_PROGRAMME)
    return get_object_or_404(programmes_visible_to(request.user).select_related("area"), slug=slug)


@login_required
def programme_export_page(request, slug):
    programme = _programme_for(request, slug)
    return render(request, "interop/programme_export.html", {"programme": programme})


@login_required
def programme_export(request, slug):
    programme = _programme_for(request, slug)
    pseudonymised = request.GET.get("pseudonymised") == "1"
    mothers = mothers_visible_to(request.user)
    content = programme_workbook(
        programme,
        cadres=cadres_visible_to(request.user),
        mothers=mothers,
        pseudonymised=pseudonymised,
    )
    if not pseudonymised:
        included = mothers.filter(programme=programme).values_list("pk", flat=True)
        reads_record(request, mother_ids=included, interface=ReadInterface.WORKBOOK_EXPORT)
    suffix = "-pseudonymised" if pseudonymised else ""
    return _attachment(content, XLSX, f"{programme.slug}{suffix}.xlsx")


def _attachment(content: bytes, content_type: str, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response["Cache-Control"] = "no-store"
    return response
