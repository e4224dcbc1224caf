"""Reads over care records, scoped by role and area."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet, TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaderasi.accounts.models import Role, User
from kaderasi.accounts.selectors import scope_areas_of, sees_everything
from kaderasi.cadres.models import Cadre
from kaderasi.care.models import (
    Delivery,
    Measurement,
    MeasurementKind,
    Mother,
    Pairing,
    PairingEndReason,
    Pregnancy,
)
from kaderasi.care.timing import GestationalAge, gestational_age, postpartum_day
from kaderasi.regions.selectors import within_areas_q


def mothers_visible_to(user: User) -> QuerySet[Mother]:
    """Admin: all. Cadre: the mothers she accompanies now or whose accompaniment she completed
    (not those reassigned away from her). Midwife and district office: mothers registered at a
    posyandu in their areas. Coordinator: the same, plus every mother of her team's programmes."""
    if not user.is_authenticated:
        return Mother.objects.none()
    if sees_everything(user):
        return Mother.objects.all()
    if user.role == Role.CADRE:
        return Mother.objects.filter(
            Q(pairings__ends_at__isnull=True) | Q(pairings__end_reason=PairingEndReason.COMPLETED),
            pairings__cadre__user=user,
        ).distinct()
    condition = within_areas_q(scope_areas_of(user), lookup="posyandu")
    if user.role == Role.COORDINATOR:
        condition |= Q(programme__team=user)
    return Mother.objects.filter(condition).distinct()


def latest_delivery(mother: Mother) -> Delivery | None:
    return Delivery.objects.filter(pregnancy__mother=mother).order_by("-delivered_at").first()


def measurements_of(mother: Mother, kind: MeasurementKind | None = None) -> QuerySet[Measurement]:
    rows = Measurement.objects.filter(mother=mother).select_related("recorded_by")
    return rows.filter(kind=kind) if kind else rows


class MotherStage(TextChoices):
    PREGNANT = "pregnant", _("Pregnant")
    POSTPARTUM = "postpartum", _("Postpartum")
    PUERPERIUM_ENDED = "puerperium_ended", _("Puerperium ended")
    UNKNOWN = "unknown", _("No pregnancy recorded")


PUERPERIUM_DAYS = 42


@dataclass(frozen=True)
class MotherRow:
    mother: Mother
    stage: MotherStage
    gestational_age: GestationalAge | None
    postpartum_day: int | None
    cadre: Cadre | None
    baseline_volume_ml: Decimal | None
    follow_up_volume_ml: Decimal | None


def mother_rows(mothers: QuerySet[Mother], *, now: dt.datetime) -> list[MotherRow]:
    """One row per mother with her stage, current cadre and baseline/follow-up milk volumes,
    in a fixed number of queries whatever the number of mothers."""
    mothers = mothers.select_related("posyandu", "programme").prefetch_related(
        Prefetch(
            "pregnancies",
            queryset=Pregnancy.objects.select_related("delivery").order_by("-created_at"),
            to_attr="ordered_pregnancies",
        ),
        Prefetch(
            "pairings",
            queryset=Pairing.objects.filter(ends_at__isnull=True).select_related("cadre"),
            to_attr="open_pairings",
        ),
        Prefetch(
            "pairings",
            queryset=Pairing.objects.select_related("cadre").order_by("-starts_at"),
            to_attr="all_pairings",
        ),
        Prefetch(
            "measurements",
            queryset=Measurement.objects.filter(kind=MeasurementKind.MILK_VOLUME).order_by(
                "measured_at"
            ),
            to_attr="milk_volumes",
        ),
    )
    return [_row(mother, now) for mother in mothers]


def _row(mother: Mother, now: dt.datetime) -> MotherRow:
    pregnancy = mother.ordered_pregnancies[0] if mother.ordered_pregnancies else None
    delivery = getattr(pregnancy, "delivery", None) if pregnancy else None
    age = None
    day = None
    if pregnancy is None:
        stage = MotherStage.UNKNOWN
    elif delivery is None:
        stage = MotherStage.PREGNANT
        age = gestational_age(
            last_menstrual_period=pregnancy.last_menstrual_period,
            estimated_delivery_date=pregnancy.estimated_delivery_date,
            on=timezone.localdate(now),
        )
    else:
        day = postpartum_day(delivery.delivered_at, now)
        stage = (
            MotherStage.POSTPARTUM
            if day is not None and day <= PUERPERIUM_DAYS
            else MotherStage.PUERPERIUM_ENDED
        )
    pairing = (mother.open_pairings or mother.all_pairings or [None])[0]
    by_phase = {m.phase: m.value for m in mother.milk_volumes if m.phase}
    return MotherRow(
        mother=mother,
        stage=stage,
        gestational_age=age,
        postpartum_day=day,
        cadre=pairing.cadre if pairing else None,
        baseline_volume_ml=by_phase.get("before"),
        follow_up_volume_ml=by_phase.get("after"),
    )
