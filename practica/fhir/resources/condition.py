"""Condition: the problem list (ICD-10-CM) and past conditions of the
medical history.

A row entered in error keeps its code with verificationStatus
entered-in-error and no clinicalStatus (FHIR invariant con-5).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from practica.charting.models import ENTERED_IN_ERROR
from practica.fhir import systems
from practica.fhir.datatypes import (
    Resource,
    annotation,
    coding,
    compact,
    concept,
    date,
    instant,
)
from practica.fhir.resources import patient

if TYPE_CHECKING:
    from practica.charting.models import MedicalHistory, Problem


def _verification(status: str) -> Resource:
    code = "entered-in-error" if status == ENTERED_IN_ERROR else "confirmed"
    return concept(coding(systems.CONDITION_VERIFICATION, code))


def to_fhir(problem: Problem) -> Resource:
    """A problem-list item; our statuses active/resolved/inactive are FHIR's
    clinical statuses of the same names."""
    in_error = problem.status == ENTERED_IN_ERROR
    notes = [problem.note, problem.status_reason]
    return compact(
        {
            "resourceType": "Condition",
            "id": str(problem.pk),
            "clinicalStatus": (
                None
                if in_error
                else concept(coding(systems.CONDITION_CLINICAL, problem.status))
            ),
            "verificationStatus": _verification(problem.status),
            "category": [
                concept(
                    coding(
                        systems.CONDITION_CATEGORY,
                        "problem-list-item",
                        "Problem List Item",
                    )
                )
            ],
            "code": concept(
                coding(systems.ICD10CM, problem.code, problem.display),
                text=problem.display,
            ),
            "subject": patient.ref(problem.patient_id),
            "onsetDateTime": date(problem.onset_on) if problem.onset_on else None,
            "recordedDate": instant(problem.created_at),
            "note": [a for text in notes for a in annotation(text)],
        }
    )


def from_history(entry: MedicalHistory) -> Resource:
    """A past condition told as text. Its category is the history kind (not
    problem-list-item) and it has no clinicalStatus: the history does not
    say whether it is resolved."""
    return compact(
        {
            "resourceType": "Condition",
            "id": str(entry.pk),
            "verificationStatus": _verification(entry.status),
            "category": [
                concept(
                    coding(systems.LOCAL_HISTORY_KIND, entry.kind, "Past condition"),
                    text="Past medical history",
                )
            ],
            "code": {"text": entry.text},
            "subject": patient.ref(entry.patient_id),
            "onsetDateTime": date(entry.occurred_on) if entry.occurred_on else None,
            "recordedDate": instant(entry.created_at),
            "note": annotation(entry.status_reason),
        }
    )
