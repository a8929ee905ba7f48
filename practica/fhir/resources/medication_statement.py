"""MedicationStatement: what the patient takes or took, as recorded."""

from __future__ import annotations

from practica.charting.models import Medication
from practica.fhir.datatypes import JSON, Resource, annotation, compact, date, instant
from practica.fhir.resources import patient

STATUS: dict[str, str] = {
    Medication.Status.ACTIVE: "active",
    Medication.Status.STOPPED: "stopped",
    Medication.Status.ENTERED_IN_ERROR: "entered-in-error",
}


def _dosage(medication: Medication) -> list[JSON]:
    text = " ".join(
        part
        for part in (medication.dose, medication.route, medication.frequency)
        if part
    )
    if not text:
        return []
    return [
        compact(
            {
                "text": text,
                "timing": (
                    {"code": {"text": medication.frequency}}
                    if medication.frequency
                    else None
                ),
                "route": {"text": medication.route} if medication.route else None,
            }
        )
    ]


def to_fhir(medication: Medication) -> Resource:
    period = compact(
        {
            "start": date(medication.start_on) if medication.start_on else None,
            "end": date(medication.stop_on) if medication.stop_on else None,
        }
    )
    notes = [
        f"Prescriber: {medication.prescriber}" if medication.prescriber else "",
        medication.status_reason,
    ]
    return compact(
        {
            "resourceType": "MedicationStatement",
            "id": str(medication.pk),
            "status": STATUS.get(medication.status, "unknown"),
            "medicationCodeableConcept": {"text": medication.name},
            "subject": patient.ref(medication.patient_id),
            "effectivePeriod": period,
            "dateAsserted": instant(medication.created_at),
            "dosage": _dosage(medication),
            "note": [a for text in notes for a in annotation(text)],
        }
    )
