"""Trend charts as plain geometry, drawn as inline SVG by a template.

Built in Python so the page needs no JavaScript and no chart library (the
Content-Security-Policy forbids inline script and style): the template only
places the numbers computed here. x follows the date each response was taken
(so gaps between visits show as gaps), y the score from 0 to the measure's
maximum, best at the top or bottom as the scale runs.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from practica.outcomes.measures import Measure

WIDTH = 560
HEIGHT = 220
LEFT = 44
RIGHT = 16
TOP = 14
BOTTOM = 34
NICE_STEPS = (1, 2, 5, 10, 20, 25, 50)
TICK_COUNT = 5


@dataclass(frozen=True)
class Tick:
    at: str  # the coordinate, formatted for SVG
    label: str


@dataclass(frozen=True)
class TrendPoint:
    x: str
    y: str
    taken_on: datetime.date
    score: Decimal
    title: str


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    left: int
    right: int  # x of the plot's right edge
    top: int
    bottom: int  # y of the plot's bottom edge (the x axis)
    points: list[TrendPoint]
    polyline: str
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    mcid_y: str | None  # the line one MCID better than the first score
    mcid_label: str


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def _step(maximum: Decimal) -> int:
    wanted = float(maximum) / TICK_COUNT
    return next((s for s in NICE_STEPS if s >= wanted), NICE_STEPS[-1])


def _score_text(score: Decimal, unit: str) -> str:
    text = f"{score.normalize():f}"
    return f"{text}%" if unit == "%" else text


def build_trend_chart(
    measure: Measure, points: Sequence[tuple[datetime.date, Decimal, str]]
) -> TrendChart:
    """The chart of `points` (taken_on, score, band), oldest first."""
    plot_right = WIDTH - RIGHT
    plot_bottom = HEIGHT - BOTTOM
    plot_width = plot_right - LEFT
    plot_height = plot_bottom - TOP
    maximum = float(measure.max_score)

    def y_of(score: Decimal) -> float:
        return plot_bottom - float(score) / maximum * plot_height

    first_day = points[0][0] if points else None
    span = (points[-1][0] - points[0][0]).days if points else 0

    def x_of(day: datetime.date) -> float:
        if first_day is None or span == 0:
            return LEFT + plot_width / 2
        return LEFT + (day - first_day).days / span * plot_width

    trend = [
        TrendPoint(
            x=_fmt(x_of(day)),
            y=_fmt(y_of(score)),
            taken_on=day,
            score=score,
            title=(
                f"{day:%d %b %Y}: {_score_text(score, measure.unit)}"
                + (f" ({band})" if band else "")
            ),
        )
        for day, score, band in points
    ]
    step = _step(measure.max_score)
    y_ticks = [
        Tick(at=_fmt(y_of(Decimal(v))), label=str(v))
        for v in range(0, int(maximum) + 1, step)
    ]
    x_ticks = []
    if trend:
        x_ticks.append(Tick(at=trend[0].x, label=f"{trend[0].taken_on:%d %b %Y}"))
        if span:
            x_ticks.append(Tick(at=trend[-1].x, label=f"{trend[-1].taken_on:%d %b %Y}"))
    mcid_y = None
    mcid_label = ""
    if measure.mcid is not None and trend:
        sign = 1 if measure.higher_is_better else -1
        target = trend[0].score + sign * measure.mcid
        if 0 <= target <= measure.max_score:
            mcid_y = _fmt(y_of(target))
            mcid_label = f"first {'+' if sign > 0 else '-'} MCID"
    return TrendChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=plot_right,
        top=TOP,
        bottom=plot_bottom,
        points=trend,
        polyline=" ".join(f"{p.x},{p.y}" for p in trend),
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        mcid_y=mcid_y,
        mcid_label=mcid_label,
    )
