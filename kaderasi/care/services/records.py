"""Writes to the care records: deliveries, infants, measurements, pairings, consent, massage
sessions. Every function owns its transaction and takes the clock as `now`."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaderasi.accounts.models import User
from kaderasi.cadres.models import Cadre
from kaderasi.care.consent import processing_allowed
from kaderasi.care.errors import CareErrorCode
from kaderasi.care.models import (
    Consent,
    ConsentGivenBy,
    ConsentSubject,
    Delivery,
    Infant,
    MassageSession,
    Measurement,
    Mother,
    Pairing,
    PairingEndReason,
    PerformedBy,
    Pregnancy,
    ScheduledSession,
)
from kaderasi.care.services.common import (
    district_of,
)
from kaderasi.care.services.recording import (
    MassageSessionRecord,
    MeasurementRecord,
    care_record_write,
)
from kaderasi.care.services.schedule import schedule_reconcile
from kaderasi.core.bulk_audit import bulk_audit_write
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
    """Append one observation through the one write path (`care_records_write`), judged by the
    flag rules; a re-sent `public_id` returns the stored row unchanged. A milk volume marked as
    baseline or follow-up must sit where the protocol puts it, unless it is `historical`."""
    return care_record_write(
        record=MeasurementRecord(
            mother=mother,
            kind=kind,
            measured_at=measured_at,
            value=value,
            method=method,
            basis=basis,
            phase=phase,
            side=side,
            expression_minutes=expression_minutes,
            minutes_since_feed=minutes_since_feed,
            public_id=public_id,
        ),
        by=by,
        now=now,
        historical=historical,
    )


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
    override_reason = _certification_override(
        cadre=cadre,
        certified=is_certified(cadre, on=timezone.localdate(starts_at)),
        by=by,
        override_reason=override_reason,
    )
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


def _certification_override(
    *, cadre: Cadre, certified: bool, by: User | None, override_reason: str
) -> str:
    """The override reason a pairing keeps: none for a certified cadre; for another, the reason a
    coordinator (or admin) gives, or DomainError."""
    override_reason = override_reason.strip()
    if not certified:
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
        return override_reason
    return ""


@dataclass(frozen=True)
class CompletedPairing:
    """An accompaniment that is over (an imported study's): who, from when, until when."""

    mother: Mother
    cadre: Cadre
    starts_at: dt.datetime
    ends_at: dt.datetime


@transaction.atomic
def pairings_completed_record(
    *, pairings: Sequence[CompletedPairing], by: User | None, override_reason: str = ""
) -> list[Pairing | DomainError]:
    """Record accompaniments that are already over, in bulk (an imported study): the rules of
    `pairing_start` that hold for a closed pairing (the certification gate with its override,
    one programme) and of `pairing_end` (it ends after it starts), then one INSERT and one audit
    entry for them all. Open-pairing and capacity rules concern open pairings only. Answers per
    pairing, in order: the stored row or the DomainError that refused it."""
    certified: dict[tuple[int, dt.date], bool] = {}
    outcomes: list[Pairing | DomainError] = []
    rows: list[Pairing] = []
    for item in pairings:
        on = timezone.localdate(item.starts_at)
        if (item.cadre.pk, on) not in certified:
            certified[(item.cadre.pk, on)] = is_certified(item.cadre, on=on)
        try:
            reason = _certification_override(
                cadre=item.cadre,
                certified=certified[(item.cadre.pk, on)],
                by=by,
                override_reason=override_reason,
            )
            if item.cadre.programme_id != item.mother.programme_id:
                raise DomainError(
                    CareErrorCode.PAIRING_OTHER_PROGRAMME,
                    _("The cadre belongs to another programme."),
                    field="cadre",
                )
            if item.ends_at <= item.starts_at:
                raise DomainError(
                    CareErrorCode.PAIRING_ENDS_BEFORE_START,
                    _("A pairing must end after it started (%(starts_at)s).")
                    % {"starts_at": timezone.localtime(item.starts_at).strftime("%Y-%m-%d %H:%M")},
                    field="ends_at",
                )
        except DomainError as error:
            outcomes.append(error)
            continue
        row = Pairing(
            mother=item.mother,
            cadre=item.cadre,
            starts_at=item.starts_at,
            ends_at=item.ends_at,
            end_reason=PairingEndReason.COMPLETED,
            certification_override_reason=reason,
            certification_override_by=by if reason else None,
        )
        rows.append(row)
        outcomes.append(row)
    bulk_audit_write(Pairing.objects.bulk_create(rows), actor=by)
    return outcomes


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
    """Append a massage that was done, through the one write path (`care_records_write`). A
    session shorter or longer than the protocol is recorded (flag rules judge it), never
    refused; a session after a danger sign that stops the massage is refused until the midwife
    closes the referral."""
    return care_record_write(
        record=MassageSessionRecord(
            mother=mother,
            performed_by=performed_by,
            started_at=started_at,
            ended_at=ended_at,
            cadre=cadre,
            scheduled_session=scheduled_session,
            steps_done=tuple(steps_done),
            comfort=comfort,
            complaints=complaints,
            adverse_event=adverse_event,
            notes=notes,
            public_id=public_id,
        ),
        by=by,
        now=now,
    )
