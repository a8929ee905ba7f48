"""Encounter: an appointment of the patient (past, upcoming or cancelled)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from practica.fhir import systems
from practica.fhir.datatypes import Resource, coding, compact, instant, reference
from practica.fhir.resources import patient, practitioner
from practica.scheduling.models import AttendanceStatus

if TYPE_CHECKING:
    from practica.scheduling.models import Appointment

# R4 has no no-show status: a no-show is cancelled, with the reason.
STATUS: dict[str, str] = {
    AttendanceStatus.BOOKED: "planned",
    AttendanceStatus.CONFIRMED: "planned",
    AttendanceStatus.ARRIVED: "arrived",
    AttendanceStatus.IN_SESSION: "in-progress",
    AttendanceStatus.COMPLETED: "finished",
    AttendanceStatus.NO_SHOW: "cancelled",
    AttendanceStatus.CANCELLED: "cancelled",
    AttendanceStatus.LATE_CANCELLED: "cancelled",
}


def ref(appointment_id: uuid.UUID) -> Resource:
    return reference(appointment_id)


def to_fhir(appointment: Appointment) -> Resource:
    """Needs the appointment's provider, type and location loaded."""
    status_label = appointment.get_status_display()
    return compact(
        {
            "resourceType": "Encounter",
            "id": str(appointment.pk),
            "status": STATUS.get(appointment.status, "unknown"),
            "class": coding(systems.V3_ACT_CODE, "AMB", "ambulatory"),
            "serviceType": {"text": appointment.appointment_type.name},
            "subject": (
                patient.ref(appointment.patient_id) if appointment.patient_id else None
            ),
            "participant": [
                {
                    "individual": practitioner.ref(
                        appointment.provider_id, appointment.provider.display_name
                    )
                }
            ],
            "period": {
                "start": instant(appointment.start_at),
                "end": instant(appointment.end_at),
            },
            "reasonCode": (
                [{"text": f"{status_label}: {appointment.cancel_reason}"}]
                if appointment.cancel_reason
                else []
            ),
            "location": [{"location": {"display": appointment.location.name}}],
        }
    )
