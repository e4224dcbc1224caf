"""Writes to the care records: deliveries, infants, measurements, pairings, consent, massage
sessions. Every function owns its transaction and takes the clock as `now`."""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaderasi.accounts.models import User
from kaderasi.cadres.models import Cadre
from kaderasi.care import flag_rules
from kaderasi.care.consent import processing_allowed, subject_of_measurement
from kaderasi.care.errors import CareErrorCode
from kaderasi.care.models import (
    Consent,
    ConsentGivenBy,
    ConsentSubject,
    Delivery,
    Infant,
    MassageSession,
    Measurement,
    MeasurementKind,
    MilkPhase,
    Mother,
    Pairing,
    PairingEndReason,
    PerformedBy,
    Pregnancy,
    ScheduledSession,
)
from kaderasi.care.plausibility import PLAUSIBLE_RANGES
from kaderasi.care.services.common import (
    clock_tolerance,
    district_of,
    latest_delivery_of,
    resent_record,
)
from kaderasi.care.services.flags import flags_raise
from kaderasi.care.services.schedule import match_scheduled_session, schedule_reconcile
from kaderasi.care.timing import postpartum_day
from kaderasi.core.errors import DomainError
from kaderasi.core.policies import Permission, can
from kaderasi.training.certification import is_certified

_district_of = district_of


def delivery_validate(*, pregnancy: Pregnancy, delivered_at: dt.datetime, now: dt.datetime) -> None:
    if delivered_at > now:
        raise DomainError(
            CareErrorCode.DELIVERY_IN_FUTURE,
            _("The delivery time cannot be in the future."),
            field="delivered_at",
        )
    lmp = pregnancy.last_menstrual_period
    if lmp is not None and delivered_at.date() <= lmp:
        raise DomainError(
            CareErrorCode.DELIVERY_BEFORE_LMP,
            _("The delivery must come after the first day of the last menstrual period (%(lmp)s).")
            % {"lmp": lmp.isoformat()},
            field="delivered_at",
        )


@transaction.atomic
def delivery_record(
    *,
    pregnancy: Pregnancy,
    delivered_at: dt.datetime,
    now: dt.datetime,
    delivery_type: str = "",
    parity: int | None = None,
    place: str = "",
    early_initiation: bool | None = None,
) -> Delivery:
    """Record (or correct) the delivery of `pregnancy`, then (re-)derive the mother's schedule of
    massage sessions from it."""
    delivery_validate(pregnancy=pregnancy, delivered_at=delivered_at, now=now)
    delivery, _created = Delivery.objects.update_or_create(
        pregnancy=pregnancy,
        defaults={
            "delivered_at": delivered_at,
            "delivery_type": delivery_type,
            "parity": parity,
            "place": place,
            "early_initiation": early_initiation,
        },
    )
    schedule_reconcile(mother=pregnancy.mother, now=now)
    return delivery


@transaction.atomic
def infant_record(*, delivery: Delivery, sex: str, birth_weight_g: int | None) -> Infant:
    return Infant.objects.create(delivery=delivery, sex=sex, birth_weight_g=birth_weight_g)


def measurement_validate(
    *,
    mother: Mother,
    kind: str,
    measured_at: dt.datetime,
    value: Decimal,
    method: str,
    now: dt.datetime,
    delivery: Delivery | bool | None = False,
) -> None:
    """Refuse implausible observations with the offending field named. `delivery` is the
    mother's latest delivery when the caller has it already (False: look it up)."""
    low, high = PLAUSIBLE_RANGES[kind]
    if not low <= value <= high:
        raise DomainError(
            CareErrorCode.MEASUREMENT_OUT_OF_RANGE,
            _("%(kind)s must be between %(low)s and %(high)s.")
            % {"kind": MeasurementKind(kind).label, "low": low, "high": high},
            field="value",
        )
    if measured_at > now + clock_tolerance():
        raise DomainError(
            CareErrorCode.MEASUREMENT_IN_FUTURE,
            _("The measurement time cannot be in the future."),
            field="measured_at",
        )
    if delivery is False:
        delivery = latest_delivery_of(mother)
    if delivery is not None and measured_at < delivery.delivered_at:
        raise DomainError(
            CareErrorCode.MEASUREMENT_BEFORE_DELIVERY,
            _("The measurement cannot be before the delivery (%(delivered_at)s).")
            % {"delivered_at": delivery.delivered_at.strftime("%Y-%m-%d %H:%M")},
            field="measured_at",
        )


def milk_phase_validate(
    *,
    mother: Mother,
    phase: str,
    measured_at: dt.datetime,
    delivery: Delivery | bool | None = False,
) -> None:
    """A baseline volume comes before the first massage; a follow-up one on the protocol's last
    postpartum day or later (the paper: before on day 1, after on day 3). `delivery` as in
    `measurement_validate`."""
    if delivery is False:
        delivery = latest_delivery_of(mother)
    if phase == MilkPhase.BEFORE:
        first = (
            MassageSession.objects.filter(mother=mother, started_at__lt=measured_at)
            .order_by("started_at")
            .first()
        )
        if first is not None:
            raise DomainError(
                CareErrorCode.BASELINE_AFTER_MASSAGE,
                _(
                    "A baseline volume is measured before the first massage, and she was "
                    "massaged at %(started_at)s. Choose follow-up or leave it unmarked."
                )
                % {"started_at": timezone.localtime(first.started_at).strftime("%Y-%m-%d %H:%M")},
                field="phase",
            )
    if phase == MilkPhase.AFTER:
        programme = mother.programme
        last_day = programme.start_postpartum_day + programme.protocol_days - 1
        day = postpartum_day(delivery.delivered_at, measured_at) if delivery else None
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


@transaction.atomic
def measurement_record(
    *,
    mother: Mother,
    kind: str,
    measured_at: dt.datetime,
    value: Decimal | int | float,
    now: dt.datetime,
    by=None,
    method: str = "",
    basis: str = "",
    phase: str = "",
    side: str = "",
    expression_minutes: int | None = None,
    minutes_since_feed: int | None = None,
    public_id=None,
    historical: bool = False,
) -> Measurement:
    """Append one observation, then judge it with the flag rules. With a `public_id` already
    stored for this mother, the stored row is returned unchanged (a re-sent record is not a second
    observation). A milk volume marked as baseline or follow-up must sit where the protocol puts
    it, unless it is `historical` (an imported study keeps the phases its own protocol gave)."""
    # Serialise writes for one mother, so a record sent twice at once is still stored once.
    Mother.objects.select_for_update().filter(pk=mother.pk).first()
    existing = resent_record(Measurement, public_id=public_id, mother=mother)
    if existing is not None:
        return existing
    value = Decimal(str(value))
    _require_consent(mother, subject_of_measurement(kind))
    delivery = latest_delivery_of(mother)
    measurement_validate(
        mother=mother,
        kind=kind,
        measured_at=measured_at,
        value=value,
        method=method,
        now=now,
        delivery=delivery,
    )
    if kind == MeasurementKind.MILK_VOLUME and phase and not historical:
        milk_phase_validate(mother=mother, phase=phase, measured_at=measured_at, delivery=delivery)
    if kind == MeasurementKind.MILK_VOLUME and not basis:
        basis = "unknown"
    fields = {
        "mother": mother,
        "district": _district_of(mother.posyandu),
        "kind": kind,
        "measured_at": measured_at,
        "value": value,
        "method": method,
        "basis": basis,
        "phase": phase,
        "side": side,
        "expression_minutes": expression_minutes,
        "minutes_since_feed": minutes_since_feed,
        "recorded_by": by,
    }
    if public_id is not None:
        fields["public_id"] = public_id
    measurement = Measurement.objects.create(**fields)
    flags_raise(
        mother=mother,
        facts=_measurement_facts(measurement, delivery),
        now=now,
        measurement=measurement,
    )
    return measurement


def _measurement_facts(
    measurement: Measurement, delivery: Delivery | None
) -> list[flag_rules.Facts]:
    if delivery is None:
        return []
    infant = (
        delivery.infants.order_by("created_at").first()
        if measurement.kind == MeasurementKind.INFANT_WEIGHT
        else None
    )
    facts: list[flag_rules.Facts] = [
        flag_rules.MeasurementFacts(
            kind=measurement.kind,
            value=measurement.value,
            postpartum_day=postpartum_day(delivery.delivered_at, measurement.measured_at),
            basis=measurement.basis,
            birth_weight_g=infant.birth_weight_g if infant else None,
        )
    ]
    if measurement.kind == MeasurementKind.STOOLS:
        stools = Measurement.objects.filter(
            mother=measurement.mother,
            kind=MeasurementKind.STOOLS,
            measured_at__gte=delivery.delivered_at,
            measured_at__lte=measurement.measured_at,
        ).values_list("value", flat=True)
        counts = list(stools)
        hours = Decimal(str((measurement.measured_at - delivery.delivered_at).total_seconds()))
        facts.append(
            flag_rules.StoolFacts(
                hours_since_birth=hours / 3600,
                counts_recorded=len(counts),
                stools_total=sum(counts, Decimal(0)),
            )
        )
    return facts


@transaction.atomic
def pairing_start(
    *,
    mother: Mother,
    cadre: Cadre,
    starts_at: dt.datetime,
    by: User | None = None,
    override_reason: str = "",
) -> Pairing:
    """Pair `cadre` with `mother` (One Kader One Client), respecting the programme's cap on
    active clients per cadre and the certification gate: a cadre without a valid certificate on
    the start date is paired only when a coordinator (or admin) records `override_reason`.
    The one-open-pairing-per-mother rule is also a database constraint."""
    override_reason = override_reason.strip()
    if not is_certified(cadre, on=timezone.localdate(starts_at)):
        if not override_reason:
            raise DomainError(
                CareErrorCode.PAIRING_CADRE_NOT_CERTIFIED,
                _(
                    "This cadre holds no valid certificate; "
                    "a coordinator must record a reason to pair her."
                ),
                field="cadre",
            )
        if not can(by, Permission.OVERRIDE_CERTIFICATION):
            raise DomainError(
                CareErrorCode.PAIRING_OVERRIDE_NOT_ALLOWED,
                _("Only a coordinator may pair a cadre who is not certified."),
                field="override_reason",
            )
    else:
        override_reason = ""
    if cadre.programme_id != mother.programme_id:
        raise DomainError(
            CareErrorCode.PAIRING_OTHER_PROGRAMME,
            _("The cadre belongs to another programme."),
            field="cadre",
        )
    if Pairing.objects.filter(mother=mother, ends_at__isnull=True).exists():
        raise DomainError(
            CareErrorCode.PAIRING_ALREADY_OPEN,
            _("This mother is already paired with a cadre; end that pairing first."),
            field="mother",
        )
    Cadre.objects.select_for_update().filter(pk=cadre.pk).first()
    cap = mother.programme.max_active_clients_per_cadre
    if Pairing.objects.filter(cadre=cadre, ends_at__isnull=True).count() >= cap:
        raise DomainError(
            CareErrorCode.PAIRING_CADRE_AT_CAPACITY,
            _("This cadre already accompanies %(cap)s active client(s), the programme's maximum.")
            % {"cap": cap},
            field="cadre",
        )
    return Pairing.objects.create(
        mother=mother,
        cadre=cadre,
        starts_at=starts_at,
        certification_override_reason=override_reason,
        certification_override_by=by if override_reason else None,
    )


@transaction.atomic
def pairing_end(*, pairing: Pairing, ends_at: dt.datetime, reason: PairingEndReason) -> Pairing:
    """End an open pairing at `ends_at` (exclusive) for `reason`; the row stays as history."""
    pairing = Pairing.objects.select_for_update().get(pk=pairing.pk)
    if pairing.ends_at is not None:
        raise DomainError(
            CareErrorCode.PAIRING_NOT_OPEN, _("This pairing has already ended."), field=None
        )
    if ends_at <= pairing.starts_at:
        raise DomainError(
            CareErrorCode.PAIRING_ENDS_BEFORE_START,
            _("A pairing must end after it started (%(starts_at)s).")
            % {"starts_at": timezone.localtime(pairing.starts_at).strftime("%Y-%m-%d %H:%M")},
            field="ends_at",
        )
    pairing.ends_at = ends_at
    pairing.end_reason = reason
    pairing.save(update_fields=["ends_at", "end_reason", "updated_at"])
    return pairing


def _require_consent(mother: Mother, subject: ConsentSubject) -> None:
    if not processing_allowed(mother, subject):
        raise DomainError(
            CareErrorCode.CONSENT_WITHDRAWN,
            _("Consent for this data was withdrawn; nothing more is recorded."),
            field=None,
        )


@transaction.atomic
def consent_give(
    *,
    mother: Mother,
    subject: ConsentSubject,
    text_version: str,
    given_at: dt.datetime,
    by: User | None,
    given_by: ConsentGivenBy = ConsentGivenBy.MOTHER,
    now: dt.datetime | None = None,
) -> Consent:
    """Record consent for `subject` under `text_version` (one active consent per subject)."""
    if Consent.objects.filter(mother=mother, subject=subject, withdrawn_at__isnull=True).exists():
        raise DomainError(
            CareErrorCode.CONSENT_ALREADY_ACTIVE,
            _("This consent is already recorded and active."),
            field="subject",
        )
    consent = Consent.objects.create(
        mother=mother,
        subject=subject,
        text_version=text_version,
        given_by=given_by,
        given_at=given_at,
        recorded_by=by,
    )
    if subject == ConsentSubject.MOTHER:
        schedule_reconcile(mother=mother, now=now or given_at)
    return consent


@transaction.atomic
def consent_withdraw(
    *,
    consent: Consent,
    withdrawn_at: dt.datetime,
    by: User | None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Consent:
    """Withdraw `consent`: from `withdrawn_at` nothing more is processed for its subject. For the
    mother's own consent, her sessions not yet over are cancelled (so no reminder goes out)."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        raise DomainError(
            CareErrorCode.CONSENT_ALREADY_WITHDRAWN,
            _("This consent was already withdrawn."),
            field="consent",
        )
    consent.withdrawn_at = withdrawn_at
    consent.withdrawal_recorded_by = by
    consent.withdrawal_reason = reason
    consent.save(
        update_fields=["withdrawn_at", "withdrawal_recorded_by", "withdrawal_reason", "updated_at"]
    )
    if consent.subject == ConsentSubject.MOTHER:
        schedule_reconcile(mother=consent.mother, now=now or withdrawn_at)
    return consent


def massage_session_validate(
    *,
    mother: Mother,
    started_at: dt.datetime,
    ended_at: dt.datetime,
    comfort: int | None,
    now: dt.datetime,
) -> None:
    if ended_at <= started_at:
        raise DomainError(
            CareErrorCode.SESSION_ENDS_BEFORE_START,
            _("A session must end after it starts."),
            field="ended_at",
        )
    if ended_at > now + clock_tolerance():
        raise DomainError(
            CareErrorCode.SESSION_IN_FUTURE,
            _("A session cannot end in the future."),
            field="ended_at",
        )
    delivery = latest_delivery_of(mother)
    if delivery is not None and started_at < delivery.delivered_at:
        raise DomainError(
            CareErrorCode.SESSION_BEFORE_DELIVERY,
            _("A post-partum massage cannot start before the delivery."),
            field="started_at",
        )
    if comfort is not None and not 1 <= comfort <= 5:
        raise DomainError(
            CareErrorCode.SESSION_COMFORT_OUT_OF_RANGE,
            _("Comfort is scored from 1 to 5."),
            field="comfort",
        )


@transaction.atomic
def massage_session_record(
    *,
    mother: Mother,
    performed_by: PerformedBy,
    started_at: dt.datetime,
    ended_at: dt.datetime,
    now: dt.datetime,
    by: User | None = None,
    cadre: Cadre | None = None,
    scheduled_session: ScheduledSession | None = None,
    steps_done: list[int] | tuple[int, ...] = (),
    comfort: int | None = None,
    complaints: str = "",
    adverse_event: str = "",
    notes: str = "",
    public_id=None,
) -> MassageSession:
    """Append a massage that was done. A session shorter or longer than the protocol is recorded
    (flag rules judge it), never refused. Without `scheduled_session`, the session counts for the
    free scheduled session whose window holds its start (else the nearest of its postpartum day);
    without `cadre`, the accompanying cadre is the one paired with the mother when it started.
    With a `public_id` already stored for this mother the stored row is returned unchanged."""
    Mother.objects.select_for_update().filter(pk=mother.pk).first()
    existing = resent_record(MassageSession, public_id=public_id, mother=mother)
    if existing is not None:
        return existing
    _require_consent(mother, ConsentSubject.MOTHER)
    massage_session_validate(
        mother=mother, started_at=started_at, ended_at=ended_at, comfort=comfort, now=now
    )
    if scheduled_session is None:
        scheduled_session = _free_scheduled_session(mother, started_at)
    if cadre is not None and cadre.programme_id != mother.programme_id:
        cadre = None  # a login's row in another programme: take the row paired with her
    if cadre is None:
        pairing = (
            Pairing.objects.filter(mother=mother, starts_at__lte=started_at)
            .exclude(ends_at__lte=started_at)
            .select_related("cadre")
            .first()
        )
        cadre = pairing.cadre if pairing else None
    fields = {
        "mother": mother,
        "district": _district_of(mother.posyandu),
        "scheduled_session": scheduled_session,
        "cadre": cadre,
        "performed_by": performed_by,
        "started_at": started_at,
        "ended_at": ended_at,
        "steps_done": sorted({int(step) for step in steps_done}),
        "comfort": comfort,
        "complaints": complaints,
        "adverse_event": adverse_event,
        "notes": notes,
        "recorded_by": by,
    }
    if public_id is not None:
        fields["public_id"] = public_id
    session = MassageSession.objects.create(**fields)
    programme = mother.programme
    facts = flag_rules.SessionFacts(
        duration_minutes=Decimal(str((ended_at - started_at).total_seconds())) / 60,
        minutes_min=programme.session_minutes_min,
        minutes_max=programme.session_minutes_max,
        adverse_event=adverse_event,
    )
    flags_raise(mother=mother, facts=[facts], now=now, massage_session=session)
    return session


def _free_scheduled_session(mother: Mother, started_at: dt.datetime) -> ScheduledSession | None:
    delivery = latest_delivery_of(mother)
    if delivery is None:
        return None
    free = list(
        ScheduledSession.objects.filter(
            mother=mother, cancelled_at__isnull=True, massage_session__isnull=True
        ).order_by("window_starts_at")
    )
    return match_scheduled_session(
        rows=free, started_at=started_at, delivered_at=delivery.delivered_at
    )


def records_judge_stored(
    *,
    measurements: Sequence[Measurement] = (),
    sessions: Sequence[MassageSession] = (),
    now: dt.datetime,
) -> None:
    """What `measurement_record` and `massage_session_record` do after saving one record, for
    records stored in bulk (the sync API): link an unlinked session to its free scheduled session
    and judge every record with the flag rules, so a record synced from a phone raises the same
    flags and referrals as one typed online."""
    for measurement in measurements:
        flags_raise(
            mother=measurement.mother,
            facts=_measurement_facts(measurement, latest_delivery_of(measurement.mother)),
            now=now,
            measurement=measurement,
        )
    for session in sessions:
        if session.scheduled_session_id is None:
            free = _free_scheduled_session(session.mother, session.started_at)
            if free is not None:
                MassageSession.objects.filter(pk=session.pk).update(scheduled_session=free)
                session.scheduled_session = free
        programme = session.mother.programme
        facts = flag_rules.SessionFacts(
            duration_minutes=Decimal(str((session.ended_at - session.started_at).total_seconds()))
            / 60,
            minutes_min=programme.session_minutes_min,
            minutes_max=programme.session_minutes_max,
            adverse_event=session.adverse_event,
        )
        flags_raise(mother=session.mother, facts=[facts], now=now, massage_session=session)
