"""Writes for treatment plans: create and edit a plan, change its status, add
a goal and change its status, record goal progress (from a note or not) and
mark a progress value entered in error.

Every write checks chart.edit and the clinic, validates every rule at once
(PlanInvalidError names each field at fault; nothing is written then), saves
inside a transaction and records the change in the audit log. A measure
goal's progress is the patient's outcome-measure scores, read from the
outcomes app; this app never writes them.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from practica.audit.services import record_change
from practica.outcomes.measures import get_measure
from practica.plans.errors import PlanInvalidError, PlanPermissionError
from practica.plans.models import (
    Goal,
    GoalProgress,
    PlanDiagnosis,
    PlanStatusChange,
    TreatmentPlan,
)
from practica.tenancy.permissions import CHART_EDIT

if TYPE_CHECKING:
    from practica.charting.models import ClinicalNote, Problem
    from practica.patients.models import Patient
    from practica.scheduling.models import Provider
    from practica.tenancy.actor import Actor

Errors = dict[str, list[str]]
Status = TreatmentPlan.Status
GoalStatus = Goal.Status

TITLE_MAX = 200
NOTES_MAX = 4000
REASON_MAX = 300
COMMENT_MAX = 500
DESCRIPTION_MAX = 300
MAX_VISITS = 200
MAX_PER_PERIOD = 21
MAX_WEEKS = 104
VALUE_LIMIT = Decimal("999999.99")

# Where a plan's status may go next. Completed and discontinued are final.
PLAN_TRANSITIONS: Mapping[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.ACTIVE, Status.DISCONTINUED}),
    Status.ACTIVE: frozenset({Status.ON_HOLD, Status.COMPLETED, Status.DISCONTINUED}),
    Status.ON_HOLD: frozenset({Status.ACTIVE, Status.COMPLETED, Status.DISCONTINUED}),
    Status.COMPLETED: frozenset(),
    Status.DISCONTINUED: frozenset(),
}
INITIAL_STATUSES = (Status.DRAFT, Status.ACTIVE)


@dataclass(frozen=True)
class PlanFields:
    """What a clinician enters for a plan, on creation and on edit."""

    provider: Provider
    title: str
    start_on: datetime.date
    planned_visits: int
    frequency_count: int
    frequency_period: str
    diagnoses: Sequence[Problem] = ()
    review_on: datetime.date | None = None
    duration_weeks: int | None = None
    notes: str = ""


def _require_edit(actor: Actor, clinic_id: int) -> None:
    if not actor.can(CHART_EDIT):
        raise PlanPermissionError(f"Missing permission {CHART_EDIT}.")
    if clinic_id != actor.clinic.pk:
        raise PlanPermissionError("The record is not in this clinic.")


def _add(errors: Errors, name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def _raise(errors: Errors) -> None:
    if errors:
        raise PlanInvalidError(errors)


def _check_range(
    errors: Errors, name: str, label: str, value: int | None, low: int, high: int
) -> None:
    if value is not None and not low <= value <= high:
        _add(errors, name, f"{label}: enter a number from {low} to {high}.")


def _plan_errors(
    *,
    actor: Actor,
    patient: Patient,
    fields: PlanFields,
    allowed_problem_ids: set[object],
) -> Errors:
    errors: Errors = {}
    if not fields.title.strip():
        _add(errors, "title", "Title: give the plan a title.")
    elif len(fields.title.strip()) > TITLE_MAX:
        _add(errors, "title", f"Title: at most {TITLE_MAX} characters.")
    if len(fields.notes) > NOTES_MAX:
        _add(errors, "notes", f"Notes: at most {NOTES_MAX} characters.")
    provider = fields.provider
    if provider.clinic_id != actor.clinic.pk or not provider.is_active:
        _add(errors, "provider", "Provider: choose a provider of this clinic.")
    if fields.review_on is not None and fields.review_on < fields.start_on:
        _add(errors, "review_on", "Review date: cannot be before the start date.")
    if fields.start_on < patient.date_of_birth:
        _add(errors, "start_on", "Start date: cannot be before the date of birth.")
    _check_range(
        errors, "planned_visits", "Planned visits", fields.planned_visits, 1, MAX_VISITS
    )
    _check_range(
        errors,
        "frequency_count",
        "Visits per period",
        fields.frequency_count,
        1,
        MAX_PER_PERIOD,
    )
    _check_range(
        errors, "duration_weeks", "For (weeks)", fields.duration_weeks, 1, MAX_WEEKS
    )
    if fields.frequency_period not in TreatmentPlan.Period.values:
        _add(errors, "frequency_period", "Period: choose per week or per month.")
    for problem in fields.diagnoses:
        if (
            problem.clinic_id != actor.clinic.pk
            or problem.patient_id != patient.pk
            or problem.pk not in allowed_problem_ids
        ):
            _add(
                errors,
                "diagnoses",
                "Diagnoses: choose from the patient's active problems.",
            )
            break
    return errors


def _active_problem_ids(diagnoses: Sequence[Problem]) -> set[object]:
    return {p.pk for p in diagnoses if p.status == "active"}


def _set_diagnoses(
    actor: Actor, plan: TreatmentPlan, diagnoses: Sequence[Problem]
) -> None:
    wanted = {p.pk: p for p in diagnoses}
    current = set(
        PlanDiagnosis.objects.filter(clinic=actor.clinic, plan=plan).values_list(
            "problem_id", flat=True
        )
    )
    PlanDiagnosis.objects.filter(clinic=actor.clinic, plan=plan).exclude(
        problem_id__in=list(wanted)
    ).delete()
    PlanDiagnosis.objects.bulk_create(
        PlanDiagnosis(clinic=actor.clinic, plan=plan, problem=problem)
        for pk, problem in wanted.items()
        if pk not in current
    )


def create_plan(
    *,
    actor: Actor,
    patient: Patient,
    fields: PlanFields,
    status: str = Status.DRAFT,
) -> TreatmentPlan:
    """A new plan, as a draft or already active; its first status row says
    who made it. Diagnoses must be the patient's active problems."""
    _require_edit(actor, patient.clinic_id)
    errors = _plan_errors(
        actor=actor,
        patient=patient,
        fields=fields,
        allowed_problem_ids=_active_problem_ids(fields.diagnoses),
    )
    if status not in INITIAL_STATUSES:
        _add(errors, "status", "Status: a new plan is a draft or active.")
    _raise(errors)
    now = timezone.now()
    with transaction.atomic():
        plan = TreatmentPlan.objects.create(
            clinic=actor.clinic,
            patient=patient,
            provider=fields.provider,
            title=fields.title.strip(),
            start_on=fields.start_on,
            review_on=fields.review_on,
            planned_visits=fields.planned_visits,
            frequency_count=fields.frequency_count,
            frequency_period=fields.frequency_period,
            duration_weeks=fields.duration_weeks,
            notes=fields.notes.strip(),
            status=status,
            status_changed_at=now,
            created_by=actor.membership,
        )
        _set_diagnoses(actor, plan, fields.diagnoses)
        PlanStatusChange.objects.create(
            clinic=actor.clinic,
            plan=plan,
            from_status="",
            to_status=status,
            changed_by=actor.membership,
            changed_at=now,
        )
        record_change(
            actor=actor, action="create", obj=plan, patient_id=patient.pk, detail=status
        )
    return plan


def update_plan(
    *, actor: Actor, plan: TreatmentPlan, fields: PlanFields
) -> TreatmentPlan:
    """Change an open plan's details (not its status: see change_plan_status).
    Diagnoses already on the plan may stay even if no longer active."""
    _require_edit(actor, plan.clinic_id)
    existing = set(
        PlanDiagnosis.objects.filter(clinic=actor.clinic, plan=plan).values_list(
            "problem_id", flat=True
        )
    )
    errors = _plan_errors(
        actor=actor,
        patient=plan.patient,
        fields=fields,
        allowed_problem_ids=existing | _active_problem_ids(fields.diagnoses),
    )
    if plan.is_closed:
        _add(
            errors,
            "__all__",
            f"Plan: a {plan.get_status_display().lower()} plan cannot be edited.",
        )
    _raise(errors)
    with transaction.atomic():
        locked = TreatmentPlan.objects.select_for_update().get(
            pk=plan.pk, clinic=actor.clinic
        )
        if locked.is_closed:
            _raise({"__all__": ["Plan: it was closed meanwhile; reload the page."]})
        locked.provider = fields.provider
        locked.title = fields.title.strip()
        locked.start_on = fields.start_on
        locked.review_on = fields.review_on
        locked.planned_visits = fields.planned_visits
        locked.frequency_count = fields.frequency_count
        locked.frequency_period = fields.frequency_period
        locked.duration_weeks = fields.duration_weeks
        locked.notes = fields.notes.strip()
        locked.save()
        _set_diagnoses(actor, locked, fields.diagnoses)
        record_change(
            actor=actor, action="update", obj=locked, patient_id=locked.patient_id
        )
    return locked


def change_plan_status(
    *, actor: Actor, plan: TreatmentPlan, status: str, reason: str = ""
) -> TreatmentPlan:
    """Move a plan along PLAN_TRANSITIONS, keeping who, when and why.
    Discontinuing needs a reason."""
    _require_edit(actor, plan.clinic_id)
    cleaned = reason.strip()
    if status not in Status.values:
        _raise({"status": ["Status: choose a listed status."]})
    if len(cleaned) > REASON_MAX:
        _raise({"reason": [f"Reason: at most {REASON_MAX} characters."]})
    if status == Status.DISCONTINUED and not cleaned:
        _raise({"reason": ["Reason: say why the plan is discontinued."]})
    with transaction.atomic():
        locked = TreatmentPlan.objects.select_for_update().get(
            pk=plan.pk, clinic=actor.clinic
        )
        old = locked.status
        if status == old:
            _raise({"status": ["Status: the plan already has it."]})
        if status not in PLAN_TRANSITIONS[old]:
            label = Status(status).label.lower()
            _raise(
                {
                    "status": [
                        f"Status: a {locked.get_status_display().lower()} plan "
                        f"cannot become {label}."
                    ]
                }
            )
        now = timezone.now()
        locked.status = status
        locked.status_changed_at = now
        locked.save(update_fields=["status", "status_changed_at", "updated_at"])
        PlanStatusChange.objects.create(
            clinic=actor.clinic,
            plan=locked,
            from_status=old,
            to_status=status,
            changed_by=actor.membership,
            changed_at=now,
            reason=cleaned,
        )
        record_change(
            actor=actor,
            action="status",
            obj=locked,
            patient_id=locked.patient_id,
            detail=f"{old} -> {status}",
        )
    return locked


@dataclass(frozen=True)
class GoalFields:
    """A goal's target: an outcome measure (`measure_code`) or a free metric
    (`metric_name` and `unit`). A measure sets the direction itself."""

    description: str
    kind: str
    baseline: Decimal
    target: Decimal
    target_on: datetime.date
    measure_code: str = ""
    metric_name: str = ""
    unit: str = ""
    higher_is_better: bool = True


def _goal_errors(plan: TreatmentPlan, fields: GoalFields) -> tuple[Errors, bool]:
    """Rule breaks of a new goal, and the direction it will have."""
    errors: Errors = {}
    higher_is_better = fields.higher_is_better
    if plan.is_closed:
        _add(
            errors,
            "__all__",
            f"Plan: goals cannot be added to a {plan.get_status_display().lower()} "
            "plan.",
        )
    description = fields.description.strip()
    if not description:
        _add(errors, "description", "Goal: describe the goal.")
    elif len(description) > DESCRIPTION_MAX:
        _add(errors, "description", f"Goal: at most {DESCRIPTION_MAX} characters.")
    for name, label, value in (
        ("baseline", "Baseline", fields.baseline),
        ("target", "Target", fields.target),
    ):
        if abs(value) > VALUE_LIMIT:
            _add(errors, name, f"{label}: enter a smaller number.")
    if fields.kind == Goal.Kind.MEASURE:
        measure = get_measure(fields.measure_code)
        if measure is None:
            _add(errors, "measure_code", "Measure: choose a listed outcome measure.")
        else:
            higher_is_better = measure.higher_is_better
            top = measure.max_score
            for name, label, value in (
                ("baseline", "Baseline", fields.baseline),
                ("target", "Target", fields.target),
            ):
                if not 0 <= value <= top:
                    _add(
                        errors,
                        name,
                        f"{label}: a {measure.short_name} score is from 0 to {top}.",
                    )
    elif fields.kind == Goal.Kind.METRIC:
        if not fields.metric_name.strip():
            _add(errors, "metric_name", "Metric: name what is measured.")
        elif len(fields.metric_name.strip()) > 120:
            _add(errors, "metric_name", "Metric: at most 120 characters.")
        if len(fields.unit.strip()) > 30:
            _add(errors, "unit", "Unit: at most 30 characters.")
    else:
        _add(errors, "kind", "Target type: choose an outcome measure or a metric.")
    if fields.target == fields.baseline:
        _add(errors, "target", "Target: must differ from the baseline.")
    elif "target" not in errors and (fields.target > fields.baseline) != (
        higher_is_better
    ):
        side = "above" if higher_is_better else "below"
        way = "higher" if higher_is_better else "lower"
        _add(
            errors,
            "target",
            f"Target: must be {side} the baseline ({way} is better).",
        )
    if fields.target_on < plan.start_on:
        _add(
            errors,
            "target_on",
            "Target date: cannot be before the plan's start date "
            f"({plan.start_on:%d %b %Y}).",
        )
    return errors, higher_is_better


def add_goal(*, actor: Actor, plan: TreatmentPlan, fields: GoalFields) -> Goal:
    """A measurable goal of an open plan, in progress."""
    _require_edit(actor, plan.clinic_id)
    errors, higher_is_better = _goal_errors(plan, fields)
    _raise(errors)
    is_measure = fields.kind == Goal.Kind.MEASURE
    with transaction.atomic():
        goal = Goal.objects.create(
            clinic=actor.clinic,
            plan=plan,
            description=fields.description.strip(),
            kind=fields.kind,
            measure_code=fields.measure_code if is_measure else "",
            metric_name="" if is_measure else fields.metric_name.strip(),
            unit="" if is_measure else fields.unit.strip(),
            baseline=fields.baseline,
            target=fields.target,
            higher_is_better=higher_is_better,
            target_on=fields.target_on,
            created_by=actor.membership,
        )
        record_change(
            actor=actor,
            action="create",
            obj=goal,
            patient_id=plan.patient_id,
            detail=fields.measure_code if is_measure else "metric",
        )
    return goal


def change_goal_status(*, actor: Actor, goal: Goal, status: str) -> Goal:
    """Mark a goal met, not met, discontinued, or back in progress. A
    discontinued goal stays discontinued."""
    _require_edit(actor, goal.clinic_id)
    if status not in GoalStatus.values:
        _raise({"status": ["Status: choose a listed status."]})
    with transaction.atomic():
        locked = Goal.objects.select_for_update().get(pk=goal.pk, clinic=actor.clinic)
        old = locked.status
        if old == status:
            _raise({"status": ["Status: the goal already has it."]})
        if old == GoalStatus.DISCONTINUED:
            _raise({"status": ["Status: a discontinued goal cannot change."]})
        locked.status = status
        locked.status_changed_at = timezone.now()
        locked.status_changed_by = actor.membership
        locked.save(
            update_fields=[
                "status",
                "status_changed_at",
                "status_changed_by",
                "updated_at",
            ]
        )
        record_change(
            actor=actor,
            action="status",
            obj=locked,
            patient_id=goal.plan.patient_id,
            detail=f"{old} -> {status}",
        )
    return locked


def _progress_errors(
    *,
    actor: Actor,
    goal: Goal,
    value: Decimal,
    recorded_on: datetime.date,
    note: ClinicalNote | None,
    comment: str,
) -> Errors:
    errors: Errors = {}
    plan = goal.plan
    if goal.is_measure:
        _add(
            errors,
            "__all__",
            "Goal: its progress is the patient's outcome-measure scores; "
            "record the measure instead.",
        )
    if goal.status == GoalStatus.DISCONTINUED:
        _add(errors, "__all__", "Goal: it is discontinued.")
    if plan.is_closed:
        _add(
            errors,
            "__all__",
            f"Plan: it is {plan.get_status_display().lower()}; progress is closed.",
        )
    if abs(value) > VALUE_LIMIT:
        _add(errors, "value", "Value: enter a smaller number.")
    if recorded_on > timezone.localdate():
        _add(errors, "recorded_on", "Date: cannot be in the future.")
    elif recorded_on < plan.start_on:
        _add(errors, "recorded_on", "Date: cannot be before the plan's start date.")
    if len(comment) > COMMENT_MAX:
        _add(errors, "comment", f"Comment: at most {COMMENT_MAX} characters.")
    if note is not None and (
        note.clinic_id != actor.clinic.pk or note.patient_id != plan.patient_id
    ):
        _add(errors, "note", "Note: choose a note of this patient.")
    return errors


def _save_progress(
    *,
    actor: Actor,
    goal: Goal,
    value: Decimal,
    recorded_on: datetime.date,
    note: ClinicalNote | None,
    comment: str,
) -> GoalProgress:
    progress = GoalProgress.objects.create(
        clinic=actor.clinic,
        goal=goal,
        value=value,
        recorded_on=recorded_on,
        note=note,
        comment=comment,
        recorded_by=actor.membership,
    )
    record_change(
        actor=actor,
        action="create",
        obj=progress,
        patient_id=goal.plan.patient_id,
        detail="from note" if note is not None else "",
    )
    return progress


def record_progress(
    *,
    actor: Actor,
    goal: Goal,
    value: Decimal,
    recorded_on: datetime.date,
    note: ClinicalNote | None = None,
    comment: str = "",
) -> GoalProgress:
    """A value of a free-metric goal on a date, optionally from a note."""
    _require_edit(actor, goal.clinic_id)
    comment = comment.strip()
    _raise(
        _progress_errors(
            actor=actor,
            goal=goal,
            value=value,
            recorded_on=recorded_on,
            note=note,
            comment=comment,
        )
    )
    with transaction.atomic():
        return _save_progress(
            actor=actor,
            goal=goal,
            value=value,
            recorded_on=recorded_on,
            note=note,
            comment=comment,
        )


@dataclass(frozen=True)
class NoteValue:
    goal: Goal
    value: Decimal
    comment: str = ""


def record_progress_from_note(
    *,
    actor: Actor,
    note: ClinicalNote,
    recorded_on: datetime.date,
    values: Sequence[NoteValue],
) -> list[GoalProgress]:
    """Several goals' values from one note: all are recorded or none. Errors
    are keyed "<goal id>-<field>"."""
    if not values:
        _raise({"__all__": ["Enter a value for at least one goal."]})
    for item in values:
        _require_edit(actor, item.goal.clinic_id)
    errors: Errors = {}
    for item in values:
        for name, messages in _progress_errors(
            actor=actor,
            goal=item.goal,
            value=item.value,
            recorded_on=recorded_on,
            note=note,
            comment=item.comment.strip(),
        ).items():
            key = "__all__" if name in {"__all__", "recorded_on"} else name
            key = key if key == "__all__" else f"{item.goal.pk}-{name}"
            for message in messages:
                if message not in errors.get(key, []):
                    _add(errors, key, message)
    _raise(errors)
    with transaction.atomic():
        return [
            _save_progress(
                actor=actor,
                goal=item.goal,
                value=item.value,
                recorded_on=recorded_on,
                note=note,
                comment=item.comment.strip(),
            )
            for item in values
        ]


def mark_progress_in_error(
    *, actor: Actor, progress: GoalProgress, reason: str
) -> GoalProgress:
    """Mark a recorded value entered in error (once). It stays, struck out,
    and leaves the goal's progress."""
    _require_edit(actor, progress.clinic_id)
    cleaned = reason.strip()
    if not cleaned:
        _raise({"reason": ["Reason: say why the value is in error."]})
    if len(cleaned) > REASON_MAX:
        _raise({"reason": [f"Reason: at most {REASON_MAX} characters."]})
    with transaction.atomic():
        locked = GoalProgress.objects.select_for_update().get(
            pk=progress.pk, clinic=actor.clinic
        )
        if locked.is_entered_in_error:
            _raise({"reason": ["Reason: the value is already marked in error."]})
        locked.entered_in_error_at = timezone.now()
        locked.error_reason = cleaned
        locked.error_marked_by = actor.membership
        locked.save(
            update_fields=[
                "entered_in_error_at",
                "error_reason",
                "error_marked_by",
                "updated_at",
            ]
        )
        record_change(
            actor=actor,
            action="entered_in_error",
            obj=locked,
            patient_id=progress.goal.plan.patient_id,
        )
    return locked
