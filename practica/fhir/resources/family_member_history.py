"""FamilyMemberHistory: a family history entry, told as text. Our entries do
not name the relative, so the relationship is the generic family member."""

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
)
from practica.fhir.resources import patient

if TYPE_CHECKING:
    from practica.charting.models import MedicalHistory


def from_history(entry: MedicalHistory) -> Resource:
    in_error = entry.status == ENTERED_IN_ERROR
    return compact(
        {
            "resourceType": "FamilyMemberHistory",
            "id": str(entry.pk),
            "status": "entered-in-error" if in_error else "completed",
            "patient": patient.ref(entry.patient_id),
            "date": date(entry.occurred_on) if entry.occurred_on else None,
            "relationship": concept(
                coding(systems.V3_ROLE_CODE, "FAMMEMB", "family member")
            ),
            "condition": [{"code": {"text": entry.text}}],
            "note": annotation(entry.status_reason),
        }
    )
