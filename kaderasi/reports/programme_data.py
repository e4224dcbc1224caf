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
from django.db.models import Count, F, Prefetch, Q

from kaderasi.cadres.models import Cadre
from kaderasi.care.models import (
    MassageSession,
    Measurement,
    MeasurementKind,
    Mother,
    Pairing,
    Pregnancy,
    StudyGroup,
)
from kaderasi.care.phase_volumes import PhaseVolume, PhaseVolumes
from kaderasi.care.selectors import phase_volumes_of
from kaderasi.programmes.models import Programme, StudyDesign
from kaderasi.regions.models import Area
from kaderasi.training.knowledge_pairs import programme_pairs
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
    """One cadre: her identity (never shown when pseudonymised) and her knowledge pair as the
    evaluation counts it (`training.knowledge_pairs.programme_pairs`: the earliest training of
    the programme in which she completed a test; a test still being answered is ignored)."""

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
    # Every mother's phase volumes by her id, as `mothers` was built from: the raw sheets of the
    # workbook write them again, and read them here instead of computing them a second time.
    phase_volumes: dict[int, PhaseVolumes] = field(default_factory=dict)

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
    # The volume each phase contributes is the one the evaluation counts
    # (`care.phase_volumes`), so the table and the statistics agree.
    volumes = phase_volumes_of(Mother.objects.filter(programme=programme))

    return ProgrammeData(
        programme=programme,
        area_chain=area_chain,
        team=team,
        trainings=trainings,
        cadres=_cadres(programme),
        mothers=_mothers(programme, volumes),
        mothers_accompanied=Pairing.objects.filter(mother__programme=programme)
        .values("mother")
        .distinct()
        .count(),
        massages_recorded=MassageSession.objects.filter(mother__programme=programme).count(),
        certification_overrides=_certification_overrides(programme),
        **_methods_and_bases(programme),
        phase_volumes=volumes,
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
    pairs = programme_pairs(attempt for cadre in cadres for attempt in cadre.ordered_attempts)
    results = []
    for cadre in cadres:
        pair = pairs.get(cadre.pk)
        pre, post = (pair.pre, pair.post) if pair else (None, None)
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
                pre=pair.pre_score if pair else None,
                post=pair.post_score if pair else None,
                pre_taken_on=pre.taken_on if pre else None,
                post_taken_on=post.taken_on if post else None,
                illustrative=any(a.is_illustrative for a in pair.attempts) if pair else False,
            )
        )
    return results


def _mothers(programme: Programme, volumes: dict[int, PhaseVolumes]) -> list[MotherResult]:
    """Read as plain values (a district has thousands of mothers: model instances and their
    prefetches cost several times as much), in four queries; `volumes`: their phase volumes."""
    chosen = Mother.objects.filter(programme=programme)
    # Her latest registered pregnancy's delivery, as `pregnancies_prefetch` orders them.
    deliveries: dict[int, tuple] = {}
    for mother_id, *delivery in (
        Pregnancy.objects.filter(mother__in=chosen.values("pk"))
        .order_by("-created_at", "-pk")
        .values_list(
            "mother_id", "delivery__delivered_at", "delivery__delivery_type", "delivery__parity"
        )
    ):
        deliveries.setdefault(mother_id, tuple(delivery))
    # Her open pairing, else her latest.
    cadres: dict[int, str] = {}
    for mother_id, cadre_code in (
        Pairing.objects.filter(mother__in=chosen.values("pk"))
        .order_by(F("ends_at").asc(nulls_first=True), "-starts_at", "-pk")
        .values_list("mother_id", "cadre__code")
    ):
        cadres.setdefault(mother_id, cadre_code)
    without_phase = dict(
        Measurement.objects.filter(
            mother__in=chosen.values("pk"), kind=MeasurementKind.MILK_VOLUME, phase=""
        )
        .values_list("mother_id")
        .annotate(count=Count("pk"))
        .values_list("mother_id", "count")
    )
    results = []
    rows = chosen.order_by("code").values_list("pk", "code", "name", "group", "posyandu__name")
    for pk, code, name, group, posyandu in rows:
        delivered_at, delivery_type, parity = deliveries.get(pk, (None, None, None))
        phases = volumes.get(pk)
        results.append(
            MotherResult(
                code=code,
                name=name,
                group=group,
                posyandu=posyandu,
                cadre_code=cadres.get(pk, ""),
                delivered_at=delivered_at,
                delivery_type=delivery_type or "",
                parity=parity,
                before=_milk_point(phases.before if phases else None),
                after=_milk_point(phases.after if phases else None),
                milk_volumes_without_phase=without_phase.get(pk, 0),
            )
        )
    return results


def _milk_point(volume: PhaseVolume | None) -> MilkPoint | None:
    if volume is None:
        return None
    return MilkPoint(
        volume_ml=volume.volume,
        measured_at=volume.measured_at,
        postpartum_day=volume.postpartum_day,
        method=volume.method,
        basis=volume.basis,
    )


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
