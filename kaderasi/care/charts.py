"""Server-side SVG charts for the mother's page (matplotlib), readable in black and white: the
series differ by marker shape and line style, the reference band by hatching, never by colour
alone."""

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from kaderasi.evaluation.norms import ReferenceRange


@dataclass(frozen=True)
class Point:
    day: float  # postpartum day as a continuous value: day 1 covers [1, 2)
    value: float
    basis: str = ""


def _figure():
    from matplotlib.figure import Figure

    # Small in inches, so that on a 360 px phone the text is read at its real size.
    figure = Figure(figsize=(4.2, 3.0), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", color="#bbbbbb", linewidth=0.5)
    return figure, axes


def _svg(figure) -> str:
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "font.size": 10}):
        figure.savefig(buffer, format="svg")
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    # Let the page size the chart: keep the viewBox, drop the fixed size.
    return re.sub(r'<svg([^>]*?) width="[^"]+" height="[^"]+"', r'<svg\1 role="img"', svg, count=1)


def _day_axis(axes, last_day: int) -> None:
    axes.set_xlim(1, last_day + 1)
    axes.set_xticks([day + 0.5 for day in range(1, last_day + 1)])
    axes.set_xticklabels([str(day) for day in range(1, last_day + 1)])
    axes.set_xlabel(_("Postpartum day"))


def milk_volume_chart(points: Sequence[Point], references: Sequence[ReferenceRange]) -> str:
    """Milk volumes by postpartum day: 24-hour estimates as filled circles, single expressions as
    open squares, others as crosses; each day's 24-hour reference range (when there is one) as a
    hatched band."""
    figure, axes = _figure()
    last_day = max([int(p.day) for p in points] + [r.postpartum_day for r in references] + [3])
    for reference in references:
        if reference.postpartum_day <= last_day:
            axes.fill_between(
                [reference.postpartum_day, reference.postpartum_day + 1],
                reference.lower_ml,
                reference.upper_ml,
                facecolor="none",
                edgecolor="#777777",
                hatch="///",
                linewidth=0,
                label=_("24-hour reference") if reference is references[0] else None,
            )
    styles = {
        "24h_estimate": ("o", "black", _("24-hour estimate")),
        "single_expression": ("s", "white", _("Single expression")),
    }
    for basis in ("24h_estimate", "single_expression", "other"):
        chosen = [
            p for p in points if (p.basis == basis) or (basis == "other" and p.basis not in styles)
        ]
        if not chosen:
            continue
        marker, face, label = styles.get(basis, ("x", "black", _("Basis unknown")))
        axes.plot(
            [p.day for p in chosen],
            [p.value for p in chosen],
            linestyle="none",
            marker=marker,
            markersize=8,
            markerfacecolor=face,
            markeredgecolor="black",
            color="black",
            label=label,
        )
    _day_axis(axes, last_day)
    axes.set_ylabel(_("Milk (ml)"))
    axes.set_ylim(bottom=0)
    if points or references:
        figure.legend(loc="outside lower center", ncols=2, frameon=False, fontsize=9)
    return _svg(figure)


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
            label=_("Review: −%(percent)s %%") % {"percent": f"{review_percent:g}"},
        )
    if referral_percent is not None:
        axes.axhline(
            -referral_percent,
            color="black",
            linestyle=":",
            linewidth=1.5,
            label=_("Refer: −%(percent)s %%") % {"percent": f"{referral_percent:g}"},
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
    return _svg(figure)
