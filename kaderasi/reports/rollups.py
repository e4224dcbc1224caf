"""Rollups: the summary tables every dashboard reads, so that no page scans the raw care and
training tables, whatever the number of mothers.

Four tables, all derived, all rebuildable (`kaderasi rollups rebuild`):

* `MotherRollup`, one row per mother; `CadreRollup`, one row per cadre;
* `PosyanduDayRollup`, the flows of one programme at one posyandu on one local day, and
  `KnowledgeRollup`, test scores summed per training and posyandu. These two are recomputed a
  whole "pair" (programme, posyandu) at a time, which keeps incremental refreshes exactly equal to
  a full rebuild.

Three ways in, all producing the same rows for the same data and the same `now`:

* `rollups_refresh_for_mother` / `rollups_refresh_for_cadre`: right after a change, for one
  person (services call them on commit);
* `rollups_refresh_due`: the periodic job; it finds what changed since its watermark (by
  `updated_at`, and deletions from the audit log) and what changes with the clock alone
  (`next_change_at`: a session window opening or closing, a later certificate starting);
* `rollups_rebuild`: everything, from scratch.
"""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q

from kaderasi.cadres.models import Cadre
from kaderasi.care.models import (
    Delivery,
    Flag,
    FlagSeverity,
    MassageSession,
    Measurement,
    MeasurementKind,
    MilkBasis,
    MilkPhase,
    Mother,
    Pairing,
    PairingEndReason,
    Pregnancy,
    Referral,
    ReferralStatus,
    ScheduledSession,
)
from kaderasi.care.timing import postpartum_day
from kaderasi.regions.models import Area
from kaderasi.reports.models import (
    CadreRollup,
    KnowledgeRollup,
    MotherRollup,
    PosyanduDayRollup,
    RollupState,
)
from kaderasi.training.models import Certificate, TestAttempt, TestPhase, Training

Pair = tuple[int, int]
"""(programme id, posyandu id): the unit in which day and knowledge rollups are recomputed."""

Progress = Callable[[int, int], None]

STATE_NAME = "dashboards"
BATCH_SIZE = 500
# A row saved in a transaction that commits after a refresh ran carries an `updated_at` slightly
# before that run's watermark; looking back this far picks it up on the next run.
WATERMARK_OVERLAP = dt.timedelta(minutes=10)
# A run that has not finished after this long is taken to have died; the next run takes over.
STALE_RUN = dt.timedelta(hours=1)
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(_zone()).date()


def _start_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=_zone())


def _chunks(items: Iterable, size: int = BATCH_SIZE) -> Iterator[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --- areas -------------------------------------------------------------------------------------


class _AreaColumns:
    """The denormalised area columns of a posyandu (its path and every ancestor by level)."""

    def __init__(self) -> None:
        self._columns: dict[int, dict] = {}

    def of(self, posyandu_id: int) -> dict:
        return self._columns[posyandu_id]

    def load(self, posyandu_ids: Iterable[int]) -> None:
        missing = set(posyandu_ids) - self._columns.keys()
        for chunk in _chunks(sorted(missing)):
            paths = dict(Area.objects.filter(pk__in=chunk).values_list("pk", "path"))
            ancestor_ids = {int(part) for path in paths.values() for part in _path_ids(path)}
            levels: dict[int, str] = {}
            for ancestor_chunk in _chunks(sorted(ancestor_ids)):
                levels.update(Area.objects.filter(pk__in=ancestor_chunk).values_list("pk", "level"))
            for posyandu_id, path in paths.items():
                by_level = {levels.get(area_id): area_id for area_id in _path_ids(path)}
                self._columns[posyandu_id] = {
                    "posyandu_id": posyandu_id,
                    "village_id": by_level.get("village"),
                    "district_id": by_level.get("district"),
                    "regency_id": by_level.get("regency"),
                    "province_id": by_level.get("province"),
                    "area_path": path,
                }


def _path_ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


# --- per mother --------------------------------------------------------------------------------


def _mothers_with_facts(mother_ids: list[int]):
    done = MassageSession.objects.filter(scheduled_session=OuterRef("pk"))
    return (
        Mother.objects.filter(pk__in=mother_ids)
        .only("pk", "programme_id", "posyandu_id", "group", "created_at")
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
            Prefetch(
                "measurements",
                queryset=Measurement.objects.filter(kind=MeasurementKind.MILK_VOLUME).order_by(
                    "measured_at", "pk"
                ),
                to_attr="milk_volumes",
            ),
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
    """A session is due once its window has opened (or it was done early); missed once its window
    has closed without a massage; `next_change_at` is when one of these next flips."""

    due: int
    done: int
    missed: int
    next_change_at: dt.datetime | None


def session_tally(sessions: Iterable, *, now: dt.datetime) -> SessionTally:
    due = done = missed = 0
    upcoming: list[dt.datetime] = []
    for session in sessions:
        if session.done:
            due += 1
            done += 1
            continue
        if session.window_starts_at <= now:
            due += 1
        else:
            upcoming.append(session.window_starts_at)
        if session.window_ends_at <= now:
            missed += 1
        else:
            upcoming.append(session.window_ends_at)
    return SessionTally(due, done, missed, min(upcoming) if upcoming else None)


def _mother_rollup(mother: Mother, *, now: dt.datetime, areas: _AreaColumns) -> MotherRollup:
    pregnancy = mother.ordered_pregnancies[0] if mother.ordered_pregnancies else None
    delivery = getattr(pregnancy, "delivery", None) if pregnancy is not None else None
    delivered_at = delivery.delivered_at if delivery is not None else None

    open_pairings = [p for p in mother.ordered_pairings if p.ends_at is None]
    current = (open_pairings or mother.ordered_pairings or [None])[0]
    accompanied = bool(open_pairings) or any(
        p.end_reason == PairingEndReason.COMPLETED for p in mother.ordered_pairings
    )

    tally = session_tally(mother.live_sessions, now=now)
    window_days = [_local_date(s.window_starts_at) for s in mother.live_sessions]

    by_phase: dict[str, Measurement] = {}
    latest_24h = None
    for measurement in mother.milk_volumes:
        if measurement.phase:
            by_phase[measurement.phase] = measurement
        if measurement.basis == MilkBasis.ESTIMATE_24H:
            latest_24h = measurement
    baseline = by_phase.get(MilkPhase.BEFORE)
    follow_up = by_phase.get(MilkPhase.AFTER)

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
        registered_on=_local_date(mother.created_at),
        has_pregnancy=pregnancy is not None,
        delivered_at=delivered_at,
        cadre_id=current.cadre_id if current is not None else None,
        has_open_pairing=bool(open_pairings),
        accompanied=accompanied,
        sessions_due=tally.due,
        sessions_done=tally.done,
        sessions_missed=tally.missed,
        first_window_on=min(window_days) if window_days else None,
        last_window_on=max(window_days) if window_days else None,
        baseline_ml=baseline.value if baseline else None,
        follow_up_ml=follow_up.value if follow_up else None,
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


def _mother_rollups(
    mother_ids: Iterable[int], *, now: dt.datetime, areas: _AreaColumns
) -> list[MotherRollup]:
    rows = []
    for chunk in _chunks(sorted(set(mother_ids))):
        mothers = list(_mothers_with_facts(chunk))
        areas.load(m.posyandu_id for m in mothers)
        rows += [_mother_rollup(m, now=now, areas=areas) for m in mothers]
    return rows


# --- per cadre ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CertificationWindow:
    certified_from: dt.date | None
    certified_until: dt.date | None
    refresher_due_on: dt.date | None
    next_change_on: dt.date | None


def certification_window(certificates: Iterable, *, today: dt.date) -> CertificationWindow:
    """The certificate that says whether the cadre is certified: the one valid `today` that runs
    longest; else the most recent one that ended; else the first one still to start. A later
    certificate that starts after the chosen one is the next change."""
    spans = []
    for certificate in certificates:
        ends_on = certificate.expires_on
        if certificate.revoked_on is not None:
            ends_on = min(ends_on, certificate.revoked_on)
        if ends_on > certificate.issued_on:
            spans.append((certificate.issued_on, ends_on, certificate.refresher_due_on))
    valid = [s for s in spans if s[0] <= today < s[1]]
    past = [s for s in spans if s[1] <= today]
    future = [s for s in spans if s[0] > today]
    if valid:
        chosen = max(valid, key=lambda s: s[1])
    elif past:
        chosen = max(past, key=lambda s: s[1])
    elif future:
        chosen = min(future, key=lambda s: s[0])
    else:
        return CertificationWindow(None, None, None, None)
    later = [s[0] for s in future if s[0] > chosen[0]]
    return CertificationWindow(chosen[0], chosen[1], chosen[2], min(later) if later else None)


def _trained_on(post_tests: Iterable[TestAttempt]) -> dt.date | None:
    days = [t.taken_on or _local_date(t.training.starts_at) for t in post_tests]
    return min(days) if days else None


def _cadre_rollups(
    cadre_ids: Iterable[int], *, now: dt.datetime, areas: _AreaColumns
) -> list[CadreRollup]:
    today = _local_date(now)
    rows = []
    for chunk in _chunks(sorted(set(cadre_ids))):
        cadres = list(
            Cadre.objects.filter(pk__in=chunk)
            .only("pk", "programme_id", "posyandu_id")
            .annotate(open_pairings=Count("pairings", filter=Q(pairings__ends_at__isnull=True)))
            .prefetch_related(
                Prefetch("certificates", to_attr="all_certificates"),
                Prefetch(
                    "test_attempts",
                    queryset=TestAttempt.objects.filter(phase=TestPhase.POST).select_related(
                        "training"
                    ),
                    to_attr="post_tests",
                ),
            )
        )
        areas.load(c.posyandu_id for c in cadres)
        for cadre in cadres:
            window = certification_window(cadre.all_certificates, today=today)
            rows.append(
                CadreRollup(
                    cadre_id=cadre.pk,
                    programme_id=cadre.programme_id,
                    **areas.of(cadre.posyandu_id),
                    trained_on=_trained_on(cadre.post_tests),
                    certified_from=window.certified_from,
                    certified_until=window.certified_until,
                    refresher_due_on=window.refresher_due_on,
                    active_clients=cadre.open_pairings,
                    next_change_at=_start_of_day(window.next_change_on)
                    if window.next_change_on
                    else None,
                    refreshed_at=now,
                )
            )
    return rows


# --- per programme × posyandu × day ------------------------------------------------------------


def _pair_q(pairs: list[Pair] | None, prefix: str = "") -> Q:
    if pairs is None:
        return Q()
    condition = Q(pk__in=[])
    for programme_id, posyandu_id in pairs:
        condition |= Q(
            **{f"{prefix}programme_id": programme_id, f"{prefix}posyandu_id": posyandu_id}
        )
    return condition


def _day_counts(pairs: list[Pair] | None, *, now: dt.datetime) -> dict[tuple, Counter]:
    counts: dict[tuple, Counter] = defaultdict(Counter)

    def add(programme_id, posyandu_id, moment_or_day, field, amount=1):
        day = (
            moment_or_day
            if isinstance(moment_or_day, dt.date) and not isinstance(moment_or_day, dt.datetime)
            else _local_date(moment_or_day)
        )
        counts[(programme_id, posyandu_id, day)][field] += amount

    for programme_id, posyandu_id, created_at in Mother.objects.filter(_pair_q(pairs)).values_list(
        "programme_id", "posyandu_id", "created_at"
    ):
        add(programme_id, posyandu_id, created_at, "mothers_registered")

    for programme_id, posyandu_id, delivered_at in Delivery.objects.filter(
        _pair_q(pairs, "pregnancy__mother__")
    ).values_list(
        "pregnancy__mother__programme_id", "pregnancy__mother__posyandu_id", "delivered_at"
    ):
        add(programme_id, posyandu_id, delivered_at, "deliveries")

    done = MassageSession.objects.filter(scheduled_session=OuterRef("pk"))
    sessions = (
        ScheduledSession.objects.filter(_pair_q(pairs, "mother__"), cancelled_at__isnull=True)
        .annotate(done=Exists(done))
        .values_list(
            "mother__programme_id",
            "mother__posyandu_id",
            "window_starts_at",
            "window_ends_at",
            "done",
        )
    )
    for programme_id, posyandu_id, starts_at, ends_at, is_done in sessions:
        due = is_done or starts_at <= now
        if due:
            add(programme_id, posyandu_id, starts_at, "sessions_due")
        if is_done:
            add(programme_id, posyandu_id, starts_at, "sessions_done")
        elif ends_at <= now:
            add(programme_id, posyandu_id, starts_at, "sessions_missed")

    for programme_id, posyandu_id, started_at in MassageSession.objects.filter(
        _pair_q(pairs, "mother__")
    ).values_list("mother__programme_id", "mother__posyandu_id", "started_at"):
        add(programme_id, posyandu_id, started_at, "massages_recorded")

    for programme_id, posyandu_id, measured_at in Measurement.objects.filter(
        _pair_q(pairs, "mother__"), kind=MeasurementKind.MILK_VOLUME
    ).values_list("mother__programme_id", "mother__posyandu_id", "measured_at"):
        add(programme_id, posyandu_id, measured_at, "milk_volumes_recorded")

    for programme_id, posyandu_id, opened_at, status, severity in Referral.objects.filter(
        _pair_q(pairs, "mother__")
    ).values_list(
        "mother__programme_id", "mother__posyandu_id", "opened_at", "status", "flag__severity"
    ):
        colour = "red" if severity == FlagSeverity.RED else "amber"
        add(programme_id, posyandu_id, opened_at, f"referrals_opened_{colour}")
        if status != ReferralStatus.CLOSED:
            add(programme_id, posyandu_id, opened_at, f"referrals_open_{colour}")

    first_post_test: dict[int, tuple] = {}
    for (
        cadre_id,
        programme_id,
        posyandu_id,
        taken_on,
        training_starts_at,
    ) in TestAttempt.objects.filter(_pair_q(pairs, "cadre__"), phase=TestPhase.POST).values_list(
        "cadre_id",
        "cadre__programme_id",
        "cadre__posyandu_id",
        "taken_on",
        "training__starts_at",
    ):
        day = taken_on or _local_date(training_starts_at)
        known = first_post_test.get(cadre_id)
        if known is None or day < known[2]:
            first_post_test[cadre_id] = (programme_id, posyandu_id, day)
    for programme_id, posyandu_id, day in first_post_test.values():
        add(programme_id, posyandu_id, day, "cadres_trained")

    for programme_id, posyandu_id, issued_on in Certificate.objects.filter(
        _pair_q(pairs, "cadre__")
    ).values_list("cadre__programme_id", "cadre__posyandu_id", "issued_on"):
        add(programme_id, posyandu_id, issued_on, "certificates_issued")
    return counts


def _day_rollups(
    pairs: list[Pair] | None, *, now: dt.datetime, areas: _AreaColumns
) -> list[PosyanduDayRollup]:
    counts = _day_counts(pairs, now=now)
    areas.load(posyandu_id for _programme, posyandu_id, _day in counts)
    return [
        PosyanduDayRollup(
            programme_id=programme_id,
            **areas.of(posyandu_id),
            day=day,
            refreshed_at=now,
            **counter,
        )
        for (programme_id, posyandu_id, day), counter in sorted(counts.items())
    ]


def _knowledge_rollups(
    pairs: list[Pair] | None, *, now: dt.datetime, areas: _AreaColumns
) -> list[KnowledgeRollup]:
    """Scores of cadres who took both tests of a training, summed per (training, programme,
    posyandu); the programme is the cadre's, so scoping follows the cadre."""
    scores: dict[tuple, dict[str, Decimal]] = defaultdict(dict)
    keys: dict[tuple, tuple] = {}
    for (
        cadre_id,
        programme_id,
        posyandu_id,
        training_id,
        starts_at,
        phase,
        score,
    ) in TestAttempt.objects.filter(_pair_q(pairs, "cadre__")).values_list(
        "cadre_id",
        "cadre__programme_id",
        "cadre__posyandu_id",
        "training_id",
        "training__starts_at",
        "phase",
        "score",
    ):
        scores[(training_id, cadre_id)][phase] = score
        keys[(training_id, cadre_id)] = (training_id, programme_id, posyandu_id, starts_at)
    sums: dict[tuple, list] = {}
    for key, by_phase in scores.items():
        if TestPhase.PRE not in by_phase or TestPhase.POST not in by_phase:
            continue
        training_id, programme_id, posyandu_id, starts_at = keys[key]
        total = sums.setdefault(
            (training_id, programme_id, posyandu_id), [starts_at, 0, Decimal(0), Decimal(0)]
        )
        total[1] += 1
        total[2] += by_phase[TestPhase.PRE]
        total[3] += by_phase[TestPhase.POST]
    areas.load(posyandu_id for _t, _p, posyandu_id in sums)
    return [
        KnowledgeRollup(
            training_id=training_id,
            programme_id=programme_id,
            **areas.of(posyandu_id),
            training_on=_local_date(starts_at),
            pairs=pairs_count,
            pre_sum=pre_sum,
            post_sum=post_sum,
            refreshed_at=now,
        )
        for (training_id, programme_id, posyandu_id), (
            starts_at,
            pairs_count,
            pre_sum,
            post_sum,
        ) in sorted(sums.items())
    ]


# --- writing -----------------------------------------------------------------------------------


def _replace_pairs(pairs: set[Pair], *, now: dt.datetime, areas: _AreaColumns) -> None:
    for chunk in _chunks(sorted(pairs), 100):
        PosyanduDayRollup.objects.filter(_pair_q(chunk)).delete()
        KnowledgeRollup.objects.filter(_pair_q(chunk)).delete()
        PosyanduDayRollup.objects.bulk_create(
            _day_rollups(chunk, now=now, areas=areas), batch_size=BATCH_SIZE
        )
        KnowledgeRollup.objects.bulk_create(
            _knowledge_rollups(chunk, now=now, areas=areas), batch_size=BATCH_SIZE
        )


def _refresh(
    *,
    mother_ids: set[int],
    cadre_ids: set[int],
    pairs: set[Pair],
    now: dt.datetime,
) -> None:
    """Recompute the rows of these mothers and cadres, and every pair any of them was or is in."""
    areas = _AreaColumns()
    pairs = set(pairs)
    mother_ids = set(mother_ids)
    cadre_ids = set(cadre_ids)
    for chunk in _chunks(sorted(mother_ids)):
        for programme_id, posyandu_id, cadre_id in MotherRollup.objects.filter(
            mother_id__in=chunk
        ).values_list("programme_id", "posyandu_id", "cadre_id"):
            pairs.add((programme_id, posyandu_id))
            if cadre_id is not None:
                cadre_ids.add(cadre_id)
        # A pairing changes the cadre's number of active clients too.
        cadre_ids.update(
            Pairing.objects.filter(mother_id__in=chunk).values_list("cadre_id", flat=True)
        )
    mother_rows = _mother_rollups(mother_ids, now=now, areas=areas)
    pairs.update((row.programme_id, row.posyandu_id) for row in mother_rows)

    for chunk in _chunks(sorted(cadre_ids)):
        pairs.update(
            CadreRollup.objects.filter(cadre_id__in=chunk).values_list(
                "programme_id", "posyandu_id"
            )
        )
    cadre_rows = _cadre_rollups(cadre_ids, now=now, areas=areas)
    pairs.update((row.programme_id, row.posyandu_id) for row in cadre_rows)

    for chunk in _chunks(sorted(mother_ids)):
        MotherRollup.objects.filter(mother_id__in=chunk).delete()
    MotherRollup.objects.bulk_create(mother_rows, batch_size=BATCH_SIZE)
    for chunk in _chunks(sorted(cadre_ids)):
        CadreRollup.objects.filter(cadre_id__in=chunk).delete()
    CadreRollup.objects.bulk_create(cadre_rows, batch_size=BATCH_SIZE)
    _replace_pairs(pairs, now=now, areas=areas)


@transaction.atomic
def rollups_refresh_for_mother(*, mother: Mother, now: dt.datetime) -> None:
    """Bring every rollup that counts `mother` up to date: her own row, the rows of the cadres who
    accompany or accompanied her, and her posyandu's day rows (the old posyandu's too, if she
    moved). Call it after a change to her records has committed."""
    _refresh(mother_ids={mother.pk}, cadre_ids=set(), pairs=set(), now=now)


@transaction.atomic
def rollups_refresh_for_cadre(*, cadre: Cadre, now: dt.datetime) -> None:
    """Bring the rollups that count `cadre` up to date (training, certificate, pairing changes)."""
    _refresh(mother_ids=set(), cadre_ids={cadre.pk}, pairs=set(), now=now)


@dataclass(frozen=True)
class RefreshSummary:
    skipped: bool
    mothers: int = 0
    cadres: int = 0
    pairs: int = 0
    rebuilt: bool = False


def rollups_state() -> RollupState | None:
    return RollupState.objects.filter(name=STATE_NAME).first()


def rollups_refresh_due(*, now: dt.datetime) -> RefreshSummary:
    """The periodic job: recompute what changed since the last run (rows whose `updated_at` is
    past the watermark, less an overlap; deletions recorded in the audit log) and what the clock
    alone has changed (`next_change_at` ≤ `now`). Before any rebuild it rebuilds everything.
    Two overlapping runs never both work: a run claims the state row with a conditional update,
    and gives up if another run holds it.

    The watermark is the latest `updated_at` seen (the database's time, not `now`), so a run
    never skips a change whatever clock its caller passes in."""
    state, _created = RollupState.objects.get_or_create(name=STATE_NAME)
    if state.last_rebuild_at is None:
        summary = rollups_rebuild(now=now)
        return RefreshSummary(
            skipped=False, rebuilt=True, mothers=summary.mothers, cadres=summary.cadres
        )
    claimed = (
        RollupState.objects.filter(pk=state.pk)
        .filter(Q(run_started_at__isnull=True) | Q(run_started_at__lt=now - STALE_RUN))
        .update(run_started_at=now)
    )
    if not claimed:
        return RefreshSummary(skipped=True)
    try:
        since = (state.refreshed_through or EARLIEST) - WATERMARK_OVERLAP
        changes = _changes_since(since, now=now)
        with transaction.atomic():
            _refresh(
                mother_ids=changes.mother_ids,
                cadre_ids=changes.cadre_ids,
                pairs=changes.pairs,
                now=now,
            )
            RollupState.objects.filter(pk=state.pk).update(
                refreshed_through=max(
                    filter(None, [state.refreshed_through, changes.watermark]), default=None
                ),
                last_run_at=now,
                run_started_at=None,
            )
    except BaseException:
        RollupState.objects.filter(pk=state.pk).update(run_started_at=None)
        raise
    return RefreshSummary(
        skipped=False,
        mothers=len(changes.mother_ids),
        cadres=len(changes.cadre_ids),
        pairs=len(changes.pairs),
    )


@dataclass
class _Changes:
    mother_ids: set[int]
    cadre_ids: set[int]
    pairs: set[Pair]
    watermark: dt.datetime | None


# (model, path from the row to the mother's id) for every table a mother's rollups read.
MOTHER_SOURCES: list[tuple[type, str]] = [
    (Mother, "pk"),
    (Pregnancy, "mother_id"),
    (Delivery, "pregnancy__mother_id"),
    (Pairing, "mother_id"),
    (Measurement, "mother_id"),
    (ScheduledSession, "mother_id"),
    (MassageSession, "mother_id"),
    (Flag, "mother_id"),
    (Referral, "mother_id"),
]
CADRE_SOURCES: list[tuple[type, str]] = [
    (Cadre, "pk"),
    (Pairing, "cadre_id"),
    (TestAttempt, "cadre_id"),
    (Certificate, "cadre_id"),
]


def _changes_since(since: dt.datetime, *, now: dt.datetime) -> _Changes:
    changes = _Changes(set(), set(), set(), None)

    def note(moment: dt.datetime | None) -> None:
        if moment is not None and (changes.watermark is None or moment > changes.watermark):
            changes.watermark = moment

    for model, lookup in MOTHER_SOURCES:
        for mother_id, updated_at in model.objects.filter(updated_at__gt=since).values_list(
            lookup, "updated_at"
        ):
            changes.mother_ids.add(mother_id)
            note(updated_at)
    for model, lookup in CADRE_SOURCES:
        for cadre_id, updated_at in model.objects.filter(updated_at__gt=since).values_list(
            lookup, "updated_at"
        ):
            changes.cadre_ids.add(cadre_id)
            note(updated_at)
    for training_id, updated_at in Training.objects.filter(updated_at__gt=since).values_list(
        "pk", "updated_at"
    ):
        changes.cadre_ids.update(
            TestAttempt.objects.filter(training_id=training_id).values_list("cadre_id", flat=True)
        )
        note(updated_at)
    for path, updated_at in Area.objects.filter(updated_at__gt=since).values_list(
        "path", "updated_at"
    ):
        changes.mother_ids.update(
            Mother.objects.filter(posyandu__path__startswith=path).values_list("pk", flat=True)
        )
        changes.cadre_ids.update(
            Cadre.objects.filter(posyandu__path__startswith=path).values_list("pk", flat=True)
        )
        note(updated_at)

    # What the clock alone changed, and anyone not yet counted at all.
    changes.mother_ids.update(
        MotherRollup.objects.filter(next_change_at__lte=now).values_list("mother_id", flat=True)
    )
    changes.cadre_ids.update(
        CadreRollup.objects.filter(next_change_at__lte=now).values_list("cadre_id", flat=True)
    )
    changes.mother_ids.update(
        Mother.objects.filter(rollup__isnull=True).values_list("pk", flat=True)
    )
    changes.cadre_ids.update(Cadre.objects.filter(rollup__isnull=True).values_list("pk", flat=True))

    deletions = _deletions_since(since)
    changes.mother_ids |= deletions.mother_ids
    changes.cadre_ids |= deletions.cadre_ids
    changes.pairs |= deletions.pairs
    note(deletions.watermark)
    return changes


def _deletions_since(since: dt.datetime) -> _Changes:
    """Deleted rows leave no `updated_at`; the audit log keeps their last values, which name the
    mother, cadre or (for a deleted mother or cadre) the programme and posyandu they counted in."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    changes = _Changes(set(), set(), set(), None)
    models = {model for model, _lookup in [*MOTHER_SOURCES, *CADRE_SOURCES]}
    content_types = ContentType.objects.get_for_models(*models)
    model_of = {ct.pk: model for model, ct in content_types.items()}
    entries = LogEntry.objects.filter(
        action=LogEntry.Action.DELETE, timestamp__gt=since, content_type_id__in=model_of
    ).values_list("content_type_id", "changes", "timestamp")
    for content_type_id, recorded, timestamp in entries:
        model = model_of[content_type_id]
        values = _old_values(recorded)
        if model in (Mother, Cadre):
            programme_id = _int(values.get("programme"))
            posyandu_id = _int(values.get("posyandu"))
            if programme_id is not None and posyandu_id is not None:
                changes.pairs.add((programme_id, posyandu_id))
        mother_id = _int(values.get("mother"))
        if mother_id is not None:
            changes.mother_ids.add(mother_id)
        cadre_id = _int(values.get("cadre"))
        if cadre_id is not None:
            changes.cadre_ids.add(cadre_id)
        pregnancy_id = _int(values.get("pregnancy"))
        if pregnancy_id is not None:
            changes.mother_ids.update(
                Pregnancy.objects.filter(pk=pregnancy_id).values_list("mother_id", flat=True)
            )
        if changes.watermark is None or timestamp > changes.watermark:
            changes.watermark = timestamp
    return changes


def _old_values(recorded) -> dict:
    """The values a deleted row had, from an audit entry's `changes` ({field: [old, new]})."""
    import json

    if isinstance(recorded, str):
        try:
            recorded = json.loads(recorded)
        except ValueError:
            return {}
    if not isinstance(recorded, dict):
        return {}
    return {
        field: pair[0] if isinstance(pair, list | tuple) and pair else pair
        for field, pair in recorded.items()
    }


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- rebuild -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RebuildSummary:
    mothers: int
    cadres: int
    day_rows: int
    knowledge_rows: int


def rollups_rebuild(*, now: dt.datetime, progress: Progress | None = None) -> RebuildSummary:
    """Recompute every rollup from the raw tables, in batches, and set the watermark to the
    latest change seen. `progress(done, total)` is called after each batch of mothers."""
    watermark = _latest_change()
    with transaction.atomic():
        areas = _AreaColumns()
        MotherRollup.objects.all().delete()
        CadreRollup.objects.all().delete()
        PosyanduDayRollup.objects.all().delete()
        KnowledgeRollup.objects.all().delete()

        mother_ids = list(Mother.objects.order_by("pk").values_list("pk", flat=True))
        cadre_ids = list(Cadre.objects.order_by("pk").values_list("pk", flat=True))
        total = len(mother_ids) + len(cadre_ids) + 1
        done = 0
        for chunk in _chunks(mother_ids):
            MotherRollup.objects.bulk_create(
                _mother_rollups(chunk, now=now, areas=areas), batch_size=BATCH_SIZE
            )
            done += len(chunk)
            if progress:
                progress(done, total)
        for chunk in _chunks(cadre_ids):
            CadreRollup.objects.bulk_create(
                _cadre_rollups(chunk, now=now, areas=areas), batch_size=BATCH_SIZE
            )
            done += len(chunk)
            if progress:
                progress(done, total)
        day_rows = _day_rollups(None, now=now, areas=areas)
        knowledge_rows = _knowledge_rollups(None, now=now, areas=areas)
        PosyanduDayRollup.objects.bulk_create(day_rows, batch_size=BATCH_SIZE)
        KnowledgeRollup.objects.bulk_create(knowledge_rows, batch_size=BATCH_SIZE)
        state, _created = RollupState.objects.get_or_create(name=STATE_NAME)
        RollupState.objects.filter(pk=state.pk).update(
            refreshed_through=max(filter(None, [watermark, state.refreshed_through]), default=None),
            last_rebuild_at=now,
            last_run_at=now,
            run_started_at=None,
        )
        if progress:
            progress(total, total)
    return RebuildSummary(len(mother_ids), len(cadre_ids), len(day_rows), len(knowledge_rows))


def _latest_change() -> dt.datetime | None:
    from auditlog.models import LogEntry

    models = {model for model, _lookup in [*MOTHER_SOURCES, *CADRE_SOURCES]} | {Training, Area}
    moments = [model.objects.aggregate(latest=Max("updated_at"))["latest"] for model in models]
    moments.append(
        LogEntry.objects.filter(action=LogEntry.Action.DELETE).aggregate(latest=Max("timestamp"))[
            "latest"
        ]
    )
    return max(filter(None, moments), default=None)
