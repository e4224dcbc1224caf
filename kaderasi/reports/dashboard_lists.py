"""The lists behind the dashboard numbers: the same scope and condition as each number, joined to
the people for display (paginated by the views)."""

import datetime as dt
from collections.abc import Sequence

from django.db.models import Min, QuerySet

from kaderasi.accounts.models import User
from kaderasi.evaluation.norms import ReferenceRange
from kaderasi.reports.dashboard_scope import (
    CadreList,
    DashboardFilters,
    MotherList,
    cadre_list_q,
    filter_q,
    mother_list_q,
    rollup_scope_q,
)
from kaderasi.reports.models import CadreRollup, MotherRollup, PosyanduDayRollup

# --- lists behind the numbers ------------------------------------------------------------------


def mother_rollups_for(
    user: User,
    filters: DashboardFilters,
    which: MotherList,
    *,
    now: dt.datetime,
    references: Sequence[ReferenceRange],
) -> QuerySet[MotherRollup]:
    """The mothers behind a number: the same scope and condition as the number itself."""
    condition = mother_list_q(which, now=now, references=references, filters=filters)
    return (
        MotherRollup.objects.filter(rollup_scope_q(user) & filter_q(filters) & condition)
        .select_related("mother", "posyandu", "village", "cadre")
        .order_by("-delivered_at", "mother__code")
    )


def cadre_rollups_for(
    user: User, filters: DashboardFilters, which: CadreList, *, today: dt.date
) -> QuerySet[CadreRollup]:
    condition = cadre_list_q(which, today=today)
    return (
        CadreRollup.objects.filter(rollup_scope_q(user) & filter_q(filters) & condition)
        .select_related("cadre", "posyandu", "village", "programme")
        .order_by("cadre__code")
    )


def open_referrals_for(user: User, filters: DashboardFilters, *, severity: str = ""):
    """The open (or acknowledged, not yet closed) referrals behind the referral numbers, oldest
    first, of mothers the user may see."""
    from kaderasi.care.models import Referral, ReferralStatus
    from kaderasi.care.selectors import mothers_visible_to

    rows = (
        Referral.objects.filter(
            mother__in=mothers_visible_to(user).values("pk"),
            status__in=[ReferralStatus.OPEN, ReferralStatus.ACKNOWLEDGED],
        )
        .select_related("mother__posyandu", "flag__rule")
        .order_by("opened_at")
    )
    if filters.area is not None:
        rows = rows.filter(mother__posyandu__path__startswith=filters.area.path)
    if filters.programme is not None:
        rows = rows.filter(mother__programme=filters.programme)
    if severity in {"red", "amber"}:
        rows = rows.filter(flag__severity=severity)
    return rows


def earliest_day(user: User) -> dt.date | None:
    """The first day with any activity the user may see (for the "all time" period)."""
    return PosyanduDayRollup.objects.filter(rollup_scope_q(user)).aggregate(first=Min("day"))[
        "first"
    ]
