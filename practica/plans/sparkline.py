"""A goal's sparkline as plain geometry, drawn as inline SVG by a template.

Like the outcome trend charts (outcomes/charts.py) it is computed here so the
page needs no script (the Content-Security-Policy forbids inline script and
style). x runs from the plan's start to the goal's target date (or the last
value, if later); y spans the baseline, the target and every value, higher
values at the top. Dashed lines mark the baseline and the target.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

WIDTH = 200
HEIGHT = 48
PAD_X = 4
PAD_Y = 6


@dataclass(frozen=True)
class SparkPoint:
    x: str
    y: str
    title: str


@dataclass(frozen=True)
class Sparkline:
    width: int
    height: int
    points: list[SparkPoint]
    polyline: str
    baseline_y: str
    target_y: str
    today_x: str | None  # where today falls, if inside the span


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def build_sparkline(
    points: Sequence[tuple[datetime.date, Decimal]],
    *,
    baseline: Decimal,
    target: Decimal,
    start_on: datetime.date,
    end_on: datetime.date,
    today: datetime.date,
    unit: str = "",
) -> Sparkline:
    """The sparkline of `points` (date, value), oldest first."""
    first_day = min([start_on, *(day for day, _ in points)])
    last_day = max([end_on, *(day for day, _ in points)])
    span = max((last_day - first_day).days, 1)
    values = [baseline, target, *(value for _, value in points)]
    low, high = float(min(values)), float(max(values))
    spread = high - low or 1.0

    def x_of(day: datetime.date) -> float:
        return PAD_X + (day - first_day).days / span * (WIDTH - 2 * PAD_X)

    def y_of(value: Decimal) -> float:
        return HEIGHT - PAD_Y - (float(value) - low) / spread * (HEIGHT - 2 * PAD_Y)

    suffix = f" {unit}" if unit else ""
    spark = [
        SparkPoint(
            x=_fmt(x_of(day)),
            y=_fmt(y_of(value)),
            title=f"{day:%d %b %Y}: {_number(value)}{suffix}",
        )
        for day, value in points
    ]
    return Sparkline(
        width=WIDTH,
        height=HEIGHT,
        points=spark,
        polyline=" ".join(f"{p.x},{p.y}" for p in spark),
        baseline_y=_fmt(y_of(baseline)),
        target_y=_fmt(y_of(target)),
        today_x=_fmt(x_of(today)) if first_day <= today <= last_day else None,
    )
