"""New model instances built field by field, without Django's `Model.__init__`.

`row_new(Model, **values)` returns what `Model(**values)` returns: an unsaved instance whose
fields hold the values given (a related row given by its field name sets the key and is cached,
so `row.mother` reads no query) and every other field its default. `Model.__init__` takes its
keyword path for such a call: it pops every field's name from the keywords, sends `pre_init` and
`post_init`, and sets each related row through its descriptor, which checks the row's class and
asks the router for the database. For the 200 rows of a phone's push that was about a sixth of
the push's Python (decision 0215); here the plan of each model (its fields, which attribute each
is stored under, which ones go through a descriptor) is worked out once.

The shortcut is taken only where it builds the same instance: no receiver of `pre_init` or
`post_init` for the model, no database router, every related field a foreign key or a
one-to-one to a primary key (a one-to-one row is set through its descriptor, which also caches
the new row on the other side), the related rows loaded from the database, and every keyword a
field's name or attribute name. Otherwise it is `Model(**values)`.
"""

import functools
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.db import models, router
from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init

RowT = TypeVar("RowT", bound=Model)


@dataclass(frozen=True)
class _Slot:
    field: Any  # a concrete field; a key's also caches its related row
    name: str
    attname: str
    related: type[Model] | None  # the concrete model a foreign key names
    through_descriptor: bool  # the class attribute sets the value (a data descriptor)


@functools.cache
def _plan(model: type[Model]) -> tuple[_Slot, ...] | None:
    """The fields of `model` in order, or None when the shortcut would not build the same
    instance as `model(**values)`."""
    if model._meta.abstract or router.routers:
        return None
    slots = []
    for field in model._meta.concrete_fields:
        if field.generated:
            return None
        related = None
        if field.is_relation:
            if type(field) not in (models.ForeignKey, models.OneToOneField):
                return None
            key = cast(models.ForeignKey, field)
            related = key.remote_field.model._meta.concrete_model
            # The key as the related row's primary key (a key to another column goes the long way).
            if not key.target_field.primary_key:
                return None
            # A one-to-one row given is set through its descriptor, which also caches the new
            # row on the other side; a key given by its attribute name is written as it is.
            through_descriptor = type(field) is models.OneToOneField
        else:
            through_descriptor = hasattr(type(model.__dict__.get(field.attname)), "__set__")
        slots.append(_Slot(field, field.name, field.attname, related, through_descriptor))
    return tuple(slots)


def row_new(model: type[RowT], **values) -> RowT:
    """`model(**values)`, built without `Model.__init__` when that builds the same instance."""
    plan = _plan(model)
    if (
        plan is None
        or pre_init.has_listeners(model)
        or post_init.has_listeners(model)
        or not _only_fields(model, values)
    ):
        return model(**values)
    row = model.__new__(model)
    state = row._state = ModelState()
    attributes = row.__dict__
    for slot in plan:
        if slot.related is not None and slot.name in values:
            related = values[slot.name]
            if slot.through_descriptor or (
                related is not None
                and (related._state.db is None or not isinstance(related, slot.related))
            ):
                # A one-to-one, or a row unsaved or of the wrong class: the descriptor caches the
                # other side, sets the row's database or refuses it.
                setattr(row, slot.name, related)
                continue
            if related is not None and state.db is None:
                state.db = router.db_for_write(model, instance=related)
            attributes[slot.attname] = None if related is None else related.pk
            slot.field.set_cached_value(row, related)
            continue
        if slot.attname in values:
            value = values[slot.attname]
        elif slot.name in values:
            value = values[slot.name]
        else:
            value = slot.field.get_default()
        if slot.through_descriptor and slot.related is None:
            setattr(row, slot.attname, value)
        else:
            attributes[slot.attname] = value
    return row


@functools.cache
def _names(model: type[Model]) -> tuple[frozenset[str], tuple[tuple[str, str], ...]]:
    """Every name a keyword may give a field by, and (name, attribute name) of the relations."""
    fields = model._meta.concrete_fields
    names = frozenset(name for field in fields for name in (field.name, field.attname))
    relations = tuple((f.name, f.attname) for f in fields if f.is_relation)
    return names, relations


def _only_fields(model: type[Model], values: dict) -> bool:
    """Every keyword names one field once (not a property, not a key by both its names)."""
    names, relations = _names(model)
    return names.issuperset(values) and not any(
        name in values and attname in values for name, attname in relations
    )
