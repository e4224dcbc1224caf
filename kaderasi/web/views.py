"""Web pages: parse, check access, make one call into selectors or services, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
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
    """The generic measurement form. The offline app queues it as a push record; without it the
    form posts here, to the same idempotent service, so a record sent both ways is one row."""
    mother = _get_mother_for_user(request.user, public_id)
    if not can(request.user, Permission.RECORD_MEASUREMENT):
        raise PermissionDenied
    now = clock.now()
    form = MeasurementForm(
        request.POST or None,
        mother_id=mother.public_id,
        initial={"measured_at": timezone.localtime(now)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            care_services.measurement_record(
                mother=mother, now=now, by=request.user, **form.record()
            )
        except DomainError as error:
            form.add_error(form.field_for(error.field), str(error.message))
        else:
            messages.success(request, _("Measurement saved."))
            return redirect("mother-detail", public_id=mother.public_id)
    return render(request, "web/measurement_form.html", {"mother": mother, "form": form})
