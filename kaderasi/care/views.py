"""Care pages: parse, check access, one call into a service or selector, render.

A mother outside the user's scope is a 404, on every page. The record forms (guided session,
measurements, danger signs) accept exactly the sync API's record fields and pass `id` on as the
record's public id, so a form posted twice stores one row."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaderasi.accounts.models import Role
from kaderasi.care import forms, protocol_notes, services
from kaderasi.care.danger_calls import danger_report_confirmation
from kaderasi.care.models import (
    ConsentSubject,
    ConsentText,
    DangerSign,
    DangerSignContext,
    DangerSignGroup,
    MassageStep,
    MeasurementKind,
    PerformedBy,
    ReadInterface,
    ReferralStatus,
)
from kaderasi.care.pages import (
    guided_session_context,
    referral_danger_notes,
    timeline_context,
    village_list_context,
)
from kaderasi.care.read_audit import reads_record
from kaderasi.care.selectors import (
    consents_visible_to,
    flags_of_referral,
    mothers_identified_to,
    open_referrals,
    pairing_candidates,
    possible_duplicates,
    reads_of_mother,
    referrals_visible_to,
)
from kaderasi.care.services.protocol import (
    delivery_followup_record,
    milk_onset_answer_record,
    session_skip_record,
)
from kaderasi.care.timeline import flag_summary, sign_texts, slot_label
from kaderasi.care.today import suggested_phase
from kaderasi.core import clock
from kaderasi.core.errors import DomainError
from kaderasi.core.policies import Permission, can, require
from kaderasi.programmes.selectors import programmes_visible_to
from kaderasi.regions.models import AreaLevel
from kaderasi.regions.selectors import areas_visible_to

VALUE_KINDS = {
    "feeds": MeasurementKind.FEEDS,
    "wet-nappies": MeasurementKind.WET_NAPPIES,
    "stools": MeasurementKind.STOOLS,
    "infant-weight": MeasurementKind.INFANT_WEIGHT,
}


def _mother_for(user, public_id):
    return get_object_or_404(
        mothers_identified_to(user).select_related("programme", "posyandu__parent"),
        public_id=public_id,
    )


def _put_error(form, error: DomainError, renamed: dict | None = None) -> None:
    """Show a domain refusal on the field it names (or above the form)."""
    field = (renamed or {}).get(error.field, error.field)
    form.add_error(
        field if field in form.fields else None,
        ValidationError(str(error.message), code=str(error.code)),
    )


def _after_record_url(user, mother) -> str:
    """Where a saved record leads: the cadre back to her day, others to the mother's page. The
    record forms carry it as `data-outbox-next`, so a record queued offline leads there too."""
    if user.role == Role.CADRE:
        return reverse("home")
    return reverse("mother-detail", kwargs={"public_id": mother.public_id})


def _after_record(request, mother):
    return redirect(_after_record_url(request.user, mother))


def _check_record_mother(form, mother) -> bool:
    if form.cleaned_data["mother_id"] != mother.public_id:
        form.add_error(None, _("This form belongs to another mother; open hers and try again."))
        return False
    return True


# The midwife's village list and the mother's page


@login_required
def mother_list(request):
    require(request.user, Permission.VIEW_MOTHER)
    context = village_list_context(request.user, request.GET, now=clock.now())
    context["can_register"] = can(request.user, Permission.REGISTER_MOTHER)
    if request.headers.get("HX-Request") == "true":
        return render(request, "care/mother_list.html#village-list", context)
    return render(request, "care/mother_list.html", context)


@login_required
def mother_detail(request, public_id):
    require(request.user, Permission.VIEW_MOTHER)
    mother = _mother_for(request.user, public_id)
    context = timeline_context(mother, user=request.user, now=clock.now())
    reads_record(request, mother_ids=[mother.pk], interface=ReadInterface.MOTHER_PAGE)
    context["can_view_reads"] = can(request.user, Permission.VIEW_READ_AUDIT)
    context["can_handle_subject_request"] = can(request.user, Permission.HANDLE_SUBJECT_REQUEST)
    return render(request, "care/mother_detail.html", context)


@login_required
def mother_reads(request, public_id):
    """Who opened this mother's page or records, or downloaded an export with her (a coordinator's
    page; opening it is not itself a read of her records)."""
    require(request.user, Permission.VIEW_READ_AUDIT)
    mother = _mother_for(request.user, public_id)
    return render(
        request, "care/mother_reads.html", {"mother": mother, "reads": reads_of_mother(mother)}
    )


# Enrolment


@login_required
def mother_register(request):
    require(request.user, Permission.REGISTER_MOTHER)
    programmes = programmes_visible_to(request.user).order_by("name")
    posyandus = (
        areas_visible_to(request.user)
        .filter(level=AreaLevel.POSYANDU)
        .select_related("parent")
        .order_by("parent__name", "name")
    )
    form = forms.MotherRegisterForm(
        request.POST or None, programmes=programmes, posyandus=posyandus
    )
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            mother = services.mother_register(
                programme=data["programme"],
                posyandu=data["posyandu"],
                name=data["name"],
                nik=data["nik"],
                phone=data["phone"] or "",
                birth_date=data["birth_date"],
                code=data["code"],
                group=data["group"],
                last_menstrual_period=data["last_menstrual_period"],
                estimated_delivery_date=data["estimated_delivery_date"],
                confirm_not_duplicate=data["confirm_not_duplicate"],
                by=request.user,
                now=clock.now(),
            )
        except DomainError as error:
            duplicates = possible_duplicates(
                request.user, nik=data["nik"], phone=data["phone"] or ""
            )
            _put_error(form, error)
        else:
            messages.success(request, _("%(name)s is registered.") % {"name": mother.name})
            consent = reverse("care:consent-give", args=[mother.public_id, "mother"])
            # A mother registered after the birth goes on to her delivery once consent is recorded.
            return redirect(consent + ("?then=delivery" if data["stage"] == "delivered" else ""))
    return render(request, "care/mother_register.html", {"form": form, "duplicates": duplicates})


@login_required
def consent_give(request, public_id, subject):
    require(request.user, Permission.REGISTER_MOTHER)
    mother = _mother_for(request.user, public_id)
    if subject not in ConsentSubject.values:
        raise Http404
    text = ConsentText.objects.filter(subject=subject).order_by("-effective_from").first()
    if text is None:
        raise Http404
    now = clock.now()
    form = forms.ConsentGiveForm(
        request.POST or None,
        initial={
            "given_at": timezone.localtime(now),
            "given_by": "mother" if subject == ConsentSubject.MOTHER else "parent",
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_give(
                mother=mother,
                subject=subject,
                text_version=text.version,
                given_at=form.cleaned_data["given_at"],
                given_by=form.cleaned_data["given_by"],
                by=request.user,
                now=now,
            )
        except DomainError as error:
            _put_error(form, error)
        else:
            messages.success(request, _("Consent recorded."))
            then = "?then=delivery" if request.GET.get("then") == "delivery" else ""
            if subject == ConsentSubject.MOTHER:
                infant = reverse("care:consent-give", args=[mother.public_id, "infant"])
                return redirect(infant + then)
            if then:
                return redirect("care:delivery-record", public_id=mother.public_id)
            return redirect("mother-detail", public_id=mother.public_id)
    return render(
        request,
        "care/consent_give.html",
        {"mother": mother, "form": form, "text": text, "subject": ConsentSubject(subject)},
    )


@login_required
def consent_withdraw(request, public_id, consent_id):
    require(request.user, Permission.REGISTER_MOTHER)
    mother = _mother_for(request.user, public_id)
    consent = get_object_or_404(
        consents_visible_to(request.user), mother=mother, public_id=consent_id
    )
    now = clock.now()
    form = forms.ConsentWithdrawForm(
        request.POST or None, initial={"withdrawn_at": timezone.localtime(now)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(
                consent=consent,
                withdrawn_at=form.cleaned_data["withdrawn_at"],
                reason=form.cleaned_data["reason"],
                by=request.user,
                now=now,
            )
        except DomainError as error:
            _put_error(form, error)
        else:
            messages.success(
                request, _("Consent withdrawn: nothing more is recorded and reminders stop.")
            )
            return redirect("mother-detail", public_id=mother.public_id)
    return render(
        request, "care/consent_withdraw.html", {"mother": mother, "consent": consent, "form": form}
    )


@login_required
def pregnancy_edit(request, public_id):
    require(request.user, Permission.REGISTER_MOTHER)
    mother = _mother_for(request.user, public_id)
    current = mother.pregnancies.filter(delivery__isnull=True).order_by("-created_at").first()
    form = forms.PregnancyForm(
        request.POST or None,
        initial={
            "last_menstrual_period": getattr(current, "last_menstrual_period", None),
            "estimated_delivery_date": getattr(current, "estimated_delivery_date", None),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.pregnancy_record(mother=mother, now=clock.now(), **form.cleaned_data)
        except DomainError as error:
            _put_error(form, error)
        else:
            messages.success(request, _("Pregnancy dates saved."))
            return redirect("mother-detail", public_id=mother.public_id)
    return render(request, "care/pregnancy_form.html", {"mother": mother, "form": form})


@login_required
def delivery_record(request, public_id):
    require(request.user, Permission.REGISTER_MOTHER)
    mother = _mother_for(request.user, public_id)
    pregnancy = mother.pregnancies.select_related("delivery").order_by("-created_at").first()
    if pregnancy is None:
        messages.error(request, _("Record her pregnancy dates first."))
        return redirect("care:pregnancy-edit", public_id=mother.public_id)
    delivery = getattr(pregnancy, "delivery", None)
    initial = {"delivered_at": timezone.localtime(clock.now()).replace(second=0, microsecond=0)}
    if delivery is not None:
        initial = {
            "delivered_at": timezone.localtime(delivery.delivered_at),
            "delivery_type": delivery.delivery_type,
            "parity": delivery.parity,
            "place": delivery.place,
            "early_initiation": delivery.early_initiation,
        }
    form = forms.DeliveryForm(request.POST or None, initial=initial)
    infant_form = forms.InfantForm(request.POST or None) if delivery is None else None
    if (
        request.method == "POST"
        and form.is_valid()
        and (infant_form is None or infant_form.is_valid())
    ):
        try:
            services.delivery_and_infant_record(
                pregnancy=pregnancy,
                now=clock.now(),
                infant=infant_form.cleaned_data if infant_form else None,
                **form.cleaned_data,
            )
        except DomainError as error:
            _put_error(form, error)
        else:
            messages.success(request, _("Delivery saved; her massage schedule is ready."))
            return redirect("mother-detail", public_id=mother.public_id)
    return render(
        request,
        "care/delivery_form.html",
        {"mother": mother, "form": form, "infant_form": infant_form, "delivery": delivery},
    )


def _latest_delivery_or_404(mother):
    """The delivery of the mother's latest registered pregnancy; 404 when it has none yet."""
    pregnancy = mother.pregnancies.select_related("delivery").order_by("-created_at").first()
    delivery = getattr(pregnancy, "delivery", None) if pregnancy else None
    if delivery is None:
        raise Http404
    return delivery


@login_required
def infant_add(request, public_id):
    require(request.user, Permission.REGISTER_MOTHER)
    mother = _mother_for(request.user, public_id)
    delivery = _latest_delivery_or_404(mother)
    form = forms.InfantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.infant_record(delivery=delivery, **form.cleaned_data)
        messages.success(request, _("Infant saved."))
        return redirect("mother-detail", public_id=mother.public_id)
    return render(request, "care/infant_form.html", {"mother": mother, "form": form})


@login_required
def pairing(request, public_id):
    """Pair the mother with a cadre, or reassign her (the ended pairing stays as history)."""
    require(request.user, Permission.REGISTER_MOTHER)
    mother = _mother_for(request.user, public_id)
    now = clock.now()
    candidates = pairing_candidates(request.user, mother, on=timezone.localdate(now))
    current = mother.pairings.filter(ends_at__isnull=True).select_related("cadre").first()
    form = forms.PairingForm(
        request.POST or None,
        candidates=candidates,
        initial={"starts_at": timezone.localtime(now).replace(second=0, microsecond=0)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.pairing_assign(
                mother=mother,
                cadre=data["cadre"],
                at=data["starts_at"],
                by=request.user,
                override_reason=data["override_reason"],
            )
        except DomainError as error:
            _put_error(form, error)
        else:
            messages.success(
                request,
                _("%(cadre)s now accompanies %(mother)s.")
                % {"cadre": data["cadre"].name, "mother": mother.name},
            )
            return redirect("mother-detail", public_id=mother.public_id)
    return render(
        request,
        "care/pairing_form.html",
        {
            "mother": mother,
            "form": form,
            "candidates": candidates,
            "free": [c for c in candidates if c.available],
            "unavailable": [c for c in candidates if not c.available],
            "certification_url": (
                reverse("training:programme-certification", args=[mother.programme.slug])
                if can(request.user, Permission.VIEW_TRAINING)
                else ""
            ),
            "current": current,
            "history": mother.pairings.select_related("cadre").order_by("-starts_at"),
            "may_override": can(request.user, Permission.OVERRIDE_CERTIFICATION),
            "end_form": forms.PairingEndForm(
                initial={"ends_at": timezone.localtime(now).replace(second=0, microsecond=0)}
            ),
        },
    )


@login_required
@require_POST
def pairing_end(request, public_id):
    require(request.user, Permission.REGISTER_MOTHER)
    mother = _mother_for(request.user, public_id)
    current = get_object_or_404(mother.pairings, ends_at__isnull=True)
    form = forms.PairingEndForm(request.POST)
    if form.is_valid():
        try:
            services.pairing_end(
                pairing=current,
                ends_at=form.cleaned_data["ends_at"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The pairing has ended; it stays in her history."))
            return redirect("mother-detail", public_id=mother.public_id)
    else:
        messages.error(request, _("Choose why the pairing ends and when."))
    return redirect("care:pairing", public_id=mother.public_id)


# Guided session and measurements (the cadre's screens)


@login_required
def session_guide(request, public_id):
    """GET: the guided session, which runs in the browser once loaded. POST: the session done,
    as the offline app would send it (`data-outbox="massage_session"`)."""
    require(request.user, Permission.RECORD_SESSION)
    mother = _mother_for(request.user, public_id)
    steps = list(MassageStep.objects.filter(is_active=True).values_list("number", flat=True))
    form = forms.MassageSessionForm(
        request.POST or None,
        steps=steps,
        initial={"performed_by": _performer_of(request.user)},
    )
    if request.method == "POST" and form.is_valid() and _check_record_mother(form, mother):
        data = form.cleaned_data
        try:
            session = services.massage_session_record(
                mother=mother,
                public_id=data["id"],
                started_at=data["started_at"],
                ended_at=data["ended_at"],
                performed_by=data["performed_by"],
                steps_done=data["steps_done"],
                comfort=data["comfort"],
                complaints=data["complaints"],
                adverse_event=data["adverse_event"],
                notes=data["notes"],
                by=request.user,
                now=clock.now(),
            )
        except DomainError as error:
            _put_error(form, error)
        else:
            messages.success(
                request,
                _("Session saved: %(minutes)s minutes.")
                % {"minutes": round(session.duration_minutes)},
            )
            return _after_record(request, mother)
    context = guided_session_context(mother, now=clock.now())
    context.update(
        mother=mother,
        form=form,
        steps_checked=_posted_steps(request),
        next_url=_after_record_url(request.user, mother),
    )
    return render(request, "care/session_guide.html", context)


def _performer_of(user) -> str:
    return {Role.CADRE: PerformedBy.CADRE, Role.MIDWIFE: PerformedBy.MIDWIFE}.get(
        user.role, PerformedBy.CADRE
    )


def _posted_steps(request) -> set[int]:
    numbers = set()
    for value in request.POST.getlist("steps_done"):
        numbers.update(int(part) for part in value.split(",") if part.strip().isdigit())
    return numbers


@login_required
def milk_volume_record(request, public_id):
    require(request.user, Permission.RECORD_MEASUREMENT)
    mother = _mother_for(request.user, public_id)
    now = clock.now()
    form = forms.MilkVolumeForm(
        request.POST or None,
        initial={
            "id": uuid.uuid4(),
            "mother_id": mother.public_id,
            "measured_at": timezone.localtime(now).replace(microsecond=0),
            "phase": suggested_phase(mother, now=now),
        },
    )
    if request.method == "POST" and form.is_valid() and _check_record_mother(form, mother):
        data = form.cleaned_data
        try:
            services.measurement_record(
                mother=mother,
                public_id=data["id"],
                kind=MeasurementKind.MILK_VOLUME,
                measured_at=data["measured_at"],
                value=data["volume_ml"],
                method=data["method"],
                basis=data["basis"],
                side=data["side"],
                phase=data["phase"],
                expression_minutes=data["expression_minutes"],
                minutes_since_feed=data["minutes_since_feed"],
                by=request.user,
                now=now,
            )
        except DomainError as error:
            _put_error(form, error, renamed={"value": "volume_ml"})
        else:
            messages.success(request, _("Milk volume saved."))
            return _after_record(request, mother)
    return render(
        request,
        "care/milk_volume_form.html",
        {"mother": mother, "form": form, "next_url": _after_record_url(request.user, mother)},
    )


@login_required
def measurement_record(request, public_id, kind):
    require(request.user, Permission.RECORD_MEASUREMENT)
    if kind not in VALUE_KINDS:
        raise Http404
    measurement_kind = VALUE_KINDS[kind]
    mother = _mother_for(request.user, public_id)
    now = clock.now()
    form = forms.MeasurementValueForm(
        request.POST or None,
        kind=measurement_kind,
        initial={
            "id": uuid.uuid4(),
            "mother_id": mother.public_id,
            "measured_at": timezone.localtime(now).replace(microsecond=0),
        },
    )
    if request.method == "POST" and form.is_valid() and _check_record_mother(form, mother):
        data = form.cleaned_data
        try:
            services.measurement_record(
                mother=mother,
                public_id=data["id"],
                kind=measurement_kind,
                measured_at=data["measured_at"],
                value=data["value"],
                by=request.user,
                now=now,
            )
        except DomainError as error:
            _put_error(form, error)
        else:
            messages.success(request, _("%(what)s saved.") % {"what": measurement_kind.label})
            return _after_record(request, mother)
    return render(
        request,
        "care/measurement_form.html",
        {
            "mother": mother,
            "form": form,
            "kind": measurement_kind,
            "outbox": measurement_kind,
            "next_url": _after_record_url(request.user, mother),
        },
    )


@login_required
def danger_signs_check(request, public_id):
    require(request.user, Permission.RECORD_MEASUREMENT)
    mother = _mother_for(request.user, public_id)
    now = clock.now()
    signs = list(DangerSign.objects.filter(is_active=True).order_by("group", "order"))
    form = forms.DangerSignsForm(
        request.POST or None,
        signs=signs,
        initial={
            "id": uuid.uuid4(),
            "mother_id": mother.public_id,
            "observed_at": timezone.localtime(now).replace(microsecond=0),
            "context": DangerSignContext.DAILY_CHECK,
        },
    )
    if request.method == "POST" and form.is_valid() and _check_record_mother(form, mother):
        data = form.cleaned_data
        try:
            report = services.danger_signs_report(
                mother=mother,
                public_id=data["id"],
                signs=data["signs"],
                observed_at=data["observed_at"],
                context=data["context"],
                notes=data["notes"],
                by=request.user,
                now=now,
            )
        except DomainError as error:
            _put_error(form, error)
        else:
            if report.signs:
                messages.error(request, danger_report_confirmation(report))
            else:
                messages.success(request, _("Check saved: no danger sign."))
            return _after_record(request, mother)
    groups = [
        (group.label, [sign for sign in signs if sign.group == group])
        for group in (DangerSignGroup.MOTHER, DangerSignGroup.NEWBORN)
    ]
    return render(
        request,
        "care/danger_signs_form.html",
        {
            "mother": mother,
            "form": form,
            "groups": groups,
            "next_url": _after_record_url(request.user, mother),
        },
    )


# Referrals (the midwife)


@login_required
def referral_list(request):
    require(request.user, Permission.HANDLE_REFERRAL)
    referrals = open_referrals(request.user)
    template = "care/referral_list.html"
    if request.headers.get("HX-Request") == "true":
        template += "#referrals"
    return render(request, template, {"referrals": referrals})


@login_required
def referral_detail(request, public_id):
    if not can(request.user, Permission.HANDLE_REFERRAL):
        raise PermissionDenied
    referral = get_object_or_404(
        referrals_visible_to(request.user).select_related(
            "flag__rule", "mother__posyandu", "acknowledged_by", "closed_by"
        ),
        public_id=public_id,
    )
    form = forms.ReferralCloseForm(request.POST or None)
    texts = sign_texts()
    if request.method == "POST":
        now = clock.now()
        action = request.POST.get("action")
        try:
            if action == "acknowledge":
                services.referral_acknowledge(referral=referral, by=request.user, now=now)
                messages.success(request, _("Acknowledged. Close it when you have acted."))
                return redirect("care:referral-detail", public_id=referral.public_id)
            if form.is_valid():
                services.referral_close(
                    referral=referral, by=request.user, now=now, **form.cleaned_data
                )
                messages.success(request, _("Referral closed."))
                return redirect("mother-detail", public_id=referral.mother.public_id)
        except DomainError as error:
            _put_error(form, error)
    else:
        reads_record(request, mother_ids=[referral.mother_id], interface=ReadInterface.REFERRAL)
    return render(
        request,
        "care/referral_detail.html",
        {
            "referral": referral,
            "flags": [(flag, flag_summary(flag, texts)) for flag in flags_of_referral(referral)],
            "danger_notes": referral_danger_notes(referral, reader=request.user),
            "form": form,
            "is_closed": referral.status == ReferralStatus.CLOSED,
        },
    )


# Protocol safety (issue 19): a session not given, the midwife's follow-up of the birth, and
# whether the milk has come in.


@login_required
def session_skip(request, public_id):
    """The cadre records that a planned session is not given, and why. Declining is the mother's
    right: it is recorded, not referred. The form is the push record `session_skip`, so a
    cadre without a signal queues it on her phone."""
    require(request.user, Permission.RECORD_SESSION)
    mother = _mother_for(request.user, public_id)
    now = clock.now()
    sessions_per_day = mother.programme.sessions_per_day
    rows = protocol_notes.skippable_sessions(mother, now=now)
    candidates = [
        (
            str(row.public_id),
            _("%(label)s, postpartum day %(day)s (%(window)s)")
            % {
                "label": slot_label(row.slot, sessions_per_day),
                "day": row.postpartum_day,
                "window": f"{date_format(timezone.localtime(row.window_starts_at), 'j M H:i')}–"
                f"{date_format(timezone.localtime(row.window_ends_at), 'H:i')}",
            },
        )
        for row in rows
    ]
    form = forms.SessionSkipForm(
        request.POST or None,
        candidates=candidates,
        initial={
            "id": uuid.uuid4(),
            "mother_id": mother.public_id,
            "scheduled_session_id": candidates[0][0] if candidates else None,
            "skipped_at": timezone.localtime(now).replace(microsecond=0),
        },
    )
    if request.method == "POST" and form.is_valid() and _check_record_mother(form, mother):
        data = form.cleaned_data
        try:
            session_skip_record(
                mother=mother,
                record_id=data["id"],
                scheduled_session_id=uuid.UUID(data["scheduled_session_id"]),
                reason=data["reason"],
                note=data["note"],
                skipped_at=data["skipped_at"],
                by=request.user,
                now=now,
            )
        except DomainError as error:
            _put_error(form, error)
        else:
            messages.success(request, _("Recorded: this session is not given."))
            return _after_record(request, mother)
    return render(
        request,
        "care/session_skip.html",
        {
            "mother": mother,
            "form": form,
            "rows": rows,
            "next_url": _after_record_url(request.user, mother),
        },
    )


@login_required
def delivery_followup(request, public_id):
    """The midwife records her first postnatal check (KF1), the gestational age she assessed, and
    a birth outcome that ends the massage."""
    require(request.user, Permission.REGISTER_MOTHER)
    mother = _mother_for(request.user, public_id)
    delivery = _latest_delivery_or_404(mother)
    initial = {
        "first_postnatal_check_at": delivery.first_postnatal_check_at
        and timezone.localtime(delivery.first_postnatal_check_at),
        "gestational_age_weeks": delivery.gestational_age_weeks,
        "birth_outcome": delivery.birth_outcome,
        "birth_outcome_at": delivery.birth_outcome_at
        and timezone.localtime(delivery.birth_outcome_at),
    }
    form = forms.DeliveryFollowupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            delivery_followup_record(delivery=delivery, now=clock.now(), **form.cleaned_data)
        except DomainError as error:
            _put_error(form, error)
        else:
            messages.success(request, _("Saved; her massage schedule follows it."))
            return redirect("mother-detail", public_id=mother.public_id)
    return render(
        request,
        "care/delivery_followup.html",
        {"mother": mother, "delivery": delivery, "form": form},
    )


@login_required
def milk_onset(request, public_id):
    """The cadre records the mother's answer: has her milk come in? The form is the push record
    `milk_onset`, so a cadre without a signal queues it on her phone."""
    require(request.user, Permission.RECORD_MEASUREMENT)
    mother = _mother_for(request.user, public_id)
    delivery = _latest_delivery_or_404(mother)
    now = clock.now()
    form = forms.MilkOnsetForm(
        request.POST or None,
        initial={
            "id": uuid.uuid4(),
            "mother_id": mother.public_id,
            "at": timezone.localtime(now).replace(microsecond=0),
        },
    )
    if request.method == "POST" and form.is_valid() and _check_record_mother(form, mother):
        data = form.cleaned_data
        try:
            milk_onset_answer_record(mother=mother, came_in=data["came_in"], at=data["at"], now=now)
        except DomainError as error:
            _put_error(form, error)
        else:
            messages.success(request, _("Her answer is saved."))
            return _after_record(request, mother)
    return render(
        request,
        "care/milk_onset.html",
        {
            "mother": mother,
            "delivery": delivery,
            "form": form,
            "next_url": _after_record_url(request.user, mother),
        },
    )


@login_required
def latch_score(request, public_id):
    """The cadre observes a feed and scores it with LATCH (days 1-3), through the one write path
    as the phone's push does."""
    require(request.user, Permission.RECORD_MEASUREMENT)
    mother = _mother_for(request.user, public_id)
    now = clock.now()
    form = forms.LatchScoreForm(
        request.POST or None,
        initial={
            "id": uuid.uuid4(),
            "mother_id": mother.public_id,
            "observed_at": timezone.localtime(now).replace(microsecond=0),
        },
    )
    if request.method == "POST" and form.is_valid() and _check_record_mother(form, mother):
        data = form.cleaned_data
        try:
            services.care_record_write(
                record=services.LatchScoreRecord(
                    mother=mother,
                    public_id=data["id"],
                    observed_at=data["observed_at"],
                    latch=data["latch"],
                    audible_swallowing=data["audible_swallowing"],
                    nipple_type=data["nipple_type"],
                    comfort=data["comfort"],
                    hold=data["hold"],
                    notes=data["notes"],
                ),
                by=request.user,
                now=now,
            )
        except DomainError as error:
            _put_error(form, error)
        else:
            messages.success(request, _("Breastfeeding observation saved."))
            return _after_record(request, mother)
    return render(
        request,
        "care/latch_form.html",
        {"mother": mother, "form": form, "next_url": _after_record_url(request.user, mother)},
    )
