"""Writes for patients: registration, demographic updates and search keys."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from practica.audit.services import record_change
from practica.patients.errors import InvalidPatientDataError, PatientPermissionError
from practica.patients.models import Patient, PatientSearchKey
from practica.patients.phones import is_e164
from practica.patients.search import name_key, name_keys
from practica.tenancy.permissions import PATIENTS_EDIT

if TYPE_CHECKING:
    from practica.tenancy.actor import Actor

EARLIEST_DATE_OF_BIRTH = datetime.date(1900, 1, 1)


@dataclass(frozen=True)
class PatientData:
    """Everything a person at the desk may enter about a patient."""

    first_name: str
    last_name: str
    date_of_birth: datetime.date
    preferred_name: str = ""
    sex: str = Patient.Sex.UNKNOWN
    email: str = ""
    phone: str = ""
    street: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    preferred_language: str = "English"
    emergency_contact_name: str = ""
    emergency_contact_phone: str = ""
    has_email_consent: bool = False
    has_sms_consent: bool = False


def apply_name_keys(patient: Patient) -> None:
    """Set the derived name keys of `patient` (not saved)."""
    patient.first_name_key = name_key(patient.first_name)
    patient.last_name_key = name_key(patient.last_name)


def search_keys_for(patient: Patient) -> list[PatientSearchKey]:
    """Unsaved search-key rows for a saved patient, ready for bulk_create."""
    keys = name_keys(patient.first_name, patient.last_name, patient.preferred_name)
    return [
        PatientSearchKey(clinic_id=patient.clinic_id, patient=patient, key=key)
        for key in sorted(keys)
    ]


def _require_edit(actor: Actor) -> None:
    if not actor.can(PATIENTS_EDIT):
        raise PatientPermissionError(
            "Changing patients needs the patients.edit permission."
        )


def _clean(data: PatientData) -> PatientData:
    """Check the rules every stored patient satisfies; return trimmed data."""
    values = {
        f.name: (
            getattr(data, f.name).strip()
            if isinstance(getattr(data, f.name), str)
            else getattr(data, f.name)
        )
        for f in fields(data)
    }
    cleaned = PatientData(**values)
    if not cleaned.first_name:
        raise InvalidPatientDataError("first_name", "First name is required.")
    if not cleaned.last_name:
        raise InvalidPatientDataError("last_name", "Last name is required.")
    if cleaned.date_of_birth > timezone.localdate():
        raise InvalidPatientDataError(
            "date_of_birth", "Date of birth cannot be in the future."
        )
    if cleaned.date_of_birth < EARLIEST_DATE_OF_BIRTH:
        raise InvalidPatientDataError(
            "date_of_birth", "Date of birth cannot be before 1900-01-01."
        )
    if cleaned.sex not in Patient.Sex.values:
        raise InvalidPatientDataError("sex", "Sex is not one of the choices.")
    for field in ("phone", "emergency_contact_phone"):
        value = getattr(cleaned, field)
        if value and not is_e164(value):
            raise InvalidPatientDataError(field, "Phone numbers are stored as E.164.")
    if cleaned.has_sms_consent and not cleaned.phone:
        raise InvalidPatientDataError(
            "has_sms_consent", "Text-message consent needs a phone number."
        )
    if cleaned.has_email_consent and not cleaned.email:
        raise InvalidPatientDataError(
            "has_email_consent", "Email consent needs an email address."
        )
    return cleaned


def _assign(patient: Patient, data: PatientData) -> list[str]:
    """Copy `data` onto `patient`; return the names of the fields that changed."""
    changed = []
    for f in fields(data):
        value = getattr(data, f.name)
        if f.name == "email":
            value = value.lower()
        if getattr(patient, f.name) != value:
            changed.append(f.name)
            setattr(patient, f.name, value)
    apply_name_keys(patient)
    return changed


def _rebuild_search_keys(patient: Patient) -> None:
    PatientSearchKey.objects.filter(patient=patient).delete()
    PatientSearchKey.objects.bulk_create(search_keys_for(patient))


def register_patient(*, actor: Actor, data: PatientData) -> Patient:
    """Create a patient in the actor's clinic with its search keys."""
    _require_edit(actor)
    cleaned = _clean(data)
    with transaction.atomic():
        patient = Patient(clinic=actor.clinic)
        _assign(patient, cleaned)
        patient.save()
        PatientSearchKey.objects.bulk_create(search_keys_for(patient))
        record_change(actor=actor, action="create", obj=patient, patient_id=patient.id)
    return patient


def update_patient(*, actor: Actor, patient: Patient, data: PatientData) -> Patient:
    """Change a patient's details; the audit entry names the changed fields."""
    _require_edit(actor)
    if patient.clinic_id != actor.clinic.pk:
        raise PatientPermissionError("The patient belongs to another clinic.")
    cleaned = _clean(data)
    with transaction.atomic():
        changed = _assign(patient, cleaned)
        patient.save()
        _rebuild_search_keys(patient)
        record_change(
            actor=actor,
            action="update",
            obj=patient,
            patient_id=patient.id,
            detail="changed: " + (", ".join(changed) or "nothing"),
        )
    return patient
