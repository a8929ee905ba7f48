"""Observation: a lab or test result, LOINC-coded, with its reference range
and abnormal flag (HL7 v3 ObservationInterpretation uses the same codes as
the v2 flags we store: N, L, H, LL, HH, A)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from practica.fhir import systems
from practica.fhir.datatypes import (
    JSON,
    Resource,
    annotation,
    coding,
    compact,
    concept,
    display_only,
    instant,
    number,
)
from practica.fhir.resources import patient

if TYPE_CHECKING:
    from practica.labs.models import LabResult

INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"


def _value(result: LabResult) -> Resource:
    if result.value_number is None:
        return {"valueString": result.value}
    # The unit as the lab printed it (our spellings are mostly UCUM, but not
    # checked against UCUM, so no system/code is claimed).
    quantity = compact(
        {
            "value": number(result.value_number),
            "comparator": result.value_comparator,
            "unit": result.unit,
        }
    )
    return {"valueQuantity": quantity}


def _reference_range(result: LabResult) -> list[JSON]:
    low, high = result.reference_low, result.reference_high
    reference = compact(
        {
            "low": (
                compact({"value": number(low), "unit": result.unit})
                if low is not None
                else None
            ),
            "high": (
                compact({"value": number(high), "unit": result.unit})
                if high is not None
                else None
            ),
            "text": result.reference_label,
        }
    )
    return [reference] if reference else []


def to_fhir(result: LabResult) -> Resource:
    notes = [result.comment, result.error_reason]
    return compact(
        {
            "resourceType": "Observation",
            "id": str(result.pk),
            "status": "entered-in-error" if result.is_entered_in_error else "final",
            "category": [
                concept(
                    coding(systems.OBSERVATION_CATEGORY, "laboratory", "Laboratory")
                )
            ],
            "code": concept(
                coding(systems.LOINC, result.loinc_code, result.test_name),
                text=result.test_name,
            ),
            "subject": patient.ref(result.patient_id),
            "effectiveDateTime": instant(result.collected_at),
            "issued": instant(result.reported_at) if result.reported_at else None,
            "performer": ([display_only(result.performer)] if result.performer else []),
            **_value(result),
            "interpretation": (
                [
                    concept(
                        coding(INTERPRETATION, result.flag, result.get_flag_display())
                    )
                ]
                if result.flag
                else []
            ),
            "referenceRange": _reference_range(result),
            "note": [a for text in notes for a in annotation(text)],
        }
    )
