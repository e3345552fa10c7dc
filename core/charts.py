"""Server-rendered SVG charts: the geometry is computed here, templates only draw it.

Plain SVG (no script, so the Content-Security-Policy holds and the chart reads
without JavaScript); every chart comes with a table of the same numbers.
"""

import math
from dataclasses import dataclass, replace
from functools import lru_cache

from flask import get_template_attribute
from flask_babel import get_locale
from markupsafe import Markup

WIDTH, HEIGHT = 720, 260
# The same chart drawn for a phone's screen (below 768 px), about as wide as it is shown
# there, so that its labels keep their size instead of shrinking to half of it.
COMPACT_WIDTH, COMPACT_HEIGHT = 360, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 32, 16, 40
# An x-axis label at font-size 12 takes at most this much per character, plus a gap.
LABEL_CHAR_WIDTH, LABEL_GAP = 7, 12


@dataclass(frozen=True)
class Band:
    """A shaded stretch of the x axis, e.g. a promotion's publication window."""

    label: str
    x: float
    width: float


@dataclass(frozen=True)
class Marker:
    """A moment on the x axis worth pointing at, e.g. a post going out."""

    label: str
    x: float


@dataclass(frozen=True)
class LineChart:
    title: str
    labels: tuple[str, ...]
    values: tuple[float, ...]
    points: str  # the polyline's "x,y x,y …"
    dots: tuple[tuple[float, float, str, float], ...]  # x, y, label, value
    y_ticks: tuple[tuple[float, float], ...]  # y, value
    x_labels: tuple[tuple[float, str], ...] = ()  # x, label: those drawn
    bands: tuple[Band, ...] = ()
    markers: tuple[Marker, ...] = ()
    guide_title: str = ""  # a second, dashed line such as the pace to a target
    guide_values: tuple[float, ...] = ()
    guide_points: str = ""
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_bottom: int = HEIGHT - BOTTOM
    compact: "LineChart | None" = None  # the phone's drawing of the same numbers


def _nice_top(value: float) -> float:
    """A round upper bound for the y axis (1, 2, 5 × 10^n)."""
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def label_every(labels: list[str], step: float) -> int:
    """Draw every k-th x-axis label so that neighbours never overlap: k × the distance
    between points must hold the widest label and a gap."""
    widest = max((len(label) for label in labels), default=0) * LABEL_CHAR_WIDTH + LABEL_GAP
    return max(1, math.ceil(widest / step)) if step else 1


def line_chart(
    title: str,
    labels: list[str],
    values: list[float],
    bands: list[tuple[str, int, int]] = (),
    markers: list[tuple[str, int]] = (),
    guide: tuple[str, list[float]] | None = None,
) -> LineChart:
    """A line over evenly spaced labels; `bands` are (label, first index, last index),
    `markers` (label, index), and `guide` (title, values) a dashed line drawn beside it.
    Drawn twice: for a wide screen, and `compact` for a phone's."""
    arguments = (title, labels, values, bands, markers, guide)
    wide = _draw(*arguments, width=WIDTH, height=HEIGHT)
    return replace(wide, compact=_draw(*arguments, width=COMPACT_WIDTH, height=COMPACT_HEIGHT))


def _draw(title, labels, values, bands, markers, guide, width: int, height: int) -> LineChart:
    guide_title, guide_values = guide or ("", [])
    top = _nice_top(max([*values, *guide_values], default=0))
    span = width - LEFT - RIGHT
    step = span / max(len(values) - 1, 1)

    def x(i: float) -> float:
        return round(LEFT + i * step, 1)

    def y(value: float) -> float:
        return round(TOP + (height - TOP - BOTTOM) * (1 - value / top), 1)

    dots = [(x(i), y(v), labels[i], v) for i, v in enumerate(values)]
    every = label_every(labels[: len(values)], step)
    last = len(values) - 1
    # Counted back from the last point, which is the latest month or day and always named.
    x_labels = [(x(i), labels[i]) for i in range(len(values)) if (last - i) % every == 0]
    return LineChart(
        title=title,
        labels=tuple(labels),
        values=tuple(values),
        points=" ".join(f"{dx},{dy}" for dx, dy, _, _ in dots),
        dots=tuple(dots),
        y_ticks=tuple((y(top * k / 4), top * k / 4) for k in range(5)),
        x_labels=tuple(x_labels),
        bands=tuple(
            Band(
                label,
                x(first - 0.5 if first else 0),
                x(last + 0.5) - x(first - 0.5 if first else 0),
            )
            for label, first, last in bands
        ),
        markers=tuple(Marker(label, x(index)) for label, index in markers),
        guide_title=guide_title,
        guide_values=tuple(guide_values),
        guide_points=" ".join(f"{x(i)},{y(v)}" for i, v in enumerate(guide_values)),
        width=width,
        height=height,
        plot_right=width - RIGHT,
        plot_bottom=height - BOTTOM,
    )


def drawn(chart: LineChart, chart_id: str) -> Markup:
    """The chart's HTML (both drawings and the table), in the reader's language.

    Kept by what it is drawn from: a chart is a frozen value, so equal numbers, labels
    and language give the same HTML, and a changed figure is a new key, never stale.
    Formatting its numbers is most of a chart page's template time."""
    return _drawn(str(get_locale()), chart_id, chart)


@lru_cache(maxsize=256)
def _drawn(_locale: str, chart_id: str, chart: LineChart) -> Markup:
    return get_template_attribute("_chart.html", "line_chart")(chart, chart_id)
