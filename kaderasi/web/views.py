"""Web pages: parse, check access, make one call into selectors or services, render."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from kaderasi.accounts.models import Role
from kaderasi.core import clock
from kaderasi.core.policies import Permission, require
from kaderasi.programmes.selectors import programmes_visible_to
from kaderasi.web import pages

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
