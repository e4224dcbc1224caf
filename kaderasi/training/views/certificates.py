"""Certificates: who passed and issuing them, a programme's certification and the gate's
overrides, the certificate PDF, revoking, and the public verification page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaderasi.cadres.selectors import cadres_visible_to
from kaderasi.care.selectors import mothers_visible_to
from kaderasi.core import clock
from kaderasi.core.errors import DomainError
from kaderasi.core.policies import Permission, can, require
from kaderasi.programmes.selectors import programmes_visible_to
from kaderasi.training import services
from kaderasi.training.certification import certificate_status
from kaderasi.training.documents import certificate_pdf
from kaderasi.training.forms import CertificateRevokeForm, VerifyForm
from kaderasi.training.selectors import (
    certificate_by_code,
    certificates_visible_to,
    training_policy_for,
)
from kaderasi.training.summaries import certification_rows, programme_certification
from kaderasi.training.views.access import training_or_404


@login_required
def training_certificates(request, public_id):
    """Who meets the pass rule in this training, and issuing their certificates."""
    require(request.user, Permission.VIEW_TRAINING)
    training = training_or_404(request.user, public_id)
    if request.method == "POST":
        require(request.user, Permission.ISSUE_CERTIFICATE)
        issued = services.certificates_issue_for_training(
            training=training, on=clock.today(), by=request.user
        )
        messages.success(request, _("%(count)s certificate(s) issued.") % {"count": len(issued)})
        return redirect("training:training-certificates", public_id=training.public_id)
    today = clock.today()
    rows = certification_rows(training, cadres=cadres_visible_to(request.user), on=today)
    return render(
        request,
        "training/certificates.html",
        {
            "training": training,
            "rows": rows,
            "policy": training_policy_for(training.programme),
            "eligible_without_certificate": sum(
                1 for row in rows if row.eligibility.eligible and row.certificate is None
            ),
            "can_issue": can(request.user, Permission.ISSUE_CERTIFICATE),
        },
    )


@login_required
def programme_certification_page(request, slug):
    """Every cadre's certification today, refreshers due, and pairings made under an override
    of the certificate gate."""
    require(request.user, Permission.VIEW_TRAINING)
    programme = get_object_or_404(programmes_visible_to(request.user), slug=slug)
    certification = programme_certification(
        programme,
        cadres=cadres_visible_to(request.user),
        mothers=mothers_visible_to(request.user),
        on=clock.today(),
    )
    return render(
        request,
        "training/programme_certification.html",
        {
            "programme": programme,
            "certification": certification,
            "trainings": programme.trainings.all(),
            "can_issue": can(request.user, Permission.ISSUE_CERTIFICATE),
            "revoke_form": CertificateRevokeForm(),
        },
    )


def _verify_url(request, certificate) -> str:
    return request.build_absolute_uri(
        reverse("training:verify", kwargs={"code": certificate.verification_code})
    )


@login_required
def certificate_download(request, public_id):
    """The certificate PDF, for the cadre herself and the staff who see her."""
    certificate = get_object_or_404(
        certificates_visible_to(request.user).select_related("cadre__programme", "training"),
        public_id=public_id,
    )
    pdf = certificate_pdf(
        certificate,
        verify_url=_verify_url(request, certificate),
        language=get_language() or "id",
        on=clock.today(),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="sertifikat-{certificate.verification_code}.pdf"'
    )
    return response


@login_required
@require_POST
def certificate_revoke(request, public_id):
    require(request.user, Permission.ISSUE_CERTIFICATE)
    certificate = get_object_or_404(
        certificates_visible_to(request.user).select_related("cadre__programme"),
        public_id=public_id,
    )
    form = CertificateRevokeForm(request.POST)
    if form.is_valid():
        try:
            services.certificate_revoke(
                certificate=certificate,
                on=clock.today(),
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(
                request,
                _("Certificate %(code)s revoked.") % {"code": certificate.verification_code},
            )
    else:
        messages.error(request, _("Say why the certificate is revoked."))
    return redirect("training:programme-certification", slug=certificate.cadre.programme.slug)


def verify(request, code=None):
    """Public, without login: is this certificate genuine and valid? Shows only the name, the
    programme, the status and the dates."""
    form = VerifyForm(request.GET or None)
    if code is None and form.is_valid():
        code = form.cleaned_data["code"].strip().upper()
        # A code with a slash cannot be a path segment (nor a certificate): answer it here,
        # as not found, rather than redirect to a URL that does not exist.
        if "/" not in code:
            return redirect("training:verify", code=code)
    certificate = certificate_by_code(code) if code else None
    context = {"form": form, "code": code, "certificate": certificate}
    if certificate is not None:
        context["status"] = certificate_status(certificate, on=clock.today())
    response = render(
        request, "training/verify.html", context, status=404 if code and not certificate else 200
    )
    # Nothing on this page is worth caching by others, and search engines must not index names.
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store"
    return response
