"""The care services' domain checks in a form that needs no query per record, for the bulk push.

`kaderasi.care.services.measurement_validate` and `massage_session_validate` look up the mother's
delivery, and `kaderasi.care.consent.processing_allowed` her consents, one query each. The push
loads those for the whole batch at once and runs the same rules here, with the same codes, the
same messages and the same fields; a test holds the two versions to the same answers."""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext as _

from kaderasi.care.errors import CareErrorCode
from kaderasi.care.models import MeasurementKind
from kaderasi.care.services import PLAUSIBLE_RANGES
from kaderasi.core.errors import DomainError


def measurement_check(
    *,
    kind: str,
    measured_at: dt.datetime,
    value: Decimal,
    delivered_at: dt.datetime | None,
    now: dt.datetime,
) -> None:
    """As `care.services.measurement_validate`, given the mother's latest delivery time."""
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
    if delivered_at is not None and measured_at < delivered_at:
        raise DomainError(
            CareErrorCode.MEASUREMENT_BEFORE_DELIVERY,
            _("The measurement cannot be before the delivery (%(delivered_at)s).")
            % {"delivered_at": delivered_at.strftime("%Y-%m-%d %H:%M")},
            field="measured_at",
        )


def massage_session_check(
    *,
    started_at: dt.datetime,
    ended_at: dt.datetime,
    comfort: int | None,
    delivered_at: dt.datetime | None,
    now: dt.datetime,
) -> None:
    """As `care.services.massage_session_validate`, given the mother's latest delivery time."""
    if ended_at <= started_at:
        raise DomainError(
            CareErrorCode.SESSION_ENDS_BEFORE_START,
            _("A session must end after it starts."),
            field="ended_at",
        )
    if ended_at > now:
        raise DomainError(
            CareErrorCode.SESSION_IN_FUTURE,
            _("A session cannot end in the future."),
            field="ended_at",
        )
    if delivered_at is not None and started_at < delivered_at:
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


def consent_allows(withdrawn_ats: Iterable[dt.datetime | None]) -> bool:
    """As `care.consent.processing_allowed`, given the `withdrawn_at` of every consent the mother
    has for one subject: allowed while one is active, or when none was ever recorded."""
    withdrawn = list(withdrawn_ats)
    return not withdrawn or any(value is None for value in withdrawn)


def consent_refusal() -> DomainError:
    return DomainError(
        CareErrorCode.CONSENT_WITHDRAWN,
        _("Consent for this data was withdrawn; nothing more is recorded."),
        field=None,
    )
