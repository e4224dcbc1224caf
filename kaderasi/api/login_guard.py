"""Rate limit and lockout for the token endpoint, kept in the cache.

Two counters: attempts per client address per minute (slows guessing across many usernames) and
failed attempts per username (locks one account for a while after repeated wrong passwords,
even when the right password comes next). Counters live in Django's cache: with more than one
server process, configure a shared cache (Redis) so they are shared."""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 60


@dataclass(frozen=True)
class Refusal:
    reason: str  # "locked_out" or "rate_limited"
    retry_after_seconds: int


def _key(kind: str, value: str) -> str:
    # Hash the username or address: cache keys must not carry personal data in clear.
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"kaderasi:api-login:{kind}:{digest}"


def _increment(key: str, timeout: int) -> int:
    cache.add(key, 0, timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout)
        return 1


def login_attempt_check(*, username: str, address: str) -> Refusal | None:
    """Count this attempt against the address and refuse it when the address is over its rate
    or the username is locked out."""
    if cache.get(_key("lock", username)):
        return Refusal("locked_out", settings.KADERASI_API_LOCKOUT_SECONDS)
    attempts = _increment(_key("rate", address), WINDOW_SECONDS)
    if attempts > settings.KADERASI_API_LOGIN_ATTEMPTS_PER_MINUTE:
        return Refusal("rate_limited", WINDOW_SECONDS)
    return None


def login_failure_record(*, username: str) -> bool:
    """Count a wrong password for `username`; True when this failure locked the account."""
    lockout = settings.KADERASI_API_LOCKOUT_SECONDS
    failures = _increment(_key("failures", username), lockout)
    if failures >= settings.KADERASI_API_LOGIN_MAX_FAILURES:
        cache.set(_key("lock", username), True, lockout)
        cache.delete(_key("failures", username))
        return True
    return False


def login_success_record(*, username: str) -> None:
    cache.delete(_key("failures", username))
