"""The push: a phone's batch of records, written in one transaction with bulk statements.

Sessions and measurements are append-only events identified by the UUID the phone generated: a
record whose id is already stored is a `duplicate` and changes nothing. The batch is checked
with the care rules (see validation.py) against data loaded once for the whole batch, and the
valid events are inserted with one INSERT per table; registry edits, rare and small, go through
registry.py one by one so that what hangs on a delivery time follows it.
"""

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.encoding import smart_str
from django.utils.translation import gettext as _

from kaderasi.accounts.models import Role, User
from kaderasi.api import registry
from kaderasi.api.errors import ApiErrorCode
from kaderasi.api.models import RegistryRecord
from kaderasi.api.validation import (
    consent_allows,
    consent_refusal,
    massage_session_check,
    measurement_check,
)
from kaderasi.cadres.models import Cadre
from kaderasi.care.consent import subject_of_measurement
from kaderasi.care.models import (
    Consent,
    ConsentSubject,
    DangerSignContext,
    DangerSignReport,
    Delivery,
    MassageSession,
    Measurement,
    MeasurementKind,
    MilkBasis,
    Mother,
    ScheduledSession,
)
from kaderasi.care.selectors import mothers_visible_to
from kaderasi.care.services import danger_signs_report
from kaderasi.care.tasks import records_judge_task
from kaderasi.core.errors import DomainError
from kaderasi.core.policies import Permission, can
from kaderasi.regions.models import Area, AreaLevel

MEASUREMENT_TYPES = frozenset(MeasurementKind.values)
SESSION_TYPE = "massage_session"
DANGER_SIGNS_TYPE = "danger_signs"
EDIT_TYPES = {
    "mother_edit": RegistryRecord.MOTHER,
    "delivery_edit": RegistryRecord.DELIVERY,
    "infant_edit": RegistryRecord.INFANT,
}
RECORD_TYPES = (SESSION_TYPE, *MeasurementKind.values, DANGER_SIGNS_TYPE, *EDIT_TYPES)


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
    records is retried once, when the other's rows are visible as duplicates."""
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return _push(user, records, now)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass
class _Batch:
    """Everything the checks need, loaded once for the whole batch."""

    mothers: dict[uuid.UUID, Mother]
    districts: dict[int, Area]
    delivered_at: dict[int, dt.datetime]
    consents: dict[tuple[int, str], list]
    measurements: dict[uuid.UUID, Measurement]
    sessions: dict[uuid.UUID, MassageSession]
    reports: dict[uuid.UUID, DangerSignReport]
    scheduled: dict[uuid.UUID, ScheduledSession]
    cadre: Cadre | None


def _load(user: User, records: list[dict]) -> _Batch:
    mother_ids = {r["mother_id"] for r in records}
    mothers = {
        m.public_id: m
        for m in mothers_visible_to(user)
        .filter(public_id__in=mother_ids)
        .select_related("posyandu")
    }
    pks = [m.pk for m in mothers.values()]
    delivered_at = dict(
        Delivery.objects.filter(pregnancy__mother__in=pks)
        .values("pregnancy__mother")
        .annotate(latest=Max("delivered_at"))
        .values_list("pregnancy__mother", "latest")
    )
    consents: dict[tuple[int, str], list] = defaultdict(list)
    for mother_id, subject, withdrawn_at in Consent.objects.filter(mother__in=pks).values_list(
        "mother", "subject", "withdrawn_at"
    ):
        consents[(mother_id, subject)].append(withdrawn_at)
    scheduled_ids = {r["scheduled_session_id"] for r in records if r.get("scheduled_session_id")}
    scheduled = {}
    if scheduled_ids:
        scheduled = {
            s.public_id: s
            for s in ScheduledSession.objects.filter(
                public_id__in=scheduled_ids, mother__in=pks, cancelled_at__isnull=True
            ).select_related("massage_session")
        }
    event_ids = [r["id"] for r in records if r["type"] not in EDIT_TYPES]
    return _Batch(
        mothers=mothers,
        districts=_districts_of({m.posyandu for m in mothers.values()}),
        delivered_at=delivered_at,
        consents=consents,
        measurements={
            m.public_id: m
            for m in Measurement.objects.filter(public_id__in=event_ids).only(
                "public_id", "mother_id", "kind"
            )
        },
        sessions={
            s.public_id: s
            for s in MassageSession.objects.filter(public_id__in=event_ids).only(
                "public_id", "mother_id"
            )
        },
        reports={
            r.public_id: r
            for r in DangerSignReport.objects.filter(public_id__in=event_ids).only(
                "public_id", "mother_id"
            )
        },
        scheduled=scheduled,
        cadre=Cadre.objects.filter(user=user).first() if user.role == Role.CADRE else None,
    )


def _districts_of(posyandus: set[Area]) -> dict[int, Area]:
    """posyandu pk → its district, in one query (the path lists every ancestor's id)."""
    paths = {p.pk: [int(part) for part in p.path.strip("/").split("/") if part] for p in posyandus}
    ancestor_ids = {pk for ids in paths.values() for pk in ids}
    districts = {
        a.pk: a for a in Area.objects.filter(pk__in=ancestor_ids, level=AreaLevel.DISTRICT)
    }
    return {
        posyandu: next(districts[pk] for pk in ids if pk in districts)
        for posyandu, ids in paths.items()
    }


def _push(user: User, records: list[dict], now: dt.datetime) -> list[RecordResult]:
    batch = _load(user, records)
    results: list[RecordResult] = []
    seen: dict[uuid.UUID, tuple[str, uuid.UUID]] = {}
    new_measurements: list[Measurement] = []
    new_sessions: list[MassageSession] = []
    claimed_schedule: set[int] = set()
    for record in records:
        record_id = record["id"]
        identity = (record["type"], record["mother_id"])
        try:
            if record_id in seen:
                _check_same_record(seen[record_id], identity)
                results.append(RecordResult(record_id, Status.DUPLICATE))
                continue
            seen[record_id] = identity
            mother = batch.mothers.get(record["mother_id"])
            if mother is None:
                raise DomainError(
                    ApiErrorCode.MOTHER_NOT_FOUND,
                    _("This mother is not among those you may record for."),
                    field="mother_id",
                )
            if record["type"] in EDIT_TYPES:
                results.append(_edit(user, record, mother, now))
                continue
            existing = (
                batch.measurements.get(record_id)
                or batch.sessions.get(record_id)
                or batch.reports.get(record_id)
            )
            if existing is not None:
                _check_same_event(existing, record, mother)
                results.append(RecordResult(record_id, Status.DUPLICATE))
                continue
            if not can(user, Permission.RECORD_MEASUREMENT):
                raise DomainError(
                    ApiErrorCode.NOT_ALLOWED,
                    _("Your role does not record sessions or measurements."),
                    field=None,
                )
            if record["type"] == DANGER_SIGNS_TYPE:
                _danger_signs(user, record, mother, now)
            elif record["type"] == SESSION_TYPE:
                new_sessions.append(_session(user, record, mother, batch, claimed_schedule, now))
            else:
                new_measurements.append(_measurement(user, record, mother, batch, now))
            results.append(RecordResult(record_id, Status.CREATED))
        except DomainError as error:
            results.append(_rejected(record_id, error))
    measurements = Measurement.objects.bulk_create(new_measurements)
    sessions = MassageSession.objects.bulk_create(new_sessions)
    _audit_created([*measurements, *sessions], actor=user)
    if measurements or sessions:
        # Flags and schedule links, exactly as for a record typed online, judged once the batch
        # is committed (per record, so outside the bulk write).
        measurement_ids = [row.pk for row in measurements]
        session_ids = [row.pk for row in sessions]
        transaction.on_commit(lambda: records_judge_task.enqueue(measurement_ids, session_ids))
    return results


def _check_same_record(first: tuple[str, uuid.UUID], identity: tuple[str, uuid.UUID]) -> None:
    if first != identity:
        raise DomainError(
            ApiErrorCode.RECORD_ID_IN_USE,
            _("This record id is already used for another record."),
            field="id",
        )


def _check_same_event(existing, record: dict, mother: Mother) -> None:
    if record["type"] == SESSION_TYPE:
        same_type = isinstance(existing, MassageSession)
    elif record["type"] == DANGER_SIGNS_TYPE:
        same_type = isinstance(existing, DangerSignReport)
    else:
        same_type = isinstance(existing, Measurement) and existing.kind == record["type"]
    if not same_type or existing.mother_id != mother.pk:
        raise DomainError(
            ApiErrorCode.RECORD_ID_IN_USE,
            _("This record id is already used for another record."),
            field="id",
        )


def _require_consent(batch: _Batch, mother: Mother, subject: ConsentSubject) -> None:
    if not consent_allows(batch.consents.get((mother.pk, subject), [])):
        raise consent_refusal()


def _measurement(
    user: User, record: dict, mother: Mother, batch: _Batch, now: dt.datetime
) -> Measurement:
    kind = record["type"]
    is_milk = kind == MeasurementKind.MILK_VOLUME
    value = Decimal(str(record["volume_ml"] if is_milk else record["value"]))
    _require_consent(batch, mother, subject_of_measurement(kind))
    try:
        measurement_check(
            kind=kind,
            measured_at=record["measured_at"],
            value=value,
            delivered_at=batch.delivered_at.get(mother.pk),
            now=now,
        )
    except DomainError as error:
        if is_milk and error.field == "value":
            error.field = "volume_ml"  # the push names the milk value volume_ml
        raise
    return Measurement(
        public_id=record["id"],
        mother=mother,
        district=batch.districts[mother.posyandu_id],
        kind=kind,
        measured_at=record["measured_at"],
        value=value,
        method=record.get("method") or "",
        basis=(record.get("basis") or MilkBasis.UNKNOWN) if is_milk else "",
        phase=record.get("phase") or "",
        side=record.get("side") or "",
        expression_minutes=record.get("expression_minutes"),
        minutes_since_feed=record.get("minutes_since_feed"),
        recorded_by=user,
    )


def _session(
    user: User,
    record: dict,
    mother: Mother,
    batch: _Batch,
    claimed_schedule: set[int],
    now: dt.datetime,
) -> MassageSession:
    _require_consent(batch, mother, ConsentSubject.MOTHER)
    massage_session_check(
        started_at=record["started_at"],
        ended_at=record["ended_at"],
        comfort=record.get("comfort"),
        delivered_at=batch.delivered_at.get(mother.pk),
        now=now,
    )
    scheduled = None
    if record.get("scheduled_session_id"):
        scheduled = batch.scheduled.get(record["scheduled_session_id"])
        if scheduled is None:
            raise DomainError(
                ApiErrorCode.SCHEDULED_SESSION_NOT_FOUND,
                _("This planned session is not one of this mother's current sessions."),
                field="scheduled_session_id",
            )
        # A planned session already done (by another record) keeps its first session; this one
        # is stored all the same, unlinked, because it happened.
        already_done = hasattr(scheduled, "massage_session") or scheduled.pk in claimed_schedule
        scheduled = None if already_done else scheduled
        if scheduled is not None:
            claimed_schedule.add(scheduled.pk)
    return MassageSession(
        public_id=record["id"],
        mother=mother,
        district=batch.districts[mother.posyandu_id],
        scheduled_session=scheduled,
        cadre=batch.cadre,
        performed_by=record["performed_by"],
        started_at=record["started_at"],
        ended_at=record["ended_at"],
        steps_done=sorted({int(step) for step in record.get("steps_done") or ()}),
        comfort=record.get("comfort"),
        complaints=record.get("complaints") or "",
        adverse_event=record.get("adverse_event") or "",
        notes=record.get("notes") or "",
        recorded_by=user,
    )


def _danger_signs(user: User, record: dict, mother: Mother, now: dt.datetime) -> None:
    """A danger-sign check goes through the care service one by one, not in bulk: it is rare,
    and any sign must raise its red flag and referral before the push answers. A savepoint
    keeps a refused check from undoing the rest of the batch."""
    with transaction.atomic():
        danger_signs_report(
            mother=mother,
            public_id=record["id"],
            signs=record.get("signs") or [],
            observed_at=record["observed_at"],
            context=record.get("context") or DangerSignContext.DAILY_CHECK,
            notes=record.get("notes") or "",
            by=user,
            now=now,
        )


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


def _audit_created(rows: list, *, actor: User) -> None:
    """The audit entries the per-row save would have written (bulk_create sends no signals)."""
    if not rows:
        return
    content_types = ContentType.objects.get_for_models(*{type(row) for row in rows})
    use_json = getattr(settings, "AUDITLOG_STORE_JSON_CHANGES", False)
    LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type=content_types[type(row)],
                object_pk=str(row.pk),
                object_id=row.pk,
                object_repr=smart_str(row),
                action=LogEntry.Action.CREATE,
                changes=model_instance_diff(None, row, use_json_for_changes=use_json),
                actor=actor,
            )
            for row in rows
        ]
    )
