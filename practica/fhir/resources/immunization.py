"""Immunization: the vaccine (CVX), date, lot and site."""

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
    from practica.charting.models import Immunization


def to_fhir(immunization: Immunization) -> Resource:
    in_error = immunization.status == ENTERED_IN_ERROR
    notes = [immunization.note, immunization.status_reason]
    return compact(
        {
            "resourceType": "Immunization",
            "id": str(immunization.pk),
            "status": "entered-in-error" if in_error else "completed",
            "vaccineCode": concept(
                coding(systems.CVX, immunization.code, immunization.display),
                text=immunization.display,
            ),
            "patient": patient.ref(immunization.patient_id),
            "occurrenceDateTime": date(immunization.given_on),
            "recorded": instant(immunization.created_at),
            "lotNumber": immunization.lot,
            "site": {"text": immunization.site} if immunization.site else None,
            "note": [a for text in notes for a in annotation(text)],
        }
    )
