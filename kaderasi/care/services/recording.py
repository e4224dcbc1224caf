"""The one write path of the care records a cadre or midwife makes on the spot: measurements,
massage sessions, danger-sign checks and breastfeeding observations (LATCH).

`care_records_write` takes a batch: the web form sends a list of one, the phone's sync push its
batch, the workbook import its rows. What the rules need is loaded once for the whole batch, the
records are judged in the order given (a baseline after a massage of the same batch is refused, a
session after a stopping danger sign of the same batch too), the valid ones are inserted with one
statement per table, and each is judged by the flag rules. The rules, their codes, messages and
fields are therefore the same whatever the interface; `kaderasi/care/tests/test_record_parity.py`
holds the interfaces to it.
"""

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from auditlog.models import LogEntry
from django.db import connections, router, transaction
from django.db.models import Min, Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kaderasi.accounts.models import User
from kaderasi.cadres.models import Cadre
from kaderasi.care import flag_rules
from kaderasi.care.consent import subject_of_measurement
from kaderasi.care.danger_sign_rules import flag_severity_of
from kaderasi.care.errors import CareErrorCode
from kaderasi.care.models import (
    LATCH_ITEMS,
    Consent,
    ConsentSubject,
    DangerSign,
    DangerSignContext,
    DangerSignGroup,
    DangerSignReport,
    Delivery,
    FlagSeverity,
    Infant,
    LatchObservation,
    MassageSession,
    Measurement,
    MeasurementKind,
    MilkBasis,
    MilkPhase,
    Mother,
    Pairing,
    ScheduledSession,
)
from kaderasi.care.plausibility import measurement_value_check
from kaderasi.care.services.common import clock_tolerance
from kaderasi.care.services.flags import FlagRaising, active_rule_settings, flags_record_many
from kaderasi.care.services.schedule import gestational_weeks_at_birth, match_scheduled_session
from kaderasi.care.stops import MassageStop, massage_stops_of
from kaderasi.care.timing import postpartum_day
from kaderasi.core.bulk_audit import bulk_audit_write
from kaderasi.core.bulk_insert import ids_reserve, rows_insert
from kaderasi.core.errors import DomainError
from kaderasi.regions.models import Area, AreaLevel

# --- what the interfaces hand in -----------------------------------------------------------------


class _Identified:
    """A record's `public_id` as a UUID, whatever the interface handed in (a form's text, a
    JSON string): a re-sent record is found under the same key."""

    def __post_init__(self) -> None:
        public_id = self.public_id  # type: ignore[attr-defined]
        if public_id is not None and not isinstance(public_id, uuid.UUID):
            object.__setattr__(self, "public_id", uuid.UUID(str(public_id)))


@dataclass(frozen=True, kw_only=True)
class MeasurementRecord(_Identified):
    """One observation: a milk volume (ml), a count in 24 hours, or an infant weight (g)."""

    mother: Mother
    kind: str
    measured_at: dt.datetime
    value: Decimal | int | float
    method: str = ""
    basis: str = ""
    phase: str = ""
    side: str = ""
    expression_minutes: int | None = None
    minutes_since_feed: int | None = None
    public_id: uuid.UUID | None = None


@dataclass(frozen=True, kw_only=True)
class MassageSessionRecord(_Identified):
    """A massage that was done. `scheduled_session_id` (the public id of one of her planned
    sessions) or `scheduled_session` names the session it counts for; without either, the
    free planned session whose window holds its start counts it."""

    mother: Mother
    performed_by: str
    started_at: dt.datetime
    ended_at: dt.datetime
    cadre: Cadre | None = None
    scheduled_session: ScheduledSession | None = None
    scheduled_session_id: uuid.UUID | None = None
    steps_done: Sequence[int] = ()
    comfort: int | None = None
    complaints: str = ""
    adverse_event: str = ""
    notes: str = ""
    public_id: uuid.UUID | None = None


@dataclass(frozen=True, kw_only=True)
class DangerSignsRecord(_Identified):
    """A check of the danger signs: `signs` holds the codes answered "yes" (none: nothing found)."""

    mother: Mother
    signs: Sequence[str]
    observed_at: dt.datetime
    context: str = DangerSignContext.DAILY_CHECK
    notes: str = ""
    public_id: uuid.UUID | None = None


@dataclass(frozen=True, kw_only=True)
class LatchScoreRecord(_Identified):
    """A feed observed and scored with LATCH (Jensen, Wallace & Kelsay 1994): Latch, Audible
    swallowing, Type of nipple, Comfort, Hold, each 0, 1 or 2."""

    mother: Mother
    observed_at: dt.datetime
    latch: int
    audible_swallowing: int
    nipple_type: int
    comfort: int
    hold: int
    notes: str = ""
    public_id: uuid.UUID | None = None


CareRecord = MeasurementRecord | MassageSessionRecord | DangerSignsRecord | LatchScoreRecord
CareRow = Measurement | MassageSession | DangerSignReport | LatchObservation


class OutcomeStatus(StrEnum):
    CREATED = "created"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


@dataclass
class RecordOutcome:
    """What became of one record: created (`row` is the new row), duplicate (`row` is the row
    stored before under the same id; nothing changed) or rejected (`error` says why)."""

    status: OutcomeStatus
    row: CareRow | None = None
    error: DomainError | None = None


# --- the write path ------------------------------------------------------------------------------


@dataclass
class JudgedRecords:
    """A batch judged (`care_records_judge`) and not stored yet: the outcomes in order, the rows
    the accepted records become, and what the rules read for them."""

    outcomes: list[RecordOutcome]
    pending: list[tuple[int, CareRecord, CareRow]]
    batch: "_Batch | None"
    by: User | None
    now: dt.datetime


def care_records_judge(
    *,
    records: Sequence[CareRecord],
    by: User | None,
    now: dt.datetime,
    historical: bool = False,
    mothers_read: bool = False,
) -> JudgedRecords:
    """Judge `records` against what the database holds, storing nothing: the first half of
    `care_records_write`, which its second half, `care_records_store`, stores. Called by the
    write path inside its transaction, or (the push on SQLite, decision 0295) before the
    transaction by a caller that then checks, with `care.rule_versions`, that what the rules
    read still holds once it has the lock. `mothers_read`: the records' mothers are rows the
    caller read (locked with `mothers_lock` in this transaction, or with their versions), so they
    are not read again."""
    if not records:
        return JudgedRecords([], [], None, by, now)
    batch = _Batch.load(records, now=now, mothers_read=mothers_read)
    outcomes: list[RecordOutcome] = []
    pending: list[tuple[int, CareRecord, CareRow]] = []
    for index, record in enumerate(records):
        try:
            duplicate = batch.stored_under(record)
            if duplicate is not None:
                outcomes.append(RecordOutcome(OutcomeStatus.DUPLICATE, row=duplicate))
                continue
            row: CareRow
            if isinstance(record, MeasurementRecord):
                row = _measurement(record, batch, by=by, now=now, historical=historical)
            elif isinstance(record, MassageSessionRecord):
                row = _session(record, batch, by=by, now=now)
            elif isinstance(record, LatchScoreRecord):
                row = _latch(record, batch, by=by, now=now)
            else:
                row = _danger_signs(record, batch, by=by, now=now)
        except DomainError as error:
            outcomes.append(RecordOutcome(OutcomeStatus.REJECTED, error=error))
            continue
        batch.claim(record, row)
        pending.append((index, record, row))
        outcomes.append(RecordOutcome(OutcomeStatus.CREATED, row=row))
    return JudgedRecords(outcomes, pending, batch, by, now)


# Within a caller's transaction no savepoint of its own (two round trips a batch): an error
# escaping the write path spoils the caller's transaction, which every caller lets end with it
# (the push retries a race in a new one). Alone it is its own transaction.
@transaction.atomic(savepoint=False)
def care_records_store(*, judged: JudgedRecords) -> list[RecordOutcome]:
    """Insert the accepted rows of a judged batch, with their audit entries, and raise their
    flags and referrals; answer its outcomes."""
    if judged.batch is not None:
        _insert(judged.pending, actor=judged.by)
        _judge(judged.pending, judged.batch, by=judged.by, now=judged.now)
    return judged.outcomes


@transaction.atomic(savepoint=False)
def care_records_write(
    *,
    records: Sequence[CareRecord],
    by: User | None,
    now: dt.datetime,
    historical: bool = False,
    dry_run: bool = False,
    mothers_read: bool = False,
) -> list[RecordOutcome]:
    """Store what is new in `records` and answer per record, in order (`dry_run`: judge them
    only, store nothing; the admin form checks a record so before saving it). A record whose
    `public_id` is stored already is a duplicate and changes nothing (a re-sent record is never a
    second observation); an id stored for another mother or another kind of record is refused.
    `historical` (an imported study) keeps the milk phases its own protocol gave.

    One transaction for the batch; the mothers' rows are locked first, so the same record sent
    twice at once is still stored once (`mothers_read`: the records' mothers are rows the
    caller read with `mothers_lock` in this transaction, so they are not read again). Flags and
    referrals are raised before it returns."""
    judged = care_records_judge(
        records=records, by=by, now=now, historical=historical, mothers_read=mothers_read
    )
    if dry_run:
        return judged.outcomes
    return care_records_store(judged=judged)


def care_record_write(*, record: CareRecord, by: User | None, now: dt.datetime, **options):
    """`care_records_write` for one record (the web forms, the admin): the stored row, or the
    record's DomainError raised."""
    (outcome,) = care_records_write(records=[record], by=by, now=now, **options)
    if outcome.error is not None:
        raise outcome.error
    return outcome.row


def care_record_check(*, record: CareRecord, now: dt.datetime, **options) -> None:
    """Raise the DomainError `care_record_write` would raise for `record`, storing nothing."""
    (outcome,) = care_records_write(records=[record], by=None, now=now, dry_run=True, **options)
    if outcome.error is not None:
        raise outcome.error


# --- what the rules need, loaded once --------------------------------------------------------


def mothers_lock(mothers: QuerySet[Mother]) -> list[Mother]:
    """The mothers of `mothers`, with their programme and posyandu, their rows locked for the
    rest of the transaction in id order, as `care_records_write` locks them first. Only the
    mothers' rows: a lock on the joined programme would serialise every phone of the programme.
    A caller that reads its mothers so (the push: scoped and locked in one query) passes
    `mothers_read=True` and the write path does not read them again."""
    return list(
        Mother.objects.select_for_update(of=("self",))
        .filter(pk__in=mothers.values("pk"))
        .order_by("pk")
        .select_related("programme", "posyandu")
    )


@dataclass
class _Batch:
    mothers: dict[int, Mother]
    districts: dict[int, Area]
    deliveries: dict[int, Delivery]
    first_infant_weight: dict[int, int | None]
    withdrawn: dict[tuple[int, str], list[dt.datetime | None]]
    first_massage: dict[int, dt.datetime]
    stops: dict[int, MassageStop]
    batch_stops: dict[int, dt.datetime]
    free_schedule: dict[int, list[ScheduledSession]]
    named_schedule: dict[uuid.UUID, ScheduledSession]
    pairings: dict[int, list[Pairing]]
    signs: dict[str, DangerSign]
    stored: dict[uuid.UUID, CareRow]
    claimed_schedule: set[int] = field(default_factory=set)

    @classmethod
    def load(
        cls, records: Sequence[CareRecord], *, now: dt.datetime, mothers_read: bool = False
    ) -> "_Batch":
        ids = sorted({record.mother.pk for record in records})
        # Serialise writes for these mothers (a re-sent batch racing the first sees its rows).
        if mothers_read:
            mothers = {record.mother.pk: record.mother for record in records}
        else:
            mothers = {m.pk: m for m in mothers_lock(Mother.objects.filter(pk__in=ids))}
        deliveries: dict[int, Delivery] = {}
        for delivery in (
            Delivery.objects.filter(pregnancy__mother__in=ids)
            .select_related("pregnancy")
            .order_by("delivered_at", "pk")
        ):
            deliveries[delivery.pregnancy.mother_id] = delivery  # the latest wins
        # What only some records read is loaded only when the batch holds such a record.
        first_infant_weight: dict[int, int | None] = {}
        if any(
            isinstance(record, MeasurementRecord) and record.kind == MeasurementKind.INFANT_WEIGHT
            for record in records
        ):
            for delivery_id, weight in (
                Infant.objects.filter(delivery__in=[d.pk for d in deliveries.values()])
                .order_by("-created_at", "-pk")
                .values_list("delivery", "birth_weight_g")
            ):
                first_infant_weight[delivery_id] = weight  # the first recorded wins
        withdrawn: dict[tuple[int, str], list[dt.datetime | None]] = defaultdict(list)
        for mother_id, subject, withdrawn_at in Consent.objects.filter(mother__in=ids).values_list(
            "mother", "subject", "withdrawn_at"
        ):
            withdrawn[(mother_id, subject)].append(withdrawn_at)
        kinds = {type(record) for record in records}
        first_massage: dict[int, dt.datetime] = {}
        if any(  # a baseline volume is judged against her first massage
            isinstance(record, MeasurementRecord) and record.phase == MilkPhase.BEFORE
            for record in records
        ):
            first_massage = dict(
                MassageSession.objects.filter(mother__in=ids)
                .values("mother")
                .annotate(first=Min("started_at"))
                .values_list("mother", "first")
            )
        stops: dict[int, MassageStop] = {}
        free_schedule: dict[int, list[ScheduledSession]] = defaultdict(list)
        named_schedule: dict[uuid.UUID, ScheduledSession] = {}
        pairings: dict[int, list[Pairing]] = defaultdict(list)
        if MassageSessionRecord in kinds:
            stops = massage_stops_of(ids)
            for row in ScheduledSession.objects.filter(
                mother__in=ids, cancelled_at__isnull=True
            ).order_by("window_starts_at"):
                named_schedule[row.public_id] = row
                free_schedule[row.mother_id].append(row)
            done = set(
                MassageSession.objects.filter(
                    scheduled_session__in=[row.pk for row in named_schedule.values()]
                ).values_list("scheduled_session", flat=True)
            )
            for rows in free_schedule.values():
                rows[:] = [row for row in rows if row.pk not in done]
            for pairing in Pairing.objects.filter(mother__in=ids).select_related("cadre"):
                pairings[pairing.mother_id].append(pairing)
        signs = {}
        if DangerSignsRecord in kinds:
            signs = {sign.code: sign for sign in DangerSign.objects.all()}
        public_ids = [record.public_id for record in records if record.public_id is not None]
        return cls(
            mothers=mothers,
            districts=_districts_of({m.posyandu for m in mothers.values()}),
            deliveries=deliveries,
            first_infant_weight=first_infant_weight,
            withdrawn=withdrawn,
            first_massage=first_massage,
            stops=stops,
            batch_stops={},
            free_schedule=free_schedule,
            named_schedule=named_schedule,
            pairings=pairings,
            signs=signs,
            stored=_stored_under(public_ids),
        )

    def mother(self, record: CareRecord) -> Mother:
        return self.mothers[record.mother.pk]

    def delivered_at(self, mother: Mother) -> dt.datetime | None:
        delivery = self.deliveries.get(mother.pk)
        return delivery.delivered_at if delivery is not None else None

    def stored_under(self, record: CareRecord):
        """The row stored (or accepted earlier in this batch) under the record's id when it is
        the same record re-sent; a refusal when the id names another mother's or another kind of
        record; None when the id is new."""
        if record.public_id is None:
            return None
        stored = self.stored.get(record.public_id)
        if stored is None:
            return None
        same_mother = stored.mother_id == record.mother.pk
        same_kind = _kind_of_row(stored) == _kind_of(record)
        if not same_mother:
            raise DomainError(
                CareErrorCode.RECORD_BELONGS_TO_ANOTHER_MOTHER,
                _("This record id is already used for another mother."),
                field="id",
            )
        if not same_kind:
            raise DomainError(
                CareErrorCode.RECORD_ID_IN_USE,
                _("This record id is already used for another record."),
                field="id",
            )
        return stored

    def claim(self, record: CareRecord, row) -> None:
        """Remember an accepted record, so that later records of the batch see it (a re-sent
        one in the same batch is a duplicate of this row)."""
        if record.public_id is not None:
            self.stored[record.public_id] = row
        mother_id = record.mother.pk
        if isinstance(record, MassageSessionRecord):
            first = self.first_massage.get(mother_id)
            if first is None or record.started_at < first:
                self.first_massage[mother_id] = record.started_at
        if isinstance(record, DangerSignsRecord) and any(
            self.signs[code].stops_massage for code in row.signs
        ):
            observed = self.batch_stops.get(mother_id)
            if observed is None or record.observed_at < observed:
                self.batch_stops[mother_id] = record.observed_at


def _kind_of(record: CareRecord) -> str:
    if isinstance(record, MeasurementRecord):
        return record.kind
    if isinstance(record, MassageSessionRecord):
        return "massage_session"
    if isinstance(record, LatchScoreRecord):
        return "latch_score"
    return "danger_signs"


def _kind_of_row(row) -> str:
    if isinstance(row, Measurement):
        return row.kind
    if isinstance(row, MassageSession):
        return "massage_session"
    if isinstance(row, LatchObservation):
        return "latch_score"
    return "danger_signs"


CARE_ROW_MODELS: tuple[type[CareRow], ...] = (
    Measurement,
    MassageSession,
    DangerSignReport,
    LatchObservation,
)


def _stored_under(public_ids: list[uuid.UUID]) -> dict[uuid.UUID, CareRow]:
    """The care rows stored under any of `public_ids`, by public id. One query, the ids sent
    once, asks the four tables which of them they hold (for a new batch: none); only the rows
    found are loaded. (Four ORM queries of `public_id IN (…200 ids…)` prepared and quoted
    every id four times: a tenth of a push.)"""
    if not public_ids:
        return {}
    connection = connections[router.db_for_read(Measurement)]
    field = Measurement._meta.get_field("public_id")
    quote = connection.ops.quote_name
    held = " union all ".join(
        f"select {position}, held.public_id from {quote(model._meta.db_table)} held "  # noqa: S608 - our table names
        "join wanted on held.public_id = wanted.public_id"
        for position, model in enumerate(CARE_ROW_MODELS)
    )
    found: dict[int, list[uuid.UUID]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(
            f"with wanted (public_id) as (values {', '.join(['(%s)'] * len(public_ids))}) {held}",
            [field.get_db_prep_value(public_id, connection) for public_id in public_ids],
        )
        for position, public_id in cursor.fetchall():
            found[position].append(field.to_python(public_id))
    stored: dict[uuid.UUID, CareRow] = {}
    for position, ids in found.items():
        for row in CARE_ROW_MODELS[position]._default_manager.filter(public_id__in=ids):
            stored[row.public_id] = row
    return stored


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


# --- the rules -----------------------------------------------------------------------------------


def _require_consent(batch: _Batch, mother: Mother, subject: ConsentSubject) -> None:
    """UU PDP: nothing more is processed once the consent for `subject` was withdrawn and not
    given again (a mother registered before consents were recorded is not blocked)."""
    withdrawn = batch.withdrawn.get((mother.pk, subject), [])
    if withdrawn and None not in withdrawn:
        raise DomainError(
            CareErrorCode.CONSENT_WITHDRAWN,
            _("Consent for this data was withdrawn; nothing more is recorded."),
            field=None,
        )


def _measurement(
    record: MeasurementRecord, batch: _Batch, *, by: User | None, now: dt.datetime, historical: bool
) -> Measurement:
    mother = batch.mother(record)
    kind = record.kind
    value = Decimal(str(record.value))
    _require_consent(batch, mother, subject_of_measurement(kind))
    measurement_value_check(kind, value)
    if record.measured_at > now + clock_tolerance():
        raise DomainError(
            CareErrorCode.MEASUREMENT_IN_FUTURE,
            _("The measurement time cannot be in the future."),
            field="measured_at",
        )
    delivered_at = batch.delivered_at(mother)
    if delivered_at is not None and record.measured_at < delivered_at:
        raise DomainError(
            CareErrorCode.MEASUREMENT_BEFORE_DELIVERY,
            _("The measurement cannot be before the delivery (%(delivered_at)s).")
            % {"delivered_at": timezone.localtime(delivered_at).strftime("%Y-%m-%d %H:%M")},
            field="measured_at",
        )
    is_milk = kind == MeasurementKind.MILK_VOLUME
    if is_milk and record.phase and not historical:
        _milk_phase_check(record, mother, batch, delivered_at)
    return Measurement(
        mother=mother,
        district=batch.districts[mother.posyandu_id],
        kind=kind,
        measured_at=record.measured_at,
        value=value,
        method=record.method or "",
        basis=(record.basis or MilkBasis.UNKNOWN) if is_milk else (record.basis or ""),
        phase=record.phase or "",
        side=record.side or "",
        expression_minutes=record.expression_minutes,
        minutes_since_feed=record.minutes_since_feed,
        recorded_by=by,
        **_identity(record),
    )


def _milk_phase_check(
    record: MeasurementRecord, mother: Mother, batch: _Batch, delivered_at: dt.datetime | None
) -> None:
    """A baseline volume comes before the first massage; a follow-up one on the protocol's last
    postpartum day or later (the paper: before on day 1, after on day 3)."""
    if record.phase == MilkPhase.BEFORE:
        first = batch.first_massage.get(mother.pk)
        if first is not None and first < record.measured_at:
            raise DomainError(
                CareErrorCode.BASELINE_AFTER_MASSAGE,
                _(
                    "A baseline volume is measured before the first massage, and she was "
                    "massaged at %(started_at)s. Choose follow-up or leave it unmarked."
                )
                % {"started_at": timezone.localtime(first).strftime("%Y-%m-%d %H:%M")},
                field="phase",
            )
    if record.phase == MilkPhase.AFTER:
        programme = mother.programme
        last_day = programme.start_postpartum_day + programme.protocol_days - 1
        day = postpartum_day(delivered_at, record.measured_at) if delivered_at else None
        if day is None or day < last_day:
            raise DomainError(
                CareErrorCode.FOLLOW_UP_TOO_EARLY,
                _(
                    "A follow-up volume is measured on postpartum day %(last_day)s or later, "
                    "after the massage days. Choose baseline or leave it unmarked."
                )
                % {"last_day": last_day},
                field="phase",
            )


def _session(
    record: MassageSessionRecord, batch: _Batch, *, by: User | None, now: dt.datetime
) -> MassageSession:
    mother = batch.mother(record)
    _require_consent(batch, mother, ConsentSubject.MOTHER)
    if record.ended_at <= record.started_at:
        raise DomainError(
            CareErrorCode.SESSION_ENDS_BEFORE_START,
            _("A session must end after it starts."),
            field="ended_at",
        )
    if record.ended_at > now + clock_tolerance():
        raise DomainError(
            CareErrorCode.SESSION_IN_FUTURE,
            _("A session cannot end in the future."),
            field="ended_at",
        )
    delivered_at = batch.delivered_at(mother)
    if delivered_at is not None and record.started_at < delivered_at:
        raise DomainError(
            CareErrorCode.SESSION_BEFORE_DELIVERY,
            _("A post-partum massage cannot start before the delivery."),
            field="started_at",
        )
    if record.comfort is not None and not 1 <= record.comfort <= 5:
        raise DomainError(
            CareErrorCode.SESSION_COMFORT_OUT_OF_RANGE,
            _("Comfort is scored from 1 to 5."),
            field="comfort",
        )
    _stop_check(record, mother, batch)
    return MassageSession(
        mother=mother,
        district=batch.districts[mother.posyandu_id],
        scheduled_session=_planned_session_of(record, mother, batch, delivered_at),
        cadre=_cadre_of(record, mother, batch),
        performed_by=record.performed_by,
        started_at=record.started_at,
        ended_at=record.ended_at,
        steps_done=sorted({int(step) for step in record.steps_done}),
        comfort=record.comfort,
        complaints=record.complaints or "",
        adverse_event=record.adverse_event or "",
        notes=record.notes or "",
        recorded_by=by,
        **_identity(record),
    )


def _stop_check(record: MassageSessionRecord, mother: Mother, batch: _Batch) -> None:
    """No massage after a danger sign that stops it, until the midwife closes the referral. A
    massage done before the sign was seen (and synced later) is stored: it happened."""
    stop = batch.stops.get(mother.pk)
    stopped_at = None
    if stop is not None:
        stopped_at = stop.observed_at or stop.flag.raised_at
    in_batch = batch.batch_stops.get(mother.pk)
    if in_batch is not None and (stopped_at is None or in_batch < stopped_at):
        stopped_at = in_batch
    if stopped_at is not None and record.started_at >= stopped_at:
        raise DomainError(
            CareErrorCode.SESSION_STOPPED_BY_DANGER_SIGN,
            _(
                "Do not massage: a danger sign was reported at %(observed_at)s. Refer her to "
                "the midwife; the massage resumes when the midwife closes the referral."
            )
            % {"observed_at": timezone.localtime(stopped_at).strftime("%Y-%m-%d %H:%M")},
            field=None,
        )


def _planned_session_of(
    record: MassageSessionRecord,
    mother: Mother,
    batch: _Batch,
    delivered_at: dt.datetime | None,
) -> ScheduledSession | None:
    named = record.scheduled_session
    if named is None and record.scheduled_session_id is not None:
        named = batch.named_schedule.get(record.scheduled_session_id)
        if named is None or named.mother_id != mother.pk:
            raise DomainError(
                CareErrorCode.SCHEDULED_SESSION_NOT_FOUND,
                _("This planned session is not one of this mother's current sessions."),
                field="scheduled_session_id",
            )
    free = [
        row
        for row in batch.free_schedule.get(mother.pk, [])
        if row.pk not in batch.claimed_schedule
    ]
    chosen = None
    if named is not None:
        # A planned session already done keeps its first session; one whose window has not
        # opened yet is not filled early. The massage is stored all the same: it happened.
        is_free = any(row.pk == named.pk for row in free)
        if is_free and named.window_starts_at <= record.started_at:
            chosen = named
    elif delivered_at is not None:
        chosen = match_scheduled_session(
            rows=free, started_at=record.started_at, delivered_at=delivered_at
        )
    if chosen is not None:
        batch.claimed_schedule.add(chosen.pk)
    return chosen


def _cadre_of(record: MassageSessionRecord, mother: Mother, batch: _Batch) -> Cadre | None:
    """The cadre named (of this programme), else the one paired with her when it started."""
    if record.cadre is not None and record.cadre.programme_id == mother.programme_id:
        return record.cadre
    for pairing in batch.pairings.get(mother.pk, []):
        if pairing.starts_at <= record.started_at and (
            pairing.ends_at is None or record.started_at < pairing.ends_at
        ):
            return pairing.cadre
    return None


def _danger_signs(
    record: DangerSignsRecord, batch: _Batch, *, by: User | None, now: dt.datetime
) -> DangerSignReport:
    mother = batch.mother(record)
    codes = list(dict.fromkeys(record.signs))
    unknown = [code for code in codes if code not in batch.signs]
    if unknown:
        raise DomainError(
            CareErrorCode.DANGER_SIGN_UNKNOWN,
            _("Unknown danger sign: %(codes)s.") % {"codes": ", ".join(unknown)},
            field="signs",
        )
    if record.observed_at > now + clock_tolerance():
        raise DomainError(
            CareErrorCode.DANGER_SIGN_IN_FUTURE,
            _("The time of the check cannot be in the future."),
            field="observed_at",
        )
    _require_consent(batch, mother, ConsentSubject.MOTHER)
    if any(batch.signs[code].group == DangerSignGroup.NEWBORN for code in codes):
        _require_consent(batch, mother, ConsentSubject.INFANT)
    return DangerSignReport(
        mother=mother,
        district=batch.districts[mother.posyandu_id],
        observed_at=record.observed_at,
        context=record.context or DangerSignContext.DAILY_CHECK,
        signs=codes,
        notes=record.notes or "",
        recorded_by=by,
        **_identity(record),
    )


def _latch(
    record: LatchScoreRecord, batch: _Batch, *, by: User | None, now: dt.datetime
) -> LatchObservation:
    """A feed scored after the birth, each item 0, 1 or 2. Which days the score is judged on
    is the flag rule's (data), not a refusal here: a score on day 5 is still what was seen."""
    mother = batch.mother(record)
    _require_consent(batch, mother, ConsentSubject.MOTHER)
    for item in LATCH_ITEMS:
        score = getattr(record, item)
        if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 2:
            raise DomainError(
                CareErrorCode.LATCH_ITEM_OUT_OF_RANGE,
                _("Each LATCH item is scored 0, 1 or 2."),
                field=item,
            )
    if record.observed_at > now + clock_tolerance():
        raise DomainError(
            CareErrorCode.LATCH_IN_FUTURE,
            _("The time of the feed cannot be in the future."),
            field="observed_at",
        )
    delivered_at = batch.delivered_at(mother)
    if delivered_at is None:
        raise DomainError(
            CareErrorCode.LATCH_WITHOUT_DELIVERY,
            _("A feed is observed after the birth: record the delivery first."),
            field=None,
        )
    if record.observed_at < delivered_at:
        raise DomainError(
            CareErrorCode.LATCH_BEFORE_DELIVERY,
            _("The feed cannot be before the delivery (%(delivered_at)s).")
            % {"delivered_at": timezone.localtime(delivered_at).strftime("%Y-%m-%d %H:%M")},
            field="observed_at",
        )
    return LatchObservation(
        mother=mother,
        district=batch.districts[mother.posyandu_id],
        observed_at=record.observed_at,
        notes=record.notes or "",
        recorded_by=by,
        **{item: getattr(record, item) for item in LATCH_ITEMS},
        **_identity(record),
    )


def _identity(record: CareRecord) -> dict:
    return {"public_id": record.public_id} if record.public_id is not None else {}


# --- storing and judging -------------------------------------------------------------------------


def _insert(pending: list, *, actor: User | None) -> None:
    """One INSERT (on PostgreSQL a COPY, core/bulk_insert.py) per table, and the audit trail the
    per-row save would have left (a bulk write sends no signals): one entry per table listing
    the batch's rows (core/bulk_audit.py)."""
    by_model: dict[type[Model], list] = defaultdict(list)
    for _index, _record, row in pending:
        by_model[type(row)].append(row)
    # On PostgreSQL the ids of every table and of the audit entries (one per table) in one query.
    ids = ids_reserve(
        {**{model: len(rows) for model, rows in by_model.items()}, LogEntry: len(by_model)}
    )
    created = []
    for model, rows in by_model.items():
        created.extend(rows_insert(model, rows, ids=ids.get(model)))
    bulk_audit_write(created, actor=actor, ids=ids.get(LogEntry))


def _judge(pending: list, batch: _Batch, *, by: User | None, now: dt.datetime) -> None:
    """Every stored record judged by the active flag rules (loaded once, evaluated for the batch
    at once): the flags and referrals are there when the write returns, whatever interface wrote
    the record, written together whatever their number."""
    if not pending:
        return
    stools = _stool_counts_of(pending, batch)
    judged: list[tuple[CareRow, list[flag_rules.Facts], str | None]] = []
    for _index, record, row in pending:
        mother = batch.mother(record)
        severity: str | None = None
        facts: list[flag_rules.Facts]
        if isinstance(row, Measurement):
            facts = _measurement_facts(row, batch, stools)
        elif isinstance(row, MassageSession):
            programme = mother.programme
            facts = [
                flag_rules.SessionFacts(
                    duration_minutes=Decimal(str((row.ended_at - row.started_at).total_seconds()))
                    / 60,
                    minutes_min=programme.session_minutes_min,
                    minutes_max=programme.session_minutes_max,
                    adverse_event=row.adverse_event,
                )
            ]
        elif isinstance(row, LatchObservation):
            delivered_at = batch.delivered_at(mother)
            facts = [
                flag_rules.LatchFacts(
                    total=row.total,
                    postpartum_day=postpartum_day(delivered_at, row.observed_at)
                    if delivered_at
                    else None,
                )
            ]
        else:
            facts = [flag_rules.DangerSignFacts(tuple(row.signs))]
            severity = _flag_severity(row, batch)
        judged.append((row, facts, severity))
    findings_of = flag_rules.evaluate_each(active_rule_settings(), [f for _r, f, _s in judged])
    raised = flags_record_many(
        raisings=[
            FlagRaising(
                mother=row.mother,
                findings=findings,
                # The row the flags are about, under the name of the Flag field naming it.
                links={_FLAG_LINKS[type(row)]: row},
                severity=severity,
                district_id=row.district_id,
            )
            for (row, _facts, severity), findings in zip(judged, findings_of, strict=True)
            if findings
        ],
        now=now,
        by=by,
    )
    if any(
        flag.severity == FlagSeverity.RED and flag.danger_sign_report_id
        for flags in raised
        for flag in flags
    ):
        # The midwife hears of a red danger sign at once, not at the next minute's sweep (which
        # would send it all the same: the alert is planned from the stored flag, sent once).
        from kaderasi.reminders.tasks import danger_alerts_send

        transaction.on_commit(danger_alerts_send.enqueue)


_FLAG_LINKS: dict[type[CareRow], str] = {
    Measurement: "measurement",
    MassageSession: "massage_session",
    DangerSignReport: "danger_sign_report",
    LatchObservation: "latch_observation",
}


def _flag_severity(report: DangerSignReport, batch: _Batch) -> str | None:
    """A check whose signs all ask only for a review within 24 hours raises an amber flag; one
    with an emergency or same-day sign a red one (the signs' data decide)."""
    return flag_severity_of(batch.signs[code].severity for code in report.signs)


def _stool_counts_of(pending: list, batch: _Batch) -> dict[int, list[tuple[dt.datetime, Decimal]]]:
    """Mother pk → (measured at, count) of every stool count stored for her since her delivery,
    for the mothers with a stool count in the batch (stored already, so the batch's own are
    among them): one query."""
    mother_ids = {
        row.mother_id
        for _index, _record, row in pending
        if isinstance(row, Measurement) and row.kind == MeasurementKind.STOOLS
    }
    counts: dict[int, list[tuple[dt.datetime, Decimal]]] = defaultdict(list)
    if not mother_ids:
        return counts
    for mother_id, measured_at, value in Measurement.objects.filter(
        mother_id__in=mother_ids, kind=MeasurementKind.STOOLS
    ).values_list("mother_id", "measured_at", "value"):
        delivered_at = batch.delivered_at(batch.mothers[mother_id])
        if delivered_at is not None and measured_at >= delivered_at:
            counts[mother_id].append((measured_at, value))
    return counts


def _measurement_facts(
    measurement: Measurement,
    batch: _Batch,
    stools: dict[int, list[tuple[dt.datetime, Decimal]]],
) -> list[flag_rules.Facts]:
    delivery = batch.deliveries.get(measurement.mother_id)
    if delivery is None:
        return []
    facts: list[flag_rules.Facts] = [
        flag_rules.MeasurementFacts(
            kind=measurement.kind,
            value=measurement.value,
            postpartum_day=postpartum_day(delivery.delivered_at, measurement.measured_at),
            basis=measurement.basis,
            birth_weight_g=batch.first_infant_weight.get(delivery.pk)
            if measurement.kind == MeasurementKind.INFANT_WEIGHT
            else None,
            # A preterm baby's weights are not judged by the term-baby thresholds (issue 19).
            gestational_weeks=gestational_weeks_at_birth(delivery)
            if measurement.kind == MeasurementKind.INFANT_WEIGHT
            else None,
        )
    ]
    if measurement.kind == MeasurementKind.STOOLS:
        counts = [
            value
            for measured_at, value in stools.get(measurement.mother_id, [])
            if measured_at <= measurement.measured_at
        ]
        hours = Decimal(str((measurement.measured_at - delivery.delivered_at).total_seconds()))
        facts.append(
            flag_rules.StoolFacts(
                hours_since_birth=hours / 3600,
                counts_recorded=len(counts),
                stools_total=sum(counts, Decimal(0)),
            )
        )
    return facts
