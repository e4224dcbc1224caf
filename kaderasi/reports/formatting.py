"""How numbers are written in reports: the evaluation hands over unrounded values; these functions
round them the way a results section does, with the separators of the active language
(66,0 in Bahasa Indonesia, 66.0 in English)."""

import math
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats

MISSING = "—"


def number(value: float | Decimal | None, places: int) -> str:
    """`value` with exactly `places` decimals in the active language, or an em dash for None."""
    if value is None:
        return MISSING
    if not math.isfinite(float(value)):
        return MISSING
    # Half up, as a reader rounds by hand (Python's round() would give 0.5 → 0).
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return formats.number_format(rounded, places, use_l10n=True, force_grouping=places == 0)


def mean(value: float | Decimal | None) -> str:
    """Means, SDs, medians and volumes: one decimal."""
    return number(value, 1)


def mean_sd(mean_value, sd_value) -> str:
    if mean_value is None:
        return MISSING
    if sd_value is None:
        return mean(mean_value)
    return f"{mean(mean_value)} ± {mean(sd_value)}"


def statistic(value: float | None) -> str:
    """Test statistics (t, W, U, d): two decimals."""
    return number(value, 2)


def interval(bounds: list[float] | tuple[float, float] | None) -> str:
    """A confidence interval, two decimals: "191,08 sampai 266,92" is written "191,08 – 266,92"."""
    if not bounds:
        return MISSING
    low, high = bounds
    return f"{number(low, 2)} – {number(high, 2)}"


def p_value(value: float | None) -> str:
    """Three significant digits, or "< 0.001" below one in a thousand."""
    if value is None or not math.isfinite(value):
        return MISSING
    if value < 0.001:
        return f"< {number(0.001, 3)}"
    places = max(0, 2 - math.floor(math.log10(value)))
    return number(value, places)


def percent(value: float | None, places: int = 1) -> str:
    if value is None:
        return MISSING
    return f"{number(value, places)} %"


def signed(value: float | Decimal | None, places: int = 1) -> str:
    """A change with its sign: +229,0 or −12,5."""
    if value is None:
        return MISSING
    text = number(abs(float(value)), places)
    if float(value) > 0:
        return f"+{text}"
    if float(value) < 0:
        return f"−{text}"
    return text


def share(part: int, whole: int) -> float | None:
    """part / whole as a percentage, None when there is nothing to divide."""
    return 100 * part / whole if whole else None
