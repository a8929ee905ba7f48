"""Procedure: a surgery of the medical history, told as text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from practica.charting.models import ENTERED_IN_ERROR
from practica.fhir.datatypes import Resource, annotation, compact, date
from practica.fhir.resources import patient

if TYPE_CHECKING:
    from practica.charting.models import MedicalHistory


def from_history(entry: MedicalHistory) -> Resource:
    in_error = entry.status == ENTERED_IN_ERROR
    return compact(
        {
            "resourceType": "Procedure",
            "id": str(entry.pk),
            "status": "entered-in-error" if in_error else "completed",
            "code": {"text": entry.text},
            "subject": patient.ref(entry.patient_id),
            "performedDateTime": (
                date(entry.occurred_on) if entry.occurred_on else None
            ),
            "note": annotation(entry.status_reason),
        }
    )
