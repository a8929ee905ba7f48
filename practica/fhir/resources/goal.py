"""Goal: a treatment plan's measurable goal, its target and due date, and
(as outcome references) the progress values recorded against it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

from practica.fhir.datatypes import (
    Resource,
    coding,
    compact,
    concept,
    date,
    number,
    reference,
)
from practica.fhir.resources import patient
from practica.fhir.resources.observation import outcome_code

if TYPE_CHECKING:
    from practica.plans.models import Goal

ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
# Our status -> (lifecycleStatus, achievementStatus)
STATUS: dict[str, tuple[str, str]] = {
    "in_progress": ("active", "in-progress"),
    "met": ("completed", "achieved"),
    "not_met": ("completed", "not-achieved"),
    "discontinued": ("cancelled", ""),
}


def measure(goal: Goal) -> Resource:
    """What the goal measures: an outcome measure's code, or the metric."""
    if goal.measure_code:
        return outcome_code(goal.measure_code)
    return {"text": goal.metric_name}


def to_fhir(
    goal: Goal, *, patient_id: uuid.UUID, progress_ids: Sequence[uuid.UUID] = ()
) -> Resource:
    lifecycle, achievement = STATUS.get(goal.status, ("active", ""))
    baseline = f"Baseline {number(goal.baseline)}{' ' + goal.unit if goal.unit else ''}"
    return compact(
        {
            "resourceType": "Goal",
            "id": str(goal.pk),
            "lifecycleStatus": lifecycle,
            "achievementStatus": (
                concept(coding(ACHIEVEMENT, achievement)) if achievement else None
            ),
            "description": {"text": goal.description},
            "subject": patient.ref(patient_id),
            "startDate": date(goal.created_at.date()),
            "target": [
                {
                    "measure": measure(goal),
                    "detailQuantity": compact(
                        {"value": number(goal.target), "unit": goal.unit}
                    ),
                    "dueDate": date(goal.target_on),
                }
            ],
            "note": [{"text": baseline}],
            "outcomeReference": [reference(i) for i in progress_ids],
        }
    )
