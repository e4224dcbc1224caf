"""How evaluation numbers are shown to people: rounded only here, in the active language's style."""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import gettext as _

P_VALUE_FLOOR = 0.001


def number(value: float | int | None, decimals: int | None = None) -> str:
    """`value` with `decimals` places (or as few as it needs when None), "—" for no value."""
    if value is None:
        return "—"
    text = f"{value:.{decimals}f}" if decimals is not None else f"{value:g}"
    if "e" in text:
        text = f"{value:.6f}".rstrip("0").rstrip(".")
    if float(text) == 0:
        text = text.lstrip("-")  # a value rounded to zero has no sign
    integer_part, _dot, fraction = text.partition(".")
    grouped = formats.number_format(abs(int(integer_part)), use_l10n=True, force_grouping=True)
    if integer_part.startswith("-"):
        grouped = "-" + grouped
    if not fraction:
        return grouped
    return f"{grouped}{formats.get_format('DECIMAL_SEPARATOR')}{fraction}"


def p_value(value: float | None) -> str:
    """Three decimals, or "< 0.001" for smaller p-values (as journals print them)."""
    if value is None:
        return "—"
    if value < P_VALUE_FLOOR:
        return f"< {number(P_VALUE_FLOOR, 3)}"
    return number(value, 3)


def percent(value: float | None, decimals: int = 1) -> str:
    return "—" if value is None else f"{number(value, decimals)} %"


def interval(bounds: list[float] | None, decimals: int = 1) -> str:
    if bounds is None:
        return "—"
    return _("%(low)s to %(high)s") % {
        "low": number(bounds[0], decimals),
        "high": number(bounds[1], decimals),
    }
