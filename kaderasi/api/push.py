"""The push: a phone's batch of records, written in one transaction.

Sessions, measurements, danger-sign checks and LATCH scores go through the care app's one
write path, `care.services.care_records_write`, as one batch: the same rules, codes, messages
and flags as the web forms and the import, with what the rules need loaded once and one INSERT
per table. This module only finds the mothers the user may record for, checks her permission,
and turns the outcomes into the push's answers. Registry edits, rare and small, go through
registry.py one by one, before the events, so that the events are judged against the corrected
registry; so do a session not given and the answer on whether her milk has come in, through the
care app's protocol services (the web forms' services).
"""

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kaderasi.accounts.models import User
from kaderasi.api.errors import ApiErrorCode
from kaderasi.care import rule_versions
from kaderasi.care.models import DangerSignContext, MeasurementKind, Mother
from kaderasi.care.selectors import mothers_visible_to
from kaderasi.care.services import (
    CareRecord,
    DangerSignsRecord,
    LatchScoreRecord,
    MassageSessionRecord,
    MeasurementRecord,
    OutcomeStatus,
    RecordOutcome,
    care_records_judge,
    care_records_store,
    care_records_write,
    mothers_lock,
)
from kaderasi.care.services.protocol import milk_onset_answer_record, session_skip_record
from kaderasi.core.errors import DomainError
from kaderasi.core.policies import Permission, can
from kaderasi.sync.models import RegistryRecord
from kaderasi.sync.services import registry

SESSION_TYPE = "massage_session"
DANGER_SIGNS_TYPE = "danger_signs"
LATCH_TYPE = "latch_score"
SKIP_TYPE = "session_skip"
MILK_ONSET_TYPE = "milk_onset"
PROTOCOL_TYPES = (SKIP_TYPE, MILK_ONSET_TYPE)
EDIT_TYPES = {
    "mother_edit": RegistryRecord.MOTHER,
    "delivery_edit": RegistryRecord.DELIVERY,
    "infant_edit": RegistryRecord.INFANT,
}
CARE_TYPES = (SESSION_TYPE, *MeasurementKind.values, DANGER_SIGNS_TYPE, LATCH_TYPE)
RECORD_TYPES = (*CARE_TYPES, *PROTOCOL_TYPES, *EDIT_TYPES)


class Status:
    CREATED = "created"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


@dataclass(frozen=True)
class RecordError:
    code: str
    message: str
    field: str | None


@dataclass
class RecordResult:
    id: uuid.UUID
    status: str
    errors: list[RecordError] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


def _rejected(record_id: uuid.UUID, error: DomainError) -> RecordResult:
    return RecordResult(
        record_id, Status.REJECTED, [RecordError(str(error.code), str(error.message), error.field)]
    )


def sync_push(*, user: User, records: list[dict], now: dt.datetime) -> list[RecordResult]:
    """Store what is new in `records` (dicts shaped like the push schema, `type` and `id` first)
    and answer, per record and in order, created, duplicate or rejected with its errors.
    All or nothing: the batch is one transaction. A batch racing another push of the same
    records is retried once, when the other's rows are visible as duplicates.

    On SQLite (one writer at a time) a batch of care records only is judged before it takes the
    write lock, and stored as judged if nothing its rules read changed meanwhile; otherwise it
    is judged again under the lock (decision 0295)."""
    if rule_versions.kept() and all(record["type"] in CARE_TYPES for record in records):
        results = _push_judged_first(user, records, now)
        if results is not None:
            return results
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return _push(user, records, now)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _scope(user: User, records: list[dict]) -> QuerySet[Mother]:
    """The mothers of the batch she may record for."""
    return mothers_visible_to(user).filter(public_id__in={r["mother_id"] for r in records})


def _push(user: User, records: list[dict], now: dt.datetime) -> list[RecordResult]:
    # The mothers she may record for, read and locked in one query for the write path.
    mothers = mothers_lock(_scope(user, records))
    results, events = _sort(user, records, mothers, now)
    outcomes = care_records_write(
        records=[care for _i, _r, care in events], by=user, now=now, mothers_read=True
    )
    return _answers(records, results, events, outcomes)


def _push_judged_first(
    user: User, records: list[dict], now: dt.datetime
) -> list[RecordResult] | None:
    """The batch judged against the mothers and their versions read without a lock, then, under
    SQLite's write lock, stored as judged if the versions (and who she may record for) are
    unchanged; None when they changed or another batch stored the same ids first: the caller
    then pushes it under the lock from the start."""
    scope = _scope(user, records)
    mothers, versions = rule_versions.mothers_versioned(scope)
    results, events = _sort(user, records, mothers, now)
    judged = care_records_judge(
        records=[care for _i, _r, care in events], by=user, now=now, mothers_read=True
    )
    try:
        with transaction.atomic():  # BEGIN IMMEDIATE: from here on no one else writes
            if rule_versions.versions_of(scope) != versions:
                return None
            outcomes = care_records_store(judged=judged)
    except IntegrityError:
        return None
    return _answers(records, results, events, outcomes)


def _sort(
    user: User, records: list[dict], mothers: list[Mother], now: dt.datetime
) -> tuple[dict[int, RecordResult], list[tuple[int, dict, CareRecord]]]:
    """The answers of the records settled here (a mother she may not record for, a registry
    edit, a protocol answer) and the care records for the write path, by their place."""
    by_public_id = {mother.public_id: mother for mother in mothers}
    may_record = can(user, Permission.RECORD_MEASUREMENT)
    results: dict[int, RecordResult] = {}
    events: list[tuple[int, dict, CareRecord]] = []
    edits_seen: dict[uuid.UUID, tuple[str, uuid.UUID]] = {}
    for index, record in enumerate(records):
        record_id = record["id"]
        try:
            mother = by_public_id.get(record["mother_id"])
            if mother is None:
                raise DomainError(
                    ApiErrorCode.MOTHER_NOT_FOUND,
                    _("This mother is not among those you may record for."),
                    field="mother_id",
                )
            if record["type"] in EDIT_TYPES:
                identity = (record["type"], record["mother_id"])
                if record_id in edits_seen:
                    if edits_seen[record_id] != identity:
                        raise DomainError(
                            ApiErrorCode.RECORD_ID_IN_USE,
                            _("This record id is already used for another record."),
                            field="id",
                        )
                    results[index] = RecordResult(record_id, Status.DUPLICATE)
                    continue
                edits_seen[record_id] = identity
                results[index] = _edit(user, record, mother, now)
                continue
            if not may_record:
                raise DomainError(
                    ApiErrorCode.NOT_ALLOWED,
                    _("Your role does not record sessions or measurements."),
                    field=None,
                )
            if record["type"] in PROTOCOL_TYPES:
                results[index] = _protocol(user, record, mother, now)
                continue
            events.append((index, record, _care_record(record, mother)))
        except DomainError as error:
            results[index] = _rejected(record_id, error)
    return results, events


def _answers(
    records: list[dict],
    results: dict[int, RecordResult],
    events: list[tuple[int, dict, CareRecord]],
    outcomes: list[RecordOutcome],
) -> list[RecordResult]:
    for (index, record, _care), outcome in zip(events, outcomes, strict=True):
        rejection = outcome.error  # set exactly when the record was rejected
        if outcome.status == OutcomeStatus.REJECTED and rejection is not None:
            if record["type"] == MeasurementKind.MILK_VOLUME and rejection.field == "value":
                rejection.field = "volume_ml"  # the push names the milk value volume_ml
            results[index] = _rejected(record["id"], rejection)
        elif outcome.status == OutcomeStatus.DUPLICATE:
            results[index] = RecordResult(record["id"], Status.DUPLICATE)
        else:
            results[index] = RecordResult(record["id"], Status.CREATED)
    return [results[index] for index in range(len(records))]


def _care_record(record: dict, mother: Mother) -> CareRecord:
    """The push record as the care write path takes it."""
    kind = record["type"]
    if kind == SESSION_TYPE:
        return MassageSessionRecord(
            mother=mother,
            public_id=record["id"],
            performed_by=record["performed_by"],
            started_at=record["started_at"],
            ended_at=record["ended_at"],
            scheduled_session_id=record.get("scheduled_session_id"),
            steps_done=tuple(record.get("steps_done") or ()),
            comfort=record.get("comfort"),
            complaints=record.get("complaints") or "",
            adverse_event=record.get("adverse_event") or "",
            notes=record.get("notes") or "",
        )
    if kind == DANGER_SIGNS_TYPE:
        return DangerSignsRecord(
            mother=mother,
            public_id=record["id"],
            signs=tuple(record.get("signs") or ()),
            observed_at=record["observed_at"],
            context=record.get("context") or DangerSignContext.DAILY_CHECK,
            notes=record.get("notes") or "",
        )
    if kind == LATCH_TYPE:
        return LatchScoreRecord(
            mother=mother,
            public_id=record["id"],
            observed_at=record["observed_at"],
            latch=record["latch"],
            audible_swallowing=record["audible_swallowing"],
            nipple_type=record["nipple_type"],
            comfort=record["comfort"],
            hold=record["hold"],
            notes=record.get("notes") or "",
        )
    is_milk = kind == MeasurementKind.MILK_VOLUME
    return MeasurementRecord(
        mother=mother,
        public_id=record["id"],
        kind=kind,
        measured_at=record["measured_at"],
        value=record["volume_ml"] if is_milk else record["value"],
        method=record.get("method") or "",
        basis=record.get("basis") or "",
        phase=record.get("phase") or "",
        side=record.get("side") or "",
        expression_minutes=record.get("expression_minutes"),
        minutes_since_feed=record.get("minutes_since_feed"),
    )


def _protocol(user: User, record: dict, mother: Mother, now: dt.datetime) -> RecordResult:
    """A session not given, or the answer on her milk: the web forms' services, one by one."""
    if record["type"] == SKIP_TYPE:
        recorded = session_skip_record(
            mother=mother,
            record_id=record["id"],
            scheduled_session_id=record["scheduled_session_id"],
            reason=record["reason"],
            note=record.get("note") or "",
            skipped_at=record["skipped_at"],
            by=user,
            now=now,
        )
    else:
        recorded = milk_onset_answer_record(
            mother=mother, came_in=record["came_in"], at=record["at"], now=now
        )
    return RecordResult(record["id"], Status.CREATED if recorded else Status.DUPLICATE)


def _edit(user: User, record: dict, mother: Mother, now: dt.datetime) -> RecordResult:
    kind = EDIT_TYPES[record["type"]]
    changes = {
        name: record[name]
        for name in registry.EDITABLE_FIELDS[kind]
        if name in record["fields_set"]
    }
    result = registry.registry_edit_submit(
        user=user,
        record=kind,
        mother=mother,
        changes=changes,
        base_version=record["base_version"],
        client_record_id=record["id"],
        infant_id=record.get("infant_id"),
        now=now,
    )
    if result.duplicate:
        return RecordResult(record["id"], Status.DUPLICATE)
    # Received: what could be applied was; the stale clinical fields wait for the midwife.
    return RecordResult(record["id"], Status.CREATED, conflicts=list(result.conflicts))
