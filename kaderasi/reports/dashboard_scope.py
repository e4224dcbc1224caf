"""What a dashboard counts: the viewer's scope over the rollups (the same rows as
`mothers_visible_to` / `cadres_visible_to`), her filters, and the condition behind each number,
which is also the filter of the list that number links to."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaderasi.accounts.models import Role, User
from kaderasi.accounts.selectors import scope_areas_of, sees_everything
from kaderasi.care.selectors import PUERPERIUM_DAYS
from kaderasi.evaluation.norms import ReferenceRange
from kaderasi.programmes.models import Programme
from kaderasi.regions.models import Area


class Granularity(StrEnum):
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True)
class DashboardFilters:
    """What the viewer asked for. `area` and `programme` narrow her scope, never widen it."""

    starts_on: dt.date
    ends_on: dt.date
    granularity: Granularity = Granularity.WEEK
    area: Area | None = None
    programme: Programme | None = None


def rollup_scope_q(user: User) -> Q:
    """Rollup rows (of mothers, cadres, posyandu-days) the user may count: the same scope as
    `mothers_visible_to` and `cadres_visible_to`. Cadres have no dashboard: nothing."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if sees_everything(user):
        return Q()
    if user.role == Role.CADRE:
        return Q(pk__in=[])
    condition = Q(pk__in=[])
    for area in scope_areas_of(user):
        condition |= Q(area_path__startswith=area.path)
    if user.role == Role.COORDINATOR:
        # A subquery, not a join: joining the team would count a row once per team member.
        condition |= Q(programme_id__in=Programme.objects.filter(team=user).values("pk"))
    return condition


def filter_q(filters: DashboardFilters) -> Q:
    condition = Q()
    if filters.area is not None:
        condition &= Q(area_path__startswith=filters.area.path)
    if filters.programme is not None:
        condition &= Q(programme_id=filters.programme.pk)
    return condition


# --- mothers: the conditions behind each number ------------------------------------------------


class MotherList(StrEnum):
    """The lists behind the mother numbers; each is one condition on `MotherRollup`."""

    ALL = "all"
    PREGNANT = "pregnant"
    POSTPARTUM = "postpartum"
    ENDED = "ended"
    UNKNOWN = "unknown"
    ACCOMPANIED = "accompanied"
    UNACCOMPANIED = "unaccompanied"
    BELOW_REFERENCE = "below_reference"
    NOT_COMPARABLE = "not_comparable"
    MISSED_SESSIONS = "missed_sessions"
    SESSIONS_IN_PERIOD = "sessions_in_period"
    OPEN_REFERRALS = "open_referrals"
    DELIVERED_IN_PERIOD = "delivered_in_period"
    REGISTERED_IN_PERIOD = "registered_in_period"


MOTHER_LIST_TITLES = {
    MotherList.ALL: _("All mothers"),
    MotherList.PREGNANT: _("Pregnant mothers"),
    MotherList.POSTPARTUM: _("Mothers in the puerperium (day 1–42)"),
    MotherList.ENDED: _("Mothers whose puerperium has ended"),
    MotherList.UNKNOWN: _("Mothers with no pregnancy recorded"),
    MotherList.ACCOMPANIED: _("Postpartum mothers accompanied by a cadre"),
    MotherList.UNACCOMPANIED: _("Postpartum mothers without a cadre"),
    MotherList.BELOW_REFERENCE: _("Postpartum mothers below the day's reference"),
    MotherList.NOT_COMPARABLE: _("Postpartum mothers whose milk volume cannot be compared"),
    MotherList.MISSED_SESSIONS: _("Postpartum mothers with a missed massage session"),
    MotherList.SESSIONS_IN_PERIOD: _("Mothers with massage sessions in the period"),
    MotherList.OPEN_REFERRALS: _("Mothers with an open referral"),
    MotherList.DELIVERED_IN_PERIOD: _("Mothers who delivered in the period"),
    MotherList.REGISTERED_IN_PERIOD: _("Mothers registered in the period"),
}


def period_end(filters: DashboardFilters, today: dt.date) -> dt.date:
    """The last day the period's flows are counted to: its end, or today when it ends later."""
    return min(filters.ends_on, today)


def local_days_q(field: str, first: dt.date | None, last: dt.date | None) -> Q:
    """`field` (a time) falls on a local day from `first` to `last` (either end open if None)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    condition = Q()
    if first is not None:
        condition &= Q(**{f"{field}__gte": dt.datetime.combine(first, dt.time(), zone)})
    if last is not None:
        next_day = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), zone)
        condition &= Q(**{f"{field}__lt": next_day})
    return condition


def stage_q(now: dt.datetime) -> dict[str, Q]:
    puerperium_start = now - dt.timedelta(days=PUERPERIUM_DAYS)
    return {
        "pregnant": Q(has_pregnancy=True, delivered_at__isnull=True),
        "postpartum": Q(delivered_at__gt=puerperium_start, delivered_at__lte=now),
        "ended": Q(delivered_at__lte=puerperium_start),
        "unknown": Q(has_pregnancy=False),
    }


def compared_q(references: Sequence[ReferenceRange]) -> tuple[Q, Q]:
    """(compared, below): a mother's latest 24-hour volume on a day with a reference range, and
    that volume under the range's lower bound."""
    compared = Q(pk__in=[])
    below = Q(pk__in=[])
    for reference in references:
        day = Q(latest_24h_day=reference.postpartum_day, latest_24h_ml__isnull=False)
        compared |= day
        below |= day & Q(latest_24h_ml__lt=reference.lower_ml)
    return compared, below


def mother_list_q(
    which: MotherList,
    *,
    now: dt.datetime,
    references: Sequence[ReferenceRange],
    filters: DashboardFilters,
) -> Q:
    stages = stage_q(now)
    compared, below = compared_q(references)
    postpartum = stages["postpartum"]
    last_day = period_end(filters, now.astimezone(ZoneInfo(settings.TIME_ZONE)).date())
    conditions = {
        MotherList.ALL: Q(),
        MotherList.PREGNANT: stages["pregnant"],
        MotherList.POSTPARTUM: postpartum,
        MotherList.ENDED: stages["ended"],
        MotherList.UNKNOWN: stages["unknown"],
        MotherList.ACCOMPANIED: postpartum & Q(accompanied=True),
        MotherList.UNACCOMPANIED: postpartum & Q(accompanied=False),
        MotherList.BELOW_REFERENCE: postpartum & below,
        MotherList.NOT_COMPARABLE: postpartum & Q(milk_volumes__gt=0) & ~compared,
        MotherList.MISSED_SESSIONS: postpartum & Q(sessions_missed__gt=0),
        MotherList.SESSIONS_IN_PERIOD: Q(
            first_window_on__lte=filters.ends_on, last_window_on__gte=filters.starts_on
        ),
        MotherList.OPEN_REFERRALS: Q(open_red_referrals__gt=0) | Q(open_amber_referrals__gt=0),
        # The day rollups count a delivery and a registration on their local day.
        MotherList.DELIVERED_IN_PERIOD: local_days_q("delivered_at", filters.starts_on, last_day),
        MotherList.REGISTERED_IN_PERIOD: Q(
            registered_on__gte=filters.starts_on, registered_on__lte=last_day
        ),
    }
    return conditions[which]


@dataclass(frozen=True)
class ReferralAgeBucket:
    """Open referrals by how many days ago (local days) they were opened: `low` to `high`."""

    key: str
    low: int
    high: int | None
    label: object

    def contains(self, days: int) -> bool:
        return days >= self.low and (self.high is None or days <= self.high)

    def opened_q(self, today: dt.date) -> Q:
        """Referrals (`opened_at`) opened within this bucket's days."""
        first = None if self.high is None else today - dt.timedelta(days=self.high)
        return local_days_q("opened_at", first, today - dt.timedelta(days=self.low))


REFERRAL_AGES = (
    ReferralAgeBucket("today", 0, 0, _("opened today")),
    ReferralAgeBucket("1-2", 1, 2, _("1–2 days ago")),
    ReferralAgeBucket("3-6", 3, 6, _("3–6 days ago")),
    ReferralAgeBucket("7+", 7, None, _("7 days ago or more")),
)
REFERRAL_AGE_BY_KEY = {bucket.key: bucket for bucket in REFERRAL_AGES}


class CadreList(StrEnum):
    ALL = "all"
    TRAINED = "trained"
    CERTIFIED = "certified"
    EXPIRING = "expiring"
    NOT_CERTIFIED = "not_certified"


CADRE_LIST_TITLES = {
    CadreList.ALL: _("All cadres"),
    CadreList.TRAINED: _("Trained cadres (post-test taken, or certified from a training)"),
    CadreList.CERTIFIED: _("Cadres holding a valid certificate"),
    CadreList.EXPIRING: _("Certified cadres due for a refresher"),
    CadreList.NOT_CERTIFIED: _("Cadres without a valid certificate"),
}


def cadre_list_q(which: CadreList, *, today: dt.date) -> Q:
    certified = Q(certified_from__lte=today, certified_until__gt=today)
    conditions = {
        CadreList.ALL: Q(),
        CadreList.TRAINED: Q(trained_on__lte=today),
        CadreList.CERTIFIED: certified,
        CadreList.EXPIRING: certified & Q(refresher_due_on__lte=today),
        CadreList.NOT_CERTIFIED: ~certified,
    }
    return conditions[which]
