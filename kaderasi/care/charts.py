"""Server-side SVG charts for the mother's page (matplotlib), readable in black and white: the
series differ by marker shape and line style, the reference band by hatching, never by colour
alone."""

import functools
import hashlib
import io
import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from kaderasi.core import numbers
from kaderasi.core.svg import style_element_inlined
from kaderasi.evaluation.norms import ReferenceRange


@dataclass(frozen=True)
class Point:
    day: float  # postpartum day as a continuous value: day 1 covers [1, 2)
    value: float
    basis: str = ""


CACHE_SECONDS = 60 * 60 * 24


def _drawn_once(draw: Callable[..., str]) -> Callable[..., str]:
    """A chart is a pure function of its data and the page's language: each one is drawn once and
    its SVG kept in Django's cache, as the reports' charts are. A mother's page is rendered at
    every view and again each time a cadre's phone keeps it for offline use, and matplotlib's
    drawing (about half a second of CPU a chart) was most of that page's time (issue 17)."""

    @functools.wraps(draw)
    def drawn(*args, **kwargs) -> str:
        what = (draw.__name__, args, sorted(kwargs.items()), translation.get_language())
        key = f"care:chart:{hashlib.sha256(repr(what).encode()).hexdigest()}"
        svg = cache.get(key)
        if svg is None:
            svg = draw(*args, **kwargs)
            cache.set(key, svg, CACHE_SECONDS)
        return svg

    return drawn


def _figure():
    from matplotlib.figure import Figure

    # Small in inches, so that on a 360 px phone the text is read at its real size.
    figure = Figure(figsize=(4.2, 3.0), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", color="#bbbbbb", linewidth=0.5)
    return figure, axes


def _svg(figure, label: str) -> str:
    import matplotlib

    numbers.localize_chart_ticks(figure)

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "font.size": 10}):
        figure.savefig(buffer, format="svg")
    svg = buffer.getvalue()
    svg = style_element_inlined(svg[svg.index("<svg") :])
    # Let the page size the chart: keep the viewBox, drop the fixed size.
    # Named for screen readers, with its values in words as the text alternative.
    name = escape(label)
    return re.sub(
        r'<svg([^>]*?) width="[^"]+" height="[^"]+"',
        lambda match: f'<svg{match.group(1)} role="img" aria-label="{name}"',
        svg,
        count=1,
    )


def _day_values(points: Sequence[Point], unit: str, formatted) -> str:
    """ "day 1: 12 ml; day 3: 48 ml" in the order measured; "no measurement yet" without any."""
    if not points:
        return _("no measurement yet")
    return "; ".join(
        _("day %(day)s: %(value)s") % {"day": int(p.day), "value": f"{formatted(p.value)}{unit}"}
        for p in sorted(points, key=lambda point: point.day)
    )


# Days of margin on each side of the day axis: the first milk volume is measured within hours
# of the birth (day 1.0): on an axis starting at exactly 1 its marker sat on the spine, half hidden.
DAY_AXIS_MARGIN = 0.12


def _day_axis(axes, last_day: int) -> None:
    axes.set_xlim(1 - DAY_AXIS_MARGIN, last_day + 1 + DAY_AXIS_MARGIN)
    axes.set_xticks([day + 0.5 for day in range(1, last_day + 1)])
    axes.set_xticklabels([str(day) for day in range(1, last_day + 1)])
    axes.set_xlabel(_("Postpartum day"))


def milk_band_label(references: Sequence[ReferenceRange]) -> str:
    """What the hatched band is, in words a midwife reads correctly: Saint 1984's bounds are the
    lowest and highest of the mothers studied, not a normal range (domain reference §3.1)."""
    kinds = {reference.bounds for reference in references}
    sizes = {reference.study_size for reference in references}
    if kinds == {"observed_extremes"}:
        if len(sizes) == 1 and None not in sizes:
            return _(
                "24-hour volumes seen in one small study: lowest to highest of %(mothers)s "
                "mothers (not a normal range)"
            ) % {"mothers": sizes.pop()}
        return _("24-hour volumes seen in a small study: lowest to highest (not a normal range)")
    if kinds == {"guide_range"}:
        return _("24-hour guide range (not a measured distribution)")
    return _("24-hour reference ranges (see their sources)")


def _milk_points(axes, points: Sequence[Point], marker: str, face: str, label: str) -> None:
    axes.plot(
        [p.day for p in points],
        [p.value for p in points],
        linestyle="none",
        marker=marker,
        markersize=8,
        markerfacecolor=face,
        markeredgecolor="black",
        color="black",
        label=label,
    )


@_drawn_once
def milk_volume_chart(points: Sequence[Point], references: Sequence[ReferenceRange]) -> str:
    """Milk volumes by postpartum day, never a single expression against a 24-hour band.

    24-hour estimates (filled circles) are drawn in their own panel, over each day's 24-hour
    reference band (hatched, labelled with what its bounds are); the band is drawn only when
    there is a 24-hour estimate to read against it. Single expressions (open squares) and
    volumes of unknown basis (crosses) are a fraction of a day's milk: they get a second panel,
    on their own scale, with no band."""
    daily = [p for p in points if p.basis == "24h_estimate"]
    other = [p for p in points if p.basis != "24h_estimate"]
    last_day = max([int(p.day) for p in points] + [3])
    if daily:
        last_day = max([last_day] + [r.postpartum_day for r in references])
    panels = (1 if daily else 0) + (1 if other else 0)
    figure, axes = _figure()
    if panels == 2:
        figure.set_size_inches(4.2, 4.8)
        axes.remove()
        daily_axes, other_axes = figure.subplots(2, 1)
        for each in (daily_axes, other_axes):
            each.spines[["top", "right"]].set_visible(False)
            each.grid(axis="y", color="#bbbbbb", linewidth=0.5)
    else:
        daily_axes = axes if daily or not other else None
        other_axes = axes if other and not daily else None
    if daily_axes is not None:
        band_label = textwrap.fill(milk_band_label(references), 46) if references else None
        for reference in references if daily else []:
            if reference.postpartum_day <= last_day:
                daily_axes.fill_between(
                    [reference.postpartum_day, reference.postpartum_day + 1],
                    reference.lower_ml,
                    reference.upper_ml,
                    facecolor="none",
                    edgecolor="#777777",
                    hatch="///",
                    linewidth=0,
                    label=band_label if reference is references[0] else None,
                )
        if daily:
            _milk_points(daily_axes, daily, "o", "black", _("24-hour estimate"))
        daily_axes.set_title(_("Milk in 24 hours (ml)"), fontsize=10, loc="left")
        _day_axis(daily_axes, last_day)
        drawn = [p.value for p in daily] + [
            r.upper_ml for r in references if daily and r.postpartum_day <= last_day
        ]
        # Headroom above the data for the legend, so that it never hides a point or the band.
        daily_axes.set_ylim(0, max([*drawn, 1]) * 1.6)
        if daily:
            daily_axes.legend(loc="upper left", frameon=False, fontsize=8)
    if other_axes is not None:
        expressions = [p for p in other if p.basis == "single_expression"]
        unknown = [p for p in other if p.basis != "single_expression"]
        if expressions:
            _milk_points(other_axes, expressions, "s", "white", _("Single expression"))
        if unknown:
            _milk_points(other_axes, unknown, "x", "black", _("Basis unknown"))
        other_axes.set_title(
            textwrap.fill(
                _("Milk at one expression (ml): not comparable with a 24-hour volume"), 52
            ),
            fontsize=9,
            loc="left",
        )
        _day_axis(other_axes, last_day)
        other_axes.set_ylim(0, max(p.value for p in other) * 1.6 or 1)
        other_axes.legend(loc="upper left", frameon=False, fontsize=8)
    label = _("Milk volume by postpartum day: %(values)s") % {
        "values": _day_values(points, " ml", numbers.number)
    }
    return _svg(figure, label)


@_drawn_once
def weight_change_chart(
    points: Sequence[Point], *, review_percent: float | None, referral_percent: float | None
) -> str:
    """Infant weight as % change from birth weight by postpartum day, with the flag rules'
    review (dashed) and referral (dotted) thresholds drawn as lines."""
    figure, axes = _figure()
    last_day = max([int(p.day) for p in points] + [3])
    axes.axhline(0, color="black", linewidth=0.8)
    if review_percent is not None:
        axes.axhline(
            -review_percent,
            color="black",
            linestyle="--",
            linewidth=1,
            label=_("Review: −%(percent)s %%") % {"percent": numbers.number(review_percent)},
        )
    if referral_percent is not None:
        axes.axhline(
            -referral_percent,
            color="black",
            linestyle=":",
            linewidth=1.5,
            label=_("Refer: −%(percent)s %%") % {"percent": numbers.number(referral_percent)},
        )
    if points:
        axes.plot(
            [p.day for p in points],
            [p.value for p in points],
            color="black",
            marker="o",
            markersize=7,
            label=_("Weight change"),
        )
    _day_axis(axes, last_day)
    axes.set_ylabel(_("Change from birth weight (%)"))
    low = min([p.value for p in points] + [-(referral_percent or 10)]) - 2
    axes.set_ylim(low, max([p.value for p in points] + [2]) + 1)
    figure.legend(loc="outside lower center", ncols=2, frameon=False, fontsize=9)
    label = _("Infant weight change from birth weight by postpartum day: %(values)s") % {
        "values": _day_values(points, "", numbers.percent)
    }
    return _svg(figure, label)


@_drawn_once
def latch_chart(points: Sequence[Point], *, review_at_most: float | None) -> str:
    """LATCH totals (0-10) by postpartum day, with the flag rule's review threshold (dashed):
    a total on or below the line asks the midwife to look at the breastfeeding."""
    figure, axes = _figure()
    last_day = max([int(p.day) for p in points] + [3])
    if review_at_most is not None:
        axes.axhline(
            review_at_most,
            color="black",
            linestyle="--",
            linewidth=1,
            label=_("Midwife review: %(total)s or less")
            % {"total": numbers.number(review_at_most)},
        )
    axes.plot(
        [p.day for p in points],
        [p.value for p in points],
        color="black",
        marker="o",
        markersize=7,
        label=_("LATCH total"),
    )
    _day_axis(axes, last_day)
    axes.set_ylim(0, 10.5)
    axes.set_yticks(range(0, 11, 2))
    axes.set_ylabel(_("LATCH total (0–10)"))
    figure.legend(loc="outside lower center", ncols=2, frameon=False, fontsize=9)
    label = _("Breastfeeding observation (LATCH total) by postpartum day: %(values)s") % {
        "values": _day_values(points, "", numbers.number)
    }
    return _svg(figure, label)
