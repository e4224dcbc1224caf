"""Writes to the care records. Every function owns its transaction and takes the clock as `now`."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaderasi.accounts.models import User
from kaderasi.cadres.models import Cadre
from kaderasi.care.errors import CareErrorCode
from kaderasi.care.models import (
    Delivery,
    Infant,
    Measurement,
    MeasurementKind,
    Mother,
    Pairing,
    PairingEndReason,
    Pregnancy,
)
from kaderasi.core.errors import DomainError
from kaderasi.core.policies import Permission, can
from kaderasi.regions.models import Area, AreaLevel
from kaderasi.regions.selectors import ancestor_of_level
from kaderasi.training.certification import is_certified

# Plausibility bounds (inclusive) for input checks; not clinical thresholds.
PLAUSIBLE_RANGES: dict[str, tuple[Decimal, Decimal]] = {
    MeasurementKind.MILK_VOLUME: (Decimal(0), Decimal(1500)),
    MeasurementKind.FEEDS: (Decimal(0), Decimal(30)),
    MeasurementKind.WET_NAPPIES: (Decimal(0), Decimal(30)),
    MeasurementKind.STOOLS: (Decimal(0), Decimal(30)),
    MeasurementKind.INFANT_WEIGHT: (Decimal(300), Decimal(7000)),
}


def _district_of(posyandu: Area) -> Area:
    district = ancestor_of_level(posyandu, AreaLevel.DISTRICT)
    if district is None:  # pragma: no cover - the tree constraints make a posyandu sit under one
        raise ValueError("posyandu without a district")
    return district


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
    """Record (or correct) the delivery of `pregnancy`."""
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
) -> None:
    """Refuse implausible observations with the offending field named."""
    low, high = PLAUSIBLE_RANGES[kind]
    if not low <= value <= high:
        raise DomainError(
            CareErrorCode.MEASUREMENT_OUT_OF_RANGE,
            _("%(kind)s must be between %(low)s and %(high)s.")
            % {"kind": MeasurementKind(kind).label, "low": low, "high": high},
            field="value",
        )
    if measured_at > now:
        raise DomainError(
            CareErrorCode.MEASUREMENT_IN_FUTURE,
            _("The measurement time cannot be in the future."),
            field="measured_at",
        )
    delivery = Delivery.objects.filter(pregnancy__mother=mother).order_by("-delivered_at").first()
    if delivery is not None and measured_at < delivery.delivered_at:
        raise DomainError(
            CareErrorCode.MEASUREMENT_BEFORE_DELIVERY,
            _("The measurement cannot be before the delivery (%(delivered_at)s).")
            % {"delivered_at": delivery.delivered_at.strftime("%Y-%m-%d %H:%M")},
            field="measured_at",
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
) -> Measurement:
    """Append one observation. With a `public_id` already stored, the stored row is returned
    unchanged (a re-sent record is not a second observation)."""
    if public_id is not None:
        existing = Measurement.objects.filter(public_id=public_id).first()
        if existing is not None:
            return existing
    value = Decimal(str(value))
    measurement_validate(
        mother=mother, kind=kind, measured_at=measured_at, value=value, method=method, now=now
    )
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
    return Measurement.objects.create(**fields)


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
    pairing.ends_at = ends_at
    pairing.end_reason = reason
    pairing.save(update_fields=["ends_at", "end_reason", "updated_at"])
    return pairing
