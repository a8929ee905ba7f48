"""Group classes: scheduling one, its roster, and each attendee's status.

A class is an Appointment with `is_group=True`, no patient of its own and the
capacity of its type; its patients are Attendance rows. It holds its provider
and room like any appointment (the same overlap rules apply). Adding an
attendee locks the class row first, so concurrent adds are serialised and the
roster never exceeds the capacity (on SQLite every write transaction is
serialised anyway).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from practica.audit.services import record_change
from practica.patients.models import Patient
from practica.scheduling.errors import (
    InvalidBookingError,
    InvalidTransitionError,
    SlotUnavailableError,
)
from practica.scheduling.models import (
    Appointment,
    AppointmentType,
    Attendance,
    AttendanceStatus,
    Provider,
    Room,
)
from practica.scheduling.services.rules import (
    ALLOWED_TRANSITIONS,
    check_aware,
    check_same_clinic,
    check_working_hours,
    mark_released,
    record_status_change,
    save_placed,
)
from practica.tenancy.actor import Actor
from practica.tenancy.models import Location

logger = logging.getLogger(__name__)

Status = AttendanceStatus
# Attendees who no longer hold a seat.
SEAT_RELEASING = (Status.CANCELLED, Status.LATE_CANCELLED)


def schedule_class(
    *,
    actor: Actor,
    provider: Provider,
    location: Location,
    appointment_type: AppointmentType,
    start_at: dt.datetime,
    room: Room | None = None,
    allow_outside_hours: bool = False,
) -> Appointment:
    """Put a class of a group type (capacity above 1) on `provider`'s calendar;
    the end follows from the type's duration, the room (if the type needs one)
    is the one given or the first free one of its kind."""
    check_same_clinic(actor, provider, location, appointment_type)
    if room is not None:
        check_same_clinic(actor, room)
    check_aware(start_at)
    if not appointment_type.is_group:
        raise InvalidBookingError(
            f"{appointment_type.name} is not a class: book it as an appointment."
        )
    if not provider.is_active:
        raise InvalidBookingError(f"{provider.display_name} is not taking bookings.")
    if not appointment_type.is_active:
        raise InvalidBookingError(f"{appointment_type.name} is no longer offered.")
    end_at = start_at + dt.timedelta(minutes=appointment_type.duration_minutes)
    with transaction.atomic():
        if not allow_outside_hours:
            check_working_hours(
                provider=provider, location=location, start_at=start_at, end_at=end_at
            )
        group = save_placed(
            actor=actor,
            provider=provider,
            location=location,
            appointment_type=appointment_type,
            start_at=start_at,
            end_at=end_at,
            patient=None,
            room=room,
        )
        record_change(
            actor=actor,
            action="create",
            obj=group,
            patient_id=None,
            detail=f"class provider={provider.pk} capacity={group.capacity}",
        )
    logger.info("class.scheduled", extra={"appointment_id": str(group.pk)})
    return group


def _locked_class(group: Appointment) -> Appointment:
    """Re-read the class under a row lock: the one lock every roster change
    takes first, so adds to one class queue behind each other."""
    found: Appointment = Appointment.objects.select_for_update(of=("self",)).get(
        clinic_id=group.clinic_id, pk=group.pk, is_group=True
    )
    return found


def _seats_taken(group: Appointment) -> int:
    return (
        Attendance.objects.filter(clinic_id=group.clinic_id, appointment=group)
        .exclude(status__in=SEAT_RELEASING)
        .count()
    )


def add_attendee(*, actor: Actor, group: Appointment, patient: Patient) -> Attendance:
    """Put `patient` on the class's roster. Refused when the class is full,
    cancelled, or the patient already holds a seat; a patient who had
    cancelled gets their row back, booked again."""
    check_same_clinic(actor, group, patient)
    with transaction.atomic():
        current = _locked_class(group)
        if not current.is_active:
            raise InvalidTransitionError(
                f"This class is {current.get_status_display().lower()}: nobody can "
                "join it."
            )
        existing = Attendance.objects.filter(
            clinic_id=current.clinic_id, appointment=current, patient=patient
        ).first()
        if existing is not None and existing.status not in SEAT_RELEASING:
            raise InvalidBookingError("This patient is already on the roster.")
        taken = _seats_taken(current)
        if taken >= current.capacity:
            raise SlotUnavailableError(
                f"The class is full ({taken} of {current.capacity})."
            )
        now = timezone.now()
        previous = ""
        if existing is None:
            attendance = Attendance.objects.create(
                clinic_id=current.clinic_id,
                appointment=current,
                patient=patient,
                status=Status.BOOKED,
                status_changed_at=now,
            )
        else:
            attendance = existing
            previous = attendance.status
            attendance.status = Status.BOOKED
            attendance.status_changed_at = now
            attendance.save(update_fields=["status", "status_changed_at", "updated_at"])
        record_status_change(
            actor=actor,
            appointment=current,
            attendance=attendance,
            from_status=previous,
            to_status=Status.BOOKED,
            at=now,
        )
        record_change(
            actor=actor,
            action="create" if existing is None else "status",
            obj=attendance,
            patient_id=patient.pk,
            detail=f"class roster added class={current.pk}",
        )
    return attendance


def set_attendance_status(
    *, actor: Actor, attendance: Attendance, status: str, reason: str = ""
) -> Attendance:
    """Change one attendee's status along ALLOWED_TRANSITIONS (cancelling
    frees their seat)."""
    check_same_clinic(actor, attendance)
    if status not in Status.values:
        raise InvalidTransitionError("That is not an attendance status.")
    with transaction.atomic():
        group = _locked_class(attendance.appointment)
        current = Attendance.objects.select_for_update(of=("self",)).get(
            clinic_id=attendance.clinic_id, pk=attendance.pk
        )
        if status not in ALLOWED_TRANSITIONS[current.status]:
            raise InvalidTransitionError(
                f"A {current.get_status_display().lower()} attendee cannot be "
                f"marked {Status(status).label.lower()}."
            )
        previous = current.status
        now = timezone.now()
        current.status = status
        current.status_changed_at = now
        current.save(update_fields=["status", "status_changed_at", "updated_at"])
        record_status_change(
            actor=actor,
            appointment=group,
            attendance=current,
            from_status=previous,
            to_status=status,
            at=now,
            reason=reason.strip(),
        )
        record_change(
            actor=actor,
            action="status",
            obj=current,
            patient_id=current.patient_id,
            detail=f"class attendee {previous}->{status}",
        )
    return current


def cancel_class(*, actor: Actor, group: Appointment, reason: str) -> Appointment:
    """Cancel the whole class: the class and every attendee still holding a
    seat become cancelled, with the reason; the provider's time is freed."""
    check_same_clinic(actor, group)
    reason = reason.strip()
    if not reason:
        raise InvalidBookingError("Give a reason for the cancellation.")
    with transaction.atomic():
        current = _locked_class(group)
        if Status.CANCELLED not in ALLOWED_TRANSITIONS[current.status]:
            raise InvalidTransitionError(
                f"A {current.get_status_display().lower()} class cannot be cancelled."
            )
        previous = current.status
        now = timezone.now()
        mark_released(current, status=Status.CANCELLED, reason=reason, at=now)
        record_status_change(
            actor=actor,
            appointment=current,
            from_status=previous,
            to_status=Status.CANCELLED,
            at=now,
            reason=reason,
        )
        record_change(
            actor=actor,
            action="cancel",
            obj=current,
            patient_id=None,
            detail=f"class {previous}->{Status.CANCELLED}",
        )
        attendees = list(
            Attendance.objects.select_for_update(of=("self",))
            .filter(clinic_id=current.clinic_id, appointment=current)
            .exclude(status__in=Appointment.RELEASING)
            .order_by("created_at", "pk")
        )
        for attendance in attendees:
            before = attendance.status
            attendance.status = Status.CANCELLED
            attendance.status_changed_at = now
            attendance.save(update_fields=["status", "status_changed_at", "updated_at"])
            record_status_change(
                actor=actor,
                appointment=current,
                attendance=attendance,
                from_status=before,
                to_status=Status.CANCELLED,
                at=now,
                reason=reason,
            )
            record_change(
                actor=actor,
                action="cancel",
                obj=attendance,
                patient_id=attendance.patient_id,
                detail=f"class cancelled {before}->{Status.CANCELLED}",
            )
    logger.info("class.cancelled", extra={"appointment_id": str(current.pk)})
    return current
