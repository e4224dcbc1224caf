"""One throttle for every way in: the web login (the admin's login page sends there) and the
API's token endpoint.

django-axes keeps the failed attempts in the database (shared by every server process), per
username and client address together: an attacker elsewhere cannot lock a user out, and whoever
guesses from one address gets `KADERASI_LOGIN_MAX_FAILURES` tries and then waits. The wait grows:
the first lockout lasts `KADERASI_LOGIN_COOLOFF_SECONDS`; every further wrong password during or
after it (until a success, or a day without attempts) counts on, and each further
`KADERASI_LOGIN_MAX_FAILURES` failures double the wait, up to `KADERASI_LOGIN_COOLOFF_MAX_SECONDS`.
The right password once the wait is over logs in and clears the count.

Every way in calls django.contrib.auth.authenticate() with the request, so axes' backend refuses a
locked pair before the password is checked, and axes' signal handler counts the failure."""

import datetime as dt

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.forms.utils import ErrorDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import ngettext

# The request attribute naming the username being tried (axes' cool-off callable gets only the
# request; the handler below sets it from the credentials before axes asks for the cool-off).
USERNAME_ATTRIBUTE = "kaderasi_login_username"


def client_address(request) -> str:
    """AXES_CLIENT_IP_CALLABLE: the connection's address, or the header a trusted reverse proxy
    sets (KADERASI_CLIENT_IP_HEADER), its first address when it lists several."""
    value = request.META.get(settings.KADERASI_CLIENT_IP_HEADER) or request.META.get(
        "REMOTE_ADDR", ""
    )
    return value.split(",")[0].strip()


def failure_limit(request, credentials) -> int:
    """AXES_FAILURE_LIMIT: wrong passwords before the first wait (read when asked, so the one
    setting KADERASI_LOGIN_MAX_FAILURES governs the limit and the doubling)."""
    return settings.KADERASI_LOGIN_MAX_FAILURES


def cool_off_for(failures: int) -> dt.timedelta:
    """The wait after `failures` wrong passwords in a row from one address on one username."""
    limit = settings.KADERASI_LOGIN_MAX_FAILURES
    base = settings.KADERASI_LOGIN_COOLOFF_SECONDS
    longest = settings.KADERASI_LOGIN_COOLOFF_MAX_SECONDS
    doublings = max(0, failures // limit - 1)
    # 2**doublings grows fast; stop doubling once past the longest wait.
    seconds = base * 2 ** min(doublings, 32)
    return dt.timedelta(seconds=min(seconds, longest))


def cool_off(request) -> dt.timedelta:
    """AXES_COOLOFF_TIME: the wait for the username and address of this request."""
    username = getattr(request, USERNAME_ATTRIBUTE, None)
    address = getattr(request, "axes_ip_address", None)
    failures = 0
    if username is not None:
        failures = (
            AccessAttempt.objects.filter(username=username, ip_address=address)
            .values_list("failures_since_start", flat=True)
            .first()
            or 0
        )
    return cool_off_for(failures)


def retry_after_seconds(request) -> int:
    """Seconds until the username and address of `request` may try again (0: now)."""
    attempt = (
        AccessAttempt.objects.filter(
            username=getattr(request, USERNAME_ATTRIBUTE, None),
            ip_address=getattr(request, "axes_ip_address", None),
        )
        .only("failures_since_start", "attempt_time")
        .first()
    )
    if attempt is None or attempt.failures_since_start < settings.KADERASI_LOGIN_MAX_FAILURES:
        return 0
    until = attempt.attempt_time + cool_off_for(attempt.failures_since_start)
    now = getattr(request, "axes_attempt_time", None) or timezone.now()
    return max(0, int((until - now).total_seconds() + 0.999))


class ThrottleHandler(AxesDatabaseHandler):
    """axes' database handler, telling the cool-off which username is being tried, and forgetting
    an address's failures only after a quiet day (not after the shortest wait) so the wait can
    grow."""

    def _note_username(self, request, credentials) -> None:
        if request is not None:
            setattr(request, USERNAME_ATTRIBUTE, get_client_username(request, credentials))

    def get_user_attempts(self, request, credentials=None):
        self._note_username(request, credentials)
        return super().get_user_attempts(request, credentials)

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        self._note_username(request, credentials)
        return super().user_login_failed(sender, credentials, request, **kwargs)

    def clean_expired_user_attempts(self, request=None, credentials=None) -> int:
        forget_before = timezone.now() - dt.timedelta(
            seconds=settings.KADERASI_LOGIN_FORGET_SECONDS
        )
        count, _deleted = AccessAttempt.objects.filter(attempt_time__lt=forget_before).delete()
        return count


def lockout_message(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    return ngettext(
        "Too many wrong passwords from this device: wait %(minutes)d minute and try again.",
        "Too many wrong passwords from this device: wait %(minutes)d minutes and try again.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE. The API answers lockouts itself in its own error shape (see
    kaderasi.api.login_guard), so its response stands; a page gets the login form again with
    the wait, status 429."""
    if request.path.startswith("/api/") and original_response is not None:
        return original_response
    seconds = retry_after_seconds(request)
    # The login form again, its one error the wait (it is not validated: that would check the
    # password once more).
    form = AuthenticationForm(request, initial={"username": request.POST.get("username", "")})
    form._errors = ErrorDict()
    form.cleaned_data = {}
    form.add_error(None, lockout_message(seconds))
    context = {"form": form, "next": request.POST.get("next", "")}
    response = render(request, "registration/login.html", context, status=429)
    response["Retry-After"] = str(max(seconds, 1))
    return response
