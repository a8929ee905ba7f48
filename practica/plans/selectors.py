"""Reads of treatment plans and their progress, in a fixed number of queries
whatever the number of plans, goals and values.

Progress of a plan: the visits done (the patient's completed appointments
with the plan's provider from its start date, up to the day it closed) against
those planned. Progress of a goal: for an outcome-measure goal, the patient's
scores on that measure since the plan started, read through the outcomes
selectors (this app never writes them); for a free-metric goal, its recorded
values not entered in error. Either way the latest value is set against the
baseline and target (percent of the way) and against the time elapsed to the
target date (on track or behind).

Pages showing the plans with their progress take the outcomes through
`get_patient_outcomes`, which records the page's one view entry (of the
patient, as the chart summary does); the form pages record a view of the plan.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from practica.audit.services import record_view
from practica.charting.models import Problem
from practica.charting.selectors import (
    get_note_for,
    get_note_for_change,
    list_patient_notes,
)
from practica.outcomes.measures import Measure, get_measure
from practica.outcomes.selectors import PatientOutcomes, get_patient_outcomes
from practica.patients.selectors import get_patient_for
from practica.plans.models import (
    Goal,
    GoalProgress,
    PlanDiagnosis,
    PlanStatusChange,
    TreatmentPlan,
)
from practica.plans.sparkline import Sparkline, build_sparkline
from practica.scheduling.models import AttendanceStatus
from practica.scheduling.selectors import list_patient_appointments, list_providers
from practica.tenancy.access import scoped_get_or_404

if TYPE_CHECKING:
    from practica.charting.models import ClinicalNote
    from practica.patients.models import Patient
    from practica.scheduling.models import Appointment, Provider
    from practica.tenancy.actor import Actor

NOTES_OFFERED = 30
# A goal is on track while its share of the way to the target is no more
# than this many points behind the share of the time to the target date.
ON_TRACK_SLACK = 10
OPEN_STATUSES = (
    TreatmentPlan.Status.DRAFT,
    TreatmentPlan.Status.ACTIVE,
    TreatmentPlan.Status.ON_HOLD,
)

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


@dataclass(frozen=True)
class PatientPlans:
    patient: Patient
    plans: list[PlanView]

    @property
    def open_plans(self) -> list[PlanView]:
        return [p for p in self.plans if not p.plan.is_closed]

    @property
    def closed_plans(self) -> list[PlanView]:
        return [p for p in self.plans if p.plan.is_closed]


@dataclass(frozen=True)
class PlanDetail:
    patient: Patient
    view: PlanView
    status_changes: list[PlanStatusChange]
    notes: list[ClinicalNote]  # the patient's latest notes, for "from a note"

    @property
    def plan(self) -> TreatmentPlan:
        return self.view.plan


# --- computing progress -----------------------------------------------------


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


def _goal_view(
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


def _plan_view(
    plan: TreatmentPlan,
    outcomes: PatientOutcomes,
    visits: list[Appointment],
    today: datetime.date,
) -> PlanView:
    return PlanView(
        plan=plan,
        diagnoses=[d.problem for d in plan.diagnoses.all()],
        goals=[_goal_view(plan, g, outcomes, today) for g in plan.goals.all()],
        visits_done=_visits_done(plan, visits),
        visits_expected=_visits_expected(plan, today),
    )


# --- querysets ---------------------------------------------------------------


def _plans(actor: Actor) -> QuerySet[TreatmentPlan]:
    return (
        TreatmentPlan.objects.filter(clinic=actor.clinic)
        .select_related("patient", "provider")
        .prefetch_related(
            Prefetch(
                "diagnoses",
                queryset=PlanDiagnosis.objects.filter(
                    clinic=actor.clinic
                ).select_related("problem"),
            ),
            Prefetch(
                "goals",
                queryset=Goal.objects.filter(clinic=actor.clinic).prefetch_related(
                    Prefetch(
                        "progress",
                        queryset=GoalProgress.objects.filter(
                            clinic=actor.clinic
                        ).select_related(
                            "note", "recorded_by__user", "error_marked_by__user"
                        ),
                    )
                ),
            ),
        )
    )


def _completed_visits(actor: Actor, patient: Patient) -> list[Appointment]:
    return list(
        list_patient_appointments(actor=actor, patient=patient).filter(
            status=AttendanceStatus.COMPLETED
        )
    )


def get_patient_plans(
    *, actor: Actor, patient_id: uuid.UUID, today: datetime.date
) -> PatientPlans:
    """The patient's plans with their progress, newest first; records one
    view entry (404 outside the clinic)."""
    outcomes = get_patient_outcomes(actor=actor, patient_id=patient_id)
    patient = outcomes.patient
    plans = list(_plans(actor).filter(patient=patient))
    visits = _completed_visits(actor, patient) if plans else []
    return PatientPlans(
        patient=patient,
        plans=[_plan_view(plan, outcomes, visits, today) for plan in plans],
    )


def get_plan_detail(
    *, actor: Actor, plan_id: uuid.UUID, today: datetime.date
) -> PlanDetail:
    """One plan with its goals, progress and status history, and the
    patient's latest notes; records one view entry."""
    plan = scoped_get_or_404(actor, _plans(actor), pk=plan_id)
    outcomes = get_patient_outcomes(actor=actor, patient_id=plan.patient_id)
    changes = list(
        PlanStatusChange.objects.filter(clinic=actor.clinic, plan=plan)
        .select_related("changed_by__user")
        .order_by("changed_at", "pk")
    )
    notes = list_patient_notes_for(actor=actor, patient=plan.patient)
    return PlanDetail(
        patient=plan.patient,
        view=_plan_view(plan, outcomes, _completed_visits(actor, plan.patient), today),
        status_changes=changes,
        notes=notes,
    )


# --- single objects for forms and changes -------------------------------------


def get_patient_for_plan(
    *, actor: Actor, patient_id: uuid.UUID, record_access: bool
) -> Patient:
    """The patient a plan is made for (the form page records a view)."""
    return get_patient_for(
        actor=actor, patient_id=patient_id, record_access=record_access
    )


def get_plan_for(
    *, actor: Actor, plan_id: uuid.UUID, record_access: bool
) -> TreatmentPlan:
    """One plan with its patient and provider; the form pages record a view,
    a POST does not (its service records the change)."""
    plan = scoped_get_or_404(
        actor,
        TreatmentPlan.objects.select_related("patient", "provider"),
        pk=plan_id,
    )
    if record_access:
        record_view(actor=actor, obj=plan, patient_id=plan.patient_id)
    return plan


def get_goal_for(*, actor: Actor, goal_id: uuid.UUID, record_access: bool) -> Goal:
    """One goal with its plan and patient (a view is recorded on request)."""
    goal = scoped_get_or_404(
        actor,
        Goal.objects.select_related("plan__patient", "plan__provider"),
        pk=goal_id,
    )
    if record_access:
        record_view(actor=actor, obj=goal, patient_id=goal.plan.patient_id)
    return goal


def get_progress_for_change(*, actor: Actor, progress_id: uuid.UUID) -> GoalProgress:
    return scoped_get_or_404(
        actor, GoalProgress.objects.select_related("goal__plan"), pk=progress_id
    )


def get_note_for_progress(
    *, actor: Actor, note_id: uuid.UUID, record_access: bool
) -> ClinicalNote:
    """The note progress is recorded from (the page records a view of it)."""
    if record_access:
        return get_note_for(actor=actor, note_id=note_id)
    return get_note_for_change(actor=actor, note_id=note_id)


def list_note_goals(*, actor: Actor, note: ClinicalNote) -> list[Goal]:
    """The goals in progress of the patient's open plans, for recording their
    progress from `note` (the caller's page records the view)."""
    return list(
        Goal.objects.filter(
            clinic=actor.clinic,
            plan__patient_id=note.patient_id,
            plan__status__in=OPEN_STATUSES,
            status=Goal.Status.IN_PROGRESS,
        )
        .select_related("plan__patient")
        .order_by("plan__start_on", "plan__created_at", "created_at", "pk")
    )


def list_patient_notes_for(*, actor: Actor, patient: Patient) -> list[ClinicalNote]:
    """The patient's latest notes, to pick the one progress comes from."""
    return list(list_patient_notes(actor=actor, patient=patient)[:NOTES_OFFERED])


@dataclass(frozen=True)
class PlanChoices:
    providers: list[Provider]
    problems: list[Problem]
    chosen: list[uuid.UUID]  # the problems already on the plan


def list_plan_choices(
    *, actor: Actor, patient: Patient, plan: TreatmentPlan | None = None
) -> PlanChoices:
    """What the plan form offers: the clinic's active providers and the
    patient's active problems (plus those already on `plan`). The problem
    list is read here directly: charting has no selector for it alone."""
    chosen: list[uuid.UUID] = []
    if plan is not None:
        chosen = list(
            PlanDiagnosis.objects.filter(clinic=actor.clinic, plan=plan)
            .order_by("pk")
            .values_list("problem_id", flat=True)
        )
    problems = Problem.objects.filter(clinic=actor.clinic, patient=patient).filter(
        Q(status=Problem.Status.ACTIVE) | Q(pk__in=chosen)
    )
    return PlanChoices(
        providers=list(list_providers(actor=actor)),
        problems=list(problems.order_by("code", "created_at")),
        chosen=chosen,
    )
