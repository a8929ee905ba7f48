"""AllergyIntolerance: substance, reaction, severity and status."""

from __future__ import annotations

from practica.charting.models import ENTERED_IN_ERROR, Allergy
from practica.fhir import systems
from practica.fhir.datatypes import (
    JSON,
    Resource,
    annotation,
    coding,
    compact,
    concept,
    date,
    instant,
)
from practica.fhir.resources import patient

# FHIR's reaction severity has three levels; life-threatening is severe with
# a high criticality.
SEVERITY: dict[str, str] = {
    Allergy.Severity.MILD: "mild",
    Allergy.Severity.MODERATE: "moderate",
    Allergy.Severity.SEVERE: "severe",
    Allergy.Severity.LIFE_THREATENING: "severe",
}


def _reactions(allergy: Allergy) -> list[JSON]:
    if not allergy.reaction:
        return []
    return [
        {
            "manifestation": [{"text": allergy.reaction}],
            "severity": SEVERITY.get(allergy.severity, "moderate"),
        }
    ]


def to_fhir(allergy: Allergy) -> Resource:
    in_error = allergy.status == ENTERED_IN_ERROR
    verification = "entered-in-error" if in_error else "confirmed"
    return compact(
        {
            "resourceType": "AllergyIntolerance",
            "id": str(allergy.pk),
            # ait-2: no clinicalStatus on an entry in error.
            "clinicalStatus": (
                None
                if in_error
                else concept(coding(systems.ALLERGY_CLINICAL, allergy.status))
            ),
            "verificationStatus": concept(
                coding(systems.ALLERGY_VERIFICATION, verification)
            ),
            "criticality": "high" if allergy.is_severe else "low",
            "code": {"text": allergy.substance},
            "patient": patient.ref(allergy.patient_id),
            "recordedDate": (
                date(allergy.noted_on)
                if allergy.noted_on
                else instant(allergy.created_at)
            ),
            "reaction": _reactions(allergy),
            "note": annotation(allergy.status_reason),
        }
    )
