"""The audit trail of rows written in bulk (bulk_create sends no signals, so auditlog sees nothing).

A row written alone gets the entry auditlog's save would have written: its fields, old and new.
Rows of one model written together (a phone's batch, an imported workbook) get one entry for
them all (decision 0100): action CREATE, the author, `object_id` the first row's id, and in
`additional_data["rows"]` every row with its id, its public id and the values it was stored with,
masked and filtered as auditlog's registration of the model says. Building one diff and one
LogEntry per row cost about half of a sync push; the listing says the same for each row.

`audit_entries_of(row)` reads a row's entries whichever way they were written.

The author is the `actor` passed in or, when none is, the user of the `auditlog.context.set_actor`
block around the write (the request's, set by auditlog's middleware; the push's and the imports'),
as auditlog's own save would take it: a flag raised by a service that is not handed its author
(a skipped session, a birth outcome, the milk-onset answer) is still signed by the person whose
request raised it. A sweep runs outside any such block and has no author.
"""

import json
import uuid
from collections.abc import Sequence
from decimal import Decimal

from auditlog.context import auditlog_value
from auditlog.diff import get_mask_function, model_instance_diff
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, Q, QuerySet
from django.db.models.signals import pre_save
from django.utils.encoding import smart_str

from kaderasi.core.bulk_insert import rows_insert

ROWS = "rows"  # additional_data's key listing a batch entry's rows
LAST_ID = "last_id"  # and the highest id among them (rows of one batch need not be contiguous)


def bulk_audit_write(rows: Sequence[Model], *, actor, ids: Sequence[int] | None = None) -> None:
    """The CREATE entries of `rows` (saved, each with its pk): one per model, or auditlog's own
    per-row entry when the model has one row. `ids`: the entries' keys, one per model of `rows`,
    when the caller drew them with the rows' (`core.bulk_insert.ids_reserve`)."""
    by_model: dict[type[Model], list[Model]] = {}
    for row in rows:
        by_model.setdefault(type(row), []).append(row)
    if not by_model:
        return
    context = _active_audit_context()
    if actor is None:
        actor = context.get("actor")
    content_types = ContentType.objects.get_for_models(*by_model)
    entries = []
    for model, model_rows in by_model.items():
        if len(model_rows) == 1:
            entries.append(_row_entry(model_rows[0], content_types[model], actor))
        else:
            entries.append(_batch_entry(model, model_rows, content_types[model], actor))
    for entry in entries:
        entry.remote_addr = context.get("remote_addr")
    rows_insert(LogEntry, entries, ids=ids)


def _active_audit_context() -> dict:
    """The context of the `set_actor` block the code runs in, or {} outside one. auditlog leaves
    its context variable set after the block ends and only disconnects the block's pre_save
    receiver (keyed by the block's `signal_duid`), so a block is live while that receiver is."""
    try:
        context = auditlog_value.get()
    except LookupError:
        return {}
    duid = context.get("signal_duid")
    live = any(key[0] == duid for key, *_rest in pre_save.receivers)
    return context if live else {}


def _row_entry(row: Model, content_type: ContentType, actor) -> LogEntry:
    use_json = getattr(settings, "AUDITLOG_STORE_JSON_CHANGES", False)
    return LogEntry(
        content_type=content_type,
        object_pk=str(row.pk),
        object_id=row.pk,
        object_repr=smart_str(row),
        action=LogEntry.Action.CREATE,
        changes=model_instance_diff(None, row, use_json_for_changes=use_json),
        actor=actor,
    )


def _batch_entry(model: type[Model], rows: list[Model], content_type, actor) -> LogEntry:
    columns = _audited_columns(model)
    listed = []
    for row in rows:
        values = {"id": row.pk}
        for attname, mask in columns:
            value = getattr(row, attname)
            values[attname] = (
                mask(smart_str(value)) if mask and value is not None else _json_value(value)
            )
        listed.append(values)
    first = min(row.pk for row in rows)
    last = max(row.pk for row in rows)
    return LogEntry(
        content_type=content_type,
        object_pk=str(first),
        object_id=first,
        object_repr=f"{len(rows)} × {model._meta.verbose_name}",
        action=LogEntry.Action.CREATE,
        changes={},
        actor=actor,
        additional_data={ROWS: listed, LAST_ID: last},
    )


_ENCODER = DjangoJSONEncoder()


_PLAIN = frozenset({str, int, float, bool, type(None)})  # JSON holds them as they are


def _json_value(value):
    """`value` as JSON holds it, so dates, decimals and UUIDs are written as text (in
    DjangoJSONEncoder's format) on every database. The common types are told apart by their
    exact type first: a batch's listing converts some ten thousand values."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is uuid.UUID or kind is Decimal:
        return str(value)  # what DjangoJSONEncoder writes for them
    if kind is list and all(type(item) in _PLAIN for item in value):
        return list(value)
    if isinstance(value, str | int | float):
        return value
    if isinstance(value, list | tuple | dict):
        return json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    return _ENCODER.default(value)


def _audited_columns(model: type[Model]) -> list[tuple[str, object]]:
    """(attname, mask function or None) of the concrete fields auditlog tracks for `model`."""
    registered = auditlog.get_model_fields(model)
    include = set(registered["include_fields"] or ())
    exclude = set(registered["exclude_fields"] or ())
    masked = set(registered["mask_fields"] or ())
    mask = get_mask_function(registered.get("mask_callable"))
    return [
        (field.attname, mask if field.name in masked else None)
        for field in model._meta.concrete_fields
        if not field.primary_key
        and (not include or field.name in include)
        and field.name not in exclude
    ]


def audit_entries_of(row: Model) -> QuerySet[LogEntry]:
    """Every audit entry about `row`: its own, and the batch entry that lists it. Candidates are
    found by the batch's id range, then kept only when their listing names the row."""
    content_type = ContentType.objects.get_for_model(row)
    own = LogEntry.objects.get_for_object(row)
    batches = LogEntry.objects.filter(
        content_type=content_type,
        object_id__lte=row.pk,
        **{f"additional_data__{LAST_ID}__gte": row.pk},
    )
    listing = [
        entry.pk
        for entry in batches
        if any(item["id"] == row.pk for item in entry.additional_data[ROWS])
    ]
    return LogEntry.objects.filter(Q(pk__in=own.values("pk")) | Q(pk__in=listing)).order_by(
        "timestamp", "pk"
    )
