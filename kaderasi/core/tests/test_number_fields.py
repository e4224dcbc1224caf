"""TypedNumberField: the form field of every number a person types, the admin's included."""

from decimal import Decimal

import pytest
from django import forms
from django.contrib import admin
from django.utils import translation

from kaderasi.core.number_fields import TypedNumberField, typed_number_formfield
from kaderasi.evaluation.models import MilkVolumeReference
from kaderasi.training.models import TestAttempt


class _Form(forms.Form):
    volume = TypedNumberField(label="Volume (ml)", places=1, min_value=0, max_value=1500)
    count = TypedNumberField(label="Feeds", required=False)


def _errors(**data):
    with translation.override("en"):
        form = _Form(data=data)
        form.is_valid()
        return {name: [str(message) for message in errors] for name, errors in form.errors.items()}


def test_a_decimal_comma_is_read_and_kept_to_the_fields_places():
    form = _Form(data={"volume": "12,5", "count": "8"})
    assert form.is_valid()
    assert form.cleaned_data == {"volume": Decimal("12.5"), "count": 8}


def test_each_refusal_names_the_field_and_carries_its_code():
    with translation.override("en"):
        form = _Form(data={"volume": "1.200", "count": "2,5"})
        assert not form.is_valid()
        assert form.errors.as_data()["volume"][0].code == "number_ambiguous_separator"
        assert form.errors.as_data()["count"][0].code == "number_not_whole"
    assert _errors(volume="1600") == {"volume": ["Volume (ml) must be between 0 and 1500."]}
    assert _errors(volume="") == {"volume": ["This field is required."]}


def test_a_stored_value_is_shown_so_that_it_reads_back_as_the_same_number():
    field = TypedNumberField(places=1)
    assert field.prepare_value(Decimal("1200.0")) == "1200"
    assert field.prepare_value(Decimal("12.50")) == "12.5"
    assert field.clean(field.prepare_value(Decimal("1200.0"))) == Decimal("1200.0")


def test_a_models_decimal_field_becomes_a_typed_number_in_a_text_input():
    field = typed_number_formfield(MilkVolumeReference._meta.get_field("lower_ml"))
    assert isinstance(field, TypedNumberField)
    assert isinstance(field.widget, forms.TextInput)
    assert field.places == 1
    assert field.clean("12,5") == Decimal("12.5")
    assert typed_number_formfield(MilkVolumeReference._meta.get_field("id")) is None


@pytest.mark.parametrize(
    ("model", "name", "typed", "read"),
    [
        (MilkVolumeReference, "lower_ml", "12,5", Decimal("12.5")),
        (TestAttempt, "score", "62,5", Decimal("62.50")),
    ],
)
def test_the_admin_reads_typed_numbers_the_indonesian_way(model, name, typed, read):
    """The admin's number input sent "12,5" as 125 (Chromium reads the comma as grouping)."""
    model_admin = admin.site._registry[model]
    field = model_admin.formfield_for_dbfield(model._meta.get_field(name), request=None)
    assert isinstance(field, TypedNumberField)
    assert 'type="text"' in field.widget.render(name, None)
    assert field.clean(typed) == read
