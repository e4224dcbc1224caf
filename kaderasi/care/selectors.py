"""Reads over care records, scoped by role and area."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerChoices,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextChoices,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaderasi.accounts.models import Role, User
from kaderasi.accounts.selectors import scope_areas_of, sees_everything
from kaderasi.cadres.models import Cadre
from kaderasi.cadres.selectors import cadres_of_login, cadres_visible_to
from kaderasi.care.models import (
    Consent,
    DangerSignReport,
    Delivery,
    Flag,
    FlagSeverity,
    LatchObservation,
    MassageSession,
    Measurement,
    MeasurementKind,
    MilkPhase,
    Mother,
    MotherRead,
    Pairing,
    PairingEndReason,
    Pregnancy,
    Referral,
    ReferralStatus,
    ScheduledSession,
)
from kaderasi.care.models.mothers import NIK
from kaderasi.care.phase_volumes import PhaseVolumes, delivery_times, phase_volumes
from kaderasi.care.stops import DANGER_SIGN_RULE
from kaderasi.care.timing import GestationalAge, gestational_age, postpartum_day
from kaderasi.core.field_crypto import lookup_hashes
from kaderasi.core.phones import PHONE
from kaderasi.programmes.models import Programme
from kaderasi.regions.models import Area
from kaderasi.regions.selectors import within_areas_q


def mothers_visible_to(user: User) -> QuerySet[Mother]:
    """Admin: all. Cadre: the mothers she accompanies now or whose accompaniment she completed
    (not those reassigned away from her), in every programme her login acts for. Midwife and
    district office: mothers registered at a posyandu in their areas. Coordinator: the same, plus
    every mother of her team's programmes."""
    if not user.is_authenticated:
        return Mother.objects.none()
    if sees_everything(user):
        return Mother.objects.all()
    if user.role == Role.CADRE:
        pairings = Pairing.objects.filter(
            Q(ends_at__isnull=True) | Q(end_reason=PairingEndReason.COMPLETED),
            cadre__in=cadres_of_login(user),
        )
        return Mother.objects.filter(pk__in=pairings.values("mother_id"))
    condition = within_areas_q(scope_areas_of(user), lookup="posyandu")
    if user.role == Role.COORDINATOR:
        # A subquery, not a join of the team: each mother is one row without DISTINCT, so a
        # query asking `mother IN (these)` (the base page's count of open conflicts) is planned
        # from its own few rows, not from a de-duplicated million.
        condition |= Q(programme_id__in=Programme.objects.filter(team=user).values("pk"))
    return Mother.objects.filter(condition)


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


def pregnancies_prefetch(to_attr: str = "ordered_pregnancies") -> Prefetch:
    """A mother's pregnancies with their delivery, the latest registered first."""
    return Prefetch(
        "pregnancies",
        queryset=Pregnancy.objects.select_related("delivery").order_by("-created_at", "-pk"),
        to_attr=to_attr,
    )


def milk_volumes_prefetch(to_attr: str = "milk_volumes", *, with_phase: bool = False) -> Prefetch:
    """A mother's milk volumes in time order, ties broken as `care.phase_volumes` expects
    (recorded first, then id), so every caller counts the same volume; `with_phase` keeps only
    those marked baseline or follow-up."""
    rows = Measurement.objects.filter(kind=MeasurementKind.MILK_VOLUME)
    if with_phase:
        rows = rows.filter(phase__in=MilkPhase.values)
    return Prefetch(
        "measurements", queryset=rows.order_by("measured_at", "created_at", "pk"), to_attr=to_attr
    )


@dataclass(frozen=True)
class MilkVolumeValues:
    """A milk volume as plain values, shaped as `care.phase_volumes` reads one."""

    value: Decimal
    side: str
    phase: str
    measured_at: dt.datetime
    basis: str
    method: str


def phase_volumes_of(mothers: QuerySet[Mother]) -> dict[int, PhaseVolumes]:
    """The phase volumes (`care.phase_volumes`) of each of `mothers` with at least one milk
    volume marked baseline or follow-up, by her id: two queries of plain values whatever their
    number, the volumes in the order `milk_volumes_prefetch` gives them. A district's report
    reads 10,000 volumes: as model instances they cost several times as much
    (docs/performance.md)."""
    chosen = mothers.values("pk")
    delivered: dict[int, list[dt.datetime]] = defaultdict(list)
    for mother_id, delivered_at in Delivery.objects.filter(
        pregnancy__mother__in=chosen
    ).values_list("pregnancy__mother_id", "delivered_at"):
        delivered[mother_id].append(delivered_at)
    volumes: dict[int, list[MilkVolumeValues]] = defaultdict(list)
    rows = (
        Measurement.objects.filter(
            mother__in=chosen, kind=MeasurementKind.MILK_VOLUME, phase__in=MilkPhase.values
        )
        .order_by("measured_at", "created_at", "pk")
        .values_list("mother_id", "value", "side", "phase", "measured_at", "basis", "method")
    )
    for mother_id, *values in rows:
        volumes[mother_id].append(MilkVolumeValues(*values))
    return {
        mother_id: phase_volumes(measured, delivered.get(mother_id, ()))
        for mother_id, measured in volumes.items()
    }


def mother_rows(mothers: QuerySet[Mother], *, now: dt.datetime) -> list[MotherRow]:
    """One row per mother with her stage, current cadre and baseline/follow-up milk volumes (as
    `care.phase_volumes` counts them, the same as the evaluation), in a fixed number of queries
    whatever the number of mothers."""
    mothers = mothers.select_related("posyandu", "programme").prefetch_related(
        pregnancies_prefetch(),
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
        milk_volumes_prefetch(),
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
    volumes = phase_volumes(
        mother.milk_volumes,
        delivery_times(mother.ordered_pregnancies),
    )
    return MotherRow(
        mother=mother,
        stage=stage,
        gestational_age=age,
        postpartum_day=day,
        cadre=pairing.cadre if pairing else None,
        baseline_volume_ml=volumes.before.volume if volumes.before else None,
        follow_up_volume_ml=volumes.after.volume if volumes.after else None,
    )


# Every care row is seen through its mother: a row is visible exactly when its mother is.


def _through_mother(model, user: User) -> QuerySet:
    return model.objects.filter(mother__in=mothers_visible_to(user))


def referrals_visible_to(user: User) -> QuerySet[Referral]:
    return _through_mother(Referral, user)


def flags_visible_to(user: User) -> QuerySet[Flag]:
    return _through_mother(Flag, user)


def consents_visible_to(user: User) -> QuerySet[Consent]:
    return _through_mother(Consent, user)


def scheduled_sessions_visible_to(user: User) -> QuerySet[ScheduledSession]:
    return _through_mother(ScheduledSession, user)


def massage_sessions_visible_to(user: User) -> QuerySet[MassageSession]:
    return _through_mother(MassageSession, user)


def danger_sign_reports_visible_to(user: User) -> QuerySet[DangerSignReport]:
    return _through_mother(DangerSignReport, user)


def latch_observations_visible_to(user: User) -> QuerySet[LatchObservation]:
    return _through_mother(LatchObservation, user)


def open_referrals(user: User) -> QuerySet[Referral]:
    """The referrals `user` must act on: red danger signs first (those not yet acknowledged
    before the others), then the other red ones, then amber; the oldest first within each."""
    return (
        referrals_visible_to(user)
        .filter(status__in=[ReferralStatus.OPEN, ReferralStatus.ACKNOWLEDGED])
        .select_related("flag__rule", "mother__posyandu", "acknowledged_by")
        .annotate(
            # A red danger sign first (not yet acknowledged before one she is acting on), then
            # the other red referrals, then amber.
            severity_order=Case(
                When(
                    flag__severity=FlagSeverity.RED,
                    flag__rule__code=DANGER_SIGN_RULE,
                    status=ReferralStatus.OPEN,
                    then=Value(0),
                ),
                When(
                    flag__severity=FlagSeverity.RED,
                    flag__rule__code=DANGER_SIGN_RULE,
                    then=Value(1),
                ),
                When(flag__severity=FlagSeverity.RED, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            )
        )
        .order_by("severity_order", "opened_at")
    )


def flags_of_referral(referral: Referral) -> QuerySet[Flag]:
    """The referral's own flag and the later flags of the same rule for the same mother, raised
    while it was open (they opened no referral of their own)."""
    flags = Flag.objects.filter(
        mother_id=referral.mother_id,
        rule_id=referral.flag.rule_id,
        raised_at__gte=referral.opened_at,
    )
    if referral.closed_at is not None:
        flags = flags.filter(raised_at__lte=referral.closed_at)
    return flags.select_related("rule").order_by("raised_at")


class AreaDistance(IntegerChoices):
    """How far a cadre lives from the mother, read off the area tree (nearest first)."""

    SAME_POSYANDU = 0, _("Same posyandu")
    SAME_VILLAGE = 1, _("Same village")
    SAME_DISTRICT = 2, _("Same district")
    FARTHER = 3, _("Another district")


@dataclass(frozen=True)
class PairingCandidate:
    cadre: Cadre
    certified: bool
    active_clients: int
    capacity: int
    distance: AreaDistance
    # The mothers she accompanies now that the user may see (to finish or hand one over).
    clients: tuple[Mother, ...] = ()

    @property
    def at_capacity(self) -> bool:
        return self.active_clients >= self.capacity

    @property
    def available(self) -> bool:
        """Free to pair without a coordinator's override: certified with a place free."""
        return self.certified and not self.at_capacity


def _area_distance(cadre_posyandu, mother_posyandu) -> AreaDistance:
    if cadre_posyandu.pk == mother_posyandu.pk:
        return AreaDistance.SAME_POSYANDU
    if cadre_posyandu.parent_id == mother_posyandu.parent_id:
        return AreaDistance.SAME_VILLAGE
    cadre_district = cadre_posyandu.parent.parent_id if cadre_posyandu.parent else None
    mother_district = mother_posyandu.parent.parent_id if mother_posyandu.parent else None
    if cadre_district is not None and cadre_district == mother_district:
        return AreaDistance.SAME_DISTRICT
    return AreaDistance.FARTHER


def pairing_candidates(user: User, mother: Mother, *, on: dt.date) -> list[PairingCandidate]:
    """The cadres of the mother's programme `user` may see, with whether each holds a valid
    certificate on `on` (the rule of training.certification.valid_certificate), how many
    clients she accompanies now (and which of them `user` may see) and how far she lives from
    the mother in the area tree: those free to pair first, nearest first, then the others."""
    from kaderasi.training.models import Certificate

    valid = Certificate.objects.filter(
        cadre=OuterRef("pk"), issued_on__lte=on, expires_on__gt=on
    ).filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=on))
    open_pairings = (
        Pairing.objects.filter(cadre=OuterRef("pk"), ends_at__isnull=True)
        .order_by()
        .values("cadre")
        .annotate(total=Count("pk"))
        .values("total")
    )
    visible_mothers = mothers_visible_to(user)
    cadres = (
        Cadre.objects.filter(
            pk__in=cadres_visible_to(user).values("pk"), programme_id=mother.programme_id
        )
        .select_related("posyandu__parent__parent")
        .annotate(
            certified=Exists(valid),
            active_clients=Coalesce(Subquery(open_pairings, output_field=IntegerField()), 0),
        )
        .prefetch_related(
            Prefetch(
                "pairings",
                queryset=Pairing.objects.filter(ends_at__isnull=True, mother__in=visible_mothers)
                .select_related("mother")
                .order_by("starts_at"),
                to_attr="open_visible_pairings",
            )
        )
    )
    mother_posyandu = Area.objects.select_related("parent").get(pk=mother.posyandu_id)
    cap = mother.programme.max_active_clients_per_cadre
    candidates = [
        PairingCandidate(
            cadre=cadre,
            certified=cadre.certified,
            active_clients=cadre.active_clients,
            capacity=cap,
            distance=_area_distance(cadre.posyandu, mother_posyandu),
            clients=tuple(p.mother for p in cadre.open_visible_pairings),
        )
        for cadre in cadres
    ]
    return sorted(
        candidates,
        key=lambda c: (
            not c.available,
            c.distance,
            c.at_capacity,
            not c.certified,
            c.active_clients,
            c.cadre.code,
        ),
    )


def paired_or_done() -> Exists:
    """Per mother row: she has an open pairing, or an accompaniment completed or withdrawn
    from. Such a mother waits for no cadre (see `awaits_cadre`)."""
    return Exists(
        Pairing.objects.filter(
            Q(ends_at__isnull=True)
            | Q(end_reason__in=[PairingEndReason.COMPLETED, PairingEndReason.WITHDRAWN]),
            mother=OuterRef("pk"),
        )
    )


def awaits_cadre(*, paired_or_done: bool, stage: MotherStage) -> bool:
    """The one rule of "waiting for a cadre": not past her puerperium, and `paired_or_done`
    false. The midwife's home lists these mothers and her village list marks them."""
    return not paired_or_done and stage != MotherStage.PUERPERIUM_ENDED


def mothers_awaiting_cadre(user: User, *, now: dt.datetime) -> list[MotherRow]:
    """The mothers `user` may see who wait for a cadre (`awaits_cadre`); the longest
    registered first."""
    mothers = (
        mothers_visible_to(user)
        .annotate(paired_or_done=paired_or_done())
        .filter(paired_or_done=False)
        .order_by("created_at", "pk")
    )
    return [
        row
        for row in mother_rows(mothers, now=now)
        if awaits_cadre(paired_or_done=False, stage=row.stage)
    ]


def duplicate_condition(*, nik: str = "", phone: str = "") -> Q | None:
    """The condition matching mothers who share `nik` or `phone` (None when neither is given)."""
    # NIK and phone are encrypted at rest: matched through their keyed hashes (core.field_crypto).
    condition = Q(pk__in=[])
    if nik:
        condition |= Q(nik_hash__in=lookup_hashes(NIK, nik))
    if phone:
        condition |= Q(phone_hash__in=lookup_hashes(PHONE, phone))
    return condition if (nik or phone) else None


@dataclass(frozen=True)
class PossibleDuplicate:
    """A registered mother the user may see who shares the NIK or phone number typed. Mothers
    outside what she may see are not looked at: the check must not tell her that a NIK or a
    phone number exists in another region (issue 14)."""

    matched_on: str
    mother: Mother


def possible_duplicates(user: User, *, nik: str = "", phone: str = "") -> list[PossibleDuplicate]:
    condition = duplicate_condition(nik=nik, phone=phone)
    if condition is None:
        return []
    found = []
    visible = mothers_visible_to(user).filter(condition)
    for mother in visible.select_related("programme", "posyandu")[:10]:
        matched_on = "nik" if nik and mother.nik == nik else "phone"
        found.append(PossibleDuplicate(matched_on, mother))
    return found


def reads_of_mother(mother: Mother, *, limit: int = 500) -> list[MotherRead]:
    """The latest reads of `mother`'s data, newest first, with who read (one query)."""
    return list(mother.reads.select_related("user")[:limit])


def _names_withheld_from(user: User) -> bool:
    return getattr(user, "role", None) == Role.DISTRICT_OFFICE and not user.is_superuser


def mothers_identified_to(user: User) -> QuerySet[Mother]:
    """The mothers whose names and pages `user` may open: those she may see, except that the
    district office sees codes and aggregates only, unless the programme grants it names
    (`Programme.district_sees_names`; UU PDP data minimisation, decision 0122)."""
    mothers = mothers_visible_to(user)
    if _names_withheld_from(user):
        mothers = mothers.filter(programme__district_sees_names=True)
    return mothers


def mother_identified_to(user: User, mother: Mother) -> bool:
    """Whether `user` may read `mother`'s name (one query per user and request, not per row)."""
    if not _names_withheld_from(user):
        return True
    granted = getattr(user, "_programmes_granting_names", None)
    if granted is None:
        from kaderasi.programmes.models import Programme

        granted = set(
            Programme.objects.filter(district_sees_names=True).values_list("pk", flat=True)
        )
        user._programmes_granting_names = granted
    return mother.programme_id in granted
