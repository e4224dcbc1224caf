"""The pages that manage what the API keeps: a user's device tokens, a midwife's conflicts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kaderasi.api.forms import ConflictResolveForm
from kaderasi.api.tokens import device_token_revoke, device_tokens_visible_to
from kaderasi.core import clock
from kaderasi.core.errors import DomainError
from kaderasi.core.numbers import MISSING
from kaderasi.core.phones import display_phone
from kaderasi.core.policies import Permission, require
from kaderasi.sync.fields import field_value_from_json, model_field
from kaderasi.sync.models import ConflictStatus
from kaderasi.sync.selectors import conflicts_visible_to
from kaderasi.sync.services import conflict_resolve


@login_required
def device_list(request):
    """The user's own device tokens; POST `token` revokes one of them."""
    tokens = device_tokens_visible_to(request.user).filter(user=request.user)
    if request.method == "POST":
        token = get_object_or_404(tokens, public_id=request.POST.get("token"))
        device_token_revoke(token=token, by=request.user, now=clock.now())
        messages.success(
            request, _("%(device)s can no longer sync.") % {"device": token.device_name}
        )
        return redirect("api-devices")
    return render(request, "api/device_list.html", {"tokens": tokens, "now": clock.now()})


def display_value(conflict, json_value) -> str:
    """A conflict's value as the midwife reads it (labels, local times, national phone format)."""
    if json_value is None or json_value == "":
        return MISSING
    value = field_value_from_json(conflict.record, conflict.field, json_value)
    field = model_field(conflict.record, conflict.field)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if conflict.field == "phone":
        return display_phone(value)
    if hasattr(value, "tzinfo"):
        return date_format(timezone.localtime(value), "j F Y H:i")
    if hasattr(value, "isoformat"):
        return date_format(value, "j F Y")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


def _field_label(conflict) -> str:
    return str(model_field(conflict.record, conflict.field).verbose_name)


def _describe(conflict) -> dict:
    return {
        "conflict": conflict,
        "label": _field_label(conflict),
        "device": display_value(conflict, conflict.device_value),
        "server": display_value(conflict, conflict.server_value),
    }


@login_required
def conflict_list(request):
    require(request.user, Permission.REGISTER_MOTHER)
    conflicts = conflicts_visible_to(request.user).select_related("mother", "submitted_by")
    return render(
        request,
        "api/conflict_list.html",
        {
            "open": [_describe(c) for c in conflicts.filter(status=ConflictStatus.OPEN)],
            "resolved": [
                _describe(c)
                for c in conflicts.filter(status=ConflictStatus.RESOLVED).order_by("-resolved_at")[
                    :20
                ]
            ],
        },
    )


@login_required
def conflict_detail(request, public_id):
    require(request.user, Permission.REGISTER_MOTHER)
    conflict = get_object_or_404(
        conflicts_visible_to(request.user).select_related("mother", "submitted_by"),
        public_id=public_id,
    )
    form = ConflictResolveForm(request.POST or None, conflict=conflict)
    if request.method == "POST" and form.is_valid():
        try:
            conflict_resolve(
                conflict=conflict,
                resolution=form.cleaned_data["resolution"],
                value=form.cleaned_data["value"],
                by=request.user,
                now=clock.now(),
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("Conflict resolved."))
            return redirect("api-conflicts")
    context = _describe(conflict)
    context["form"] = form
    return render(request, "api/conflict_detail.html", context)
