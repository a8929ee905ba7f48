"""Set-up writes for what the availability engine honours: rooms, what each
provider offers, date-specific exceptions and clinic holidays.

Each write checks that every object it is given belongs to the actor's clinic,
runs in one transaction and records an audit entry. Bad input raises
`InvalidBookingError` (a `SchedulingError`) with a message for staff; nothing
is written then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from practica.audit.services import record_change
from practica.scheduling.errors import InvalidBookingError
from practica.scheduling.models import (
    Appointment,
    AppointmentType,
    AvailabilityException,
    ClinicHoliday,
    Provider,
    Room,
    RoomKind,
)
from practica.scheduling.services.rules import check_same_clinic
from practica.scheduling.services.setup import check_colour
from practica.tenancy.actor import Actor
from practica.tenancy.models import Location

Kind = AvailabilityException.Kind

# --- rooms -----------------------------------------------------------------------


def _check_room(
    *, actor: Actor, location: Location, name: str, kind: str, exclude: int | None
) -> None:
    check_same_clinic(actor, location)
    if not name.strip():
        raise InvalidBookingError("Enter the room's name.")
    if kind not in RoomKind.values:
        raise InvalidBookingError("Choose a kind of room from the list.")
    clash = Room.objects.filter(clinic=actor.clinic, location=location, name=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise InvalidBookingError("This location already has a room of that name.")


def create_room(*, actor: Actor, location: Location, name: str, kind: str) -> Room:
    """A new room (or gym, studio, piece of equipment) at a location."""
    name = name.strip()
    _check_room(actor=actor, location=location, name=name, kind=kind, exclude=None)
    with transaction.atomic():
        room = Room.objects.create(
            clinic=actor.clinic, location=location, name=name, kind=kind
        )
        record_change(actor=actor, action="create", obj=room, patient_id=None)
    return room


def update_room(
    *,
    actor: Actor,
    room: Room,
    location: Location,
    name: str,
    kind: str,
    is_active: bool,
) -> Room:
    """Rename, move or re-kind a room, or retire it (inactive rooms are not
    chosen for new bookings; booked appointments keep theirs)."""
    check_same_clinic(actor, room)
    name = name.strip()
    _check_room(actor=actor, location=location, name=name, kind=kind, exclude=room.pk)
    with transaction.atomic():
        Room.objects.filter(pk=room.pk, clinic=actor.clinic).update(
            location=location,
            name=name,
            kind=kind,
            is_active=is_active,
            updated_at=timezone.now(),
        )
        room.refresh_from_db()
        record_change(
            actor=actor,
            action="update",
            obj=room,
            patient_id=None,
            detail=f"active={is_active}",
        )
    return room


# --- providers -------------------------------------------------------------------


def update_provider(
    *,
    actor: Actor,
    provider: Provider,
    display_name: str,
    credentials: str,
    colour: str,
    is_active: bool,
    offered_types: Sequence[AppointmentType],
) -> Provider:
    """Change how a provider is shown and which services they offer (none
    listed = every service).

    An inactive provider leaves the calendar, so one with upcoming active
    appointments cannot be made inactive until those are moved or cancelled.
    """
    check_same_clinic(actor, provider, *offered_types)
    display_name = display_name.strip()
    if not display_name:
        raise InvalidBookingError("Enter the name shown on the calendar.")
    check_colour(colour)
    if not is_active and provider.is_active:
        upcoming = (
            Appointment.objects.filter(
                clinic=actor.clinic, provider=provider, start_at__gte=timezone.now()
            )
            .exclude(status__in=Appointment.RELEASING)
            .count()
        )
        if upcoming:
            raise InvalidBookingError(
                f"This provider has {upcoming} upcoming appointment(s): move or "
                "cancel them before making the provider inactive."
            )
    with transaction.atomic():
        Provider.objects.filter(pk=provider.pk, clinic=actor.clinic).update(
            display_name=display_name,
            credentials=credentials.strip(),
            colour=colour.lower(),
            is_active=is_active,
            updated_at=timezone.now(),
        )
        provider.refresh_from_db()
        provider.offered_types.set(offered_types)
        record_change(
            actor=actor,
            action="update",
            obj=provider,
            patient_id=None,
            detail=f"active={is_active} offered_types={len(offered_types)}",
        )
    return provider


# --- availability exceptions -----------------------------------------------------


def add_exception(
    *,
    actor: Actor,
    provider: Provider,
    kind: str,
    starts_on: dt.date,
    ends_on: dt.date,
    start_time: dt.time | None = None,
    end_time: dt.time | None = None,
    location: Location | None = None,
    note: str = "",
) -> AvailabilityException:
    """Time off (vacation, sick day, unavailable) or an extra shift.

    Time off without times covers whole days; with times, that part of each
    day. An extra shift needs a location and both times. A location on time
    off limits it to that location (none = everywhere).
    """
    check_same_clinic(actor, provider)
    if location is not None:
        check_same_clinic(actor, location)
    if kind not in Kind.values:
        raise InvalidBookingError("Choose what kind of exception this is.")
    if ends_on < starts_on:
        raise InvalidBookingError("The last day cannot be before the first day.")
    if (start_time is None) != (end_time is None):
        raise InvalidBookingError("Give both times, or neither for whole days.")
    if start_time is not None and end_time is not None and start_time >= end_time:
        raise InvalidBookingError("The end time must be after the start time.")
    if kind == Kind.EXTRA_SHIFT and (location is None or start_time is None):
        raise InvalidBookingError("An extra shift needs a location and its times.")
    with transaction.atomic():
        exception = AvailabilityException.objects.create(
            clinic=actor.clinic,
            provider=provider,
            kind=kind,
            starts_on=starts_on,
            ends_on=ends_on,
            start_time=start_time,
            end_time=end_time,
            location=location,
            note=note.strip(),
        )
        record_change(
            actor=actor,
            action="create",
            obj=exception,
            patient_id=None,
            detail=f"provider={provider.pk} kind={kind}",
        )
    return exception


def delete_exception(*, actor: Actor, exception: AvailabilityException) -> None:
    check_same_clinic(actor, exception)
    with transaction.atomic():
        record_change(
            actor=actor,
            action="delete",
            obj=exception,
            patient_id=None,
            detail=f"provider={exception.provider_id} kind={exception.kind}",
        )
        AvailabilityException.objects.filter(
            pk=exception.pk, clinic=actor.clinic
        ).delete()


# --- clinic holidays -------------------------------------------------------------


def add_holiday(
    *, actor: Actor, name: str, on: dt.date, location: Location | None = None
) -> ClinicHoliday:
    """A day the whole clinic (or one location) is closed."""
    if location is not None:
        check_same_clinic(actor, location)
    name = name.strip()
    if not name:
        raise InvalidBookingError("Enter the holiday's name.")
    clash = ClinicHoliday.objects.filter(clinic=actor.clinic, on=on)
    if clash.filter(location__isnull=True).exists() or (
        location is None and clash.exists()
    ):
        raise InvalidBookingError("There is already a holiday on that day.")
    if location is not None and clash.filter(location=location).exists():
        raise InvalidBookingError("That location already has a holiday on that day.")
    with transaction.atomic():
        holiday = ClinicHoliday.objects.create(
            clinic=actor.clinic, name=name, on=on, location=location
        )
        record_change(actor=actor, action="create", obj=holiday, patient_id=None)
    return holiday


def delete_holiday(*, actor: Actor, holiday: ClinicHoliday) -> None:
    check_same_clinic(actor, holiday)
    with transaction.atomic():
        record_change(
            actor=actor,
            action="delete",
            obj=holiday,
            patient_id=None,
            detail=f"on={holiday.on.isoformat()}",
        )
        ClinicHoliday.objects.filter(pk=holiday.pk, clinic=actor.clinic).delete()
