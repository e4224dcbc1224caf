"""Writes of the data subject's rights and of retention: a mother's identity erased on request or
when the programme's retention has run out. Her health records stay under her programme code (the
study's numbers do not change); her name, NIK, phone number, date of birth, her family members'
names and numbers, the texts of her reminders and the audit log's copies of them go."""

import datetime as dt

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaderasi.accounts.models import User
from kaderasi.care.models import Mother
from kaderasi.core.errors import DomainError
from kaderasi.privacy.errors import PrivacyErrorCode
from kaderasi.programmes.models import Programme
from kaderasi.reminders.models import FamilyMember, Reminder, ReminderStatus

# The fields of her identity, in the audit log too.
IDENTITY_FIELDS = ("name", "nik", "phone", "birth_date")
ERASED = "[erased]"
PENDING = (ReminderStatus.PLANNED, ReminderStatus.DELAYED)


def pseudonym_of(mother: Mother) -> str:
    return f"[{mother.code}]"


@transaction.atomic
def mother_pseudonymise(
    *, mother: Mother, by: User | None, reason: str, now: dt.datetime, confirm_code: str | None
) -> Mother:
    """Erase `mother`'s identity (on her request: `confirm_code` must repeat her code; by the
    retention sweep: `by` None and no confirmation). Recorded in the audit log with the reason."""
    mother = Mother.objects.select_for_update().get(pk=mother.pk)
    if mother.pseudonymised_at is not None:
        raise DomainError(
            PrivacyErrorCode.ALREADY_PSEUDONYMISED,
            _("This mother's identity has already been erased."),
        )
    if not reason.strip():
        raise DomainError(
            PrivacyErrorCode.REASON_REQUIRED,
            _("Say why her identity is erased (for example: her request of 3 May)."),
            field="reason",
        )
    if confirm_code is not None and confirm_code.strip().upper() != mother.code.upper():
        raise DomainError(
            PrivacyErrorCode.CONFIRMATION_MISMATCH,
            _("Type the mother's code, %(code)s, to confirm.") % {"code": mother.code},
            field="confirm_code",
        )
    # update(): no audit-log entry that would copy her name and NIK into the log once more.
    Mother.objects.filter(pk=mother.pk).update(
        name=pseudonym_of(mother),
        nik="",
        nik_hash="",
        phone="",
        phone_hash="",
        birth_date=None,
        pseudonymised_at=now,
        updated_at=now,
    )
    members = FamilyMember.objects.filter(mother=mother)
    member_ids = list(members.values_list("pk", flat=True))
    members.filter(ended_at__isnull=True).update(ended_at=now)
    members.update(name=ERASED, phone="", phone_hash="", updated_at=now)
    Reminder.objects.filter(mother=mother, status__in=PENDING).update(
        status=ReminderStatus.CANCELLED, updated_at=now
    )
    Reminder.objects.filter(mother=mother).update(body="", context={})
    _audit_log_erase(Mother, [mother.pk], repr_of={mother.pk: mother.code})
    _audit_log_erase(FamilyMember, member_ids)
    mother.refresh_from_db()
    LogEntry.objects.log_create(
        mother,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes={"pseudonymised_at": ["None", now.isoformat()], "reason": ["", reason.strip()]},
        actor=by,
        timestamp=now,
    )
    return mother


def _audit_log_erase(model, pks, *, repr_of=None) -> None:
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=pks
    )
    for entry in entries:
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        for field in set(IDENTITY_FIELDS) & set(changes):
            changes[field] = [ERASED for _value in changes[field]]
        entry.changes = changes
        entry.changes_text = ""
        entry.object_repr = (repr_of or {}).get(entry.object_id, ERASED)
        entry.save(update_fields=["changes", "changes_text", "object_repr"])


def retention_ends_on(programme: Programme) -> dt.date | None:
    """The day after which a programme's mothers' identities are erased (None: it has not ended)."""
    if programme.ends_on is None:
        return None
    return programme.ends_on + dt.timedelta(days=programme.identifiable_data_kept_days)


def retention_sweep(*, now: dt.datetime) -> int:
    """Erase the identity of every mother of a programme whose retention has run out (idempotent;
    one of the worker's periodic jobs). Returns the mothers erased."""
    today = timezone.localdate(now)
    ended = [
        programme
        for programme in Programme.objects.filter(ends_on__isnull=False)
        if retention_ends_on(programme) < today
    ]
    due = Mother.objects.filter(programme__in=ended, pseudonymised_at__isnull=True)
    count = 0
    for mother in due:
        mother_pseudonymise(
            mother=mother,
            by=None,
            reason=_("Retention period of the programme ended on %(day)s.")
            % {"day": retention_ends_on(mother.programme).isoformat()},
            now=now,
            confirm_code=None,
        )
        count += 1
    return count
