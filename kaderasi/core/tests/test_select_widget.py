import pytest
from django import forms

from kaderasi.core.select_widget import PlainSelect

CHOICES = [
    ("", "All my areas"),
    ("a1", "Jawa Tengah"),
    ("a2", "\u00a0\u00a0\u00a0Kabupaten <Klaten> & \"Sleman\" 'x'"),
    (3, 3),
]


@pytest.mark.parametrize("value", [None, "", "a2", 3, ["a1"]])
@pytest.mark.parametrize(
    "attrs",
    [None, {"id": "id_area"}, {"id": "id_area", "required": True, "disabled": False}],
)
def test_a_plain_select_writes_what_django_s_templates_write(value, attrs):
    plain = PlainSelect(choices=CHOICES).render("area", value, attrs)
    django = forms.Select(choices=CHOICES).render("area", value, attrs)

    assert plain == django


def test_a_plain_select_of_a_bound_model_choice_field_writes_what_django_s_templates_write(world):
    class Form(forms.Form):
        plain = forms.ModelChoiceField(
            queryset=world.programme.__class__.objects.all(),
            to_field_name="slug",
            widget=PlainSelect,
            empty_label="All programmes",
        )
        django = forms.ModelChoiceField(
            queryset=world.programme.__class__.objects.all(),
            to_field_name="slug",
            empty_label="All programmes",
        )

    form = Form({"plain": world.programme.slug, "django": world.programme.slug})

    assert str(form["plain"]).replace("plain", "field") == str(form["django"]).replace(
        "django", "field"
    )
    assert f'value="{world.programme.slug}" selected' in str(form["plain"])


def test_choices_in_groups_are_left_to_django_s_templates():
    grouped = [("Klaten", [("a1", "Wedi"), ("a2", "Bayat")]), ("a3", "Sleman")]

    plain = PlainSelect(choices=grouped).render("area", "a2", {"id": "id_area"})

    assert plain == forms.Select(choices=grouped).render("area", "a2", {"id": "id_area"})
    assert '<optgroup label="Klaten">' in plain
