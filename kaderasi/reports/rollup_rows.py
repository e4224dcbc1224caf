"""How each rollup row is computed from the raw care and training tables (reads only): one row per
mother and per cadre, and the day and knowledge rows of whole (programme, posyandu) pairs. The
same functions serve a full rebuild (`pairs=None`) and an incremental refresh, which is why the
two always agree. `rollups.py` writes the rows."""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q, Sum

from kaderasi.cadres.models import Cadre
from kaderasi.core.chunks import chunks
from kaderasi.regions.models import Area
from kaderasi.reports.models import (
    MOTHER_DAY_FLOWS,
    CadreRollup,
    KnowledgeRollup,
    MotherDayRollup,
    PosyanduDayRollup,
)
from kaderasi.training.knowledge_pairs import training_pairs
from kaderasi.training.models import Certificate, TestAttempt, TestPhase

Pair = tuple[int, int]
"""(programme id, posyandu id): the unit in which day and knowledge rollups are recomputed."""

Progress = Callable[[int, int], None]
BATCH_SIZE = 500


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_date(moment: dt.datetime) -> dt.date:
    """The calendar day of `moment` where the programmes run (settings.TIME_ZONE)."""
    return moment.astimezone(_zone()).date()


def _start_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=_zone())


# --- areas -------------------------------------------------------------------------------------


AREA_COLUMNS = (
    "posyandu_id",
    "village_id",
    "district_id",
    "regency_id",
    "province_id",
    "area_path",
)


class AreaColumns:
    """The denormalised area columns of a posyandu (its path and every ancestor by level)."""

    def __init__(self) -> None:
        self._columns: dict[int, dict] = {}

    def of(self, posyandu_id: int) -> dict:
        return self._columns[posyandu_id]

    def remember(self, row) -> None:
        """Keep the columns of a rollup row just computed (its posyandu's, read in the same
        transaction), so that they are not read again."""
        self._columns.setdefault(
            row.posyandu_id, {column: getattr(row, column) for column in AREA_COLUMNS}
        )

    def load(self, posyandu_ids: Iterable[int]) -> None:
        missing = set(posyandu_ids) - self._columns.keys()
        for chunk in chunks(sorted(missing)):
            paths = dict(Area.objects.filter(pk__in=chunk).values_list("pk", "path"))
            ancestor_ids = {int(part) for path in paths.values() for part in _path_ids(path)}
            levels: dict[int, str] = {}
            for ancestor_chunk in chunks(sorted(ancestor_ids)):
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


# --- per person -------------------------------------------------------------------------------


def iso_days(days: Iterable[dt.date]) -> list[str]:
    return sorted(day.isoformat() for day in set(days))


def stored_days(row) -> set[dt.date]:
    """The days a stored mother or cadre rollup row says she counts on."""
    return {dt.date.fromisoformat(day) for day in row.counted_days or ()}


def _cadre_days(cadre_ids: list[int]) -> dict[int, set[dt.date]]:
    """Every local day a cadre may count on in the day rollups: her post-tests and certified
    trainings (the first of them is her training day) and her certificates' issue days."""
    days: dict[int, set[dt.date]] = defaultdict(set)
    for cadre_id, taken_on, starts_at in TestAttempt.objects.filter(
        cadre_id__in=cadre_ids, phase=TestPhase.POST
    ).values_list("cadre_id", "taken_on", "training__starts_at"):
        days[cadre_id].add(taken_on or local_date(starts_at))
    for cadre_id, issued_on, starts_at in Certificate.objects.filter(
        cadre_id__in=cadre_ids
    ).values_list("cadre_id", "issued_on", "training__starts_at"):
        days[cadre_id].add(issued_on)
        if starts_at is not None:
            days[cadre_id].add(local_date(starts_at))
    return days


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


class CertificateDates(NamedTuple):
    """What the rules of a cadre's row read of a certificate: its dates, and when the training
    it names started (None without one)."""

    issued_on: dt.date
    expires_on: dt.date
    revoked_on: dt.date | None
    refresher_due_on: dt.date | None
    training_starts_at: dt.datetime | None


def _trained_on(
    post_tests: Iterable[tuple[dt.date | None, dt.datetime]],
    certificates: Iterable[CertificateDates],
) -> dt.date | None:
    """The day a cadre counts as trained: her first completed post-test (its day, else its
    training's first day; `post_tests` are (taken_on, training starts_at)), or the first
    training a certificate of hers names (a certificate issued for a training she took part in,
    by hand when no test was recorded), whichever came first."""
    days = [taken_on or local_date(starts_at) for taken_on, starts_at in post_tests]
    days += [
        local_date(c.training_starts_at) for c in certificates if c.training_starts_at is not None
    ]
    return min(days) if days else None


def cadre_rollups(
    cadre_ids: Iterable[int], *, now: dt.datetime, areas: AreaColumns
) -> list[CadreRollup]:
    """The rows of these cadres. Their certificates and post-tests are read as plain values,
    not model instances: building 80,000 instances cost most of a 20,000-cadre rebuild's
    Python time (decision 0320)."""
    today = local_date(now)
    rows = []
    for chunk in chunks(sorted(set(cadre_ids))):
        cadres = list(
            Cadre.objects.filter(pk__in=chunk)
            .annotate(open_pairings=Count("pairings", filter=Q(pairings__ends_at__isnull=True)))
            .values_list("pk", "programme_id", "posyandu_id", "open_pairings")
        )
        certificates: dict[int, list[CertificateDates]] = defaultdict(list)
        for cadre_id, *dates in Certificate.objects.filter(cadre_id__in=chunk).values_list(
            "cadre_id",
            "issued_on",
            "expires_on",
            "revoked_on",
            "refresher_due_on",
            "training__starts_at",
        ):
            certificates[cadre_id].append(CertificateDates(*dates))
        post_tests: dict[int, list[tuple[dt.date | None, dt.datetime]]] = defaultdict(list)
        for cadre_id, taken_on, starts_at in (
            TestAttempt.objects.completed()
            .filter(cadre_id__in=chunk, phase=TestPhase.POST)
            .values_list("cadre_id", "taken_on", "training__starts_at")
        ):
            post_tests[cadre_id].append((taken_on, starts_at))
        areas.load(posyandu_id for _pk, _programme_id, posyandu_id, _open in cadres)
        days = _cadre_days(chunk)
        for cadre_id, programme_id, posyandu_id, open_pairings in cadres:
            window = certification_window(certificates[cadre_id], today=today)
            rows.append(
                CadreRollup(
                    cadre_id=cadre_id,
                    programme_id=programme_id,
                    **areas.of(posyandu_id),
                    trained_on=_trained_on(post_tests[cadre_id], certificates[cadre_id]),
                    certified_from=window.certified_from,
                    certified_until=window.certified_until,
                    refresher_due_on=window.refresher_due_on,
                    active_clients=open_pairings,
                    next_change_at=_start_of_day(window.next_change_on)
                    if window.next_change_on
                    else None,
                    counted_days=iso_days(days.get(cadre_id, ())),
                    refreshed_at=now,
                )
            )
    return rows


# --- per programme × posyandu × day ------------------------------------------------------------


def pair_q(pairs: list[Pair] | None, prefix: str = "") -> Q:
    if pairs is None:
        return Q()
    condition = Q(pk__in=[])
    for programme_id, posyandu_id in pairs:
        condition |= Q(
            **{f"{prefix}programme_id": programme_id, f"{prefix}posyandu_id": posyandu_id}
        )
    return condition


def _on_days(field: str, days: set[dt.date] | None) -> Q:
    """Rows whose `field` (a moment) falls on one of these local days; every row for None."""
    if days is None:
        return Q()
    condition = Q(pk__in=[])
    for day in days:
        condition |= Q(
            **{
                f"{field}__gte": _start_of_day(day),
                f"{field}__lt": _start_of_day(day + dt.timedelta(days=1)),
            }
        )
    return condition


def _day_counts(
    pairs: list[Pair] | None,
    *,
    now: dt.datetime,
    days: set[dt.date] | None = None,
) -> dict[tuple, Counter]:
    """The day rows' counts of these pairs (every pair for None), on these local days only
    (every day for None). A refresh where only mothers changed sums their flows in the database
    instead and keeps the cadres' (`mother_day_rollup_sql.posyandu_days_resum`)."""
    counts: dict[tuple, Counter] = defaultdict(Counter)

    def add(programme_id, posyandu_id, day, field):
        counts[(programme_id, posyandu_id, day)][field] += 1

    # The mothers' flows: the sums of their day rows (`MotherDayRollup`, written by the database,
    # decision 0220), so a few days of a pair read only the rows of those days' mothers.
    day_in = Q() if days is None else Q(day__in=days)
    grouped = (
        MotherDayRollup.objects.filter(pair_q(pairs), day_in)
        .values("programme_id", "posyandu_id", "day")
        .annotate(**{name: Sum(name) for name in MOTHER_DAY_FLOWS})
        .order_by()
    )
    for row in grouped:
        key = (row["programme_id"], row["posyandu_id"], row["day"])
        for name in MOTHER_DAY_FLOWS:
            if row[name]:
                counts[key][name] += row[name]
        if row["sessions_done"] + row["sessions_missed"]:
            counts[key]["sessions_due"] += row["sessions_done"] + row["sessions_missed"]

    # The day each cadre counts as trained, as `_trained_on` decides it for her rollup. On some
    # days only, only the cadres with a post-test or certified training on one of them can count
    # (her first day is the day of one of her rows): the rest of the posyandu is not read.
    first_trained: dict[int, tuple] = {}
    completed_post_tests = TestAttempt.objects.completed().filter(
        pair_q(pairs, "cadre__"), phase=TestPhase.POST
    )
    certified = Certificate.objects.filter(pair_q(pairs, "cadre__"), training__isnull=False)
    candidates = Q()
    if days is not None:
        on_training_day = _on_days("training__starts_at", days)
        candidates = Q(
            cadre_id__in=completed_post_tests.filter(
                Q(taken_on__in=days) | Q(taken_on__isnull=True) & on_training_day
            ).values("cadre_id")
        ) | Q(cadre_id__in=certified.filter(on_training_day).values("cadre_id"))
    post_tests = completed_post_tests.filter(candidates).values_list(
        "cadre_id",
        "cadre__programme_id",
        "cadre__posyandu_id",
        "taken_on",
        "training__starts_at",
    )
    certified_trainings = certified.filter(candidates).values_list(
        "cadre_id", "cadre__programme_id", "cadre__posyandu_id", "training__starts_at"
    )
    trained_days = [
        (cadre_id, programme_id, posyandu_id, taken_on or local_date(starts_at))
        for cadre_id, programme_id, posyandu_id, taken_on, starts_at in post_tests
    ] + [
        (cadre_id, programme_id, posyandu_id, local_date(starts_at))
        for cadre_id, programme_id, posyandu_id, starts_at in certified_trainings
    ]
    for cadre_id, programme_id, posyandu_id, day in trained_days:
        known = first_trained.get(cadre_id)
        if known is None or day < known[2]:
            first_trained[cadre_id] = (programme_id, posyandu_id, day)
    for programme_id, posyandu_id, day in first_trained.values():
        if days is None or day in days:
            add(programme_id, posyandu_id, day, "cadres_trained")

    issued = Q() if days is None else Q(issued_on__in=days)
    for programme_id, posyandu_id, issued_on in Certificate.objects.filter(
        pair_q(pairs, "cadre__"), issued
    ).values_list("cadre__programme_id", "cadre__posyandu_id", "issued_on"):
        add(programme_id, posyandu_id, issued_on, "certificates_issued")
    return counts


def day_rollups(
    pairs: list[Pair] | None,
    *,
    now: dt.datetime,
    areas: AreaColumns,
    days: set[dt.date] | None = None,
) -> list[PosyanduDayRollup]:
    counts = _day_counts(pairs, now=now, days=days)
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


class KnowledgeAttempt(NamedTuple):
    """A test attempt as `training.knowledge_pairs` reads it, with its cadre's programme and
    posyandu and its training's start: plain values, not model instances (decision 0320)."""

    cadre_id: int
    training_id: int
    phase: str
    status: str
    score: Decimal | None
    programme_id: int
    posyandu_id: int
    training_starts_at: dt.datetime


def knowledge_rollups(
    pairs: list[Pair] | None, *, now: dt.datetime, areas: AreaColumns
) -> list[KnowledgeRollup]:
    """Scores of cadres with a complete pair in a training (`training.knowledge_pairs`: both tests
    completed; one still being answered does not count), summed per (training, programme,
    posyandu); the programme is the cadre's, so scoping follows the cadre."""
    attempts = (
        KnowledgeAttempt(*values)
        for values in TestAttempt.objects.filter(pair_q(pairs, "cadre__")).values_list(
            "cadre_id",
            "training_id",
            "phase",
            "status",
            "score",
            "cadre__programme_id",
            "cadre__posyandu_id",
            "training__starts_at",
        )
    )
    sums: dict[tuple, list] = {}
    for pair in training_pairs(attempts).values():
        if not pair.complete:
            continue
        pre = pair.pre
        assert pre is not None  # a complete pair has both
        key = (pair.training_id, pre.programme_id, pre.posyandu_id)
        total = sums.setdefault(key, [pre.training_starts_at, 0, Decimal(0), Decimal(0)])
        total[1] += 1
        total[2] += pair.pre_score
        total[3] += pair.post_score
    areas.load(posyandu_id for _t, _p, posyandu_id in sums)
    return [
        KnowledgeRollup(
            training_id=training_id,
            programme_id=programme_id,
            **areas.of(posyandu_id),
            training_on=local_date(starts_at),
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
