"""Single appointments and the choices the booking forms offer."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from practica.audit.services import record_view
from practica.patients.models import Patient
from practica.patients.selectors import get_patient_for, list_patients
from practica.scheduling.models import (
    Appointment,
    AppointmentType,
    Provider,
)
from practica.tenancy.access import scoped_get_or_404
from practica.tenancy.actor import Actor
from practica.tenancy.models import Location

# --- single objects and choices ----------------------------------------------


def _appointments(actor: Actor) -> QuerySet[Appointment]:
    return Appointment.objects.filter(clinic=actor.clinic).select_related(
        "patient", "provider", "location", "appointment_type"
    )


def get_appointment_for(*, actor: Actor, appointment_id: uuid.UUID) -> Appointment:
    """One appointment of the actor's clinic, for display: the view is audited."""
    appointment = scoped_get_or_404(actor, _appointments(actor), pk=appointment_id)
    record_view(actor=actor, obj=appointment, patient_id=appointment.patient_id)
    return appointment


def get_appointment_for_change(
    *, actor: Actor, appointment_id: uuid.UUID
) -> Appointment:
    """One appointment of the actor's clinic, to hand to a service (which audits)."""
    return scoped_get_or_404(actor, _appointments(actor), pk=appointment_id)


def list_bookable_patients(*, actor: Actor) -> QuerySet[Patient]:
    return list_patients(actor=actor)


def get_patient_for_booking(*, actor: Actor, patient_id: uuid.UUID) -> Patient:
    """The patient being booked; their name is shown, so the view is audited."""
    return get_patient_for(actor=actor, patient_id=patient_id)


def list_providers(*, actor: Actor) -> QuerySet[Provider]:
    return Provider.objects.filter(clinic=actor.clinic, is_active=True).order_by(
        "display_name"
    )


def list_appointment_types(*, actor: Actor) -> QuerySet[AppointmentType]:
    return AppointmentType.objects.filter(clinic=actor.clinic, is_active=True)


def list_locations(*, actor: Actor) -> QuerySet[Location]:
    return Location.objects.filter(clinic=actor.clinic).order_by("name")


def list_patient_appointments(
    *, actor: Actor, patient: Patient
) -> QuerySet[Appointment]:
    """The patient's appointments, newest first, for the patient's timeline."""
    return _appointments(actor).filter(patient_id=patient.pk).order_by("-start_at")
