"""Add a goal to a plan and change its status."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from practica.audit.services import record_change
from practica.outcomes.measures import get_measure
from practica.plans.models import Goal, TreatmentPlan
from practica.plans.services.rules import (
    DESCRIPTION_MAX,
    VALUE_LIMIT,
    Errors,
    add_error,
    raise_errors,
    require_edit,
)

if TYPE_CHECKING:
    from practica.tenancy.actor import Actor

GoalStatus = Goal.Status


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
        add_error(
            errors,
            "__all__",
            f"Plan: goals cannot be added to a {plan.get_status_display().lower()} "
            "plan.",
        )
    description = fields.description.strip()
    if not description:
        add_error(errors, "description", "Goal: describe the goal.")
    elif len(description) > DESCRIPTION_MAX:
        add_error(errors, "description", f"Goal: at most {DESCRIPTION_MAX} characters.")
    for name, label, value in (
        ("baseline", "Baseline", fields.baseline),
        ("target", "Target", fields.target),
    ):
        if abs(value) > VALUE_LIMIT:
            add_error(errors, name, f"{label}: enter a smaller number.")
    if fields.kind == Goal.Kind.MEASURE:
        measure = get_measure(fields.measure_code)
        if measure is None:
            add_error(
                errors, "measure_code", "Measure: choose a listed outcome measure."
            )
        else:
            higher_is_better = measure.higher_is_better
            top = measure.max_score
            for name, label, value in (
                ("baseline", "Baseline", fields.baseline),
                ("target", "Target", fields.target),
            ):
                if not 0 <= value <= top:
                    add_error(
                        errors,
                        name,
                        f"{label}: a {measure.short_name} score is from 0 to {top}.",
                    )
    elif fields.kind == Goal.Kind.METRIC:
        if not fields.metric_name.strip():
            add_error(errors, "metric_name", "Metric: name what is measured.")
        elif len(fields.metric_name.strip()) > 120:
            add_error(errors, "metric_name", "Metric: at most 120 characters.")
        if len(fields.unit.strip()) > 30:
            add_error(errors, "unit", "Unit: at most 30 characters.")
    else:
        add_error(errors, "kind", "Target type: choose an outcome measure or a metric.")
    if fields.target == fields.baseline:
        add_error(errors, "target", "Target: must differ from the baseline.")
    elif "target" not in errors and (fields.target > fields.baseline) != (
        higher_is_better
    ):
        side = "above" if higher_is_better else "below"
        way = "higher" if higher_is_better else "lower"
        add_error(
            errors,
            "target",
            f"Target: must be {side} the baseline ({way} is better).",
        )
    if fields.target_on < plan.start_on:
        add_error(
            errors,
            "target_on",
            "Target date: cannot be before the plan's start date "
            f"({plan.start_on:%d %b %Y}).",
        )
    return errors, higher_is_better


def add_goal(*, actor: Actor, plan: TreatmentPlan, fields: GoalFields) -> Goal:
    """A measurable goal of an open plan, in progress."""
    require_edit(actor, plan.clinic_id)
    errors, higher_is_better = _goal_errors(plan, fields)
    raise_errors(errors)
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
    require_edit(actor, goal.clinic_id)
    if status not in GoalStatus.values:
        raise_errors({"status": ["Status: choose a listed status."]})
    with transaction.atomic():
        locked = Goal.objects.select_for_update().get(pk=goal.pk, clinic=actor.clinic)
        old = locked.status
        if old == status:
            raise_errors({"status": ["Status: the goal already has it."]})
        if old == GoalStatus.DISCONTINUED:
            raise_errors({"status": ["Status: a discontinued goal cannot change."]})
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
