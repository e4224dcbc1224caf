"""Charts as SVG, drawn on the server with matplotlib, so the same chart serves the web page and
the PDF (vector, sharp in print).

Every chart is readable in black and white: groups differ by marker shape and fill (open circle
= before, filled square = after) and line style, never by colour alone. Text stays text in the
SVG (DejaVu Sans, the font the PDF embeds), and every chart carries a title and a text
alternative (`<title>` and `<desc>`, `role="img"`). Callers pass translated labels in; these
functions translate their own fixed words with gettext under the active language.

matplotlib is imported when the first chart is drawn, not with this module: Django imports the
reports app with every command (an import, a sync), which need no chart and would carry its
60 MB (docs/performance.md).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import textwrap
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from html import escape
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext as _

from kaderasi.core import numbers as fmt
from kaderasi.core.svg import style_element_inlined
from kaderasi.training.scoring import Bands

if TYPE_CHECKING:
    from matplotlib.figure import Figure

INK = "#111111"
GREY = "#8a8a8a"
LIGHT = "#d9d9d9"
PAPER = "#ffffff"
BEFORE = {"marker": "o", "markerfacecolor": PAPER, "markeredgecolor": INK, "color": INK}
AFTER = {"marker": "s", "markerfacecolor": INK, "markeredgecolor": INK, "color": INK}

STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "axes.edgecolor": INK,
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": INK,
    "ytick.color": INK,
    "legend.frameon": False,
    "legend.fontsize": 8.5,
    "svg.fonttype": "none",
    "svg.hashsalt": "kaderasi",
}
CACHE_SECONDS = 60 * 60 * 24
# A phone's drawing: 3.6 in (346 px at 96 dpi) shown 300–340 px wide keeps 9 pt text ~11 px.
PHONE_WIDTH = 3.6


@dataclass(frozen=True)
class Chart:
    """A rendered chart: `svg` is inline markup with its own title and description, drawn for a
    page or print width. A chart too wide to stay readable when shrunk onto a phone also has a
    narrower drawing of the same data, `narrow_svg` (drawn the first time it is asked for, so the
    PDF never pays for it); it is empty for charts that are narrow already."""

    key: str
    title: str
    description: str
    svg: str
    draw_narrow: Callable[[], str] | None = field(default=None, repr=False, compare=False)

    @cached_property
    def narrow_svg(self) -> str:
        return self.draw_narrow() if self.draw_narrow else ""

    @property
    def print_src(self) -> str:
        """The same drawing as an image file (a data: URI) for the PDF, shown with the title and
        description as its text alternative. Put inline, its few hundred elements would each
        pass through the page's style cascade: a tenth of a report's rendering time for nothing
        (docs/performance.md)."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()

    @property
    def text_alternative(self) -> str:
        return f"{self.title}. {self.description}"


def _render(key: str, title: str, description: str, draw, payload, *, narrow=None) -> Chart:
    """Draw once per distinct input and language; the SVG is cached (charts are pure functions of
    their data). `narrow`, when given, draws the phone-width variant."""
    svg = _cached_svg(key, title, description, draw, payload, variant="")
    draw_narrow = None
    if narrow is not None:

        def draw_narrow() -> str:
            return _cached_svg(key, title, description, narrow, payload, variant="narrow")

    return Chart(key=key, title=title, description=description, svg=svg, draw_narrow=draw_narrow)


def _cached_svg(key: str, title: str, description: str, draw, payload, *, variant: str) -> str:
    language = translation.get_language() or "id"
    digest = hashlib.sha256(
        json.dumps([key, title, description, payload, language, variant], default=str).encode()
    ).hexdigest()[:16]
    cache_key = f"reports:chart:{digest}"
    svg = cache.get(cache_key)
    if svg is None:
        plt = _pyplot()
        with plt.rc_context(STYLE):
            figure = draw()
            fmt.localize_chart_ticks(figure)
            buffer = io.StringIO()
            figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
            plt.close(figure)
        svg = _accessible_svg(buffer.getvalue(), f"chart-{key}-{digest[:6]}", title, description)
        cache.set(cache_key, svg, CACHE_SECONDS)
    return svg


def _accessible_svg(svg: str, prefix: str, title: str, description: str) -> str:
    """Inline-ready SVG: no XML prologue; ids unique on a page holding several charts; styles as
    presentation attributes (a strict Content-Security-Policy blocks style attributes, and the
    PDF renderer reads attributes without complaint); announced as one image with a title and a
    description. The page's stylesheet scales it with `.chart-svg`."""
    svg = style_element_inlined(svg[svg.index("<svg") :])
    svg = re.sub(r'id="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", svg)
    svg = re.sub(r'xlink:href="#([^"]+)"', lambda m: f'xlink:href="#{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r'\sstyle="([^"]*)"', _presentation_attributes, svg)
    opening = f'<svg role="img" aria-labelledby="{prefix}-title {prefix}-desc" class="chart-svg"'
    svg = svg.replace("<svg", opening, 1)
    head_end = svg.index(">", svg.index("<svg")) + 1
    return (
        svg[:head_end]
        + f'<title id="{prefix}-title">{escape(title)}</title>'
        + f'<desc id="{prefix}-desc">{escape(description)}</desc>'
        + svg[head_end:]
    )


def _presentation_attributes(match: re.Match) -> str:
    attributes = []
    for declaration in match.group(1).split(";"):
        name, _sep, value = declaration.partition(":")
        if name.strip() and value.strip():
            attributes.append(f' {name.strip()}="{value.strip()}"')
    return "".join(attributes)


def _pyplot():
    """matplotlib's pyplot, drawing without a display (imported on the first chart)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    return pyplot


def _figure(width: float = 6.3, height: float = 3.2) -> Figure:
    return _pyplot().figure(figsize=(width, height), facecolor=PAPER)


def _legend_above(axes, *, columns: int) -> None:
    """The legend in a row above the plot, where it never covers a point or a band."""
    axes.legend(
        loc="lower left",
        bbox_to_anchor=(0, 1.02),
        ncols=columns,
        borderaxespad=0,
        handlelength=1.6,
        columnspacing=1.2,
    )


# Above this many people a chart draws the marks of an evenly spaced subset (every k-th, in the
# order given) and its summaries (means, boxes) over everyone: thousands of lines are no more
# readable than a few hundred, and each one costs the PDF time and memory.
INDIVIDUAL_MARKS = 300


def thinned(items: Sequence, limit: int = INDIVIDUAL_MARKS) -> tuple[list, int]:
    """Every k-th of `items` so that at most `limit` remain, and k (1 when none is left out)."""
    step = max(1, -(-len(items) // limit))
    return list(items[::step]), step


def thinning_note(total: int, noun_plural: str) -> str:
    """The sentence a figure's note adds when it drew an evenly spaced subset's marks."""
    shown, step = thinned(range(total))
    if step == 1:
        return ""
    return _(
        "Individual marks: %(shown)s of the %(total)s %(people)s (every %(step)sth, in code "
        "order); means and boxes count all of them."
    ) % {
        "shown": fmt.number(len(shown), 0),
        "total": fmt.number(total, 0),
        "people": noun_plural,
        "step": step,
    }


def _values(values: Sequence) -> list[float]:
    return [float(v) for v in values if v is not None]


# --- knowledge ---------------------------------------------------------------------------------


def knowledge_dot_plot(pre: Sequence[float], post: Sequence[float], *, bands: Bands) -> Chart:
    """One dot per cadre and test, stacked where scores coincide, over the knowledge bands
    (`training.scoring.Bands`, the programme's training policy)."""
    pre_values, post_values = _values(pre), _values(post)
    good_from, fair_from = float(bands.good_minimum), float(bands.fair_minimum)
    title = _("Knowledge scores before and after the training")
    description = _(
        "Dot plot of %(n_pre)s pre-test and %(n_post)s post-test scores (0–100). Pre-test: mean "
        "%(pre_mean)s, range %(pre_min)s–%(pre_max)s. Post-test: mean %(post_mean)s, range "
        "%(post_min)s–%(post_max)s. Bands: poor below %(fair)s, fair from %(fair)s, good from "
        "%(good)s."
    ) % {
        "n_pre": len(pre_values),
        "n_post": len(post_values),
        "pre_mean": fmt.mean(_mean(pre_values)),
        "pre_min": fmt.mean(min(pre_values, default=None)),
        "pre_max": fmt.mean(max(pre_values, default=None)),
        "post_mean": fmt.mean(_mean(post_values)),
        "post_min": fmt.mean(min(post_values, default=None)),
        "post_max": fmt.mean(max(post_values, default=None)),
        "fair": fmt.number(fair_from, 0),
        "good": fmt.number(good_from, 0),
    }

    def draw(narrow: bool = False):
        tallest = max([*Counter(pre_values).values(), *Counter(post_values).values(), 1], default=1)
        height = 1.3 + 0.13 * min(tallest, 16) * 2
        figure = _figure(*((PHONE_WIDTH, height + 0.4) if narrow else (6.3, height)))
        axes_pre, axes_post = figure.subplots(2, 1, sharex=True)
        for axes, values, style, label in (
            (axes_pre, pre_values, BEFORE, _("Pre-test")),
            (axes_post, post_values, AFTER, _("Post-test")),
        ):
            _band_background(axes, good_from, fair_from)
            heights = Counter()
            xs, ys = [], []
            for value in sorted(values):
                heights[value] += 1
                xs.append(value)
                ys.append(heights[value])
            axes.plot(
                xs, ys, linestyle="none", markersize=4 if narrow else 5, **{**style, "color": INK}
            )
            if values:
                average = _mean(values)
                axes.axvline(average, color=INK, linestyle="--", linewidth=1)
                on_the_right = average > 80
                axes.annotate(
                    _("mean %(value)s") % {"value": fmt.mean(average)},
                    (average, tallest + 1.3),
                    xytext=(-4 if on_the_right else 4, 0),
                    textcoords="offset points",
                    fontsize=8,
                    va="center",
                    ha="right" if on_the_right else "left",
                    backgroundcolor=PAPER,
                )
            axes.set_ylim(0, tallest + 2)
            axes.set_yticks([])
            axes.spines["left"].set_visible(False)
            axes.set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
        axes_post.set_xlim(-2, 102)
        axes_post.set_xlabel(_("Score (0–100)"))
        _band_labels(axes_pre, good_from, fair_from, tallest + 2)
        figure.tight_layout(h_pad=0.4)
        return figure

    return _render(
        "knowledge",
        title,
        description,
        draw,
        [pre_values, post_values, good_from, fair_from],
        narrow=lambda: draw(narrow=True),
    )


def _band_background(axes, good_from: float, fair_from: float) -> None:
    axes.axvspan(-2, fair_from, color="#f2f2f2", zorder=0, linewidth=0)
    axes.axvspan(fair_from, good_from, color="#e6e6e6", zorder=0, linewidth=0)
    axes.axvspan(good_from, 102, color="#d4d4d4", zorder=0, linewidth=0)
    for edge in (fair_from, good_from):
        axes.axvline(edge, color=GREY, linewidth=0.6, linestyle=":")


def _band_labels(axes, good_from: float, fair_from: float, top: float) -> None:
    for left, right, label in (
        (0, fair_from, _("poor")),
        (fair_from, good_from, _("fair")),
        (good_from, 100, _("good")),
    ):
        axes.text(
            (left + right) / 2, top * 1.02, label, ha="center", va="bottom", fontsize=8, color=INK
        )


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


# --- milk volume -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PairedValue:
    label: str
    before: float | None
    after: float | None


def slope_chart(pairs: Sequence[PairedValue], *, unit: str = "ml") -> Chart:
    """One line per mother from her baseline to her follow-up volume, and the mean."""
    complete = [p for p in pairs if p.before is not None and p.after is not None]
    befores = [float(p.before) for p in complete]
    afters = [float(p.after) for p in complete]
    rises = sum(1 for p in complete if p.after > p.before)
    falls = sum(1 for p in complete if p.after < p.before)
    title = _("Milk volume of each mother, before and after")
    description = _(
        "Slope chart of %(n)s mothers with both measurements: %(rises)s rose, %(falls)s fell, "
        "%(same)s stayed the same. Mean %(before)s %(unit)s before and %(after)s %(unit)s after."
    ) % {
        "n": len(complete),
        "rises": rises,
        "falls": falls,
        "same": len(complete) - rises - falls,
        "before": fmt.mean(_mean(befores)),
        "after": fmt.mean(_mean(afters)),
        "unit": unit,
    }

    shown, _step = thinned(list(zip(befores, afters, strict=True)))

    def draw():
        from matplotlib.collections import LineCollection

        figure = _figure(3.6, 3.1)
        axes = figure.subplots()
        axes.add_collection(
            LineCollection(
                [[(0, before), (1, after)] for before, after in shown],
                colors=GREY,
                linewidths=0.9,
                zorder=1,
            )
        )
        shown_befores = [before for before, _after in shown]
        shown_afters = [after for _before, after in shown]
        axes.plot(
            [0] * len(shown), shown_befores, linestyle="none", markersize=6, zorder=2, **BEFORE
        )
        axes.plot([1] * len(shown), shown_afters, linestyle="none", markersize=6, zorder=2, **AFTER)
        if not complete:
            _nothing_drawn(axes, _("No mother has both volumes yet"), x=0.5, alone=True)
        if complete:
            axes.plot(
                [0, 1],
                [_mean(befores), _mean(afters)],
                color=INK,
                linewidth=2.2,
                linestyle="--",
                marker="D",
                markersize=7,
                markerfacecolor=PAPER,
                zorder=3,
                label=_("mean"),
            )
            axes.legend(loc="upper left")
        axes.set_xticks([0, 1], [_("Before"), _("After")])
        axes.set_xlim(-0.35, 1.35)
        axes.set_ylim(bottom=0)
        axes.set_ylabel(_("Milk volume (%(unit)s)") % {"unit": unit})
        axes.grid(axis="y", color=LIGHT, linewidth=0.6)
        axes.set_axisbelow(True)
        figure.tight_layout()
        return figure

    return _render("slope", title, description, draw, [befores, afters, unit])


def box_plots(before: Sequence[float], after: Sequence[float], *, unit: str = "ml") -> Chart:
    """Box plots of the two phases with every value shown beside its box."""
    befores, afters = _values(before), _values(after)
    title = _("Distribution of milk volumes before and after")
    description = _(
        "Box plots. Before: %(n_before)s values, median %(median_before)s, quartiles "
        "%(q1_before)s–%(q3_before)s %(unit)s. After: %(n_after)s values, median "
        "%(median_after)s, quartiles %(q1_after)s–%(q3_after)s %(unit)s."
    ) % {
        "n_before": len(befores),
        "median_before": fmt.mean(_quantile(befores, 0.5)),
        "q1_before": fmt.mean(_quantile(befores, 0.25)),
        "q3_before": fmt.mean(_quantile(befores, 0.75)),
        "n_after": len(afters),
        "median_after": fmt.mean(_quantile(afters, 0.5)),
        "q1_after": fmt.mean(_quantile(afters, 0.25)),
        "q3_after": fmt.mean(_quantile(afters, 0.75)),
        "unit": unit,
    }

    def draw():
        figure = _figure(3.6, 3.1)
        axes = figure.subplots()
        # A phase without a value gets no box and no mean: a box of [0] drew a mean of 0 ml
        # beside the "after" label of a programme whose follow-ups were not measured yet.
        phases = [(position, values) for position, values in ((0, befores), (1, afters)) if values]
        for position, values in ((0, befores), (1, afters)):
            if not values:
                _nothing_drawn(axes, _("No value yet"), x=position, alone=not phases)
        axes.boxplot(
            [values for _position, values in phases],
            positions=[position for position, _values in phases],
            widths=0.35,
            showmeans=True,
            meanprops={"marker": "D", "markerfacecolor": PAPER, "markeredgecolor": INK},
            medianprops={"color": INK, "linewidth": 2},
            boxprops={"color": INK},
            whiskerprops={"color": INK},
            capprops={"color": INK},
            flierprops={"marker": "x", "markeredgecolor": INK},
        )
        for position, every_value, style in ((0, befores, BEFORE), (1, afters, AFTER)):
            values, _step = thinned(every_value)
            offsets = _spread(values, step=0.07)
            axes.plot(
                [position + 0.3 + o for o in offsets],
                values,
                linestyle="none",
                markersize=4.5,
                **style,
            )
        axes.set_xticks([0, 1], [_("Before"), _("After")])
        axes.set_xlim(-0.5, 1.6)
        axes.set_ylim(bottom=0)
        axes.set_ylabel(_("Milk volume (%(unit)s)") % {"unit": unit})
        axes.grid(axis="y", color=LIGHT, linewidth=0.6)
        axes.set_axisbelow(True)
        figure.tight_layout()
        return figure

    return _render("boxes", title, description, draw, [befores, afters, unit])


def _nothing_drawn(axes, text: str, *, x: float, alone: bool = False) -> None:
    """Say so where a phase or a whole chart has nothing to draw, instead of an empty plot; with
    nothing drawn at all (`alone`) the value axis has no scale to show."""
    if alone:
        axes.set_yticks([])
    axes.text(
        x,
        0.5,
        textwrap.fill(text, 16),
        transform=axes.get_xaxis_transform(),
        ha="center",
        va="center",
        color=INK,
        fontsize=8,
    )


def _spread(values: Sequence, *, step: float = 0.045, centred: bool = False) -> list[float]:
    """Side-by-side offsets for equal values, so every point stays visible without randomness."""
    totals = Counter(values)
    seen: Counter = Counter()
    offsets = []
    for value in values:
        shift = (totals[value] - 1) / 2 if centred else 0
        offsets.append(step * (seen[value] - shift))
        seen[value] += 1
    return offsets


def _quantile(values: Sequence[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class DayVolume:
    label: str
    phase: str
    postpartum_day: int | None
    volume_ml: float


def _day(observation: DayVolume) -> int:
    return observation.postpartum_day or 0


@dataclass(frozen=True)
class DayRange:
    postpartum_day: int
    lower_ml: float
    upper_ml: float


def norms_chart(
    observations: Sequence[DayVolume], references: Sequence[DayRange], *, comparable: bool
) -> Chart:
    """Each measured volume at its postpartum day, over the 24-hour reference range of that day.
    When the measurements are not 24-hour estimates the chart says so in its description: the
    reference is then context, not a yardstick."""
    placed = [o for o in observations if o.postpartum_day is not None]
    days = sorted({o.postpartum_day for o in placed} | {r.postpartum_day for r in references})
    # The marks of an evenly spaced subset of the people (each keeps her two volumes).
    labels, _step = thinned(list(dict.fromkeys(o.label for o in placed)))
    marked = set(labels)
    drawn = [o for o in placed if o.label in marked]
    title = (
        _("Milk volumes by postpartum day and the reference range")
        if references
        else _("Milk volumes by postpartum day")
    )
    parts = [
        _(
            "%(n)s volumes placed at their postpartum day (days %(first)s–%(last)s), over the "
            "24-hour reference range of %(n_ref)s days."
        )
        % {
            "n": len(placed),
            "first": days[0] if days else "–",
            "last": days[-1] if days else "–",
            "n_ref": len(references),
        }
    ]
    for reference in references:
        parts.append(
            _("Day %(day)s: %(low)s–%(high)s ml.")
            % {
                "day": reference.postpartum_day,
                "low": fmt.mean(reference.lower_ml),
                "high": fmt.mean(reference.upper_ml),
            }
        )
    if not comparable:
        parts.append(
            _(
                "The volumes are not 24-hour estimates, so the range is shown for orientation "
                "only and no volume is judged against it."
            )
        )
    description = " ".join(str(p) for p in parts)

    def draw(narrow: bool = False):
        from matplotlib.collections import LineCollection
        from matplotlib.patches import Rectangle

        figure = _figure(*((PHONE_WIDTH, 3.6) if narrow else (6.3, 3.4)))
        axes = figure.subplots()
        for reference in references:
            axes.add_patch(
                Rectangle(
                    (reference.postpartum_day - 0.3, reference.lower_ml),
                    0.6,
                    reference.upper_ml - reference.lower_ml,
                    facecolor="#e3e3e3",
                    edgecolor=GREY,
                    linestyle="--",
                    linewidth=0.8,
                    zorder=0,
                )
            )
        by_label: dict[str, list[DayVolume]] = {}
        for observation in drawn:
            by_label.setdefault(observation.label, []).append(observation)
        axes.add_collection(
            LineCollection(
                [
                    [(o.postpartum_day, o.volume_ml) for o in sorted(series, key=_day)]
                    for series in by_label.values()
                    if len(series) > 1
                ],
                colors=GREY,
                linewidths=0.8,
                zorder=1,
            )
        )
        for phase, style, label in (
            ("before", BEFORE, _("Before")),
            ("after", AFTER, _("After")),
        ):
            points = [o for o in drawn if o.phase == phase]
            if points:
                offsets = _spread(
                    [(o.postpartum_day, o.volume_ml) for o in points], step=0.13, centred=True
                )
                axes.plot(
                    [o.postpartum_day + offset for o, offset in zip(points, offsets, strict=True)],
                    [o.volume_ml for o in points],
                    linestyle="none",
                    markersize=5.5,
                    zorder=2,
                    label=label,
                    **style,
                )
        if references:
            axes.plot(
                [],
                [],
                color="#e3e3e3",
                linewidth=8,
                label=_("24-hour reference range"),
            )
        axes.set_xticks(days or [1])
        axes.set_xlim((days[0] if days else 1) - 0.7, (days[-1] if days else 1) + 0.7)
        axes.set_ylim(bottom=0)
        axes.set_xlabel(_("Postpartum day"))
        axes.set_ylabel(_("Milk volume (ml)"))
        axes.grid(axis="y", color=LIGHT, linewidth=0.6)
        axes.set_axisbelow(True)
        _legend_above(axes, columns=2 if narrow else 3)
        figure.tight_layout()
        return figure

    payload = [
        [(o.label, o.phase, o.postpartum_day, o.volume_ml) for o in placed],
        [(r.postpartum_day, r.lower_ml, r.upper_ml) for r in references],
        comparable,
    ]
    return _render("norms", title, description, draw, payload, narrow=lambda: draw(narrow=True))


# --- dashboards --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    label: str
    due: int
    done: int


def sessions_trend(points: Sequence[TrendPoint], *, period_label: str) -> Chart:
    """Sessions due and done per week or month, with the share done written over each pair."""
    title = _("Massage sessions due and done, by %(period)s") % {"period": period_label}
    due_total = sum(p.due for p in points)
    done_total = sum(p.done for p in points)
    description = _(
        "Bar chart over %(n)s periods: %(done)s of %(due)s sessions due were done (%(share)s)."
    ) % {
        "n": len(points),
        "done": done_total,
        "due": due_total,
        "share": fmt.percent(fmt.share(done_total, due_total), 0),
    }

    def draw(narrow: bool = False):
        figure = _figure(*((PHONE_WIDTH, 2.8) if narrow else (6.6, 2.8)))
        axes = figure.subplots()
        positions = list(range(len(points)))
        axes.bar(
            [x - 0.2 for x in positions],
            [p.due for p in points],
            width=0.38,
            color=PAPER,
            edgecolor=INK,
            linewidth=0.8,
            label=_("due"),
        )
        axes.bar(
            [x + 0.2 for x in positions],
            [p.done for p in points],
            width=0.38,
            color=INK,
            edgecolor=INK,
            linewidth=0.8,
            label=_("done"),
        )
        top = max([p.due for p in points] + [1])
        for x, point in zip(positions, points, strict=True):
            if point.due:
                axes.text(
                    x,
                    max(point.due, point.done) + top * 0.03,
                    fmt.percent(fmt.share(point.done, point.due), 0),
                    ha="center",
                    va="bottom",
                    fontsize=7.5,
                )
        ticks = tick_positions(len(points), most=4 if narrow else 8)
        axes.set_xticks(ticks, [points[i].label for i in ticks], rotation=0, fontsize=8)
        axes.set_xlim(-0.6, len(points) - 0.4)
        axes.set_ylim(0, top * 1.15)
        axes.set_ylabel(_("Sessions"))
        axes.grid(axis="y", color=LIGHT, linewidth=0.6)
        axes.set_axisbelow(True)
        _legend_above(axes, columns=2)
        figure.tight_layout()
        return figure

    payload = [[(p.label, p.due, p.done) for p in points], period_label]
    return _render("sessions", title, description, draw, payload, narrow=lambda: draw(narrow=True))


def tick_positions(count: int, *, most: int) -> list[int]:
    """At most `most` evenly spaced positions of `count` bars, always ending with the last one
    (the current week or month is the one a reader looks for)."""
    if count <= 0:
        return []
    step = max(1, -(-count // most))
    return list(range(count - 1, -1, -step))[::-1]
