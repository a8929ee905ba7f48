"""Organization: the clinic that keeps the record."""

from __future__ import annotations

from typing import TYPE_CHECKING

from practica.fhir.datatypes import Resource, derived_id, reference

if TYPE_CHECKING:
    from practica.tenancy.models import Clinic


def fhir_id(clinic_id: int) -> str:
    return str(derived_id("clinic", clinic_id))


def ref(clinic_id: int, display: str = "") -> Resource:
    return reference(derived_id("clinic", clinic_id), display)


def to_fhir(clinic: Clinic) -> Resource:
    return {
        "resourceType": "Organization",
        "id": fhir_id(clinic.pk),
        "active": True,
        "name": clinic.name,
    }
