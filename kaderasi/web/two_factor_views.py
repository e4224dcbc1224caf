"""The two-factor pages (kaderasi/accounts/two_factor.py): the code after the password, and
turning it on (a QR code, or the key typed by hand; then recovery codes, shown once)."""

import segno
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaderasi.accounts import two_factor


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


@login_required
def two_factor_verify(request):
    if request.user.is_verified():
        return redirect("home")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.device_verifying(user=request.user, token=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            target = request.GET.get("next", "")
            safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
            return redirect(target if safe and target else "home")
        form.add_error(
            "code",
            _(
                "This code is wrong or has expired: type the 6 digits your app shows now, "
                "or an unused recovery code."
            ),
        )
    return render(request, "web/two_factor_verify.html", {"form": form})


@login_required
def two_factor_enrol(request):
    if not two_factor.may_use(request.user):
        raise PermissionDenied
    if two_factor.is_enrolled(request.user) and not request.user.is_verified():
        return redirect("two-factor-verify")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.totp_device_confirm(user=request.user, token=form.cleaned_data["code"])
        if codes is not None:
            device = TOTPDevice.objects.get(user=request.user, confirmed=True)
            otp_login(request, device)
            return render(request, "web/two_factor_codes.html", {"codes": codes})
        form.add_error("code", _("This code is wrong: type the 6 digits your app shows now."))
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    else:
        device = two_factor.totp_device_start(user=request.user)
    uri = device.config_url if device is not None else ""
    context = {
        "form": form,
        "uri": uri,
        "secret": _grouped(device.key) if device is not None else "",
        "qr": segno.make(uri, error="m").svg_inline(scale=4, title=str(_("QR code")))
        if uri
        else "",
        "enrolled": two_factor.is_enrolled(request.user),
        "required": two_factor.is_required(request.user),
    }
    return render(request, "web/two_factor_enrol.html", context)


def _grouped(hex_key: str) -> str:
    """The key as an authenticator app wants it typed: base32, in groups of four."""
    import base64

    text = base64.b32encode(bytes.fromhex(hex_key)).decode().rstrip("=")
    return " ".join(text[index : index + 4] for index in range(0, len(text), 4))
