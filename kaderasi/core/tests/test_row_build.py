"""`row_new(Model, **values)` builds what `Model(**values)` builds (decision 0215)."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db.models.signals import post_init

from kaderasi.care.models import MassageSession, Measurement
from kaderasi.core.row_build import row_new
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")
MEASURED_AT = dt.datetime(2026, 11, 9, 8, 0, tzinfo=WIB)


def _values(world, mother, **more) -> dict:
    return {
        "mother": mother,
        "district": world.wedi,
        "kind": "milk_volume",
        "measured_at": MEASURED_AT,
        "value": Decimal("22.5"),
        "basis": "unknown",
        **more,
    }


def _fields(row) -> dict:
    """Every attribute the instance holds but its state, public id and default timestamps."""
    return {
        name: value
        for name, value in row.__dict__.items()
        if name not in ("_state", "public_id", "created_at", "updated_at")
    }


def test_a_row_holds_the_same_values_as_the_models_own_constructor(world):
    mother = f.MotherFactory(programme=world.programme, posyandu=world.mawar)
    recorder = f.UserFactory()

    built = row_new(Measurement, **_values(world, mother, recorded_by=recorder, side="left"))
    constructed = Measurement(**_values(world, mother, recorded_by=recorder, side="left"))

    assert _fields(built) == _fields(constructed)
    assert built.mother_id == mother.pk
    assert built.recorded_by_id == recorder.pk
    assert built.public_id is not None and built.public_id != constructed.public_id
    assert built._state.adding is True
    assert built._state.db == constructed._state.db == "default"
    assert built._state.fields_cache == constructed._state.fields_cache


def test_the_related_rows_given_are_read_without_a_query(world, django_assert_num_queries):
    mother = f.MotherFactory(programme=world.programme, posyandu=world.mawar)

    built = row_new(Measurement, **_values(world, mother))

    with django_assert_num_queries(0):
        assert built.mother is mother
        assert built.district is world.wedi
        assert built.recorded_by is None


def test_a_row_built_so_is_saved_like_any_other(world):
    mother = f.MotherFactory(programme=world.programme, posyandu=world.mawar)

    built = row_new(Measurement, **_values(world, mother))
    built.save()

    stored = Measurement.objects.get(pk=built.pk)
    assert (stored.mother_id, stored.value, stored.basis, stored.side) == (
        mother.pk,
        Decimal("22.5"),
        "unknown",
        "",
    )


def test_a_key_given_by_its_attribute_name_is_stored_as_given(world):
    mother = f.MotherFactory(programme=world.programme, posyandu=world.mawar)
    values = _values(world, mother)
    del values["mother"]

    built = row_new(Measurement, mother_id=mother.pk, **values)

    assert built.mother_id == mother.pk
    assert not Measurement._meta.get_field("mother").is_cached(built)


def test_a_related_row_of_the_wrong_model_is_refused_as_the_constructor_refuses_it(world):
    mother = f.MotherFactory(programme=world.programme, posyandu=world.mawar)

    with pytest.raises(ValueError, match='must be a "Area" instance'):
        row_new(Measurement, **_values(world, mother, district=mother))


def test_an_unknown_keyword_is_refused_as_the_constructor_refuses_it(world):
    mother = f.MotherFactory(programme=world.programme, posyandu=world.mawar)

    with pytest.raises(TypeError, match="unexpected keyword"):
        row_new(Measurement, **_values(world, mother, volume=3))


def test_a_model_with_a_post_init_receiver_is_built_by_its_constructor(world):
    mother = f.MotherFactory(programme=world.programme, posyandu=world.mawar)
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(receiver, sender=Measurement)
    try:
        built = row_new(Measurement, **_values(world, mother))
    finally:
        post_init.disconnect(receiver, sender=Measurement)

    assert seen == [built]


def test_the_models_of_the_write_path_are_built_without_their_constructor(world, monkeypatch):
    mother = f.MotherFactory(programme=world.programme, posyandu=world.mawar)
    values = {
        "mother": mother,
        "district": world.wedi,
        "scheduled_session": None,
        "cadre": None,
        "performed_by": "cadre",
        "started_at": MEASURED_AT,
        "ended_at": MEASURED_AT + dt.timedelta(minutes=12),
        "steps_done": [1, 2, 3],
        "comfort": 4,
    }
    constructed = MassageSession(**values)

    def refuse(self, *args, **kwargs):
        raise AssertionError("Model.__init__ called")

    monkeypatch.setattr(MassageSession, "__init__", refuse)
    monkeypatch.setattr(Measurement, "__init__", refuse)
    built = row_new(MassageSession, **values)
    measurement = row_new(Measurement, **_values(world, mother))

    assert _fields(built) == _fields(constructed)
    assert built.scheduled_session is None and built.mother is mother
    assert measurement.mother is mother
