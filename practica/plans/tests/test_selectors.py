"""How progress is computed: share of the way, on track or behind, measure
scores inside the plan's dates, visits expected, and the sparkline."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.http import Http404
from django.utils import timezone

from practica.outcomes.tests.factories import MeasureResponseFactory
from practica.plans.models import TreatmentPlan
from practica.plans.selectors import get_patient_plans, get_plan_detail
from practica.plans.sparkline import build_sparkline
from practica.plans.tests.factories import (
    START,
    GoalFactory,
    GoalProgressFactory,
    MeasureGoalFactory,
    TreatmentPlanFactory,
)
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic

pytestmark = pytest.mark.django_db

WEEK = datetime.timedelta(weeks=1)


def _day(weeks: int, days: int = 0) -> datetime.date:
    return START + weeks * WEEK + datetime.timedelta(days=days)


@pytest.mark.parametrize(
    ("values", "today", "percent", "state"),
    [
        ([], _day(3), None, "no_data"),
        ([130], _day(3), 100, "reached"),
        ([140], _day(3), 125, "reached"),
        ([100, 110], _day(3), 50, "on_track"),
        ([108], _day(3), 45, "on_track"),  # within 10 points of 50%
        ([95], _day(3), 12, "behind"),
        ([110], _day(7), 50, "overdue"),
        ([80], _day(1), -25, "behind"),
    ],
)
def test_metric_goal_progress_and_state(
    provider_actor: Actor,
    plan: TreatmentPlan,
    values: list[int],
    today: datetime.date,
    percent: int | None,
    state: str,
) -> None:
    # given knee flexion 90 -> 130 degrees by week 6, values in weeks 1 and 2
    goal = GoalFactory(plan=plan)
    for week, value in enumerate(values, 1):
        GoalProgressFactory(goal=goal, value=Decimal(value), recorded_on=_day(week))
    # when
    detail = get_plan_detail(actor=provider_actor, plan_id=plan.pk, today=today)
    # then
    (view,) = detail.view.goals
    assert (view.percent, view.state) == (percent, state)
    assert view.meter == max(0, min(100, percent or 0))


def test_values_entered_in_error_do_not_count(
    provider_actor: Actor, plan: TreatmentPlan
) -> None:
    goal = GoalFactory(plan=plan)
    GoalProgressFactory(goal=goal, value=Decimal(110), recorded_on=_day(1))
    GoalProgressFactory(
        goal=goal,
        value=Decimal(129),
        recorded_on=_day(2),
        entered_in_error_at=timezone.now(),
        error_reason="Other knee",
    )
    detail = get_plan_detail(actor=provider_actor, plan_id=plan.pk, today=_day(3))
    (view,) = detail.view.goals
    assert view.latest == (_day(1), Decimal(110))
    assert len(view.entries) == 2
    assert len(view.sparkline.points) == 1


def test_a_measure_goal_counts_scores_inside_the_plans_dates(
    provider_actor: Actor, clinic: Clinic, plan: TreatmentPlan
) -> None:
    # given NPRS 7 -> 2; a score before the plan, two during it, one other measure
    MeasureGoalFactory(plan=plan)
    for day, score, code in (
        (START - WEEK, 9, "nprs"),
        (_day(1), 6, "nprs"),
        (_day(2), 4, "nprs"),
        (_day(2), 20, "phq9"),
    ):
        MeasureResponseFactory(
            clinic=clinic,
            patient=plan.patient,
            measure_code=code,
            score=Decimal(score),
            taken_on=day,
        )
    # when
    detail = get_plan_detail(actor=provider_actor, plan_id=plan.pk, today=_day(3))
    # then
    (view,) = detail.view.goals
    assert view.points == [(_day(1), Decimal(6)), (_day(2), Decimal(4))]
    assert (view.percent, view.state, view.unit) == (60, "on_track", "points")
    assert view.target_name == "Numeric Pain Rating Scale (NPRS)"


def test_a_closed_plan_stops_counting_at_its_close(
    provider_actor: Actor, clinic: Clinic
) -> None:
    closed_at = timezone.now() - datetime.timedelta(days=30)
    plan = TreatmentPlanFactory(
        clinic=clinic,
        status="completed",
        status_changed_at=closed_at,
        start_on=timezone.localdate(closed_at) - 4 * WEEK,
        review_on=None,
    )
    MeasureGoalFactory(plan=plan, target_on=plan.start_on + 8 * WEEK)
    MeasureResponseFactory(
        clinic=clinic,
        patient=plan.patient,
        measure_code="nprs",
        score=Decimal(3),
        taken_on=timezone.localdate(closed_at) + WEEK,
    )
    detail = get_plan_detail(
        actor=provider_actor, plan_id=plan.pk, today=timezone.localdate()
    )
    (view,) = detail.view.goals
    assert view.points == []
    # 2 a week over the 29 days it ran
    assert detail.view.visits_expected == 8


@pytest.mark.parametrize(
    ("changes", "today", "expected"),
    [
        ({}, _day(0, 13), 4),  # 14 days at 2 a week
        ({}, START - WEEK, 0),  # not started
        ({}, _day(20), 12),  # capped by the 6 weeks (and the 12 planned)
        ({"frequency_period": "month", "frequency_count": 4}, _day(4, 1), 3),
        ({"planned_visits": 3, "duration_weeks": None}, _day(10), 3),
    ],
)
def test_visits_expected_follow_the_frequency(
    provider_actor: Actor,
    clinic: Clinic,
    changes: dict[str, object],
    today: datetime.date,
    expected: int,
) -> None:
    plan = TreatmentPlanFactory(clinic=clinic, **changes)
    detail = get_plan_detail(actor=provider_actor, plan_id=plan.pk, today=today)
    assert detail.view.visits_expected == expected


def test_plans_list_open_before_closed(
    provider_actor: Actor, clinic: Clinic, plan: TreatmentPlan
) -> None:
    closed = TreatmentPlanFactory(
        clinic=clinic, patient=plan.patient, status="discontinued"
    )
    plans = get_patient_plans(
        actor=provider_actor, patient_id=plan.patient_id, today=_day(2)
    )
    assert [p.plan for p in plans.open_plans] == [plan]
    assert [p.plan for p in plans.closed_plans] == [closed]


def test_another_clinics_plan_is_not_found(
    provider_actor: Actor, other_clinic: Clinic
) -> None:
    plan = TreatmentPlanFactory(clinic=other_clinic)
    with pytest.raises(Http404):
        get_plan_detail(actor=provider_actor, plan_id=plan.pk, today=_day(1))


def test_sparkline_places_values_between_baseline_and_target() -> None:
    spark = build_sparkline(
        [(START, Decimal(90)), (_day(3), Decimal(110))],
        baseline=Decimal(90),
        target=Decimal(130),
        start_on=START,
        end_on=_day(6),
        today=_day(3),
        unit="degrees",
    )
    assert [(p.x, p.y) for p in spark.points] == [("4.0", "42.0"), ("100.0", "24.0")]
    assert (spark.baseline_y, spark.target_y, spark.today_x) == ("42.0", "6.0", "100.0")
    assert spark.points[1].title == "23 Mar 2026: 110 degrees"
    assert spark.polyline == "4.0,42.0 100.0,24.0"


def test_sparkline_without_values_or_today_in_span() -> None:
    spark = build_sparkline(
        [],
        baseline=Decimal(7),
        target=Decimal(2),
        start_on=START,
        end_on=_day(6),
        today=_day(9),
    )
    assert (spark.points, spark.polyline, spark.today_x) == ([], "", None)
    assert (spark.baseline_y, spark.target_y) == ("6.0", "42.0")
