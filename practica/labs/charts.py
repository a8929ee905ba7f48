"""The trend chart of one test, as plain geometry drawn by a template as
inline SVG (no script, no chart library: the Content-Security-Policy allows
neither inline script nor style).

x follows the collection time, so gaps between draws show as gaps; y runs
over the values and the reference range with some headroom, on "nice" tick
steps. The reference range is a shaded band; flagged points are drawn as
larger rings with the flag in their tooltip, and the table beside the chart
carries every number and flag as text (the chart is never the only way).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

WIDTH = 560
HEIGHT = 240
LEFT = 52
RIGHT = 16
TOP = 14
BOTTOM = 34
TICKS_WANTED = 5
HEADROOM = 0.1


@dataclass(frozen=True)
class Tick:
    at: str
    label: str


@dataclass(frozen=True)
class LabPoint:
    x: str
    y: str
    is_abnormal: bool
    title: str


@dataclass(frozen=True)
class Band:
    y: str  # top edge
    height: str
    label: str
    x: int
    width: int


@dataclass(frozen=True)
class ChartInput:
    """One plotted result: when, the number, its flag label and text."""

    at: datetime.datetime
    number: Decimal
    is_abnormal: bool
    title: str


@dataclass(frozen=True)
class LabChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    points: list[LabPoint]
    polyline: str
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    band: Band | None


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def _nice_step(span: float) -> float:
    raw = span / TICKS_WANTED
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(
        (m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw),
        10 * magnitude,
    )


def _tick_label(value: float, step: float) -> str:
    """As many decimals as the step has (0.25 -> 2, 5 -> 0)."""
    exponent = Decimal(repr(step)).normalize().as_tuple().exponent
    decimals = max(0, -exponent) if isinstance(exponent, int) else 0
    return f"{value:.{decimals}f}"


def _y_range(
    numbers: Sequence[float], low: float | None, high: float | None
) -> tuple[float, float, float]:
    """(bottom, top, step) covering the values and the range, on tick steps."""
    values = [*numbers, *(v for v in (low, high) if v is not None)]
    smallest, largest = min(values), max(values)
    span = largest - smallest or abs(largest) or 1.0
    smallest -= span * HEADROOM
    largest += span * HEADROOM
    if min(values) >= 0:
        smallest = max(smallest, 0.0)
    step = _nice_step(largest - smallest)
    return (
        math.floor(smallest / step) * step,
        math.ceil(largest / step) * step,
        step,
    )


def build_lab_chart(
    points: Sequence[ChartInput],
    *,
    low: Decimal | None,
    high: Decimal | None,
) -> LabChart:
    """The chart of `points` (oldest first) with the reference band."""
    plot_right = WIDTH - RIGHT
    plot_bottom = HEIGHT - BOTTOM
    plot_width = plot_right - LEFT
    plot_height = plot_bottom - TOP
    if not points:
        return LabChart(
            WIDTH, HEIGHT, LEFT, plot_right, TOP, plot_bottom, [], "", [], [], None
        )
    low_f = float(low) if low is not None else None
    high_f = float(high) if high is not None else None
    y_min, y_max, step = _y_range([float(p.number) for p in points], low_f, high_f)

    def y_of(value: float) -> float:
        return plot_bottom - (value - y_min) / (y_max - y_min) * plot_height

    first = points[0].at
    span = (points[-1].at - first).total_seconds()

    def x_of(moment: datetime.datetime) -> float:
        if span <= 0:
            return LEFT + plot_width / 2
        return LEFT + (moment - first).total_seconds() / span * plot_width

    plotted = [
        LabPoint(
            x=_fmt(x_of(p.at)),
            y=_fmt(y_of(float(p.number))),
            is_abnormal=p.is_abnormal,
            title=p.title,
        )
        for p in points
    ]
    count = round((y_max - y_min) / step)
    y_ticks = [
        Tick(at=_fmt(y_of(y_min + n * step)), label=_tick_label(y_min + n * step, step))
        for n in range(count + 1)
    ]
    x_ticks = [Tick(at=plotted[0].x, label=f"{points[0].at:%d %b %Y}")]
    if span > 0:
        x_ticks.append(Tick(at=plotted[-1].x, label=f"{points[-1].at:%d %b %Y}"))
    band = None
    if low_f is not None or high_f is not None:
        top_value = high_f if high_f is not None else y_max
        bottom_value = low_f if low_f is not None else y_min
        band_top = y_of(top_value)
        band = Band(
            y=_fmt(band_top),
            height=_fmt(max(y_of(bottom_value) - band_top, 1.0)),
            label="Reference range",
            x=LEFT,
            width=plot_width,
        )
    return LabChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=plot_right,
        top=TOP,
        bottom=plot_bottom,
        points=plotted,
        polyline=" ".join(f"{p.x},{p.y}" for p in plotted),
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        band=band,
    )
