"""Many new rows of one model written in one statement, by the database's fastest path.

On PostgreSQL Django's `bulk_create` sends `INSERT … SELECT * FROM UNNEST(%s::type[], …)`, and
psycopg, which binds parameters on the client, writes each array element as quoted text in
Python: every element of every column, and a JSON value escaped quote by quote. For a phone's
push of 200 records that quoting, and sending the statement it makes, was the largest part of
the push (decision 0140). There `rows_insert` draws the rows' ids from the table's sequence in
one query and sends the rows with COPY, whose values psycopg writes with its C adapters. The
database checks every constraint as for an INSERT: a public id stored already raises
IntegrityError, a missing foreign key too (at the latest when the transaction commits).

Elsewhere (SQLite), and for a model whose primary key the database does not number, it is
`bulk_create`. Either way the rows come back saved, each with its primary key, as
`bulk_create` returns them. Like `bulk_create`, it calls no `save()` and sends no signals; the
caller writes the audit trail (core/bulk_audit.py).
"""

from collections.abc import Sequence
from typing import TypeVar

from django.db import connections, router
from django.db.models import AutoField, BigAutoField, Model, SmallAutoField

RowT = TypeVar("RowT", bound=Model)


def rows_insert(model: type[RowT], rows: Sequence[RowT]) -> list[RowT]:
    """Insert `rows` (new instances of `model`, their related rows saved) and return them saved."""
    rows = list(rows)
    connection = connections[router.db_for_write(model)]
    if not rows:
        return rows
    meta = model._meta
    pk = meta.pk
    numbered = isinstance(pk, AutoField | BigAutoField | SmallAutoField)
    if (
        connection.vendor != "postgresql"
        or not numbered
        or any(getattr(row, pk.attname) is not None for row in rows)
    ):
        return model._default_manager.bulk_create(rows)
    fields = [field for field in meta.concrete_fields if field is not pk]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in [pk.column, *(f.column for f in fields)])
    with connection.cursor() as cursor:
        cursor.execute(
            "select nextval(pg_get_serial_sequence(%s, %s)) from generate_series(1, %s)",
            [meta.db_table, pk.column, len(rows)],
        )
        ids = [number for (number,) in cursor.fetchall()]
        # A refused row (a duplicate public id) raises Django's IntegrityError, as an INSERT does.
        copying = cursor.copy(f"copy {quote(meta.db_table)} ({columns}) from stdin")
        with connection.wrap_database_errors, copying as copy:
            for number, row in zip(ids, rows, strict=True):
                copy.write_row(
                    [
                        number,
                        *(
                            field.get_db_prep_save(field.pre_save(row, True), connection)
                            for field in fields
                        ),
                    ]
                )
    for number, row in zip(ids, rows, strict=True):
        setattr(row, pk.attname, number)
        row._state.adding = False
        row._state.db = connection.alias
    return rows
