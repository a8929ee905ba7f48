"""Booking, moving, cancelling and status changes of appointments."""

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
)
from practica.scheduling.models import (
    Appointment,
    AppointmentSeries,
    AppointmentType,
    Provider,
    Room,
)
from practica.scheduling.services.rules import (
    ALLOWED_TRANSITIONS,
    MOVABLE,
    busy_span,
    check_aware,
    check_hours_and_offer,
    check_length,
    check_same_clinic,
    find_room_clash,
    mark_released,
    place,
    record_status_change,
    save_checked,
    save_placed,
)
from practica.tenancy.actor import Actor
from practica.tenancy.models import Location

logger = logging.getLogger(__name__)

Status = Appointment.Status

# --- appointments ------------------------------------------------------------


def book_appointment(
    *,
    actor: Actor,
    patient: Patient,
    provider: Provider,
    location: Location,
    appointment_type: AppointmentType,
    start_at: dt.datetime,
    allow_outside_hours: bool = False,
    front_desk_note: str = "",
    room: Room | None = None,
    series: AppointmentSeries | None = None,
) -> Appointment:
    """Book `patient` with `provider`; the end follows from the type's duration,
    the busy span from its buffers, and the room (if the type needs one) is the
    one given or the first free one of its kind."""
    check_same_clinic(actor, patient, provider, location, appointment_type)
    check_aware(start_at)
    if not provider.is_active:
        raise InvalidBookingError(f"{provider.display_name} is not taking bookings.")
    if not appointment_type.is_active:
        raise InvalidBookingError(f"{appointment_type.name} is no longer offered.")
    if appointment_type.is_group:
        raise InvalidBookingError(
            f"{appointment_type.name} is a class: schedule the class, then add "
            "the patient to its roster."
        )
    end_at = start_at + dt.timedelta(minutes=appointment_type.duration_minutes)
    with transaction.atomic():
        check_hours_and_offer(
            provider=provider,
            location=location,
            appointment_type=appointment_type,
            start_at=start_at,
            end_at=end_at,
            allow_outside_hours=allow_outside_hours,
        )
        appointment = save_placed(
            actor=actor,
            provider=provider,
            location=location,
            appointment_type=appointment_type,
            start_at=start_at,
            end_at=end_at,
            patient=patient,
            room=room,
            series=series,
            front_desk_note=front_desk_note,
        )
        record_change(
            actor=actor,
            action="create",
            obj=appointment,
            patient_id=patient.pk,
            detail=f"booked provider={provider.pk} outside_hours={allow_outside_hours}",
        )
    logger.info("appointment.booked", extra={"appointment_id": str(appointment.pk)})
    return appointment


def _locked(appointment: Appointment) -> Appointment:
    """Re-read the appointment under a row lock (PostgreSQL; SQLite is serialised).

    The row is locked on its own, then read with its relations: when a
    concurrent transaction has just changed the row, PostgreSQL re-checks the
    new version against the joined rows it had already found, so locking
    through the join on the provider loses an appointment that was just
    moved to another provider (DoesNotExist instead of the moved row)."""
    Appointment.objects.select_for_update().filter(
        clinic_id=appointment.clinic_id, pk=appointment.pk
    ).values_list("pk", flat=True).get()
    return Appointment.objects.select_related(
        "provider", "location", "appointment_type", "patient"
    ).get(clinic_id=appointment.clinic_id, pk=appointment.pk)


def move_appointment(
    *,
    actor: Actor,
    appointment: Appointment,
    start_at: dt.datetime,
    provider: Provider | None = None,
    end_at: dt.datetime | None = None,
    allow_outside_hours: bool = False,
) -> Appointment:
    """Move a booked or confirmed appointment to a new start (and optionally
    provider), keeping its length unless a new `end_at` resizes it. The same
    checks as booking apply; the room is kept if it is free, else another of
    the kind is chosen."""
    check_same_clinic(actor, appointment)
    check_aware(start_at)
    if end_at is not None:
        check_aware(end_at)
    if provider is not None:
        check_same_clinic(actor, provider)
        if not provider.is_active:
            raise InvalidBookingError(
                f"{provider.display_name} is not taking bookings."
            )
    with transaction.atomic():
        current = _locked(appointment)
        if current.status not in MOVABLE:
            raise InvalidTransitionError(
                f"Only booked or confirmed appointments can be moved; this one is "
                f"{current.get_status_display().lower()}."
            )
        new_provider = provider or current.provider
        new_end = end_at or start_at + (current.end_at - current.start_at)
        location = current.location
        check_length(start_at, new_end)
        check_hours_and_offer(
            provider=new_provider,
            location=location,
            appointment_type=current.appointment_type,
            start_at=start_at,
            end_at=new_end,
            allow_outside_hours=allow_outside_hours,
        )
        busy_from, busy_until = busy_span(current.appointment_type, start_at, new_end)
        room = current.room
        if room is not None and (
            find_room_clash(
                room=room,
                busy_from=busy_from,
                busy_until=busy_until,
                exclude_id=current.pk,
            )
            is not None
        ):
            room = None  # taken at the new time: choose another of the kind
        placed = place(
            provider=new_provider,
            location=location,
            appointment_type=current.appointment_type,
            start_at=start_at,
            end_at=new_end,
            room=room,
            exclude_id=current.pk,
        )
        before = (
            f"{current.start_at.isoformat()}..{current.end_at.isoformat()} "
            f"provider={current.provider_id} room={current.room_id}"
        )
        current.provider = new_provider
        current.start_at = placed.start_at
        current.end_at = placed.end_at
        current.busy_from = placed.busy_from
        current.busy_until = placed.busy_until
        current.room = placed.room
        current.sequence += 1
        save_checked(
            current,
            location=location,
            update_fields=[
                "provider",
                "start_at",
                "end_at",
                "busy_from",
                "busy_until",
                "room",
                "sequence",
            ],
        )
        record_change(
            actor=actor,
            action="update",
            obj=current,
            patient_id=current.patient_id,
            detail=f"moved from {before}",
        )
    return current


def set_status(
    *, actor: Actor, appointment: Appointment, status: str, reason: str = ""
) -> Appointment:
    """Change the status along an allowed transition (see ALLOWED_TRANSITIONS);
    who and when go into the status history with the optional `reason`.

    The pages cancel through `cancel_appointment` (it needs a reason). A no-show
    or late cancellation may carry a fee: the pages call
    `billing.fees.record_missed_visit`, which calls this and charges the fee in
    the same transaction (scheduling never imports billing).
    """
    check_same_clinic(actor, appointment)
    if status not in Status.values:
        raise InvalidTransitionError("That is not an appointment status.")
    with transaction.atomic():
        current = _locked(appointment)
        if status not in ALLOWED_TRANSITIONS[current.status]:
            raise InvalidTransitionError(
                f"A {current.get_status_display().lower()} appointment cannot be "
                f"marked {Status(status).label.lower()}."
            )
        previous = current.status
        now = timezone.now()
        current.status = status
        current.status_changed_at = now
        current.sequence += 1
        current.save(
            update_fields=["status", "status_changed_at", "sequence", "updated_at"]
        )
        record_status_change(
            actor=actor,
            appointment=current,
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
            detail=f"{previous}->{status}",
        )
    return current


def cancel_appointment(
    *,
    actor: Actor,
    appointment: Appointment,
    reason: str,
    late: bool = False,
    note: str = "",
) -> Appointment:
    """Cancel a booked or confirmed appointment (late-cancel it if `late`); its
    time becomes free again. `note` (e.g. a waived fee and why) is added to the
    reason in the status history, not to the appointment's cancel reason.

    Whether a cancellation is late follows the clinic's window
    (`selectors.policy.is_late_cancellation`); the cancel page decides it and
    charges any fee through `billing.fees.record_missed_visit`."""
    check_same_clinic(actor, appointment)
    reason = reason.strip()
    if not reason:
        raise InvalidBookingError("Give a reason for the cancellation.")
    with transaction.atomic():
        current = _locked(appointment)
        if Status.CANCELLED not in ALLOWED_TRANSITIONS[current.status]:
            raise InvalidTransitionError(
                f"A {current.get_status_display().lower()} appointment cannot be "
                "cancelled."
            )
        previous = current.status
        new_status = Status.LATE_CANCELLED if late else Status.CANCELLED
        now = timezone.now()
        mark_released(current, status=new_status, reason=reason, at=now)
        record_status_change(
            actor=actor,
            appointment=current,
            from_status=previous,
            to_status=new_status,
            at=now,
            reason=f"{reason}; {note.strip()}" if note.strip() else reason,
        )
        record_change(
            actor=actor,
            action="cancel",
            obj=current,
            patient_id=current.patient_id,
            detail=f"{previous}->{new_status}",
        )
    return current
