"""A medical history entry maps to the resource its kind calls for: a past
condition to Condition, a surgery to Procedure, family history to
FamilyMemberHistory and social history to an Observation."""

from __future__ import annotations

from collections.abc import Callable

from practica.charting.models import MedicalHistory
from practica.fhir.datatypes import Resource
from practica.fhir.resources import (
    condition,
    family_member_history,
    observation,
    procedure,
)

MAPPERS: dict[str, Callable[[MedicalHistory], Resource]] = {
    MedicalHistory.Kind.PAST_CONDITION: condition.from_history,
    MedicalHistory.Kind.SURGERY: procedure.from_history,
    MedicalHistory.Kind.FAMILY: family_member_history.from_history,
    MedicalHistory.Kind.SOCIAL: observation.social_history,
}


def to_fhir(entry: MedicalHistory) -> Resource:
    return MAPPERS.get(entry.kind, condition.from_history)(entry)
