"""Observation: vital signs (the FHIR vital-signs profile: LOINC codes, UCUM
units), outcome-measure scores (LOINC where a code exists, always our local
measure code too) and social history told as text."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from practica.charting.models import ENTERED_IN_ERROR
from practica.fhir import systems
from practica.fhir.datatypes import (
    JSON,
    Resource,
    annotation,
    coding,
    compact,
    concept,
    date,
    derived_id,
    instant,
    number,
)
from practica.fhir.resources import patient
from practica.outcomes.measures import get_measure
from practica.outcomes.selectors import is_entered_in_error

if TYPE_CHECKING:
    from practica.charting.models import MedicalHistory, VitalSigns
    from practica.outcomes.models import MeasureResponse
    from practica.plans.models import Goal, GoalProgress


def _category(code: str, display: str) -> list[JSON]:
    return [concept(coding(systems.OBSERVATION_CATEGORY, code, display))]


def quantity(value: Decimal | int, unit: str, code: str) -> Resource:
    return {
        "value": number(value),
        "unit": unit,
        "system": systems.UCUM,
        "code": code,
    }


# --- Vital signs -----------------------------------------------------------


@dataclass(frozen=True)
class VitalSign:
    """One measurement of a VitalSigns row as its own Observation."""

    key: str
    loinc: str
    display: str
    unit: str  # UCUM code, also shown as the unit
    value: Callable[[VitalSigns], Decimal | int | None]


VITAL_SIGNS: tuple[VitalSign, ...] = (
    VitalSign("pulse", "8867-4", "Heart rate", "/min", lambda v: v.pulse),
    VitalSign(
        "temperature", "8310-5", "Body temperature", "Cel", lambda v: v.temperature_c
    ),
    VitalSign(
        "respiratory-rate",
        "9279-1",
        "Respiratory rate",
        "/min",
        lambda v: v.respiratory_rate,
    ),
    VitalSign("spo2", "2708-6", "Oxygen saturation", "%", lambda v: v.spo2),
    VitalSign("height", "8302-2", "Body height", "cm", lambda v: v.height_cm),
    VitalSign("weight", "29463-7", "Body weight", "kg", lambda v: v.weight_kg),
    VitalSign("bmi", "39156-5", "Body mass index (BMI)", "kg/m2", lambda v: v.bmi),
)
BLOOD_PRESSURE = ("85354-9", "Blood pressure panel with all children optional")
SYSTOLIC = ("8480-6", "Systolic blood pressure")
DIASTOLIC = ("8462-4", "Diastolic blood pressure")


def _vital(vitals: VitalSigns, key: str, loinc: str, display: str) -> Resource:
    status = "entered-in-error" if vitals.status == ENTERED_IN_ERROR else "final"
    return {
        "resourceType": "Observation",
        "id": str(derived_id(f"vitals-{key}", vitals.pk)),
        "status": status,
        "category": _category("vital-signs", "Vital Signs"),
        "code": concept(coding(systems.LOINC, loinc, display), text=display),
        "subject": patient.ref(vitals.patient_id),
        "effectiveDateTime": instant(vitals.taken_at),
        "issued": instant(vitals.created_at),
    }


def _blood_pressure(vitals: VitalSigns) -> Resource | None:
    components: list[JSON] = []
    for (loinc, display), value in (
        (SYSTOLIC, vitals.systolic),
        (DIASTOLIC, vitals.diastolic),
    ):
        if value is not None:
            components.append(
                {
                    "code": concept(coding(systems.LOINC, loinc, display)),
                    "valueQuantity": quantity(value, "mmHg", "mm[Hg]"),
                }
            )
    if not components:
        return None
    resource = _vital(vitals, "bp", *BLOOD_PRESSURE)
    resource["component"] = components
    return resource


def vital_signs(vitals: VitalSigns) -> list[Resource]:
    """One Observation per measurement taken (blood pressure as one panel
    with systolic and diastolic components), all with the row's status."""
    resources: list[Resource] = []
    pressure = _blood_pressure(vitals)
    if pressure is not None:
        resources.append(pressure)
    for sign in VITAL_SIGNS:
        value = sign.value(vitals)
        if value is None:
            continue
        resource = _vital(vitals, sign.key, sign.loinc, sign.display)
        resource["valueQuantity"] = quantity(value, sign.unit, sign.unit)
        resources.append(resource)
    return resources


# --- Outcome measures ------------------------------------------------------

# LOINC codes of the total scores, where LOINC has one.
OUTCOME_LOINC: dict[str, tuple[str, str]] = {
    "phq9": ("44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score"),
    "gad7": ("70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score"),
    "nprs": ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score]"),
}


def outcome_code(measure_code: str) -> Resource:
    measure = get_measure(measure_code)
    name = measure.name if measure else measure_code
    codings = [coding(systems.LOCAL_OUTCOME_MEASURE, measure_code, name)]
    if measure_code in OUTCOME_LOINC:
        loinc, display = OUTCOME_LOINC[measure_code]
        codings.insert(0, coding(systems.LOINC, loinc, display))
    return concept(*codings, text=name)


def _answers(response: MeasureResponse) -> list[JSON]:
    components: list[JSON] = []
    for key, value in response.answers.items():
        item: Resource = {
            "code": concept(
                coding(systems.LOCAL_OUTCOME_ITEM, f"{response.measure_code}-{key}")
            )
        }
        if isinstance(value, int):
            item["valueInteger"] = value
        else:
            item["dataAbsentReason"] = concept(
                coding(
                    "http://terminology.hl7.org/CodeSystem/data-absent-reason",
                    "asked-declined",
                )
            )
        components.append(item)
    return components


def outcome_score(response: MeasureResponse) -> Resource:
    """The score of one response, its band as the interpretation, each item's
    answer as a component. A response marked in error has that status."""
    measure = get_measure(response.measure_code)
    unit = measure.unit if measure else "points"
    value = (
        quantity(response.score, "%", "%")
        if unit == "%"
        else quantity(response.score, "score", "{score}")
    )
    in_error = is_entered_in_error(response)
    notes = [*response.flags, response.error_mark.reason if in_error else ""]
    return compact(
        {
            "resourceType": "Observation",
            "id": str(response.pk),
            "status": "entered-in-error" if in_error else "final",
            "category": _category("survey", "Survey"),
            "code": outcome_code(response.measure_code),
            "subject": patient.ref(response.patient_id),
            "effectiveDateTime": date(response.taken_on),
            "issued": instant(response.created_at),
            "valueQuantity": value,
            "interpretation": [{"text": response.band}] if response.band else [],
            "note": [a for text in notes for a in annotation(text)],
            "component": _answers(response),
        }
    )


# --- Social history --------------------------------------------------------

SOCIAL_HISTORY = ("29762-2", "Social history Narrative")


def social_history(entry: MedicalHistory) -> Resource:
    in_error = entry.status == ENTERED_IN_ERROR
    return compact(
        {
            "resourceType": "Observation",
            "id": str(entry.pk),
            "status": "entered-in-error" if in_error else "final",
            "category": _category("social-history", "Social History"),
            "code": concept(coding(systems.LOINC, *SOCIAL_HISTORY)),
            "subject": patient.ref(entry.patient_id),
            "effectiveDateTime": (
                date(entry.occurred_on) if entry.occurred_on else None
            ),
            "issued": instant(entry.created_at),
            "valueString": entry.text,
            "note": annotation(entry.status_reason),
        }
    )


# --- Treatment plan goal progress ------------------------------------------


def goal_progress(
    progress: GoalProgress, *, goal: Goal, patient_id: uuid.UUID
) -> Resource:
    """A value of a free-metric goal, with the goal's metric and unit."""
    notes = [progress.comment, progress.error_reason]
    return compact(
        {
            "resourceType": "Observation",
            "id": str(progress.pk),
            "status": "entered-in-error" if progress.is_entered_in_error else "final",
            "code": {"text": goal.metric_name or goal.description},
            "subject": patient.ref(patient_id),
            "effectiveDateTime": date(progress.recorded_on),
            "valueQuantity": compact(
                {"value": number(progress.value), "unit": goal.unit}
            ),
            "note": [a for text in notes for a in annotation(text)],
        }
    )
