"""Two-factor sign-in with a time-based code (TOTP, django-otp) for administrators and
coordinators (issue 14, build 13).

Either may turn it on for herself (`/account/two-factor/`: a QR code for an authenticator app, or
its key typed by hand, then a code to confirm, then ten one-time recovery codes). With
`KADERASI_TWO_FACTOR_REQUIRED` on, both roles must: after the password they are sent to enrol
before anything else. Once a user has a device, every web login asks for a code after the
password (`TwoFactorGate`), and the API's token endpoint refuses her (a device token would skip the
code; the phone app is the cadres'). Cadres, midwives and the district office log in as before."""

import secrets

from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaderasi.accounts.models import User
from kaderasi.accounts.roles import Role

ROLES = frozenset({Role.ADMIN, Role.COORDINATOR})
RECOVERY_CODES = 10
DEVICE_NAME = "kaderasi"


def may_use(user: User) -> bool:
    return user.is_authenticated and (user.role in ROLES or user.is_superuser)


def is_enrolled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_required(user: User) -> bool:
    return settings.KADERASI_TWO_FACTOR_REQUIRED and may_use(user)


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """A new, unconfirmed device (a fresh key) for `user`, replacing any unconfirmed one."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


@transaction.atomic
def totp_device_confirm(*, user: User, token: str) -> list[str] | None:
    """Confirm the unconfirmed device with a code it shows: it replaces any earlier device, and
    ten new recovery codes (shown once) replace the old ones. None when the code is wrong."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(_digits(token)):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save()
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=recovery, token=code) for code in codes])
    return codes


def device_verifying(*, user: User, token: str):
    """The device that accepts `token` (a code from the app, or an unused recovery code, which
    is then used up), or None."""
    typed = token.strip().lower().replace(" ", "")
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(_digits(typed)):
            return device
    for device in StaticDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(typed):
            return device
    return None


def _digits(token: str) -> str:
    return "".join(character for character in token if character.isdigit())


# Paths an unverified user may still open: the code and enrolment pages, logging out, the
# language switch and files.
OPEN_PATHS = ("/static/", "/i18n/", "/favicon.ico", "/sw.js", "/manifest")


class TwoFactorGate:
    """After the password, a user who has a device (or must have one) reaches nothing but the
    code page (or the enrolment page) until she has typed a code."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(OPEN_PATHS)
        ):
            target = _where_to(request, user)
            if target is not None:
                return target
        return self.get_response(request)


def _where_to(request, user):
    from django.urls import resolve
    from django.urls.exceptions import Resolver404

    try:
        name = resolve(request.path_info).url_name
    except Resolver404:
        name = None
    if name in ("two-factor-verify", "two-factor-enrol", "logout"):
        return None
    if is_enrolled(user):
        return redirect("two-factor-verify")
    if is_required(user):
        return redirect("two-factor-enrol")
    return None
