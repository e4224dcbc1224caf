"""Template filters that write numbers with `core.numbers`, the one formatting module:
`{% load numbers %}` then `{{ gain|signed:1 }}`, `{{ share|percent:0 }}`, `{{ p|p_value }}`."""

from django import template

from kaderasi.core import numbers

register = template.Library()


@register.filter
def signed(value, places: int = 1) -> str:
    """A change with its sign in the active language: "+2,5", "−3,0", "0,0"."""
    return numbers.signed(value, int(places))


@register.filter
def percent(value, places: int = 1) -> str:
    """ "12,5 %" / "12.5 %"; "—" for no value."""
    return numbers.percent(value, int(places))


@register.filter
def p_value(value) -> str:
    """A p-value as every page and export writes it (three significant digits or "< 0,001")."""
    return numbers.p_value(value)


@register.filter
def interval(bounds, places: int = 1) -> str:
    """A confidence interval as every sentence writes it: "36,2 sampai 43,8"; "—" without one."""
    return numbers.interval_words(bounds, int(places))
