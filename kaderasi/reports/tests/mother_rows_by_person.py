"""A mother's rollup row computed in Python, one mother at a time, from the one home of each
quantity (`care.phase_volumes`, `care.scheduling`, `care.timing`): what the rebuild did before
the database computed the rows (decision 0185), kept as the reference the set-based rows are
compared with."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch

from kaderasi.care.models import (
    Delivery,
    FlagSeverity,
    MassageSession,
    Measurement,
    MeasurementKind,
    MilkBasis,
    Mother,
    Pairing,
    PairingEndReason,
    Referral,
    ReferralStatus,
    ScheduledSession,
)
from kaderasi.care.models.sessions import SessionStatus
from kaderasi.care.phase_volumes import delivery_times, phase_volumes
from kaderasi.care.scheduling import adherence, session_status
from kaderasi.care.selectors import milk_volumes_prefetch, pregnancies_prefetch
from kaderasi.care.timing import postpartum_day
from kaderasi.core.chunks import chunks
from kaderasi.reports.models import MotherRollup
from kaderasi.reports.rollup_rows import AreaColumns, iso_days, local_date


def _mothers_with_facts(mother_ids: list[int]):
    done = MassageSession.objects.filter(scheduled_session=OuterRef("pk"))
    return (
        Mother.objects.filter(pk__in=mother_ids)
        .order_by()  # not the programme's ordering: a join for nothing
        .only("pk", "programme_id", "posyandu_id", "group", "created_at")
        .prefetch_related(
            pregnancies_prefetch(),
            Prefetch(
                "pairings",
                queryset=Pairing.objects.order_by("-starts_at", "-pk"),
                to_attr="ordered_pairings",
            ),
            Prefetch(
                "scheduled_sessions",
                queryset=ScheduledSession.objects.filter(cancelled_at__isnull=True).annotate(
                    done=Exists(done)
                ),
                to_attr="live_sessions",
            ),
            milk_volumes_prefetch(),
            Prefetch(
                "referrals",
                queryset=Referral.objects.exclude(status=ReferralStatus.CLOSED).select_related(
                    "flag"
                ),
                to_attr="open_referrals",
            ),
        )
    )


@dataclass(frozen=True)
class SessionTally:
    """A mother's sessions counted as `care.scheduling` defines them (the adherence her timeline
    and the village list show): due = done (whenever) + missed (window closed without a
    massage); a session inside its open window counts against no one. `next_change_at` is when
    one of these next flips."""

    due: int
    done: int
    missed: int
    next_change_at: dt.datetime | None


def session_tally(sessions: Iterable, *, now: dt.datetime) -> SessionTally:
    statuses = []
    upcoming: list[dt.datetime] = []
    for session in sessions:
        status = session_status(
            window_starts_at=session.window_starts_at,
            window_ends_at=session.window_ends_at,
            now=now,
            done=session.done,
            skipped=getattr(session, "skipped_at", None) is not None,
        )
        statuses.append(status)
        if status == SessionStatus.UPCOMING:
            upcoming.append(session.window_starts_at)
        if status in (SessionStatus.UPCOMING, SessionStatus.DUE):
            upcoming.append(session.window_ends_at)
    counted = adherence(statuses)
    return SessionTally(
        counted.due, counted.done, counted.due - counted.done, min(upcoming) if upcoming else None
    )


def _mother_rollup(mother: Mother, *, now: dt.datetime, areas: AreaColumns) -> MotherRollup:
    pregnancy = mother.ordered_pregnancies[0] if mother.ordered_pregnancies else None
    delivery = getattr(pregnancy, "delivery", None) if pregnancy is not None else None
    delivered_at = delivery.delivered_at if delivery is not None else None

    open_pairings = [p for p in mother.ordered_pairings if p.ends_at is None]
    current = (open_pairings or mother.ordered_pairings or [None])[0]
    accompanied = bool(open_pairings) or any(
        p.end_reason == PairingEndReason.COMPLETED for p in mother.ordered_pairings
    )

    tally = session_tally(mother.live_sessions, now=now)
    window_days = [local_date(s.window_starts_at) for s in mother.live_sessions]

    volumes = phase_volumes(
        mother.milk_volumes,
        delivery_times(mother.ordered_pregnancies),
    )
    latest_24h = None
    for measurement in mother.milk_volumes:
        if measurement.basis == MilkBasis.ESTIMATE_24H:
            latest_24h = measurement

    def day_of(measurement):
        if measurement is None or delivered_at is None:
            return None
        return postpartum_day(delivered_at, measurement.measured_at)

    red = [r for r in mother.open_referrals if r.flag.severity == FlagSeverity.RED]
    amber = [r for r in mother.open_referrals if r.flag.severity == FlagSeverity.AMBER]
    return MotherRollup(
        mother_id=mother.pk,
        programme_id=mother.programme_id,
        **areas.of(mother.posyandu_id),
        group=mother.group,
        registered_on=local_date(mother.created_at),
        has_pregnancy=pregnancy is not None,
        delivered_at=delivered_at,
        cadre_id=current.cadre_id if current is not None else None,
        has_open_pairing=bool(open_pairings),
        certification_overrides=sum(
            1 for p in mother.ordered_pairings if p.certification_override_reason
        ),
        accompanied=accompanied,
        sessions_due=tally.due,
        sessions_done=tally.done,
        sessions_missed=tally.missed,
        first_window_on=min(window_days) if window_days else None,
        last_window_on=max(window_days) if window_days else None,
        baseline_ml=volumes.before.volume if volumes.before else None,
        follow_up_ml=volumes.after.volume if volumes.after else None,
        latest_24h_ml=latest_24h.value if latest_24h else None,
        latest_24h_day=day_of(latest_24h),
        milk_volumes=len(mother.milk_volumes),
        milk_volumes_24h=sum(1 for m in mother.milk_volumes if m.basis == MilkBasis.ESTIMATE_24H),
        open_red_referrals=len(red),
        open_amber_referrals=len(amber),
        oldest_open_referral_at=min((r.opened_at for r in mother.open_referrals), default=None),
        next_change_at=tally.next_change_at,
        refreshed_at=now,
    )


def mother_rollups(
    mother_ids: Iterable[int], *, now: dt.datetime, areas: AreaColumns
) -> list[MotherRollup]:
    rows = []
    for chunk in chunks(sorted(set(mother_ids))):
        mothers = list(_mothers_with_facts(chunk))
        areas.load(m.posyandu_id for m in mothers)
        days = _mother_days(chunk)
        for mother in mothers:
            row = _mother_rollup(mother, now=now, areas=areas)
            row.counted_days = iso_days(days.get(mother.pk, ()))
            rows.append(row)
    return rows


def _mother_days(mother_ids: list[int]) -> dict[int, set[dt.date]]:
    """Every local day a mother's rows fall on in the day rollups (a superset: a day with none
    of her counts left only costs its recomputation)."""
    days: dict[int, set[dt.date]] = defaultdict(set)
    sources = [
        Mother.objects.filter(pk__in=mother_ids).order_by().values_list("pk", "created_at"),
        Delivery.objects.filter(pregnancy__mother_id__in=mother_ids).values_list(
            "pregnancy__mother_id", "delivered_at"
        ),
        ScheduledSession.objects.filter(mother_id__in=mother_ids).values_list(
            "mother_id", "window_starts_at"
        ),
        MassageSession.objects.filter(mother_id__in=mother_ids).values_list(
            "mother_id", "started_at"
        ),
        Measurement.objects.filter(
            mother_id__in=mother_ids, kind=MeasurementKind.MILK_VOLUME
        ).values_list("mother_id", "measured_at"),
        Referral.objects.filter(mother_id__in=mother_ids).values_list("mother_id", "opened_at"),
    ]
    for rows in sources:
        for mother_id, moment in rows:
            days[mother_id].add(local_date(moment))
    return days
