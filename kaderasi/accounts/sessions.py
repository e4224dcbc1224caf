"""Ending a user's logged-in sessions when she is deactivated.

A session is checked on every request against the user's session hash (her password and role,
see User._get_session_auth_hash), so a password or role change ends it by itself; a deactivated
user is refused by the backend while inactive, but her old sessions would come back with her if
she were reactivated, so they are deleted when she is deactivated."""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone


def user_sessions_end(*, user) -> int:
    """Delete every unexpired database session of `user`; returns how many."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            session.delete()
            ended += 1
    return ended


def deactivation_note(sender, instance, update_fields=None, **kwargs) -> None:
    """pre_save of User: note whether an active user is being deactivated."""
    instance._kaderasi_deactivated = False
    if instance.pk is None or instance.is_active:
        return
    if update_fields is not None and "is_active" not in update_fields:
        return
    instance._kaderasi_deactivated = (
        type(instance).objects.filter(pk=instance.pk, is_active=True).exists()
    )


def deactivation_end_sessions(sender, instance, created=False, **kwargs) -> None:
    """post_save of User: a user who was just deactivated loses every session."""
    if getattr(instance, "_kaderasi_deactivated", False):
        user_sessions_end(user=instance)
        instance._kaderasi_deactivated = False
