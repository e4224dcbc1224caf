"""Whether the token endpoint's caller is locked out: the one login throttle
(kaderasi.accounts.login_throttle, django-axes in the database) answers, so a user locked out
on the web is locked out here too and the other way round. Failures and successes are counted by
axes when the endpoint calls django.contrib.auth.authenticate() with the request."""

from axes.handlers.proxy import AxesProxyHandler

from kaderasi.accounts.login_throttle import retry_after_seconds


def is_locked_out(*, request, username: str) -> bool:
    """True when `username` is locked out for the request's address (nothing is counted)."""
    return not AxesProxyHandler.is_allowed(request, {"username": username})


def retry_after(request) -> int:
    """Seconds until the request's username and address may try again, at least 1."""
    return max(1, retry_after_seconds(request))


def login_success_record(*, request, user) -> None:
    """The token endpoint does not log a session in, so Django sends no user_logged_in: tell the
    throttle here, which clears the failures of this username and address."""
    AxesProxyHandler.user_logged_in(sender=None, request=request, user=user)
