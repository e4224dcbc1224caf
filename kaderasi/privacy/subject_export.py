"""Everything kaderasi holds about one mother, as machine-readable JSON (UU PDP: the data subject's
right of access). Found by following every foreign key of kaderasi's tables back to her (her
pregnancies, their deliveries, the infants, measurements, sessions, flags, referrals, reminders,
family members, phone edits, the read audit …), plus the audit log entries of those rows."""

import datetime as dt
import json
from collections import defaultdict

from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from kaderasi.care.models import Mother
from kaderasi.core.field_crypto import LookupHashField

FORMAT_VERSION = 1


def _kaderasi_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__module__.startswith("kaderasi.")]


def rows_of_mother(mother: Mother) -> dict[type[models.Model], list[models.Model]]:
    """Her row and every row that points to it, directly or through rows that do (a fixed point
    over kaderasi's foreign keys; many-to-many links to shared rows are not followed)."""
    found: dict[type[models.Model], dict[int, models.Model]] = defaultdict(dict)
    found[Mother][mother.pk] = mother
    candidates = _kaderasi_models()
    grew = True
    while grew:
        grew = False
        for model in candidates:
            for field in model._meta.concrete_fields:
                linked = field.many_to_one or field.one_to_one
                parent = field.related_model if linked else None
                if parent is None or not found.get(parent):
                    continue
                new = model._default_manager.filter(
                    **{f"{field.name}__in": list(found[parent])}
                ).exclude(pk__in=list(found[model]))
                for row in new:
                    found[model][row.pk] = row
                    grew = True
    return {model: list(rows.values()) for model, rows in found.items()}


def _serialised(model, rows) -> list[dict]:
    fields = [
        f.name
        for f in model._meta.concrete_fields
        if not isinstance(f, LookupHashField) and not f.primary_key
    ]
    return [
        {"id": row["pk"], **row["fields"]}
        for row in serializers.serialize("python", rows, fields=fields)
    ]


def _audit_entries(rows_by_model) -> list[dict]:
    entries = []
    for model, rows in rows_by_model.items():
        content_type = ContentType.objects.get_for_model(model)
        logged = LogEntry.objects.filter(
            content_type=content_type, object_id__in=[row.pk for row in rows]
        ).select_related("actor")
        entries += [
            {
                "table": model._meta.label,
                "id": entry.object_id,
                "at": entry.timestamp,
                "action": entry.get_action_display(),
                "by": entry.actor.username if entry.actor else None,
                "changes": entry.changes,
            }
            for entry in logged
        ]
    return sorted(entries, key=lambda e: e["at"])


def mother_data(mother: Mother, *, now: dt.datetime) -> dict:
    rows = rows_of_mother(mother)
    return {
        "format": "kaderasi.mother-data",
        "version": FORMAT_VERSION,
        "generated_at": now,
        "mother": _serialised(Mother, [mother])[0],
        "records": {
            model._meta.label: _serialised(model, sorted(items, key=lambda r: r.pk))
            for model, items in sorted(rows.items(), key=lambda kv: kv[0]._meta.label)
            if model is not Mother
        },
        "audit_log": _audit_entries(rows),
    }


def mother_data_json(mother: Mother, *, now: dt.datetime) -> str:
    return json.dumps(
        mother_data(mother, now=now), cls=DjangoJSONEncoder, ensure_ascii=False, indent=1
    )
