"""Import a programme workbook, download the template, export a programme."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from kaderasi.cadres.selectors import cadres_visible_to
from kaderasi.care.models import ReadInterface
from kaderasi.care.read_audit import reads_record
from kaderasi.care.selectors import mothers_visible_to
from kaderasi.core import clock
from kaderasi.core.errors import DomainError
from kaderasi.core.policies import Permission, require
from kaderasi.interop.blank_workbook import import_template_workbook
from kaderasi.interop.exports import programme_workbook
from kaderasi.interop.forms import ImportForm
from kaderasi.interop.issues import issue_line, warning_lines
from kaderasi.interop.models import ImportSource
from kaderasi.interop.plan import ImportRejected
from kaderasi.interop.selectors import imports_visible_to
from kaderasi.interop.services import programme_import
from kaderasi.programmes.selectors import programmes_visible_to

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECENT_IMPORTS = 10


@login_required
def programme_import_page(request):
    require(request.user, Permission.IMPORT_PROGRAMME)
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial={"programme": request.GET.get("programme")},
    )
    issues = []
    rejection = ""
    if request.method == "POST" and form.is_valid():
        try:
            record = programme_import(
                workbook=form.cleaned_data["workbook"],
                slug=form.target_slug,
                by=request.user,
                now=clock.now(),
                name=form.cleaned_data["name"],
                area=form.cleaned_data["area"],
                source=ImportSource.WEB,
            )
        except ImportRejected as rejected:
            issues = rejected.issues
            rejection = str(rejected.message)
        except DomainError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, str(error.message))
        else:
            return redirect("interop:import-done", public_id=record.public_id)
    return render(
        request,
        "interop/programme_import.html",
        {
            "form": form,
            "issues": [(issue, issue_line(issue)) for issue in issues],
            "rejection": rejection,
            "recent": imports_visible_to(request.user)[:RECENT_IMPORTS],
        },
        status=422 if issues else 200,
    )


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
