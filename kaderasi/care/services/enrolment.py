"""Enrolment: registering a mother and her pregnancy, reassigning her cadre, and the danger-sign
checks a cadre records."""

import datetime as dt
import re
import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaderasi.accounts.lookup_limits import identity_lookup_take, lookups_exhausted_message
from kaderasi.accounts.models import User
from kaderasi.cadres.models import Cadre
from kaderasi.care.errors import CareErrorCode
from kaderasi.care.models import (
    DangerSignContext,
    DangerSignReport,
    Delivery,
    Mother,
    Pairing,
    PairingEndReason,
    Pregnancy,
    StudyGroup,
)
from kaderasi.care.selectors import duplicate_condition, mothers_visible_to
from kaderasi.care.services.recording import DangerSignsRecord, care_record_write
from kaderasi.care.services.records import (
    delivery_record,
    infant_record,
    pairing_end,
    pairing_start,
)
from kaderasi.care.timing import naegele_due_date
from kaderasi.core.errors import DomainError
from kaderasi.programmes.models import Programme
from kaderasi.regions.models import Area


def next_mother_code(programme: Programme) -> str:
    """M001, M002, …: one more than the highest numbered code of the programme."""
    numbers = [
        int(match.group(1))
        for code in Mother.objects.filter(programme=programme).values_list("code", flat=True)
        if (match := re.fullmatch(r"M(\d+)", code))
    ]
    return f"M{max(numbers, default=0) + 1:03d}"


@transaction.atomic
def mother_register(
    *,
    programme: Programme,
    posyandu: Area,
    name: str,
    by: User | None,
    now: dt.datetime,
    nik: str = "",
    phone: str = "",
    birth_date: dt.date | None = None,
    code: str = "",
    group: str = StudyGroup.INTERVENTION,
    last_menstrual_period: dt.date | None = None,
    estimated_delivery_date: dt.date | None = None,
    confirm_not_duplicate: bool = False,
) -> Mother:
    """Register a mother (and her current pregnancy when its dates are given). A mother sharing
    the NIK or phone number of one already registered that the registering user may see is refused
    as a possible duplicate unless she confirms this is another person."""
    if not posyandu.path.startswith(programme.area.path):
        raise DomainError(
            CareErrorCode.MOTHER_POSYANDU_OUTSIDE_PROGRAMME,
            _("This posyandu is outside the programme's area."),
            field="posyandu",
        )
    condition = duplicate_condition(nik=nik, phone=phone)
    if condition is not None and by is not None:
        # Each check says whether a number is registered: a user gets so many an hour.
        wait = identity_lookup_take(user=by, now=now)
        if wait:
            raise DomainError(
                CareErrorCode.IDENTITY_LOOKUPS_EXHAUSTED,
                lookups_exhausted_message(wait),
                field="nik" if nik else "phone",
            )
    if condition is not None and not confirm_not_duplicate:
        # Only among the mothers the registering user may see: a refusal must not tell her that
        # a NIK or phone number exists in another region (issue 14). No user: all mothers.
        candidates = Mother.objects.all() if by is None else mothers_visible_to(by)
        duplicate = candidates.filter(condition).first()
        if duplicate is not None:
            on_nik = bool(nik) and duplicate.nik == nik
            raise DomainError(
                CareErrorCode.MOTHER_POSSIBLE_DUPLICATE,
                _("A mother with this NIK is already registered.")
                if on_nik
                else _("A mother with this phone number is already registered."),
                field="nik" if on_nik else "phone",
            )
    if birth_date is not None and birth_date > timezone.localdate(now):
        raise DomainError(
            CareErrorCode.MOTHER_BIRTH_DATE_IN_FUTURE,
            _("The date of birth cannot be in the future."),
            field="birth_date",
        )
    code = code.strip() or next_mother_code(programme)
    if Mother.objects.filter(programme=programme, code=code).exists():
        raise DomainError(
            CareErrorCode.DUPLICATE_CODE,
            _("Another mother of this programme already has this code."),
            field="code",
        )
    mother = Mother.objects.create(
        programme=programme,
        posyandu=posyandu,
        code=code,
        name=name.strip(),
        nik=nik,
        phone=phone,
        birth_date=birth_date,
        group=group,
    )
    if last_menstrual_period or estimated_delivery_date:
        pregnancy_record(
            mother=mother,
            last_menstrual_period=last_menstrual_period,
            estimated_delivery_date=estimated_delivery_date,
            now=now,
        )
    return mother


@transaction.atomic
def pregnancy_record(
    *,
    mother: Mother,
    last_menstrual_period: dt.date | None,
    estimated_delivery_date: dt.date | None,
    now: dt.datetime,
) -> Pregnancy:
    """Record the dates of the mother's current pregnancy: they correct the open pregnancy (one
    without a delivery) or start a new one."""
    if not last_menstrual_period and not estimated_delivery_date:
        raise DomainError(
            CareErrorCode.PREGNANCY_DATES_REQUIRED,
            _("Enter the last menstrual period or the estimated delivery date."),
            field="last_menstrual_period",
        )
    if last_menstrual_period and last_menstrual_period > now.date():
        raise DomainError(
            CareErrorCode.PREGNANCY_DATES_REQUIRED,
            _("The last menstrual period cannot be in the future."),
            field="last_menstrual_period",
        )
    if (
        last_menstrual_period
        and estimated_delivery_date
        and estimated_delivery_date <= last_menstrual_period
    ):
        raise DomainError(
            CareErrorCode.PREGNANCY_DATES_REQUIRED,
            _("The estimated delivery date must come after the last menstrual period."),
            field="estimated_delivery_date",
        )
    pregnancy = (
        Pregnancy.objects.filter(mother=mother, delivery__isnull=True)
        .order_by("-created_at")
        .first()
    ) or Pregnancy(mother=mother)
    # The HPL typed (from an ultrasound, say) wins; else Naegele's rule from the HPHT. An HPL
    # left as it was computed from the previous HPHT follows a corrected HPHT.
    previous = pregnancy.last_menstrual_period
    if (
        previous
        and last_menstrual_period
        and previous != last_menstrual_period
        and estimated_delivery_date == naegele_due_date(previous)
    ):
        estimated_delivery_date = None
    if estimated_delivery_date is None and last_menstrual_period is not None:
        estimated_delivery_date = naegele_due_date(last_menstrual_period)
    pregnancy.last_menstrual_period = last_menstrual_period
    pregnancy.estimated_delivery_date = estimated_delivery_date
    pregnancy.save()
    return pregnancy


@transaction.atomic
def pairing_reassign(
    *,
    mother: Mother,
    cadre: Cadre,
    at: dt.datetime,
    by: User | None = None,
    override_reason: str = "",
) -> Pairing:
    """End the mother's open pairing (reason: reassigned) and pair her with `cadre` from the same
    moment; all or nothing, and the ended pairing stays as history."""
    current = Pairing.objects.filter(mother=mother, ends_at__isnull=True).first()
    if current is None:
        raise DomainError(
            CareErrorCode.PAIRING_NOT_OPEN,
            _("This mother has no cadre to reassign from."),
            field="cadre",
        )
    if current.cadre_id == cadre.pk:
        raise DomainError(
            CareErrorCode.PAIRING_SAME_CADRE,
            _("This cadre already accompanies the mother."),
            field="cadre",
        )
    pairing_end(pairing=current, ends_at=at, reason=PairingEndReason.REASSIGNED)
    return pairing_start(
        mother=mother, cadre=cadre, starts_at=at, by=by, override_reason=override_reason
    )


@transaction.atomic
def pairing_assign(
    *,
    mother: Mother,
    cadre: Cadre,
    at: dt.datetime,
    by: User | None = None,
    override_reason: str = "",
) -> Pairing:
    """Pair the mother with `cadre` from `at`: a first pairing, or a reassignment when she is
    already paired (see `pairing_reassign`)."""
    if Pairing.objects.filter(mother=mother, ends_at__isnull=True).exists():
        return pairing_reassign(
            mother=mother, cadre=cadre, at=at, by=by, override_reason=override_reason
        )
    return pairing_start(
        mother=mother, cadre=cadre, starts_at=at, by=by, override_reason=override_reason
    )


@transaction.atomic
def delivery_and_infant_record(
    *,
    pregnancy: Pregnancy,
    delivered_at: dt.datetime,
    now: dt.datetime,
    delivery_type: str = "",
    parity: int | None = None,
    place: str = "",
    early_initiation: bool | None = None,
    infant: dict | None = None,
) -> Delivery:
    """Record (or correct) the delivery and, when `infant` (sex, birth_weight_g) is given, its
    first infant: both or neither."""
    delivery = delivery_record(
        pregnancy=pregnancy,
        delivered_at=delivered_at,
        now=now,
        delivery_type=delivery_type,
        parity=parity,
        place=place,
        early_initiation=early_initiation,
    )
    if infant:
        infant_record(
            delivery=delivery, sex=infant["sex"], birth_weight_g=infant.get("birth_weight_g")
        )
    return delivery


def danger_signs_report(
    *,
    mother: Mother,
    signs: list[str] | tuple[str, ...],
    observed_at: dt.datetime,
    now: dt.datetime,
    context: str = DangerSignContext.DAILY_CHECK,
    by: User | None = None,
    notes: str = "",
    public_id: uuid.UUID | None = None,
) -> DangerSignReport:
    """Record a danger-sign check (`signs`: the codes answered "yes"; none is a check that found
    nothing) through the one write path (`care_records_write`). Any sign raises its flag and a
    referral to the midwife; a re-sent check with the same `public_id` is the stored row."""
    return care_record_write(
        record=DangerSignsRecord(
            mother=mother,
            signs=tuple(signs),
            observed_at=observed_at,
            context=context,
            notes=notes,
            public_id=public_id,
        ),
        by=by,
        now=now,
    )
