"""Reads of treatment plans and their progress, in a fixed number of queries
whatever the number of plans, goals and values.

Outcome-measure scores are read through the outcomes selectors (this app
never writes them); progress.py turns the fetched rows into progress.

Pages showing the plans with their progress take the outcomes through
`get_patient_outcomes`, which records the page's one view entry (of the
patient, as the chart summary does); the form pages record a view of the plan.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet

from practica.audit.services import record_view
from practica.charting.models import Problem
from practica.charting.selectors import (
    get_note_for,
    get_note_for_change,
    list_patient_notes,
)
from practica.outcomes.selectors import get_patient_outcomes
from practica.patients.selectors import get_patient_for
from practica.plans.models import (
    Goal,
    GoalProgress,
    PlanDiagnosis,
    PlanStatusChange,
    TreatmentPlan,
)
from practica.plans.progress import PlanView, plan_view
from practica.scheduling.models import AttendanceStatus
from practica.scheduling.selectors import list_patient_appointments, list_providers
from practica.tenancy.access import scoped_get_or_404

if TYPE_CHECKING:
    from practica.charting.models import ClinicalNote
    from practica.patients.models import Patient
    from practica.scheduling.models import Appointment, Provider
    from practica.tenancy.actor import Actor

NOTES_OFFERED = 30
OPEN_STATUSES = (
    TreatmentPlan.Status.DRAFT,
    TreatmentPlan.Status.ACTIVE,
    TreatmentPlan.Status.ON_HOLD,
)


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
        plans=[plan_view(plan, outcomes, visits, today) for plan in plans],
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
        view=plan_view(plan, outcomes, _completed_visits(actor, plan.patient), today),
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
