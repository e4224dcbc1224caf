"""A `<select>` whose options are written in Python (decision 0310).

Django's `Select` renders each option through a template include (`select_option.html` and
`attrs.html`): about 0.08 ms an option, so a dashboard's area filter of 269 areas (a national
administrator) cost 20 ms of every page. `PlainSelect` writes the same markup as Django's
templates, escaped the same way (`tests/test_select_widget.py` compares the two); a choice list
with groups is left to Django's templates.
"""

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def _text(value) -> str:
    """`{{ value|stringformat:'s' }}` in a template: the value as text, escaped."""
    return conditional_escape(str(value))


def _attributes(attrs: dict) -> str:
    """What `django/forms/widgets/attrs.html` writes: ` name="value"`, ` name` for True, nothing
    for False."""
    written = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            written.append(f" {conditional_escape(name)}")
        else:
            written.append(f' {conditional_escape(name)}="{_text(value)}"')
    return "".join(written)


class PlainSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        groups = widget["optgroups"]
        if any(group_name for group_name, _choices, _index in groups):
            return super().render(name, value, attrs, renderer)
        options = "".join(
            f'\n  <option value="{_text(option["value"])}"'
            f"{_attributes(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
            for _name, choices, _index in groups
            for option in choices
        )
        return mark_safe(  # noqa: S308 - every value above is escaped
            f'<select name="{conditional_escape(widget["name"])}"'
            f"{_attributes(widget['attrs'])}>{options}\n</select>"
        )
