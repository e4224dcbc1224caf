"""`care.timing.postpartum_day` as SQL, for the rollups the database computes. `timing.py` stays
the definition (day 1 is the first 24 hours after the birth; none before it); a parity test on
SQLite and PostgreSQL (`reports/tests/test_rollups_set_based.py`) proves the two agree, at the
exact 24-hour boundaries too. Both translations count whole microseconds, never a float."""

MICROSECONDS_PER_DAY = 86_400_000_000


def postpartum_day_sql(vendor: str, *, delivered_at: str, at: str) -> str:
    """An SQL expression of the postpartum day of the moment `at` for a birth at `delivered_at`
    (both SQL expressions of stored datetimes), NULL before the birth or without one."""
    if vendor == "postgresql":
        elapsed = f"FLOOR(EXTRACT(EPOCH FROM ({at}) - ({delivered_at})) * 1000000)::bigint"
    else:  # SQLite: Django registers django_timestamp_diff (microseconds) on every connection
        elapsed = f"django_timestamp_diff({at}, {delivered_at})"
    return (
        f"CASE WHEN ({at}) < ({delivered_at}) THEN NULL"
        f" ELSE {elapsed} / {MICROSECONDS_PER_DAY} + 1 END"
    )
