"""Trend chart geometry: one point per response, placed by date and score."""

from __future__ import annotations

import datetime
from decimal import Decimal

from practica.outcomes.charts import build_trend_chart
from practica.outcomes.measures import LEFS, NPRS

D1 = datetime.date(2026, 3, 2)


def test_points_follow_date_and_score() -> None:
    # given three NPRS scores over 20 days
    points = [
        (D1, Decimal(8), "Severe"),
        (D1 + datetime.timedelta(days=10), Decimal(5), "Moderate"),
        (D1 + datetime.timedelta(days=20), Decimal(0), "No pain"),
    ]
    # when
    chart = build_trend_chart(NPRS, points)
    # then: x spans the plot left to right, y runs 10 at the top to 0 at the axis
    assert [(p.x, p.y) for p in chart.points] == [
        ("44.0", "48.4"),
        ("294.0", "100.0"),
        ("544.0", "186.0"),
    ]
    assert chart.polyline == "44.0,48.4 294.0,100.0 544.0,186.0"
    assert chart.points[0].title == "02 Mar 2026: 8 (Severe)"
    assert [t.label for t in chart.y_ticks] == ["0", "2", "4", "6", "8", "10"]
    assert [t.label for t in chart.x_ticks] == ["02 Mar 2026", "22 Mar 2026"]
    # and the MCID line sits 2 points below the first score
    assert chart.mcid_y == "82.8"
    assert chart.mcid_label == "first - MCID"


def test_a_single_point_is_centred() -> None:
    chart = build_trend_chart(LEFS, [(D1, Decimal(40), "")])
    assert [(p.x, p.y) for p in chart.points] == [("294.0", "100.0")]
    assert chart.mcid_label == "first + MCID"
    assert [t.label for t in chart.x_ticks] == ["02 Mar 2026"]


def test_no_mcid_line_beyond_the_scale() -> None:
    chart = build_trend_chart(LEFS, [(D1, Decimal(75), "")])
    assert chart.mcid_y is None


def test_an_empty_chart_has_axes_only() -> None:
    chart = build_trend_chart(NPRS, [])
    assert (chart.points, chart.polyline, chart.x_ticks) == ([], "", [])
