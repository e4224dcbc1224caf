"""The lists behind the dashboard numbers: the same scope and condition as each number, joined to
the people for display (paginated by the views)."""

import datetime as dt
from collections.abc import Sequence

from django.db.models import Min, Q, QuerySet

from kaderasi.accounts.models import User
from kaderasi.evaluation.norms import ReferenceRange
from kaderasi.reports.dashboard_scope import (
    CadreList,
    DashboardFilters,
    MotherList,
    ReferralAgeBucket,
    cadre_list_q,
    filter_q,
    local_days_q,
    mother_list_q,
    period_end,
    rollup_scope_q,
)
from kaderasi.reports.models import CadreRollup, MotherRollup, PosyanduDayRollup
from kaderasi.training.models import TestAttempt, TestPhase, Training

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
    user: User,
    filters: DashboardFilters,
    which: CadreList,
    *,
    today: dt.date,
    training: Training | None = None,
) -> QuerySet[CadreRollup]:
    """The cadres behind a number; with `training`, only those who completed both its tests (a
    complete pair of `training.knowledge_pairs`: the cadres a knowledge-gain card averages)."""
    condition = cadre_list_q(which, today=today)
    if training is not None:
        tested = TestAttempt.objects.completed().filter(training=training)
        condition &= Q(cadre_id__in=tested.filter(phase=TestPhase.PRE).values("cadre_id")) & Q(
            cadre_id__in=tested.filter(phase=TestPhase.POST).values("cadre_id")
        )
    return (
        CadreRollup.objects.filter(rollup_scope_q(user) & filter_q(filters) & condition)
        .select_related("cadre", "posyandu", "village", "programme")
        .order_by("cadre__code")
    )


def open_referrals_for(
    user: User,
    filters: DashboardFilters,
    *,
    severity: str = "",
    age: ReferralAgeBucket | None = None,
    opened_in_period: bool = False,
    today: dt.date | None = None,
):
    """The referrals behind the referral numbers, oldest first, of mothers the user may see:
    those still open (or acknowledged, not yet closed), opened `age` days ago when given; or,
    with `opened_in_period`, every referral opened in the period, closed or not."""
    from kaderasi.care.models import Referral, ReferralStatus
    from kaderasi.care.selectors import mothers_visible_to

    rows = (
        Referral.objects.filter(mother__in=mothers_visible_to(user).values("pk"))
        .select_related("mother__posyandu", "flag__rule")
        .order_by("opened_at")
    )
    if opened_in_period:
        last_day = period_end(filters, today) if today is not None else filters.ends_on
        rows = rows.filter(local_days_q("opened_at", filters.starts_on, last_day))
    else:
        rows = rows.filter(status__in=[ReferralStatus.OPEN, ReferralStatus.ACKNOWLEDGED])
        if age is not None and today is not None:
            rows = rows.filter(age.opened_q(today))
    if filters.area is not None:
        rows = rows.filter(mother__posyandu__path__startswith=filters.area.path)
    if filters.programme is not None:
        rows = rows.filter(mother__programme=filters.programme)
    if severity in {"red", "amber"}:
        rows = rows.filter(flag__severity=severity)
    return rows


def certification_overrides_for(user: User, filters: DashboardFilters):
    """The pairings behind the override number: a cadre paired without a valid certificate,
    with the coordinator's reason and name, newest first, of mothers the user may see."""
    from kaderasi.care.models import Pairing
    from kaderasi.care.selectors import mothers_visible_to

    rows = (
        Pairing.objects.filter(mother__in=mothers_visible_to(user).values("pk"))
        .exclude(certification_override_reason="")
        .select_related("mother__posyandu", "cadre", "certification_override_by")
        .order_by("-starts_at", "-pk")
    )
    if filters.area is not None:
        rows = rows.filter(mother__posyandu__path__startswith=filters.area.path)
    if filters.programme is not None:
        rows = rows.filter(mother__programme=filters.programme)
    return rows


def earliest_day(user: User) -> dt.date | None:
    """The first day with any activity the user may see (for the "all time" period)."""
    return PosyanduDayRollup.objects.filter(rollup_scope_q(user)).aggregate(first=Min("day"))[
        "first"
    ]
