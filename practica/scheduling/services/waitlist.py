"""The waitlist: patients waiting for an earlier slot, and booking them into one.

An entry says what would suit the patient (type, location, providers, weekdays,
a time-of-day window, a date range). Matching free slots are computed from the
current free time (`selectors.waitlist`), so a cancelled or moved appointment
shows up as soon as it frees its time. Booking from the waitlist books the
appointment and marks the entry booked in one transaction: if the slot was
taken meanwhile, nothing changes.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction

from practica.audit.services import record_change
from practica.patients.models import Patient
from practica.scheduling.errors import InvalidBookingError, InvalidTransitionError
from practica.scheduling.models import (
    Appointment,
    AppointmentType,
    Provider,
    WaitlistEntry,
)
from practica.scheduling.services.appointments import book_appointment
from practica.scheduling.services.rules import check_same_clinic
from practica.tenancy.actor import Actor
from practica.tenancy.models import Location

logger = logging.getLogger(__name__)

State = WaitlistEntry.State


@dataclass(frozen=True)
class WaitPreferences:
    """What would suit the patient; empty providers/weekdays = any."""

    appointment_type: AppointmentType
    wait_from: dt.date
    location: Location | None = None
    providers: Sequence[Provider] = field(default_factory=tuple)
    weekdays: Sequence[int] = field(default_factory=tuple)
    earliest_time: dt.time | None = None
    latest_time: dt.time | None = None
    wait_until: dt.date | None = None
    note: str = ""


def _check(actor: Actor, preferences: WaitPreferences) -> list[int]:
    check_same_clinic(actor, preferences.appointment_type, *preferences.providers)
    if preferences.location is not None:
        check_same_clinic(actor, preferences.location)
    if preferences.appointment_type.is_group:
        raise InvalidBookingError(
            f"{preferences.appointment_type.name} is a class: add the patient to a "
            "class's roster instead."
        )
    weekdays = sorted(set(preferences.weekdays))
    if any(not 0 <= day <= 6 for day in weekdays):
        raise InvalidBookingError("Weekdays are numbered 0 (Monday) to 6 (Sunday).")
    earliest, latest = preferences.earliest_time, preferences.latest_time
    if earliest is not None and latest is not None and earliest >= latest:
        raise InvalidBookingError("The earliest time must be before the latest.")
    until = preferences.wait_until
    if until is not None and until < preferences.wait_from:
        raise InvalidBookingError("The patient must wait until after they start.")
    return weekdays


def _apply(
    entry: WaitlistEntry, preferences: WaitPreferences, weekdays: list[int]
) -> None:
    entry.appointment_type = preferences.appointment_type
    entry.location = preferences.location
    entry.weekdays = weekdays
    entry.earliest_time = preferences.earliest_time
    entry.latest_time = preferences.latest_time
    entry.wait_from = preferences.wait_from
    entry.wait_until = preferences.wait_until
    entry.note = preferences.note.strip()[:300]


def add_to_waitlist(
    *, actor: Actor, patient: Patient, preferences: WaitPreferences
) -> WaitlistEntry:
    """Put `patient` on the waitlist with what would suit them."""
    check_same_clinic(actor, patient)
    weekdays = _check(actor, preferences)
    with transaction.atomic():
        entry = WaitlistEntry(clinic=actor.clinic, patient=patient)
        _apply(entry, preferences, weekdays)
        entry.save()
        entry.providers.set(preferences.providers)
        record_change(
            actor=actor,
            action="create",
            obj=entry,
            patient_id=patient.pk,
            detail=f"waitlist type={preferences.appointment_type.pk}",
        )
    logger.info("waitlist.added", extra={"waitlist_entry_id": str(entry.pk)})
    return entry


def _locked(entry: WaitlistEntry) -> WaitlistEntry:
    return (
        WaitlistEntry.objects.select_for_update(of=("self",))
        .select_related("patient", "appointment_type", "location")
        .get(clinic_id=entry.clinic_id, pk=entry.pk)
    )


def _check_waiting(entry: WaitlistEntry) -> None:
    if entry.state != State.WAITING:
        raise InvalidTransitionError(
            f"This waitlist entry is {entry.get_state_display().lower()}, "
            "no longer waiting."
        )


def update_waitlist_entry(
    *, actor: Actor, entry: WaitlistEntry, preferences: WaitPreferences
) -> WaitlistEntry:
    """Change what would suit a waiting patient."""
    check_same_clinic(actor, entry)
    weekdays = _check(actor, preferences)
    with transaction.atomic():
        current = _locked(entry)
        _check_waiting(current)
        _apply(current, preferences, weekdays)
        current.save()
        current.providers.set(preferences.providers)
        record_change(
            actor=actor,
            action="update",
            obj=current,
            patient_id=current.patient_id,
            detail="waitlist preferences",
        )
    return current


def remove_from_waitlist(*, actor: Actor, entry: WaitlistEntry) -> WaitlistEntry:
    """Take a waiting patient off the waitlist (the row stays, as removed)."""
    check_same_clinic(actor, entry)
    with transaction.atomic():
        current = _locked(entry)
        _check_waiting(current)
        current.state = State.REMOVED
        current.save(update_fields=["state", "updated_at"])
        record_change(
            actor=actor,
            action="update",
            obj=current,
            patient_id=current.patient_id,
            detail="waitlist removed",
        )
    return current


def book_from_waitlist(
    *,
    actor: Actor,
    entry: WaitlistEntry,
    provider: Provider,
    location: Location,
    start_at: dt.datetime,
) -> Appointment:
    """Book the waiting patient into a free slot and mark the entry booked.

    One transaction: a slot taken meanwhile raises `SlotUnavailableError` from
    `book_appointment` and leaves the entry waiting.
    """
    check_same_clinic(actor, entry, provider, location)
    with transaction.atomic():
        current = _locked(entry)
        _check_waiting(current)
        if current.location_id is not None and current.location_id != location.pk:
            raise InvalidBookingError("This patient waits for another location.")
        appointment = book_appointment(
            actor=actor,
            patient=current.patient,
            provider=provider,
            location=location,
            appointment_type=current.appointment_type,
            start_at=start_at,
        )
        current.state = State.BOOKED
        current.booked_appointment = appointment
        current.save(update_fields=["state", "booked_appointment", "updated_at"])
        record_change(
            actor=actor,
            action="update",
            obj=current,
            patient_id=current.patient_id,
            detail=f"waitlist booked appointment={appointment.pk}",
        )
    logger.info(
        "waitlist.booked",
        extra={
            "waitlist_entry_id": str(current.pk),
            "appointment_id": str(appointment.pk),
        },
    )
    return appointment
