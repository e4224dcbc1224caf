"""Reads of registry edits and conflicts: who may see them, and the rows they are about."""

import datetime as dt
import uuid

from auditlog.models import LogEntry
from django.db.models import QuerySet

from kaderasi.accounts.models import User
from kaderasi.accounts.selectors import sees_everything
from kaderasi.care.models import Delivery, Infant, Mother
from kaderasi.care.selectors import mothers_visible_to
from kaderasi.core.models import BaseModel
from kaderasi.core.policies import Permission, can
from kaderasi.sync.fields import MODELS
from kaderasi.sync.models import Conflict, ConflictStatus, RegistryEdit, RegistryRecord


def conflicts_visible_to(user: User) -> QuerySet[Conflict]:
    """The conflicts about mothers `user` may see."""
    if user.is_authenticated and sees_everything(user):
        # Every conflict is about a mother, and she sees every mother: no `IN (SELECT id FROM
        # care_mother)`, which PostgreSQL answered by reading the whole table on every page
        # (the base template counts the open conflicts).
        return Conflict.objects.all()
    return Conflict.objects.filter(mother__in=mothers_visible_to(user))


def registry_edits_visible_to(user: User) -> QuerySet[RegistryEdit]:
    """The receipts of edits of the registry of mothers `user` may see."""
    return RegistryEdit.objects.filter(mother__in=mothers_visible_to(user))


def open_conflict_count(user: User | None) -> int:
    """How many conflicts wait for `user`: 0 for a role that does not resolve them."""
    if user is None or not can(user, Permission.REGISTER_MOTHER):
        return 0
    return conflicts_visible_to(user).filter(status=ConflictStatus.OPEN).count()


def registry_row(
    *, record: str, mother: Mother, infant_id: uuid.UUID | None = None
) -> BaseModel | None:
    """The row an edit of `record` targets: the mother, her latest delivery, or her infant."""
    if record == RegistryRecord.MOTHER:
        return mother
    if record == RegistryRecord.DELIVERY:
        return (
            Delivery.objects.select_related("pregnancy")
            .filter(pregnancy__mother=mother)
            .order_by("-delivered_at")
            .first()
        )
    return Infant.objects.filter(public_id=infant_id, delivery__pregnancy__mother=mother).first()


def conflict_row(conflict: Conflict) -> BaseModel | None:
    """The row `conflict` is about, or None when it was deleted since."""
    return MODELS[conflict.record].objects.filter(public_id=conflict.record_public_id).first()


def fields_changed_since(row: BaseModel, since: dt.datetime) -> set[str]:
    """Fields of `row` changed by saves after the one that produced version `since`.

    auditlog writes an update's entry before the save stamps `updated_at`, so the entry of the
    save that produced `since` is older than `since` and every later save's entry is newer.
    (The creation's entry is written after the save: it never counts as a later change.)"""
    changed: set[str] = set()
    entries = LogEntry.objects.get_for_object(row).filter(
        action=LogEntry.Action.UPDATE, timestamp__gt=since
    )
    for entry in entries:
        changed.update((entry.changes_dict or {}).keys())
    return changed
