"""How far a plan and its goals have come, computed from rows already
fetched (no queries): share of the way from baseline to target, on track or
behind by the target date, visits done against planned and expected.

Progress of a plan: the visits done (the patient's completed appointments
with the plan's provider from its start date, up to the day it closed) against
those planned; "expected" follows the frequency. Progress of a goal: for an
outcome-measure goal, the patient's scores on that measure within the plan's
dates; for a free-metric goal, its recorded values not entered in error.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from practica.outcomes.measures import Measure, get_measure
from practica.plans.models import Goal, GoalProgress, TreatmentPlan
from practica.plans.sparkline import Sparkline, build_sparkline

if TYPE_CHECKING:
    from practica.charting.models import Problem
    from practica.outcomes.selectors import PatientOutcomes
    from practica.scheduling.models import Appointment

# A goal is on track while its share of the way to the target is no more
# than this many points behind the share of the time to the target date.
ON_TRACK_SLACK = 10
STATE_LABELS = {
    "reached": "Target reached",
    "on_track": "On track",
    "behind": "Behind",
    "overdue": "Past the target date",
    "no_data": "No value yet",
}


@dataclass(frozen=True)
class GoalView:
    goal: Goal
    measure: Measure | None
    entries: list[GoalProgress]  # a metric goal's values, marked ones too
    points: list[tuple[datetime.date, Decimal]]  # the values that count, oldest first
    percent: int | None  # share of the way from baseline to target
    expected: int  # share of the time from the plan's start to the target date
    state: str
    sparkline: Sparkline

    @property
    def latest(self) -> tuple[datetime.date, Decimal] | None:
        return self.points[-1] if self.points else None

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def meter(self) -> int:
        """The percent clamped to 0-100, for a <meter>."""
        return max(0, min(100, self.percent or 0))

    @property
    def unit(self) -> str:
        if self.measure is not None:
            return "%" if self.measure.unit == "%" else "points"
        return self.goal.unit

    @property
    def target_name(self) -> str:
        if self.measure is not None:
            return f"{self.measure.name} ({self.measure.short_name})"
        return self.goal.metric_name


@dataclass(frozen=True)
class PlanView:
    plan: TreatmentPlan
    diagnoses: list[Problem]
    goals: list[GoalView]
    visits_done: int
    visits_expected: int  # by today (or the day it closed), from the frequency

    @property
    def visits_percent(self) -> int:
        planned = self.plan.planned_visits
        return min(100, round(100 * self.visits_done / planned)) if planned else 0


def _closed_on(plan: TreatmentPlan) -> datetime.date | None:
    if plan.is_closed and plan.status_changed_at is not None:
        return timezone.localdate(plan.status_changed_at)
    return None


def _percent(goal: Goal, value: Decimal) -> int:
    return round(100 * (value - goal.baseline) / (goal.target - goal.baseline))


def _expected(plan: TreatmentPlan, goal: Goal, today: datetime.date) -> int:
    total = (goal.target_on - plan.start_on).days
    if total <= 0:
        return 100
    elapsed = (min(today, goal.target_on) - plan.start_on).days
    return max(0, min(100, round(100 * elapsed / total)))


def _state(goal: Goal, percent: int | None, expected: int, today: datetime.date) -> str:
    if percent is None:
        return "no_data"
    if percent >= 100:  # the whole way
        return "reached"
    if today > goal.target_on:
        return "overdue"
    return "on_track" if percent + ON_TRACK_SLACK >= expected else "behind"


def goal_view(
    plan: TreatmentPlan,
    goal: Goal,
    outcomes: PatientOutcomes,
    today: datetime.date,
) -> GoalView:
    measure = get_measure(goal.measure_code) if goal.is_measure else None
    until = _closed_on(plan) or today
    entries: list[GoalProgress] = []
    if measure is not None:
        summary = next(
            (s for s in outcomes.summaries if s.measure.code == measure.code), None
        )
        scored = summary.scored if summary is not None else []
        points = [
            (r.taken_on, r.score)
            for r in scored
            if plan.start_on <= r.taken_on <= until
        ]
    else:
        entries = list(goal.progress.all())
        points = [
            (p.recorded_on, p.value) for p in entries if not p.is_entered_in_error
        ]
    percent = _percent(goal, points[-1][1]) if points else None
    expected = _expected(plan, goal, today)
    return GoalView(
        goal=goal,
        measure=measure,
        entries=entries,
        points=points,
        percent=percent,
        expected=expected,
        state=_state(goal, percent, expected, today),
        sparkline=build_sparkline(
            points,
            baseline=goal.baseline,
            target=goal.target,
            start_on=plan.start_on,
            end_on=goal.target_on,
            today=today,
            unit=goal.unit,
        ),
    )


def _visits_expected(plan: TreatmentPlan, today: datetime.date) -> int:
    until = _closed_on(plan) or today
    days = (until - plan.start_on).days + 1
    if days <= 0:
        return 0
    if plan.duration_weeks:
        days = min(days, plan.duration_weeks * 7)
    per_day = plan.frequency_count / (
        7 if plan.frequency_period == TreatmentPlan.Period.WEEK else 30.44
    )
    return min(plan.planned_visits, int(days * per_day))


def _visits_done(plan: TreatmentPlan, visits: list[Appointment]) -> int:
    until = _closed_on(plan)
    count = 0
    for visit in visits:
        day = visit.start_at.astimezone(visit.location.tz).date()
        if (
            visit.provider_id == plan.provider_id
            and day >= plan.start_on
            and (until is None or day <= until)
        ):
            count += 1
    return count


def plan_view(
    plan: TreatmentPlan,
    outcomes: PatientOutcomes,
    visits: list[Appointment],
    today: datetime.date,
) -> PlanView:
    return PlanView(
        plan=plan,
        diagnoses=[d.problem for d in plan.diagnoses.all()],
        goals=[goal_view(plan, g, outcomes, today) for g in plan.goals.all()],
        visits_done=_visits_done(plan, visits),
        visits_expected=_visits_expected(plan, today),
    )
