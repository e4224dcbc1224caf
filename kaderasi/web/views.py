"""Web pages: parse, check access, make one call into selectors or services, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kaderasi.accounts.models import Role
from kaderasi.care import services as care_services
from kaderasi.care.selectors import mothers_visible_to
from kaderasi.core import clock
from kaderasi.core.errors import DomainError
from kaderasi.core.policies import Permission, can, require
from kaderasi.programmes.selectors import programmes_visible_to
from kaderasi.web import pages
from kaderasi.web.forms import MeasurementForm

HOME_TEMPLATES = {
    Role.ADMIN: "web/home_admin.html",
    Role.COORDINATOR: "web/home_coordinator.html",
    Role.MIDWIFE: "web/home_midwife.html",
    Role.CADRE: "web/home_cadre.html",
    Role.DISTRICT_OFFICE: "web/home_district.html",
}


@login_required
def home(request):
    role = Role.ADMIN if request.user.is_superuser else Role(request.user.role)
    context = pages.home_context(request.user, role=role, now=clock.now())
    return render(request, HOME_TEMPLATES[role], context)


@login_required
def programme_detail(request, slug):
    require(request.user, Permission.VIEW_PROGRAMME)
    programme = get_object_or_404(programmes_visible_to(request.user), slug=slug)
    context = pages.programme_context(request.user, programme, now=clock.now())
    return render(request, "web/programme_detail.html", context)


def _get_mother_for_user(user, public_id):
    return get_object_or_404(
        mothers_visible_to(user).select_related("programme", "posyandu"), public_id=public_id
    )


@login_required
def measurement_create(request, public_id):
    mother = _get_mother_for_user(request.user, public_id)
    if not can(request.user, Permission.RECORD_MEASUREMENT):
        raise PermissionDenied
    now = clock.now()
    partial = request.headers.get("HX-Request") == "true"
    form = MeasurementForm(
        request.POST or None, initial={"measured_at": now, "kind": "milk_volume"}
    )
    if request.method == "POST" and form.is_valid():
        try:
            care_services.measurement_record(
                mother=mother, now=now, by=request.user, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("Measurement saved."))
            target = reverse("mother-detail", kwargs={"public_id": mother.public_id})
            if partial:
                return HttpResponse(status=204, headers={"HX-Redirect": target})
            return redirect(target)
    template = "web/measurement_form.html#form" if partial else "web/measurement_form.html"
    return render(request, template, {"mother": mother, "form": form})
