"""Pages of the reminders app: the cadre's "Send reminders" list, a mother's reminders, the
family member who massages, opt-outs; and the gateways' inbound webhooks."""

import hashlib
import hmac
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from kaderasi.care.models import ReadInterface
from kaderasi.care.read_audit import reads_record
from kaderasi.care.selectors import mothers_identified_to
from kaderasi.core import clock
from kaderasi.core.errors import DomainError
from kaderasi.core.policies import Permission, require
from kaderasi.reminders import selectors, services
from kaderasi.reminders.forms import ContactForm, FamilyMemberForm, InboundReplyForm
from kaderasi.reminders.models import OptOutSource, Reminder


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _get_mother_for_user(user, public_id):
    return get_object_or_404(
        mothers_identified_to(user).select_related("programme", "posyandu"), public_id=public_id
    )


@login_required
def send_list(request):
    require(request.user, Permission.SEND_REMINDERS)
    send = selectors.cadre_send_list(request.user, now=clock.now())
    return render(request, "reminders/send_list.html", {"send": send})


@login_required
@require_POST
def mark_sent(request, public_id):
    require(request.user, Permission.SEND_REMINDERS)
    try:
        reminder = selectors.relayed_reminder_for(request.user, public_id)
    except Reminder.DoesNotExist as error:
        raise Http404 from error
    line = selectors.send_line(reminder)
    error_message = ""
    try:
        reminder = services.reminder_mark_sent_by_cadre(
            reminder=reminder, by=request.user, now=clock.now(), body=line.text
        )
    except DomainError as error:
        error_message = str(error.message)
    if not _is_htmx(request):
        if error_message:
            messages.error(request, error_message)
        return redirect("reminders:send-list")
    return render(
        request,
        "reminders/send_list.html#item",
        {"line": selectors.send_line(reminder), "error": error_message},
    )


@login_required
def mother_reminders(request, public_id):
    require(request.user, Permission.VIEW_MOTHER)
    mother = _get_mother_for_user(request.user, public_id)
    panel = selectors.mother_reminder_panel(request.user, mother, now=clock.now())
    reads_record(request, mother_ids=[mother.pk], interface=ReadInterface.REMINDERS_PAGE)
    template = (
        "reminders/mother_reminders.html" if _is_htmx(request) else "reminders/mother_page.html"
    )
    return render(request, template, {"mother": mother, "reminders_panel": panel})


@login_required
@require_POST
def contact_update(request, public_id):
    require(request.user, Permission.MANAGE_REMINDER_CONTACTS)
    mother = _get_mother_for_user(request.user, public_id)
    form = ContactForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    key = form.cleaned_data["contact"]
    if key == "mother":
        recipient = mother
    else:
        recipient = get_object_or_404(
            selectors.family_members_visible_to(request.user),
            mother=mother,
            public_id=key.removeprefix("family:"),
        )
    if form.cleaned_data["action"] == "stop":
        services.recipient_opt_out(
            recipient=recipient, now=clock.now(), source=OptOutSource.STAFF, by=request.user
        )
    else:
        services.recipient_opt_in(recipient=recipient, by=request.user)
    if _is_htmx(request):
        panel = selectors.mother_reminder_panel(request.user, mother, now=clock.now())
        return render(
            request,
            "reminders/mother_reminders.html",
            {"mother": mother, "reminders_panel": panel},
        )
    return redirect("reminders:mother-reminders", public_id=mother.public_id)


@login_required
def family_member_edit(request, public_id, member_id=None):
    require(request.user, Permission.MANAGE_REMINDER_CONTACTS)
    mother = _get_mother_for_user(request.user, public_id)
    member = None
    if member_id is not None:
        member = get_object_or_404(
            selectors.family_members_visible_to(request.user),
            mother=mother,
            public_id=member_id,
            ended_at__isnull=True,
        )
    initial = (
        {
            "name": member.name,
            "relationship": member.relationship,
            "phone": member.phone,
            "language": member.language,
        }
        if member
        else {}
    )
    form = FamilyMemberForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.family_member_record(mother=mother, family_member=member, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("Saved. Session reminders now go to this person."))
            return redirect("reminders:mother-reminders", public_id=mother.public_id)
    return render(
        request,
        "reminders/family_member_form.html",
        {"mother": mother, "member": member, "form": form},
    )


@login_required
@require_POST
def family_member_end(request, public_id, member_id):
    require(request.user, Permission.MANAGE_REMINDER_CONTACTS)
    mother = _get_mother_for_user(request.user, public_id)
    member = get_object_or_404(
        selectors.family_members_visible_to(request.user), mother=mother, public_id=member_id
    )
    try:
        services.family_member_end(family_member=member, ended_at=clock.now())
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Reminders no longer go to this person."))
    return redirect("reminders:mother-reminders", public_id=mother.public_id)


# --- Webhooks of the gateways (no login: a shared secret or a signature instead) -------------


@csrf_exempt
@require_POST
def inbound_sms(request):
    """A reply forwarded by the SMS gateway: {"from": "+62…", "text": "STOP"} (JSON or form),
    with the shared secret in the X-Kaderasi-Secret header."""
    secret = settings.KADERASI_SMS_HTTP_INBOUND_SECRET
    given = request.headers.get("X-Kaderasi-Secret", "")
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        return HttpResponseForbidden()
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return HttpResponse(status=400)
    else:
        data = request.POST
    form = InboundReplyForm({"sender": data.get("from", ""), "text": data.get("text", "")})
    if not form.is_valid():
        return HttpResponse(status=400)
    action = services.inbound_reply_record(
        phone=form.cleaned_data["sender"], text=form.cleaned_data["text"], now=clock.now()
    )
    return JsonResponse({"action": action})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def inbound_whatsapp(request):
    """The WhatsApp Cloud API webhook: the subscription handshake (GET), then signed
    notifications of replies and delivery statuses (POST)."""
    if request.method == "GET":
        token = settings.KADERASI_WHATSAPP_VERIFY_TOKEN
        if (
            token
            and request.GET.get("hub.mode") == "subscribe"
            and hmac.compare_digest(
                request.GET.get("hub.verify_token", "").encode(), token.encode()
            )
        ):
            return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
        return HttpResponseForbidden()
    secret = settings.KADERASI_WHATSAPP_APP_SECRET
    signature = request.headers.get("X-Hub-Signature-256", "")
    expected = "sha256=" + hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
    if not secret or not hmac.compare_digest(signature.encode(), expected.encode()):
        return HttpResponseForbidden()
    try:
        payload = json.loads(request.body)
    except ValueError:
        return HttpResponse(status=400)
    result = services.whatsapp_webhook_record(payload=payload, now=clock.now())
    return JsonResponse(result)
