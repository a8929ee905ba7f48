"""The trend chart's geometry: time on x, values and the range band on y."""

from __future__ import annotations

import datetime
from decimal import Decimal

from practica.labs.charts import (
    HEIGHT,
    LEFT,
    RIGHT,
    WIDTH,
    ChartInput,
    build_lab_chart,
)

DAY = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)


def _points(values: list[str], gaps: list[int]) -> list[ChartInput]:
    return [
        ChartInput(
            at=DAY + datetime.timedelta(days=gap),
            number=Decimal(value),
            is_abnormal=Decimal(value) > Decimal("5.6"),
            title=value,
        )
        for value, gap in zip(values, gaps, strict=True)
    ]


def test_points_follow_time_and_the_band_covers_the_range() -> None:
    # given HbA1c falling over six months, the last at 90 days after the first
    chart = build_lab_chart(
        _points(["8.4", "7.2", "6.0"], [0, 30, 90]),
        low=Decimal("4.0"),
        high=Decimal("5.6"),
    )
    # then x is proportional to time
    xs = [float(p.x) for p in chart.points]
    assert xs[0] == LEFT
    assert xs[-1] == WIDTH - RIGHT
    assert round((xs[1] - xs[0]) / (xs[2] - xs[0]), 3) == round(30 / 90, 3)
    # and values fall on screen as they fall in value (y grows downwards)
    ys = [float(p.y) for p in chart.points]
    assert ys[0] < ys[1] < ys[2]
    # and the band spans 4.0 to 5.6, under every point
    assert chart.band is not None
    band_top = float(chart.band.y)
    assert band_top > ys[2]
    assert chart.band.width == WIDTH - RIGHT - LEFT
    assert [t.label for t in chart.y_ticks] == ["2", "4", "6", "8", "10"]
    assert [p.is_abnormal for p in chart.points] == [True, True, True]
    assert [t.label for t in chart.x_ticks] == ["05 Jan 2026", "05 Apr 2026"]


def test_one_point_is_centred_and_no_range_draws_no_band() -> None:
    chart = build_lab_chart(_points(["5.0"], [0]), low=None, high=None)
    assert chart.points[0].x == f"{LEFT + (WIDTH - RIGHT - LEFT) / 2:.1f}"
    assert chart.band is None
    assert chart.polyline.count(",") == 1
    assert all(0 <= float(t.at) <= HEIGHT for t in chart.y_ticks)


def test_small_values_get_decimal_ticks_and_an_open_range_a_band() -> None:
    chart = build_lab_chart(
        _points(["0.012", "0.03"], [0, 10]), low=None, high=Decimal("0.04")
    )
    assert [t.label for t in chart.y_ticks][:3] == ["0.00", "0.01", "0.02"]
    assert chart.band is not None


def test_no_points_draw_an_empty_chart() -> None:
    chart = build_lab_chart([], low=Decimal(1), high=Decimal(2))
    assert (chart.points, chart.polyline, chart.band) == ([], "", None)
