"""The midwife's village list: every mother in her scope with stage, adherence and open flags,
filtered and sorted in the database, one page at a time, in a fixed number of queries."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaderasi.accounts.models import User
from kaderasi.care.models import (
    Delivery,
    FlagSeverity,
    Mother,
    Pairing,
    Pregnancy,
    Referral,
    ReferralStatus,
    ScheduledSession,
)
from kaderasi.care.models.mothers import NIK
from kaderasi.care.scheduling import Adherence
from kaderasi.care.selectors import (
    PUERPERIUM_DAYS,
    MotherStage,
    awaits_cadre,
    mothers_visible_to,
    paired_or_done,
)
from kaderasi.care.timing import GestationalAge, gestational_age, postpartum_day
from kaderasi.core.field_crypto import lookup_hashes
from kaderasi.core.phones import PHONE, normalize_phone
from kaderasi.regions.models import Area, AreaLevel

PAGE_SIZE = 50

SORTS = {
    "name": ["name", "code"],
    "-name": ["-name", "-code"],
    "village": ["posyandu__parent__name", "posyandu__name", "name"],
    "stage": ["stage_order", "-delivered_at", "-last_menstrual_period", "name"],
    "adherence": [F("adherence_percent").asc(nulls_last=True), "name"],
    "-adherence": [F("adherence_percent").desc(nulls_last=True), "name"],
    "flags": ["-red_flags", "-open_flags", "stage_order", "-delivered_at", "name"],
}
DEFAULT_SORT = "flags"

ACTIVE_STAGES = (MotherStage.PREGNANT, MotherStage.POSTPARTUM)


@dataclass(frozen=True)
class VillageFilters:
    stage: str = "all"  # "all", "active" (pregnant or post-partum) or a MotherStage value
    village: int | None = None
    flagged_only: bool = False
    unpaired_only: bool = False
    search: str = ""
    sort: str = DEFAULT_SORT


@dataclass(frozen=True)
class VillageRow:
    mother: Mother
    stage: MotherStage
    gestational_age: GestationalAge | None
    postpartum_day: int | None
    cadre_name: str | None
    sessions_done: int
    sessions_due: int
    adherence_percent: int | None
    open_flags: int
    red_flags: int
    # Marked "No cadre": the home page's "waiting for a cadre" rule (`awaits_cadre`), so the list
    # never marks a mother the home says needs none (one whose puerperium ended, or whose
    # accompaniment was completed).
    awaits_cadre: bool

    @property
    def amber_flags(self) -> int:
        return self.open_flags - self.red_flags


def annotated_mothers(mothers: QuerySet[Mother], *, now: dt.datetime) -> QuerySet[Mother]:
    """`mothers` with stage, adherence counts and open flags computed by the database."""
    latest_pregnancy = Pregnancy.objects.filter(mother=OuterRef("pk")).order_by("-created_at")
    # Her latest pregnancy's delivery, found through the unique index on its pregnancy: a join
    # of deliveries inside the per-mother subquery let PostgreSQL hash every delivery once per
    # mother (3.8 s for the flags sort of 5,000 mothers, issue 15).
    latest_delivery = Delivery.objects.filter(
        pregnancy_id=Subquery(
            Pregnancy.objects.filter(mother=OuterRef(OuterRef("pk")))
            .order_by("-created_at")
            .values("pk")[:1]
        )
    )
    live = ScheduledSession.objects.filter(mother=OuterRef("pk"), cancelled_at__isnull=True)
    open_referrals = Referral.objects.filter(
        mother=OuterRef("pk"), status__in=[ReferralStatus.OPEN, ReferralStatus.ACKNOWLEDGED]
    )
    puerperium_start = now - dt.timedelta(days=PUERPERIUM_DAYS)
    mothers = mothers.annotate(
        delivered_at=Subquery(latest_delivery.values("delivered_at")),
        last_menstrual_period=Subquery(latest_pregnancy.values("last_menstrual_period")[:1]),
        estimated_delivery_date=Subquery(latest_pregnancy.values("estimated_delivery_date")[:1]),
        has_pregnancy=Exists(latest_pregnancy),
        sessions_done=_count(live.filter(massage_session__isnull=False)),
        # A session skipped with its reason (she declined) is not missed (issue 19).
        sessions_missed=_count(
            live.filter(
                massage_session__isnull=True, skipped_at__isnull=True, window_ends_at__lte=now
            )
        ),
        open_flags=_count(open_referrals),
        red_flags=_count(open_referrals.filter(flag__severity=FlagSeverity.RED)),
        cadre_name=Subquery(
            Pairing.objects.filter(mother=OuterRef("pk"), ends_at__isnull=True).values(
                "cadre__name"
            )[:1]
        ),
        paired_or_done=paired_or_done(),
    )
    # The database counts what `care.scheduling.adherence` counts (due = done + missed: a session
    # in its open window counts against no one), so the list can sort by it; rows show
    # `Adherence.percent` of these counts.
    return mothers.annotate(
        sessions_due=F("sessions_done") + F("sessions_missed"),
        adherence_percent=Case(
            When(sessions_due=0, then=None),
            default=Cast(F("sessions_done"), FloatField())
            * 100
            / Cast(F("sessions_due"), FloatField()),
            output_field=FloatField(),
        ),
        stage=Case(
            When(delivered_at__gt=puerperium_start, then=Value(MotherStage.POSTPARTUM.value)),
            When(delivered_at__isnull=False, then=Value(MotherStage.PUERPERIUM_ENDED.value)),
            When(has_pregnancy=True, then=Value(MotherStage.PREGNANT.value)),
            default=Value(MotherStage.UNKNOWN.value),
            output_field=CharField(),
        ),
        stage_order=Case(
            When(stage=MotherStage.POSTPARTUM.value, then=Value(0)),
            When(stage=MotherStage.PREGNANT.value, then=Value(1)),
            When(stage=MotherStage.PUERPERIUM_ENDED.value, then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        ),
    )


def _count(rows: QuerySet) -> Coalesce:
    counted = rows.order_by().values("mother").annotate(total=Count("pk")).values("total")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def village_list(
    user: User, *, filters: VillageFilters, now: dt.datetime, page_number: int | str = 1
) -> Page:
    """One page of the mothers `user` may see, filtered and sorted; `page.object_list` holds
    `VillageRow`s."""
    mothers = Mother.objects.filter(pk__in=mothers_visible_to(user).values("pk"))
    mothers = annotated_mothers(mothers.select_related("posyandu__parent"), now=now)
    if filters.stage == "active":
        mothers = mothers.filter(stage__in=[stage.value for stage in ACTIVE_STAGES])
    elif filters.stage in MotherStage.values:
        mothers = mothers.filter(stage=filters.stage)
    if filters.village:
        mothers = mothers.filter(posyandu__parent_id=filters.village)
    if filters.flagged_only:
        mothers = mothers.filter(open_flags__gt=0)
    if filters.unpaired_only:
        mothers = mothers.filter(cadre_name__isnull=True)
    if filters.search.strip():
        term = filters.search.strip()
        mothers = mothers.filter(Q(name__icontains=term) | Q(code__iexact=term) | _identifier(term))
    mothers = mothers.order_by(*SORTS.get(filters.sort, SORTS[DEFAULT_SORT]))
    page = Paginator(mothers, PAGE_SIZE).get_page(page_number)
    page.object_list = [_row(mother, now) for mother in page.object_list]
    return page


def _identifier(term: str) -> Q:
    """A whole NIK or phone number typed in the search, matched through its keyed hash (both are
    encrypted at rest)."""
    condition = Q(nik_hash__in=lookup_hashes(NIK, term))
    try:
        return condition | Q(phone_hash__in=lookup_hashes(PHONE, normalize_phone(term)))
    except ValidationError:
        return condition


def _row(mother: Mother, now: dt.datetime) -> VillageRow:
    stage = MotherStage(mother.stage)
    age = day = None
    if stage == MotherStage.PREGNANT:
        age = gestational_age(
            last_menstrual_period=mother.last_menstrual_period,
            estimated_delivery_date=mother.estimated_delivery_date,
            on=timezone.localdate(now),
        )
    elif mother.delivered_at is not None:
        day = postpartum_day(mother.delivered_at, now)
    due = mother.sessions_due
    return VillageRow(
        mother=mother,
        stage=stage,
        gestational_age=age,
        postpartum_day=day,
        cadre_name=mother.cadre_name,
        sessions_done=mother.sessions_done,
        sessions_due=due,
        adherence_percent=Adherence(done=mother.sessions_done, due=due).percent,
        open_flags=mother.open_flags,
        red_flags=mother.red_flags,
        awaits_cadre=awaits_cadre(paired_or_done=mother.paired_or_done, stage=stage),
    )


def villages_of(user: User) -> QuerySet[Area]:
    """The villages whose mothers `user` may see (for the village filter)."""
    village_ids = mothers_visible_to(user).values_list("posyandu__parent_id", flat=True).distinct()
    return Area.objects.filter(pk__in=village_ids, level=AreaLevel.VILLAGE).order_by("name")


STAGE_FILTERS = [
    ("all", _("All mothers")),
    ("active", _("Pregnant and post-partum")),
    (MotherStage.PREGNANT.value, MotherStage.PREGNANT.label),
    (MotherStage.POSTPARTUM.value, MotherStage.POSTPARTUM.label),
    (MotherStage.PUERPERIUM_ENDED.value, MotherStage.PUERPERIUM_ENDED.label),
]
