"""CarePlan: a treatment plan, the problems it addresses, its goals and the
visits planned (as text: planned visits are a count, not appointments)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

from practica.fhir.datatypes import (
    Resource,
    annotation,
    compact,
    date,
    instant,
    reference,
)
from practica.fhir.resources import patient, practitioner

if TYPE_CHECKING:
    from practica.plans.models import TreatmentPlan

STATUS: dict[str, str] = {
    "draft": "draft",
    "active": "active",
    "on_hold": "on-hold",
    "completed": "completed",
    "discontinued": "revoked",
}


def to_fhir(
    plan: TreatmentPlan,
    *,
    problem_ids: Sequence[uuid.UUID],
    goal_ids: Sequence[uuid.UUID],
) -> Resource:
    """Needs the plan's provider loaded; the problems and goals named must be
    in the same bundle."""
    period = compact(
        {
            "start": date(plan.start_on),
            "end": date(plan.review_on) if plan.review_on else None,
        }
    )
    visits = f"{plan.planned_visits} planned visits, {plan.frequency_text}"
    return compact(
        {
            "resourceType": "CarePlan",
            "id": str(plan.pk),
            "status": STATUS.get(plan.status, "unknown"),
            "intent": "plan",
            "title": plan.title,
            "description": visits,
            "subject": patient.ref(plan.patient_id),
            "period": period,
            "created": instant(plan.created_at),
            "author": practitioner.ref(plan.provider_id, plan.provider.display_name),
            "addresses": [reference(problem_id) for problem_id in problem_ids],
            "goal": [reference(goal_id) for goal_id in goal_ids],
            "note": annotation(plan.notes),
        }
    )
