"""Device tokens: issue, recognise and revoke the bearer tokens of the phone app."""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from kaderasi.accounts.models import User
from kaderasi.accounts.selectors import sees_everything
from kaderasi.api.models import DeviceToken
from kaderasi.core import clock

TOKEN_PREFIX = "kds_"  # noqa: S105 - a public prefix that secret scanners recognise
# Recording every use would write on every request; once every few minutes is enough to tell a
# user which of her phones still syncs.
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def device_token_issue(
    *, user: User, device_name: str, now: dt.datetime
) -> tuple[DeviceToken, str]:
    """Create a token for one device of `user`. Returns the row and the secret; the secret is
    stored only as its SHA-256, so this is the one time it can be shown."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = DeviceToken.objects.create(
        user=user,
        device_name=device_name.strip(),
        secret_hash=secret_hash(secret),
        hint=secret[: len(TOKEN_PREFIX) + 4],
        expires_at=now + dt.timedelta(days=settings.KADERASI_API_TOKEN_DAYS),
    )
    return token, secret


def device_token_authenticate(*, secret: str, now: dt.datetime) -> User | None:
    """The active user holding a live (unexpired, unrevoked) token with this secret, or None.
    Notes when the token was last used, at most once every few minutes."""
    token = (
        DeviceToken.objects.select_related("user")
        .filter(secret_hash=secret_hash(secret), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        DeviceToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def device_token_revoke(*, token: DeviceToken, by: User, now: dt.datetime) -> DeviceToken:
    """Revoke `token` from `now` on (revoking twice keeps the first revocation)."""
    token = DeviceToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = now
        token.revoked_by = by
        token.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    return token


# A token stands for the user as she was when it was issued: a change to any of these ends it.
CREDENTIAL_FIELDS = ("password", "role", "is_active")
# The note pre_save leaves on the instance for post_save (an attribute User does not declare).
CREDENTIALS_CHANGED = "_kaderasi_credentials_changed"


def credentials_change_note(sender, instance: User, update_fields=None, **kwargs) -> None:
    """pre_save of User: note whether her password, role or active flag is about to change."""
    setattr(instance, CREDENTIALS_CHANGED, False)
    if instance.pk is None or (
        update_fields is not None and not set(update_fields) & set(CREDENTIAL_FIELDS)
    ):
        return
    before = User.objects.filter(pk=instance.pk).values(*CREDENTIAL_FIELDS).first()
    changed = before is not None and any(
        before[field] != getattr(instance, field) for field in CREDENTIAL_FIELDS
    )
    setattr(instance, CREDENTIALS_CHANGED, changed)


def credentials_change_end_tokens(sender, instance: User, created=False, **kwargs) -> None:
    """post_save of User: when her password, role or active flag changed, every device token she
    holds is revoked (whoever made the change: admin, command, password form), so a lost phone
    stops syncing once the password is reset and a token never carries a role she has lost."""
    if not created and getattr(instance, CREDENTIALS_CHANGED, False):
        device_tokens_revoke_all(user=instance, now=clock.now())
        setattr(instance, CREDENTIALS_CHANGED, False)


@transaction.atomic
def device_tokens_revoke_all(*, user: User, now: dt.datetime) -> int:
    """Revoke every live token of `user` (revoked by no one: by the change itself). Returns how
    many. Each is saved, so the audit trail shows the revocation."""
    tokens = list(
        DeviceToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True)
    )
    for token in tokens:
        token.revoked_at = now
        token.save(update_fields=["revoked_at", "updated_at"])
    return len(tokens)


def device_tokens_visible_to(user: User) -> QuerySet[DeviceToken]:
    """Admin: every token. Anyone else: her own tokens."""
    if not user.is_authenticated:
        return DeviceToken.objects.none()
    if sees_everything(user):
        return DeviceToken.objects.all()
    return DeviceToken.objects.filter(user=user)
