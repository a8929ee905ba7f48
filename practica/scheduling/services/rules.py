"""Booking rules shared by every write that places an appointment in time.

No provider and no room may hold two overlapping active appointments, where an
appointment holds its busy span (its time widened by its type's buffers). The
check runs inside `transaction.atomic()`: on SQLite every atomic block is BEGIN
IMMEDIATE, so bookings are serialised and the check is enough; on PostgreSQL two
checks may pass at once, and the exclusion constraints
`appointment_provider_no_overlap` / `appointment_room_no_overlap` refuse the
second write, which we turn into the same `SlotUnavailableError`.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from practica.patients.models import Patient
from practica.scheduling.errors import (
    InvalidBookingError,
    SlotUnavailableError,
)
from practica.scheduling.models import (
    MAX_APPOINTMENT_MINUTES,
    MAX_BUSY_MINUTES,
    Appointment,
    AppointmentSeries,
    AppointmentType,
    Attendance,
    Provider,
    Room,
    RoomKind,
    StatusChange,
)
from practica.scheduling.selectors.availability import (
    check_bookable,
    check_offered,
    check_working_time,
)
from practica.tenancy.actor import Actor
from practica.tenancy.models import Location

logger = logging.getLogger(__name__)

OVERLAP_CONSTRAINT = "appointment_provider_no_overlap"
ROOM_OVERLAP_CONSTRAINT = "appointment_room_no_overlap"
DEADLOCK_DETECTED = "40P01"  # PostgreSQL's SQLSTATE
WEEKDAY_NAMES = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)

Status = Appointment.Status

# Which status may follow which. Going back one step (arrived -> booked,
# completed -> arrived...) exists to correct a mistaken click; released statuses
# (cancelled, late-cancelled, no-show) are final: the time may be rebooked.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.BOOKED: frozenset(
        {
            Status.CONFIRMED,
            Status.ARRIVED,
            Status.NO_SHOW,
            Status.CANCELLED,
            Status.LATE_CANCELLED,
        }
    ),
    Status.CONFIRMED: frozenset(
        {
            Status.BOOKED,
            Status.ARRIVED,
            Status.NO_SHOW,
            Status.CANCELLED,
            Status.LATE_CANCELLED,
        }
    ),
    Status.ARRIVED: frozenset({Status.IN_SESSION, Status.COMPLETED, Status.BOOKED}),
    Status.IN_SESSION: frozenset({Status.COMPLETED, Status.ARRIVED}),
    Status.COMPLETED: frozenset({Status.ARRIVED}),
    Status.NO_SHOW: frozenset(),
    Status.CANCELLED: frozenset(),
    Status.LATE_CANCELLED: frozenset(),
}
# Statuses in which an appointment may still be moved or resized.
MOVABLE = frozenset({Status.BOOKED, Status.CONFIRMED})


# --- booking rules -----------------------------------------------------------


def hhmm(moment: dt.datetime, tz: dt.tzinfo) -> str:
    return moment.astimezone(tz).strftime("%H:%M")


def check_same_clinic(actor: Actor, *objects: Model) -> None:
    for obj in objects:
        if getattr(obj, "clinic_id", None) != actor.clinic.pk:
            raise InvalidBookingError("That choice does not belong to this clinic.")


@dataclass(frozen=True)
class Placement:
    """Where an appointment goes: its visit time, the span it holds, its room."""

    start_at: dt.datetime
    end_at: dt.datetime
    busy_from: dt.datetime
    busy_until: dt.datetime
    room: Room | None


def busy_span(
    appointment_type: AppointmentType, start_at: dt.datetime, end_at: dt.datetime
) -> tuple[dt.datetime, dt.datetime]:
    return (
        start_at - dt.timedelta(minutes=appointment_type.buffer_before_minutes),
        end_at + dt.timedelta(minutes=appointment_type.buffer_after_minutes),
    )


def check_length(start_at: dt.datetime, end_at: dt.datetime) -> None:
    if end_at <= start_at:
        raise InvalidBookingError("An appointment must end after it starts.")
    if end_at - start_at > dt.timedelta(minutes=MAX_APPOINTMENT_MINUTES):
        raise InvalidBookingError(
            f"An appointment can last at most {MAX_APPOINTMENT_MINUTES // 60} hours."
        )


def _overlapping(
    clinic_id: int,
    busy_from: dt.datetime,
    busy_until: dt.datetime,
    exclude_id: uuid.UUID | None,
) -> QuerySet[Appointment]:
    """Active appointments whose busy span overlaps; the lower bound on busy_from
    lets the (clinic, provider|room, busy_from) indexes do the work."""
    found = Appointment.objects.filter(
        clinic_id=clinic_id,
        busy_from__lt=busy_until,
        busy_from__gt=busy_from - dt.timedelta(minutes=MAX_BUSY_MINUTES),
        busy_until__gt=busy_from,
    ).exclude(status__in=Appointment.RELEASING)
    if exclude_id is not None:
        found = found.exclude(pk=exclude_id)
    return found.order_by("busy_from")


def find_clash(
    *,
    provider: Provider,
    busy_from: dt.datetime,
    busy_until: dt.datetime,
    exclude_id: uuid.UUID | None = None,
) -> Appointment | None:
    return (
        _overlapping(provider.clinic_id, busy_from, busy_until, exclude_id)
        .filter(provider=provider)
        .first()
    )


def find_room_clash(
    *,
    room: Room,
    busy_from: dt.datetime,
    busy_until: dt.datetime,
    exclude_id: uuid.UUID | None = None,
) -> Appointment | None:
    return (
        _overlapping(room.clinic_id, busy_from, busy_until, exclude_id)
        .filter(room=room)
        .first()
    )


def slot_unavailable(
    provider: Provider, clash: Appointment | None, tz: dt.tzinfo
) -> SlotUnavailableError:
    if clash is None:
        return SlotUnavailableError(
            f"{provider.display_name} was booked at that time a moment ago."
        )
    return SlotUnavailableError(
        f"{provider.display_name} is already booked from "
        f"{hhmm(clash.start_at, tz)} to {hhmm(clash.end_at, tz)}."
    )


def room_unavailable(room: Room, clash: Appointment | None) -> SlotUnavailableError:
    if clash is None:
        return SlotUnavailableError(
            f"{room.name} was booked at that time a moment ago."
        )
    tz = clash.location.tz
    return SlotUnavailableError(
        f"{room.name} is already booked from {hhmm(clash.start_at, tz)} to "
        f"{hhmm(clash.end_at, tz)}."
    )


def check_free(
    *,
    provider: Provider,
    location: Location,
    busy_from: dt.datetime,
    busy_until: dt.datetime,
    exclude_id: uuid.UUID | None = None,
) -> None:
    clash = find_clash(
        provider=provider,
        busy_from=busy_from,
        busy_until=busy_until,
        exclude_id=exclude_id,
    )
    if clash is not None:
        raise slot_unavailable(provider, clash, location.tz)


def choose_room(
    *,
    appointment_type: AppointmentType,
    location: Location,
    busy_from: dt.datetime,
    busy_until: dt.datetime,
    room: Room | None = None,
    exclude_id: uuid.UUID | None = None,
) -> Room | None:
    """The room the appointment takes: the one asked for if it is free, else
    the first free room of the kind its type needs; None if it needs none."""
    if room is not None:
        if room.location_id != location.pk or not room.is_active:
            raise InvalidBookingError(f"{room.name} is not in use at {location.name}.")
        clash = find_room_clash(
            room=room, busy_from=busy_from, busy_until=busy_until, exclude_id=exclude_id
        )
        if clash is not None:
            raise room_unavailable(room, clash)
        return room
    if not appointment_type.room_kind:
        return None
    taken = _overlapping(location.clinic_id, busy_from, busy_until, exclude_id).filter(
        room__isnull=False
    )
    free = (
        Room.objects.filter(
            clinic_id=location.clinic_id,
            location=location,
            kind=appointment_type.room_kind,
            is_active=True,
        )
        .exclude(pk__in=taken.values("room_id"))
        .order_by("name", "pk")
        .first()
    )
    if free is None:
        kind = RoomKind(appointment_type.room_kind).label.lower()
        raise SlotUnavailableError(
            f"No {kind} is free at {location.name} at that time."
        )
    return free


def place(
    *,
    provider: Provider,
    location: Location,
    appointment_type: AppointmentType,
    start_at: dt.datetime,
    end_at: dt.datetime,
    room: Room | None = None,
    exclude_id: uuid.UUID | None = None,
) -> Placement:
    """Check the provider is free over the busy span and pick the room."""
    check_length(start_at, end_at)
    busy_from, busy_until = busy_span(appointment_type, start_at, end_at)
    check_free(
        provider=provider,
        location=location,
        busy_from=busy_from,
        busy_until=busy_until,
        exclude_id=exclude_id,
    )
    chosen = choose_room(
        appointment_type=appointment_type,
        location=location,
        busy_from=busy_from,
        busy_until=busy_until,
        room=room,
        exclude_id=exclude_id,
    )
    return Placement(start_at, end_at, busy_from, busy_until, chosen)


def check_working_hours(
    *,
    provider: Provider,
    location: Location,
    start_at: dt.datetime,
    end_at: dt.datetime,
) -> None:
    """Refuse a visit outside the provider's working time at the location:
    the availability engine's answer (hours, breaks, time off, extra shifts,
    holidays), with the reason."""
    check_working_time(
        provider=provider, location=location, start_at=start_at, end_at=end_at
    )


def check_hours_and_offer(
    *,
    provider: Provider,
    location: Location,
    appointment_type: AppointmentType,
    start_at: dt.datetime,
    end_at: dt.datetime,
    allow_outside_hours: bool = False,
) -> None:
    """The availability checks of a booking or a move. The front desk may book
    outside working time on purpose (`allow_outside_hours`: outside hours, on
    time off or a holiday), but never a type the provider does not offer: that
    says what the provider does, not when, so it is not overridable."""
    if allow_outside_hours:
        check_offered(provider=provider, appointment_type=appointment_type)
        return
    check_bookable(
        provider=provider,
        location=location,
        appointment_type=appointment_type,
        start_at=start_at,
        end_at=end_at,
    )


def check_aware(start_at: dt.datetime) -> None:
    if timezone.is_naive(start_at):
        raise InvalidBookingError("The start time has no time zone.")


def save_checked(
    appointment: Appointment, *, location: Location, update_fields: Sequence[str] = ()
) -> None:
    """Save inside a savepoint so an exclusion constraint's refusal can be
    reported as a clash instead of breaking the surrounding transaction."""
    try:
        with transaction.atomic():
            if update_fields:
                appointment.save(update_fields=[*update_fields, "updated_at"])
            else:
                appointment.save()
    except IntegrityError as exc:
        if ROOM_OVERLAP_CONSTRAINT in str(exc) and appointment.room is not None:
            room_clash = find_room_clash(
                room=appointment.room,
                busy_from=appointment.busy_from,
                busy_until=appointment.busy_until,
                exclude_id=appointment.pk,
            )
            raise room_unavailable(appointment.room, room_clash) from exc
        if OVERLAP_CONSTRAINT not in str(exc):
            raise
        clash = find_clash(
            provider=appointment.provider,
            busy_from=appointment.busy_from,
            busy_until=appointment.busy_until,
            exclude_id=appointment.pk,
        )
        raise slot_unavailable(appointment.provider, clash, location.tz) from exc
    except OperationalError as exc:
        # Two writes of overlapping spans at the same instant can each wait on
        # the other's exclusion check; PostgreSQL then aborts one of them
        # ("deadlock detected"). For that one, the time was taken a moment ago.
        if getattr(exc.__cause__, "sqlstate", None) != DEADLOCK_DETECTED:
            raise
        raise slot_unavailable(appointment.provider, None, location.tz) from exc


def record_status_change(
    *,
    actor: Actor,
    appointment: Appointment,
    from_status: str,
    to_status: str,
    at: dt.datetime,
    reason: str = "",
    attendance: Attendance | None = None,
) -> StatusChange:
    """Who set which status, when: the history shown on the appointment page."""
    change: StatusChange = StatusChange.objects.create(
        clinic_id=appointment.clinic_id,
        appointment=appointment,
        attendance=attendance,
        from_status=from_status,
        to_status=to_status,
        changed_by=actor.membership,
        changed_at=at,
        reason=reason[:200],
    )
    return change


def save_placed(
    *,
    actor: Actor,
    provider: Provider,
    location: Location,
    appointment_type: AppointmentType,
    start_at: dt.datetime,
    end_at: dt.datetime,
    patient: Patient | None,
    room: Room | None = None,
    series: AppointmentSeries | None = None,
    front_desk_note: str = "",
) -> Appointment:
    """Place a new booked appointment (or class, when `patient` is None), save
    it and record its first status. Callers check hours and rules first and
    hold the transaction."""
    placed = place(
        provider=provider,
        location=location,
        appointment_type=appointment_type,
        start_at=start_at,
        end_at=end_at,
        room=room,
    )
    now = timezone.now()
    appointment = Appointment(
        clinic_id=location.clinic_id,
        location=location,
        provider=provider,
        patient=patient,
        appointment_type=appointment_type,
        start_at=start_at,
        end_at=end_at,
        busy_from=placed.busy_from,
        busy_until=placed.busy_until,
        room=placed.room,
        series=series,
        is_group=patient is None,
        capacity=appointment_type.capacity,
        status=Status.BOOKED,
        status_changed_at=now,
        front_desk_note=front_desk_note[:300],
    )
    save_checked(appointment, location=location)
    record_status_change(
        actor=actor,
        appointment=appointment,
        from_status="",
        to_status=Status.BOOKED,
        at=now,
    )
    return appointment


def mark_released(
    appointment: Appointment, *, status: str, reason: str, at: dt.datetime
) -> None:
    """Give a locked appointment (or class) a releasing status with its reason;
    its time becomes free, and calendar apps see a new SEQUENCE."""
    appointment.status = status
    appointment.status_changed_at = at
    appointment.cancel_reason = reason[:200]
    appointment.sequence += 1
    appointment.save(
        update_fields=[
            "status",
            "status_changed_at",
            "cancel_reason",
            "sequence",
            "updated_at",
        ]
    )
