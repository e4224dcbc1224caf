"""The raw data of one programme, as the report and the Excel export need it: cadres and their
knowledge scores, mothers with their baseline and follow-up milk volumes, trainings and team.
Read in a fixed number of queries. Only shown to people who may see the whole programme (see
`selectors.programme_report_allowed`)."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Prefetch, Q

from kaderasi.cadres.models import Cadre
from kaderasi.care.models import (
    MassageSession,
    Measurement,
    MeasurementKind,
    MilkPhase,
    Mother,
    Pairing,
    Pregnancy,
    StudyGroup,
)
from kaderasi.evaluation.selectors import phase_volume
from kaderasi.programmes.models import Programme, StudyDesign
from kaderasi.regions.models import Area
from kaderasi.training.models import TestAttempt, TestPhase, Training


@dataclass(frozen=True)
class MilkPoint:
    volume_ml: Decimal
    measured_at: dt.datetime
    postpartum_day: int | None
    method: str
    basis: str


@dataclass(frozen=True)
class MotherResult:
    """One mother of the programme: who she is (never shown when pseudonymised), her delivery, her
    cadre, and the baseline and follow-up milk volumes the evaluation counts."""

    code: str
    name: str
    group: str
    posyandu: str
    cadre_code: str
    delivered_at: dt.datetime | None
    delivery_type: str
    parity: int | None
    before: MilkPoint | None
    after: MilkPoint | None
    milk_volumes_without_phase: int

    @property
    def change_ml(self) -> Decimal | None:
        if self.before is None or self.after is None:
            return None
        return self.after.volume_ml - self.before.volume_ml

    @property
    def change_percent(self) -> float | None:
        if self.before is None or self.after is None or not self.before.volume_ml:
            return None
        return float(100 * (self.after.volume_ml - self.before.volume_ml) / self.before.volume_ml)


@dataclass(frozen=True)
class CadreResult:
    """One cadre: her identity (never shown when pseudonymised) and the knowledge scores of her
    first training with both tests (else of her first training with any test)."""

    code: str
    name: str
    phone: str
    posyandu: str
    village: str
    training: str
    pre: Decimal | None
    post: Decimal | None
    pre_taken_on: dt.date | None
    post_taken_on: dt.date | None
    illustrative: bool


@dataclass(frozen=True)
class TrainingSummary:
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    venue: str
    pre_tests: int
    post_tests: int


@dataclass(frozen=True)
class CertificationOverride:
    """A pairing a coordinator made with a cadre who held no valid certificate, and why."""

    mother_code: str
    cadre_code: str
    starts_at: dt.datetime
    reason: str
    recorded_by: str


@dataclass(frozen=True)
class ProgrammeData:
    programme: Programme
    area_chain: list[str]
    team: list[str]
    trainings: list[TrainingSummary]
    cadres: list[CadreResult]
    mothers: list[MotherResult]
    mothers_accompanied: int
    massages_recorded: int
    methods: dict[str, int]
    bases: dict[str, int]
    certification_overrides: list[CertificationOverride] = field(default_factory=list)

    @property
    def two_groups(self) -> bool:
        return self.programme.design == StudyDesign.TWO_GROUP

    def mothers_in(self, group: str) -> list[MotherResult]:
        return [m for m in self.mothers if m.group == group]

    @property
    def evaluated_mothers(self) -> list[MotherResult]:
        """The mothers whose milk volume the evaluation summarises: the intervention group, or
        everyone when the programme has no comparison group."""
        if self.two_groups:
            return self.mothers_in(StudyGroup.INTERVENTION)
        return self.mothers


def _local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def programme_data(programme: Programme) -> ProgrammeData:
    """Everything the report and the raw export need about `programme`, in a fixed number of
    queries whatever its size."""
    area_ids = [int(part) for part in programme.area.path.strip("/").split("/") if part]
    areas = {a.pk: a for a in Area.objects.filter(pk__in=area_ids)}
    area_chain = [areas[i].name for i in reversed(area_ids) if i in areas]

    trainings = [
        TrainingSummary(
            title=t.title,
            starts_at=t.starts_at,
            ends_at=t.ends_at,
            venue=t.venue,
            pre_tests=t.pre_tests,
            post_tests=t.post_tests,
        )
        for t in Training.objects.filter(programme=programme)
        .annotate(
            pre_tests=Count("attempts", filter=Q(attempts__phase=TestPhase.PRE)),
            post_tests=Count("attempts", filter=Q(attempts__phase=TestPhase.POST)),
        )
        .order_by("starts_at", "pk")
    ]
    team = [user.get_full_name() or user.username for user in programme.team.order_by("pk")]

    return ProgrammeData(
        programme=programme,
        area_chain=area_chain,
        team=team,
        trainings=trainings,
        cadres=_cadres(programme),
        mothers=_mothers(programme),
        mothers_accompanied=Pairing.objects.filter(mother__programme=programme)
        .values("mother")
        .distinct()
        .count(),
        massages_recorded=MassageSession.objects.filter(mother__programme=programme).count(),
        certification_overrides=_certification_overrides(programme),
        **_methods_and_bases(programme),
    )


def _cadres(programme: Programme) -> list[CadreResult]:
    cadres = (
        Cadre.objects.filter(programme=programme)
        .select_related("posyandu__parent")
        .prefetch_related(
            Prefetch(
                "test_attempts",
                queryset=TestAttempt.objects.select_related("training").order_by(
                    "training__starts_at", "training_id"
                ),
                to_attr="ordered_attempts",
            )
        )
        .order_by("code")
    )
    results = []
    for cadre in cadres:
        by_training: dict[int, dict[str, TestAttempt]] = {}
        for attempt in cadre.ordered_attempts:
            by_training.setdefault(attempt.training_id, {})[attempt.phase] = attempt
        chosen = next(
            (tests for tests in by_training.values() if len(tests) == 2),
            next(iter(by_training.values()), {}),
        )
        pre, post = chosen.get(TestPhase.PRE), chosen.get(TestPhase.POST)
        any_attempt = pre or post
        village = cadre.posyandu.parent
        results.append(
            CadreResult(
                code=cadre.code,
                name=cadre.name,
                phone=cadre.phone,
                posyandu=cadre.posyandu.name,
                village=village.name if village else "",
                training=any_attempt.training.title if any_attempt else "",
                pre=pre.score if pre else None,
                post=post.score if post else None,
                pre_taken_on=pre.taken_on if pre else None,
                post_taken_on=post.taken_on if post else None,
                illustrative=any(a.is_illustrative for a in chosen.values()),
            )
        )
    return results


def _mothers(programme: Programme) -> list[MotherResult]:
    mothers = (
        Mother.objects.filter(programme=programme)
        .select_related("posyandu")
        .prefetch_related(
            Prefetch(
                "pregnancies",
                queryset=Pregnancy.objects.select_related("delivery").order_by(
                    "-created_at", "-pk"
                ),
                to_attr="ordered_pregnancies",
            ),
            Prefetch(
                "pairings",
                queryset=Pairing.objects.select_related("cadre").order_by("-starts_at", "-pk"),
                to_attr="ordered_pairings",
            ),
            Prefetch(
                "measurements",
                queryset=Measurement.objects.filter(kind=MeasurementKind.MILK_VOLUME).order_by(
                    "measured_at", "pk"
                ),
                to_attr="milk_volumes",
            ),
        )
        .order_by("code")
    )
    results = []
    for mother in mothers:
        pregnancy = mother.ordered_pregnancies[0] if mother.ordered_pregnancies else None
        delivery = getattr(pregnancy, "delivery", None) if pregnancy else None
        delivered_at = delivery.delivered_at if delivery else None
        open_pairings = [p for p in mother.ordered_pairings if p.ends_at is None]
        pairing = (open_pairings or mother.ordered_pairings or [None])[0]
        # The volume each phase contributes is the one the evaluation counts (the earliest; one
        # breast plus the other measured separately), so the table and the statistics agree.
        by_phase: dict[str, MilkPoint] = {}
        for phase in (MilkPhase.BEFORE, MilkPhase.AFTER):
            counted, _unused = phase_volume(
                [m for m in mother.milk_volumes if m.phase == phase], [delivery] if delivery else []
            )
            if counted is not None:
                by_phase[phase] = MilkPoint(
                    volume_ml=Decimal(str(counted.volume_ml)),
                    measured_at=counted.measured_at,
                    postpartum_day=counted.postpartum_day,
                    method=counted.method,
                    basis=counted.basis,
                )
        results.append(
            MotherResult(
                code=mother.code,
                name=mother.name,
                group=mother.group,
                posyandu=mother.posyandu.name,
                cadre_code=pairing.cadre.code if pairing else "",
                delivered_at=delivered_at,
                delivery_type=delivery.delivery_type if delivery else "",
                parity=delivery.parity if delivery else None,
                before=by_phase.get(MilkPhase.BEFORE),
                after=by_phase.get(MilkPhase.AFTER),
                milk_volumes_without_phase=sum(1 for m in mother.milk_volumes if not m.phase),
            )
        )
    return results


def _certification_overrides(programme: Programme) -> list[CertificationOverride]:
    pairings = (
        Pairing.objects.filter(mother__programme=programme)
        .exclude(certification_override_reason="")
        .select_related("mother", "cadre", "certification_override_by")
        .order_by("starts_at", "pk")
    )
    return [
        CertificationOverride(
            mother_code=pairing.mother.code,
            cadre_code=pairing.cadre.code,
            starts_at=pairing.starts_at,
            reason=pairing.certification_override_reason,
            recorded_by=pairing.certification_override_by.get_full_name()
            or pairing.certification_override_by.username,
        )
        for pairing in pairings
    ]


def _methods_and_bases(programme: Programme) -> dict:
    rows = Measurement.objects.filter(
        mother__programme=programme, kind=MeasurementKind.MILK_VOLUME
    ).exclude(phase="")
    methods: Counter = Counter()
    bases: Counter = Counter()
    for method, basis, count in rows.values_list("method", "basis").annotate(count=Count("pk")):
        methods[method or ""] += count
        bases[basis or "unknown"] += count
    return {"methods": dict(methods), "bases": dict(bases)}


def delivery_date(mother: MotherResult) -> dt.date | None:
    return _local_date(mother.delivered_at) if mother.delivered_at else None


def measured_on(point: MilkPoint) -> dt.date:
    return _local_date(point.measured_at)
