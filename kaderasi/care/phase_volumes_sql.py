"""`care.phase_volumes` (a mother's baseline and follow-up milk volume) as SQL the database runs
for every mother at once, for the rollups. `phase_volumes.py` stays the definition; this is its
translation, and a parity test on SQLite and PostgreSQL
(`reports/tests/test_rollups_set_based.py`) proves the two give the same volume for every
mother: both breasts, one breast, both breasts measured separately in either order, volumes
taken at the same moment, volumes without a phase.

The rule, as the database computes it: rank each milk volume within its (mother, phase) and
within its (mother, phase, side) in the order `phase_volumes` reads them (measured, then
recorded, then id: `care.selectors.milk_volumes_prefetch`). The first of the phase counts; when
it is of one breast, the first of the other breast is added. Since the first of the phase is
the first of its own side, that sum is the first left plus the first right."""

from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber

from kaderasi.care.phase_volumes import AFTER, BEFORE, OPPOSITE_SIDE, PHASES

READING_ORDER = [F("measured_at").asc(), F("created_at").asc(), F("pk").asc()]


def phase_volumes_sql(milk_volumes: QuerySet) -> tuple[str, list]:
    """SQL and its parameters selecting `mother_id`, `before_ml` and `after_ml`: the phase
    volumes of every mother with a phase volume among `milk_volumes` (a queryset of milk-volume
    `Measurement`s), as `phase_volumes(...).before/after.volume` gives them (NULL for none)."""
    ranked = (
        milk_volumes.filter(phase__in=PHASES)
        .order_by()
        .annotate(
            rank_in_phase=Window(
                RowNumber(), partition_by=[F("mother_id"), F("phase")], order_by=READING_ORDER
            ),
            rank_in_side=Window(
                RowNumber(),
                partition_by=[F("mother_id"), F("phase"), F("side")],
                order_by=READING_ORDER,
            ),
        )
        .values("mother_id", "phase", "side", "value", "rank_in_phase", "rank_in_side")
    )
    ranked_sql, ranked_params = ranked.query.sql_with_params()
    sides = list(OPPOSITE_SIDE)
    columns, params = [], []
    for phase, name in ((BEFORE, "before_ml"), (AFTER, "after_ml")):
        first = "CASE WHEN phase = %s AND rank_in_phase = 1 THEN {} END"
        first_of_side = "CASE WHEN phase = %s AND side = %s AND rank_in_side = 1 THEN value END"
        columns.append(
            f"CASE WHEN MAX({first.format('side')}) IN (%s, %s)"
            f" THEN COALESCE(MAX({first_of_side}), 0) + COALESCE(MAX({first_of_side}), 0)"
            f" ELSE MAX({first.format('value')}) END AS {name}"
        )
        params += [phase, *sides, phase, sides[0], phase, sides[1], phase]
    sql = (
        f"SELECT mother_id, {', '.join(columns)}"  # noqa: S608 - our column names, values bound
        f" FROM ({ranked_sql}) ranked GROUP BY mother_id"
    )
    return sql, [*params, *ranked_params]  # the columns come before the FROM
