"""Create and edit a plan, and change its status with its history."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from practica.audit.services import record_change
from practica.plans.models import PlanDiagnosis, PlanStatusChange, TreatmentPlan
from practica.plans.services.rules import (
    MAX_PER_PERIOD,
    MAX_VISITS,
    MAX_WEEKS,
    NOTES_MAX,
    REASON_MAX,
    TITLE_MAX,
    Errors,
    add_error,
    check_range,
    raise_errors,
    require_edit,
)

if TYPE_CHECKING:
    from practica.charting.models import Problem
    from practica.patients.models import Patient
    from practica.scheduling.models import Provider
    from practica.tenancy.actor import Actor

Status = TreatmentPlan.Status


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


def _plan_errors(
    *,
    actor: Actor,
    patient: Patient,
    fields: PlanFields,
    allowed_problem_ids: set[object],
) -> Errors:
    errors: Errors = {}
    if not fields.title.strip():
        add_error(errors, "title", "Title: give the plan a title.")
    elif len(fields.title.strip()) > TITLE_MAX:
        add_error(errors, "title", f"Title: at most {TITLE_MAX} characters.")
    if len(fields.notes) > NOTES_MAX:
        add_error(errors, "notes", f"Notes: at most {NOTES_MAX} characters.")
    provider = fields.provider
    if provider.clinic_id != actor.clinic.pk or not provider.is_active:
        add_error(errors, "provider", "Provider: choose a provider of this clinic.")
    if fields.review_on is not None and fields.review_on < fields.start_on:
        add_error(errors, "review_on", "Review date: cannot be before the start date.")
    if fields.start_on < patient.date_of_birth:
        add_error(errors, "start_on", "Start date: cannot be before the date of birth.")
    check_range(
        errors, "planned_visits", "Planned visits", fields.planned_visits, 1, MAX_VISITS
    )
    check_range(
        errors,
        "frequency_count",
        "Visits per period",
        fields.frequency_count,
        1,
        MAX_PER_PERIOD,
    )
    check_range(
        errors, "duration_weeks", "For (weeks)", fields.duration_weeks, 1, MAX_WEEKS
    )
    if fields.frequency_period not in TreatmentPlan.Period.values:
        add_error(errors, "frequency_period", "Period: choose per week or per month.")
    for problem in fields.diagnoses:
        if (
            problem.clinic_id != actor.clinic.pk
            or problem.patient_id != patient.pk
            or problem.pk not in allowed_problem_ids
        ):
            add_error(
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
    require_edit(actor, patient.clinic_id)
    errors = _plan_errors(
        actor=actor,
        patient=patient,
        fields=fields,
        allowed_problem_ids=_active_problem_ids(fields.diagnoses),
    )
    if status not in INITIAL_STATUSES:
        add_error(errors, "status", "Status: a new plan is a draft or active.")
    raise_errors(errors)
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
    require_edit(actor, plan.clinic_id)
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
        add_error(
            errors,
            "__all__",
            f"Plan: a {plan.get_status_display().lower()} plan cannot be edited.",
        )
    raise_errors(errors)
    with transaction.atomic():
        locked = TreatmentPlan.objects.select_for_update().get(
            pk=plan.pk, clinic=actor.clinic
        )
        if locked.is_closed:
            raise_errors(
                {"__all__": ["Plan: it was closed meanwhile; reload the page."]}
            )
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
    require_edit(actor, plan.clinic_id)
    cleaned = reason.strip()
    if status not in Status.values:
        raise_errors({"status": ["Status: choose a listed status."]})
    if len(cleaned) > REASON_MAX:
        raise_errors({"reason": [f"Reason: at most {REASON_MAX} characters."]})
    if status == Status.DISCONTINUED and not cleaned:
        raise_errors({"reason": ["Reason: say why the plan is discontinued."]})
    with transaction.atomic():
        locked = TreatmentPlan.objects.select_for_update().get(
            pk=plan.pk, clinic=actor.clinic
        )
        old = locked.status
        if status == old:
            raise_errors({"status": ["Status: the plan already has it."]})
        if status not in PLAN_TRANSITIONS[old]:
            label = Status(status).label.lower()
            raise_errors(
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
