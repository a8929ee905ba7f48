"""Practitioner: a provider who wrote a note or saw the patient."""

from __future__ import annotations

from typing import TYPE_CHECKING

from practica.fhir.datatypes import JSON, Resource, compact, derived_id, reference

if TYPE_CHECKING:
    from practica.scheduling.models import Provider


def fhir_id(provider_id: int) -> str:
    return str(derived_id("provider", provider_id))


def ref(provider_id: int, display: str = "") -> Resource:
    return reference(derived_id("provider", provider_id), display)


def to_fhir(provider: Provider) -> Resource:
    qualification: list[JSON] = (
        [{"code": {"text": provider.credentials}}] if provider.credentials else []
    )
    return compact(
        {
            "resourceType": "Practitioner",
            "id": fhir_id(provider.pk),
            "active": provider.is_active,
            "name": [{"text": provider.display_name}],
            "qualification": qualification,
        }
    )
