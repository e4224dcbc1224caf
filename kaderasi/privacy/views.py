"""A mother's requests under UU PDP: everything held about her (JSON), and erasing her identity."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kaderasi.care.models import ReadInterface
from kaderasi.care.read_audit import reads_record
from kaderasi.care.selectors import mothers_identified_to
from kaderasi.core import clock
from kaderasi.core.errors import DomainError
from kaderasi.core.policies import Permission, require
from kaderasi.privacy.forms import PseudonymiseForm
from kaderasi.privacy.services import mother_pseudonymise
from kaderasi.privacy.subject_export import mother_data_json


def _mother_for(user, public_id):
    require(user, Permission.HANDLE_SUBJECT_REQUEST)
    return get_object_or_404(
        mothers_identified_to(user).select_related("programme"), public_id=public_id
    )


@login_required
@require_GET
def mother_data_export(request, public_id):
    mother = _mother_for(request.user, public_id)
    content = mother_data_json(mother, now=clock.now())
    reads_record(request, mother_ids=[mother.pk], interface=ReadInterface.SUBJECT_EXPORT)
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{mother.code}-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def mother_erase(request, public_id):
    mother = _mother_for(request.user, public_id)
    form = PseudonymiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mother_pseudonymise(
                mother=mother, by=request.user, now=clock.now(), **form.cleaned_data
            )
        except DomainError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, ValidationError(str(error.message), code=str(error.code)))
        else:
            messages.success(request, _("Her identity is erased; her records stay under her code."))
            return redirect("mother-detail", public_id=mother.public_id)
    return render(request, "privacy/mother_erase.html", {"mother": mother, "form": form})
