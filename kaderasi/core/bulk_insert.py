"""Many new rows of one model written in one statement, by the database's fastest path.

On PostgreSQL Django's `bulk_create` sends `INSERT … SELECT * FROM UNNEST(%s::type[], …)`, and
psycopg, which binds parameters on the client, writes each array element as quoted text in
Python: every element of every column, and a JSON value escaped quote by quote. For a phone's
push of 200 records that quoting, and sending the statement it makes, was the largest part of
the push (decision 0140). There `rows_insert` draws the rows' ids from the table's sequence in
one query (or takes those `ids_reserve` drew for several tables at once, decision 0250) and
sends the rows with COPY, whose values psycopg writes with its C adapters; a value
that Django's field would pass on unchanged is not handed to the field at all (decision 0180).
The database checks every constraint as for an INSERT: a public id stored already raises
IntegrityError, a missing foreign key too (at the latest when the transaction commits).

On SQLite it is one `INSERT … VALUES … RETURNING` per table (as many rows per statement as SQLite
binds, so a batch's statements do not grow with its size), each value prepared by its field as
`bulk_create` would. For a model whose primary key the database does not number, and on any
other database, it is `bulk_create`. Either way the rows come back saved, each with its primary
key, as `bulk_create` returns them. Like `bulk_create`, it calls no `save()` and sends no
signals; the caller writes the audit trail (core/bulk_audit.py).
"""

import datetime as dt
import sqlite3
import uuid
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import TypeVar

from django.db import connections, models, router
from django.db.models import AutoField, BigAutoField, Field, Model, SmallAutoField

RowT = TypeVar("RowT", bound=Model)

# The values that Django's stock fields hand to psycopg unchanged on PostgreSQL, by field class
# (exact classes: a subclass may prepare its values differently, so it goes through Django). For
# such a value `get_db_prep_save` only checks its type and returns it: checking the type here
# instead halves the cost of preparing a batch (decision 0180). Anything else, and every value
# of another field, is prepared by its field as `bulk_create` would.
_AS_IS: dict[type[Field], Callable[[object], bool]] = {
    **dict.fromkeys(
        (models.CharField, models.TextField, models.SlugField, models.EmailField),
        lambda value: type(value) is str,
    ),
    **dict.fromkeys(
        (
            models.IntegerField,
            models.BigIntegerField,
            models.SmallIntegerField,
            models.PositiveIntegerField,
            models.PositiveBigIntegerField,
            models.PositiveSmallIntegerField,
            models.AutoField,
            models.BigAutoField,
            models.SmallAutoField,
        ),
        lambda value: type(value) is int,
    ),
    models.BooleanField: lambda value: type(value) is bool,
    models.UUIDField: lambda value: type(value) is uuid.UUID,
    models.DecimalField: lambda value: type(value) is Decimal and value.is_finite(),
    models.DateField: lambda value: type(value) is dt.date,
    # An aware datetime (a naive one is made aware, with a warning, by the field).
    models.DateTimeField: lambda value: (
        type(value) is dt.datetime and value.utcoffset() is not None
    ),
}


def _as_is_check(field: Field) -> Callable[[object], bool] | None:
    """The test of a value `field` would pass on unchanged, or None (every value is prepared)."""
    if type(field) in (models.ForeignKey, models.OneToOneField):
        target = field.target_field
        check = _AS_IS.get(type(target))
        return check if check is not None and not target.is_relation else None
    return _AS_IS.get(type(field))


def _reads_plainly(field: Field) -> bool:
    """Whether the field's `pre_save` of a new row only reads the attribute (no auto_now)."""
    if isinstance(field, models.DateField):
        return not (field.auto_now or field.auto_now_add)
    return type(field).pre_save is Field.pre_save


def ids_reserve(counts: Mapping[type[Model], int]) -> dict[type[Model], list[int]]:
    """PostgreSQL: ids for `counts[model]` new rows of each model, drawn from the tables'
    sequences in one query, for `rows_insert(model, rows, ids=…)` (a batch writing several
    tables spares a round trip per table). Elsewhere, and for a model whose key the database
    does not number, nothing: the insert numbers its rows itself."""
    wanted = [
        (model, count)
        for model, count in counts.items()
        if count > 0
        and isinstance(model._meta.pk, AutoField | BigAutoField | SmallAutoField)
        and connections[router.db_for_write(model)].vendor == "postgresql"
    ]
    if not wanted:
        return {}
    connection = connections[router.db_for_write(wanted[0][0])]
    drawn: dict[type[Model], list[int]] = {model: [] for model, _count in wanted}
    with connection.cursor() as cursor:
        cursor.execute(
            " union all ".join(
                f"select {position}, nextval(pg_get_serial_sequence(%s, %s)) "  # noqa: S608 - a number
                "from generate_series(1, %s)"
                for position in range(len(wanted))
            ),
            [
                value
                for model, count in wanted
                for value in (model._meta.db_table, model._meta.pk.column, count)
            ],
        )
        for position, number in cursor.fetchall():
            drawn[wanted[position][0]].append(number)
    return drawn


def rows_insert(
    model: type[RowT], rows: Sequence[RowT], *, ids: Sequence[int] | None = None
) -> list[RowT]:
    """Insert `rows` (new instances of `model`, their related rows saved) and return them saved.
    `ids`: as many keys as rows, drawn with `ids_reserve` (on PostgreSQL), else drawn here."""
    rows = list(rows)
    if not rows:
        return rows
    connection = connections[router.db_for_write(model)]
    pk = model._meta.pk
    if (
        connection.vendor not in ("postgresql", "sqlite")
        or not isinstance(pk, AutoField | BigAutoField | SmallAutoField)
        or any(getattr(row, pk.attname) is not None for row in rows)
    ):
        return model._default_manager.bulk_create(rows)
    fields = [field for field in model._meta.concrete_fields if field is not pk]
    if connection.vendor == "postgresql":
        numbers = _copy(connection, model, fields, rows, ids)
    else:
        numbers = _insert_returning(connection, model, fields, rows)
    for number, row in zip(numbers, rows, strict=True):
        setattr(row, pk.attname, number)
        row._state.adding = False
        row._state.db = connection.alias
    return rows


def _copy(
    connection, model: type[Model], fields: list[Field], rows: list, ids: Sequence[int] | None
) -> list[int]:
    """PostgreSQL: the ids (drawn from the table's sequence in one query unless given), the rows
    sent by COPY. Returns the ids, in the order of `rows`."""
    meta = model._meta
    pk = meta.pk
    plan = [(field, field.attname, _reads_plainly(field), _as_is_check(field)) for field in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in [pk.column, *(f.column for f in fields)])
    if ids is None:
        ids = ids_reserve({model: len(rows)})[model]
    if len(ids) != len(rows):
        raise ValueError(f"{len(ids)} ids for {len(rows)} rows of {meta.label}")
    with connection.cursor() as cursor:
        # A refused row (a duplicate public id) raises Django's IntegrityError, as an INSERT does.
        copying = cursor.copy(f"copy {quote(meta.db_table)} ({columns}) from stdin")
        with connection.wrap_database_errors, copying as copy:
            for number, row in zip(ids, rows, strict=True):
                values: list = [number]
                for field, attname, plain, as_is in plan:
                    value = getattr(row, attname) if plain else field.pre_save(row, True)
                    if as_is is None or not (value is None or as_is(value)):
                        value = field.get_db_prep_save(value, connection)
                    values.append(value)
                copy.write_row(values)
    return list(ids)


def _insert_returning(connection, model: type[Model], fields: list[Field], rows: list) -> list[int]:
    """SQLite: `INSERT … VALUES (…), (…) RETURNING id` with as many rows per statement as SQLite
    binds variables (32,766 since SQLite 3.32; Django's bulk_create assumes 999 and split a
    200-record push into four statements per table). Returns the ids, in the order of `rows`."""
    meta = model._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    row_marks = f"({', '.join(['%s'] * len(fields))})"
    connection.ensure_connection()
    variables = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    per_statement = max(1, variables // len(fields))
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(
                f"insert into {quote(meta.db_table)} ({columns}) "  # noqa: S608 - our table names
                f"values {', '.join([row_marks] * len(chunk))} returning {quote(meta.pk.column)}",
                [
                    field.get_db_prep_save(field.pre_save(row, True), connection)
                    for row in chunk
                    for field in fields
                ],
            )
            ids.extend(number for (number,) in cursor.fetchall())
    return ids
