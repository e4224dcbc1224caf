"""How kaderasi writes a number for people: the one formatting module every page, export, chart and
document uses (pure, no database).

Guarantees, in the active language (Bahasa Indonesia: decimal comma, "." between thousands;
English: decimal point, "," between thousands):

- `number` rounds half up (as a reader rounds by hand: 0.125 → 0.13, never to even), writes the
  decimals asked for (or as few as the value needs, at most six, when none are asked for), groups
  thousands, and writes a negative number with the minus sign "−" (U+2212), never a hyphen.
  A value that rounds to zero carries no sign. None, NaN and infinities are written "—".
- `p_value` writes three significant digits, and "< 0,001" (Indonesian) / "< 0.001" (English)
  below one in a thousand, as journals print them; `p_statement` adds "p = " or "p ".
- `percent` writes "12,5 %" / "12.5 %" (a space before the sign, as SI and the KBBI style write it).
- `signed` writes a change with its sign: "+229,0", "−12,5", "0,0".
- Charts use the same functions: `tick` for axis labels (`localize_chart_ticks` sets it on every
  numeric axis of a figure), so a chart prints "−5,1 %" on an Indonesian page and "−5.1 %" on an
  English one.

Values are computed unrounded elsewhere; only these functions round them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats
from django.utils.translation import gettext as _

MISSING = "—"
MINUS = "\u2212"
P_VALUE_FLOOR = 0.001
MOST_PLACES = 6

Number = int | float | Decimal


def _finite(value: Number | None) -> bool:
    return value is not None and math.isfinite(float(value))


def number(value: Number | None, places: int | None = None) -> str:
    """`value` with `places` decimals (as few as it needs when None), in the active language."""
    if not _finite(value):
        return MISSING
    exact = Decimal(str(value)) if not isinstance(value, Decimal) else value
    if places is None:
        rounded = exact.quantize(Decimal(1).scaleb(-MOST_PLACES), rounding=ROUND_HALF_UP)
        exponent = rounded.normalize().as_tuple().exponent
        places = max(0, -exponent) if isinstance(exponent, int) else 0
    rounded = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)
    text = formats.number_format(abs(rounded), places, use_l10n=True, force_grouping=True)
    return f"{MINUS}{text}" if rounded < 0 else text


def mean(value: Number | None) -> str:
    """Means, SDs, medians and volumes: one decimal."""
    return number(value, 1)


def mean_sd(mean_value: Number | None, sd_value: Number | None) -> str:
    """ "66.0 ± 9.7"; the mean alone without an SD; "—" without a mean."""
    if not _finite(mean_value):
        return MISSING
    if not _finite(sd_value):
        return mean(mean_value)
    return f"{mean(mean_value)} ± {mean(sd_value)}"


def statistic(value: Number | None) -> str:
    """Test statistics (t, W, U, d): two decimals."""
    return number(value, 2)


def p_value(value: Number | None) -> str:
    """Three significant digits (0.253, 0.0497, 0.00195, 1.00), or "< 0.001" below one in a
    thousand (in the active language). Significant digits, not three decimals, so that 0.0497 is
    never printed as 0.050."""
    if value is None or not _finite(value):
        return MISSING
    if float(value) < P_VALUE_FLOOR:
        return f"< {number(P_VALUE_FLOOR, 3)}"
    places = max(0, 2 - math.floor(math.log10(float(value))))
    return number(value, places)


def p_statement(value: Number | None) -> str:
    """ "p = 0.253", "p < 0.001" or "p —"."""
    text = p_value(value)
    return f"p {text}" if text.startswith("<") or text == MISSING else f"p = {text}"


def percent(value: Number | None, places: int = 1) -> str:
    """ "12.5 %" (English) / "12,5 %" (Indonesian); "—" for no value."""
    if not _finite(value):
        return MISSING
    return f"{number(value, places)} %"


def signed(value: Number | None, places: int = 1) -> str:
    """A change with its sign: +229.0, −12.5, 0.0 (a value rounding to zero has no sign)."""
    text = number(value, places)
    if text == MISSING or text.startswith(MINUS) or not text.strip("0.,"):
        return text
    return f"+{text}"


def interval(bounds: Sequence[Number] | None, places: int = 2) -> str:
    """A confidence interval for a table cell: "191.08 – 266.92"; "—" without bounds."""
    if not bounds:
        return MISSING
    low, high = bounds
    return f"{number(low, places)} – {number(high, places)}"


def interval_words(bounds: Sequence[Number] | None, places: int = 1) -> str:
    """A confidence interval for a sentence: "191.1 to 266.9"; "—" without bounds."""
    if not bounds:
        return MISSING
    return _("%(low)s to %(high)s") % {
        "low": number(bounds[0], places),
        "high": number(bounds[1], places),
    }


def share(part: int, whole: int) -> float | None:
    """part / whole as a percentage, None when there is nothing to divide."""
    return 100 * part / whole if whole else None


def tick(value: float, _position: object = None) -> str:
    """An axis tick label for a chart (matplotlib's `FuncFormatter` signature): as few decimals as
    the tick needs, in the active language, with the minus sign."""
    return number(round(value, MOST_PLACES))


def localize_chart_ticks(figure) -> None:
    """Write the numeric tick labels of every axes of a matplotlib `figure` with `tick`, so a
    chart on an Indonesian page reads "2,5" and "−5" like the text around it. Axes whose ticks
    carry their own labels (days, "Before"/"After") are left alone."""
    from matplotlib.ticker import FuncFormatter, ScalarFormatter

    for axes in figure.axes:
        for axis in (axes.xaxis, axes.yaxis):
            if isinstance(axis.get_major_formatter(), ScalarFormatter):
                axis.set_major_formatter(FuncFormatter(tick))
