"""Patient: demographics, contacts and the emergency contact."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from practica.fhir import systems
from practica.fhir.datatypes import (
    JSON,
    Resource,
    coding,
    compact,
    date,
    reference,
    urn,
)
from practica.fhir.resources import organization

if TYPE_CHECKING:
    from practica.patients.models import Patient


def ref(patient_id: uuid.UUID) -> Resource:
    return reference(patient_id)


def _names(patient: Patient) -> list[JSON]:
    names: list[JSON] = [
        {
            "use": "official",
            "text": patient.full_name,
            "family": patient.last_name,
            "given": [patient.first_name],
        }
    ]
    if patient.preferred_name:
        names.append({"use": "usual", "given": [patient.preferred_name]})
    return names


def _telecom(patient: Patient) -> list[JSON]:
    telecom: list[JSON] = []
    if patient.phone:
        telecom.append({"system": "phone", "value": patient.phone})
    if patient.email:
        telecom.append({"system": "email", "value": patient.email})
    return telecom


def _address(patient: Patient) -> list[JSON]:
    address = compact(
        {
            "line": [patient.street] if patient.street else [],
            "city": patient.city,
            "state": patient.region,
            "postalCode": patient.postal_code,
        }
    )
    return [address] if address else []


def _contacts(patient: Patient) -> list[JSON]:
    if not patient.emergency_contact_name and not patient.emergency_contact_phone:
        return []
    telecom: list[JSON] = (
        [{"system": "phone", "value": patient.emergency_contact_phone}]
        if patient.emergency_contact_phone
        else []
    )
    contact = compact(
        {
            "relationship": [
                {"coding": [coding(systems.V2_CONTACT_ROLE, "C", "Emergency Contact")]}
            ],
            "name": (
                {"text": patient.emergency_contact_name}
                if patient.emergency_contact_name
                else None
            ),
            "telecom": telecom,
        }
    )
    return [contact]


def to_fhir(patient: Patient) -> Resource:
    return compact(
        {
            "resourceType": "Patient",
            "id": str(patient.pk),
            "identifier": [{"system": systems.URI, "value": urn(patient.pk)}],
            "active": patient.is_active,
            "name": _names(patient),
            "telecom": _telecom(patient),
            # Our choices are FHIR's administrative genders, "unknown" included.
            "gender": patient.sex,
            "birthDate": date(patient.date_of_birth),
            "address": _address(patient),
            "contact": _contacts(patient),
            "communication": (
                [{"language": {"text": patient.preferred_language}}]
                if patient.preferred_language
                else []
            ),
            "managingOrganization": organization.ref(patient.clinic_id),
        }
    )
