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

How each row is computed lives in `rollup_rows.py`; this module decides what to recompute and
writes it.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from types import SimpleNamespace

from django.db import connection, transaction
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from kaderasi.cadres.models import Cadre
from kaderasi.care.models import (
    Delivery,
    Flag,
    MassageSession,
    Measurement,
    Mother,
    Pairing,
    Pregnancy,
    Referral,
    ScheduledSession,
)
from kaderasi.regions.models import Area
from kaderasi.reports.models import (
    CadreRollup,
    KnowledgeRollup,
    MotherDayRollup,
    MotherRollup,
    PosyanduDayRollup,
    RollupState,
)
from kaderasi.reports.mother_day_rollup_sql import mother_day_rollups_insert, posyandu_days_resum
from kaderasi.reports.mother_rollup_sql import mother_rollups_insert
from kaderasi.reports.rollup_rows import (
    AREA_COLUMNS,
    BATCH_SIZE,
    AreaColumns,
    Pair,
    Progress,
    cadre_rollups,
    chunks,
    day_rollups,
    knowledge_rollups,
    local_date,
    pair_q,
    stored_days,
)
from kaderasi.training.models import Certificate, TestAttempt, Training

__all__ = [
    "local_date",
    "rollups_rebuild",
    "rollups_refresh_due",
    "rollups_refresh_for_cadre",
    "rollups_refresh_for_mother",
]

STATE_NAME = "dashboards"
# A row saved in a transaction that commits after a refresh ran carries an `updated_at` slightly
# before that run's watermark; looking back this far picks it up on the next run.
WATERMARK_OVERLAP = dt.timedelta(minutes=10)
# A run that has not finished after this long is taken to have died; the next run takes over.
STALE_RUN = dt.timedelta(hours=1)
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


# --- writing -----------------------------------------------------------------------------------


def _replace_pairs(pairs: set[Pair], *, now: dt.datetime, areas: AreaColumns) -> None:
    """Every day row and knowledge row of these pairs, recomputed (a deleted person, a moved
    area: rare)."""
    for chunk in chunks(sorted(pairs), 100):
        PosyanduDayRollup.objects.filter(pair_q(chunk)).delete()
        PosyanduDayRollup.objects.bulk_create(
            day_rollups(chunk, now=now, areas=areas), batch_size=BATCH_SIZE
        )
    _replace_knowledge(pairs, now=now, areas=areas)


def _replace_knowledge(pairs: set[Pair], *, now: dt.datetime, areas: AreaColumns) -> None:
    for chunk in chunks(sorted(pairs), 100):
        KnowledgeRollup.objects.filter(pair_q(chunk)).delete()
        KnowledgeRollup.objects.bulk_create(
            knowledge_rollups(chunk, now=now, areas=areas), batch_size=BATCH_SIZE
        )


def _replace_pair_days(
    pair_days: dict[Pair, set[dt.date]], *, now: dt.datetime, areas: AreaColumns
) -> None:
    """The day rows of these pairs on these days only: what a changed person counts on, before
    and after the change. The work grows with her days, not with the number of mothers."""
    for (programme_id, posyandu_id), days in sorted(pair_days.items()):
        if not days:
            continue
        rows = day_rollups([(programme_id, posyandu_id)], now=now, areas=areas, days=days)
        PosyanduDayRollup.objects.filter(
            programme_id=programme_id, posyandu_id=posyandu_id, day__in=days
        ).delete()
        PosyanduDayRollup.objects.bulk_create(rows, batch_size=BATCH_SIZE)


def _resum_mother_days(
    pair_days: dict[Pair, set[dt.date]], *, now: dt.datetime, areas: AreaColumns
) -> None:
    """The day rows of these pairs on these days, where only mothers changed: their mothers'
    flows summed again in the database, their cadres' flows kept (decision 0260)."""
    areas.load(posyandu_id for _programme_id, posyandu_id in pair_days)
    for (programme_id, posyandu_id), days in sorted(pair_days.items()):
        if days:
            posyandu_days_resum(
                programme_id=programme_id,
                posyandu_id=posyandu_id,
                days=days,
                area=areas.of(posyandu_id),
                now=now,
            )


def _refresh(
    *,
    mother_ids: set[int],
    cadre_ids: set[int],
    pairs: set[Pair],
    now: dt.datetime,
) -> None:
    """Recompute the rows of these mothers and cadres, the day rows of the days each of them
    counted on before or counts on now (in her old and her new pair), the knowledge rows of the
    changed cadres' pairs, and every row of `pairs` (deletions, moved areas)."""
    areas = AreaColumns()
    mother_days: dict[Pair, set[dt.date]] = defaultdict(set)
    pair_days: dict[Pair, set[dt.date]] = defaultdict(set)  # the cadres' days
    knowledge_pairs: set[Pair] = set()
    mother_ids = set(mother_ids)
    cadre_ids = set(cadre_ids)
    # The cadres who accompany or accompanied these mothers: their number of active clients
    # changes with a pairing, nothing else of theirs does.
    clients_changed: set[int] = set()

    for chunk in chunks(sorted(mother_ids)):
        # Each old row is deleted and each new one written by one statement that also returns
        # what the rest of the refresh needs of it (decision 0260).
        clients_changed.update(
            cadre_id
            for (cadre_id,) in _delete_returning(MotherRollup, chunk, ("cadre_id",))
            if cadre_id is not None
        )
        clients_changed.update(
            Pairing.objects.filter(mother_id__in=chunk).values_list("cadre_id", flat=True)
        )
        # The day rows she counted on before the change and counts on after it (in her old and
        # her new pair): exactly the days of her own day rows, old and new (decision 0220).
        days_before = _delete_returning(MotherDayRollup, chunk, PAIR_DAY)
        for values in mother_rollups_insert(mother_ids=chunk, now=now, returning=AREA_COLUMNS):
            areas.remember(SimpleNamespace(**dict(zip(AREA_COLUMNS, values, strict=True))))
        days_after = mother_day_rollups_insert(mother_ids=chunk, now=now, returning=PAIR_DAY)
        for programme_id, posyandu_id, day in [*days_before, *days_after]:
            mother_days[(programme_id, posyandu_id)].add(_date(day))

    clients_changed -= cadre_ids
    old_cadres = {}
    for chunk in chunks(sorted(cadre_ids)):
        for row in CadreRollup.objects.filter(cadre_id__in=chunk).only(
            "cadre_id", "programme_id", "posyandu_id", "counted_days"
        ):
            old_cadres[row.cadre_id] = row
    cadre_rows = cadre_rollups(cadre_ids, now=now, areas=areas)
    for row in cadre_rows:
        old = old_cadres.get(row.cadre_id)
        days = stored_days(row) | (stored_days(old) if old else set())
        for pair in {(row.programme_id, row.posyandu_id)} | (
            {(old.programme_id, old.posyandu_id)} if old else set()
        ):
            pair_days[pair] |= days
            knowledge_pairs.add(pair)
    for row in old_cadres.values():  # a cadre deleted since: her old pair
        knowledge_pairs.add((row.programme_id, row.posyandu_id))

    for chunk in chunks(sorted(cadre_ids)):
        CadreRollup.objects.filter(cadre_id__in=chunk).delete()
    CadreRollup.objects.bulk_create(cadre_rows, batch_size=BATCH_SIZE)
    _active_clients_update(clients_changed, now=now)
    _replace_pairs(pairs, now=now, areas=areas)
    _replace_pair_days(
        {pair: days for pair, days in pair_days.items() if pair not in pairs},
        now=now,
        areas=areas,
    )
    _resum_mother_days(
        {
            pair: days - pair_days.get(pair, set())
            for pair, days in mother_days.items()
            if pair not in pairs
        },
        now=now,
        areas=areas,
    )
    _replace_knowledge(knowledge_pairs - pairs, now=now, areas=areas)


# The columns of a mother's day row that name the posyandu's day row it adds to.
PAIR_DAY = ("programme_id", "posyandu_id", "day")


def _delete_returning(model: type, mother_ids: list[int], columns: tuple[str, ...]) -> list:
    """Delete these mothers' rows of `model` (a table with a `mother_id`) and return `columns`
    of each deleted row: one statement."""
    quote = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(mother_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quote(model._meta.db_table)} WHERE mother_id IN ({marks})"  # noqa: S608
            f" RETURNING {', '.join(quote(column) for column in columns)}",
            list(mother_ids),
        )
        return cursor.fetchall()


def _date(value: dt.date | str) -> dt.date:
    """A day as a statement returns it (SQLite returns the text)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _active_clients_update(cadre_ids: set[int], *, now: dt.datetime) -> None:
    """The one count of a cadre's row a mother's change can move: how many mothers she
    accompanies now (`cadre_rollups` counts it the same way, her open pairings). One UPDATE,
    whatever the number of cadres; a cadre without a row yet is left to the periodic refresh."""
    open_pairings = (
        Pairing.objects.filter(cadre_id=OuterRef("cadre_id"), ends_at__isnull=True)
        .order_by()
        .values("cadre_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    for chunk in chunks(sorted(cadre_ids)):
        CadreRollup.objects.filter(cadre_id__in=chunk).update(
            active_clients=Coalesce(Subquery(open_pairings), 0), refreshed_at=now
        )


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
            _planned_without_jit()
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
        changes.cadre_ids.update(  # a certificate's training day counts as her training day
            Certificate.objects.filter(training_id=training_id).values_list("cadre_id", flat=True)
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
        # Every day row of the posyandus below carries the area's columns.
        for model in (Mother, Cadre):
            changes.pairs.update(
                model.objects.filter(posyandu__path__startswith=path)
                .values_list("programme_id", "posyandu_id")
                .distinct()
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
        _planned_without_jit()
        areas = AreaColumns()
        MotherRollup.objects.all().delete()
        CadreRollup.objects.all().delete()
        PosyanduDayRollup.objects.all().delete()
        KnowledgeRollup.objects.all().delete()

        mothers = Mother.objects.count()
        cadre_ids = list(Cadre.objects.order_by("pk").values_list("pk", flat=True))
        total = mothers + len(cadre_ids) + 1
        MotherDayRollup.objects.all().delete()
        mother_rollups_insert(mother_ids=None, now=now)
        mother_day_rollups_insert(mother_ids=None, now=now)
        done = mothers
        if progress:
            progress(done, total)
        for chunk in chunks(cadre_ids):
            CadreRollup.objects.bulk_create(
                cadre_rollups(chunk, now=now, areas=areas), batch_size=BATCH_SIZE
            )
            done += len(chunk)
            if progress:
                progress(done, total)
        day_rows = day_rollups(None, now=now, areas=areas)
        knowledge_rows = knowledge_rollups(None, now=now, areas=areas)
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
    return RebuildSummary(mothers, len(cadre_ids), len(day_rows), len(knowledge_rows))


def _planned_without_jit() -> None:
    """For the rest of the transaction, PostgreSQL runs the statements without compiling them
    first (JIT). It compiles a statement it estimates expensive, and it estimates the mothers'
    statements over many mothers at millions (the session status' subplans) though they run
    in seconds: at 20,000 mothers it spent 10.5 s compiling the rebuild's two statements, 7.1
    and 3.4 s, longer than running them (decision 0260)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


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
