"""Demo group classes: a weekly "Pilates class" of eight for the next four
weeks, with a few patients on each roster (one class full).

It runs after the generator has written the clinic (and, if it ran, the
availability seed's gym) and goes through the class services, so every class
and roster change is audited. The class is an evening class: the hour after
the first physiotherapist's longest weekday block at the first location ends
(scheduled outside working hours on purpose, so the busy demo day does not
crowd it out; if that hour is taken, the next one). Running it twice adds
nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from practica.patients.models import Patient
from practica.scheduling.errors import SchedulingError
from practica.scheduling.models import (
    Appointment,
    AppointmentType,
    Modality,
    Provider,
    Room,
    RoomKind,
    WorkingHours,
)
from practica.scheduling.services.classes import add_attendee, schedule_class
from practica.scheduling.services.setup import create_appointment_type
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Location
from practica.tenancy.permissions import ALL_PERMISSIONS

CLASS_NAME = "Pilates class"
CLASS_CODE = "PIL-8"
CAPACITY = 8
MINUTES = 60
WEEKS = 4
# Patients on each week's roster, in order: the second week is full.
ROSTER_SIZES = (5, CAPACITY, 3, 2)
EVENING_TRIES = 2


def seed_classes(clinic: Clinic, *, today: dt.date) -> None:
    """A weekly Pilates class with attendees for the next `WEEKS` weeks."""
    actor = Actor.system(clinic, frozenset(ALL_PERMISSIONS))
    location = Location.objects.filter(clinic=clinic).order_by("pk").first()
    if location is None:
        return
    hours = _class_hours(clinic, location)
    if hours is None:
        return
    pilates = _pilates_type(actor, location)
    # Patients spread through the alphabet, so a roster is not one surname.
    everyone = Patient.objects.filter(clinic=clinic, is_active=True).order_by(
        "last_name", "first_name", "pk"
    )
    step = max(1, everyone.count() // (CAPACITY * 2))
    patients = list(everyone[: CAPACITY * 2 * step : step])
    first_day = today + dt.timedelta(days=(hours.weekday - today.weekday()) % 7)
    for week in range(WEEKS):
        day = first_day + dt.timedelta(weeks=week)
        group = _existing(clinic, pilates, hours.provider, location, day)
        if group is None:
            group = _schedule(actor, hours, location, pilates, day)
        if group is None:
            continue
        size = ROSTER_SIZES[week % len(ROSTER_SIZES)]
        offset = (week * 3) % max(len(patients), 1)
        chosen = (patients[offset:] + patients[:offset])[:size]
        for patient in chosen:
            try:
                add_attendee(actor=actor, group=group, patient=patient)
            except SchedulingError:
                continue  # already on the roster (a second run), or full


def _class_hours(clinic: Clinic, location: Location) -> WorkingHours | None:
    """The first physiotherapist's longest-running weekday block at `location`."""
    blocks = (
        WorkingHours.objects.filter(
            clinic=clinic,
            location=location,
            weekday__lte=4,
            provider__modality=Modality.PHYSIOTHERAPY,
            provider__is_active=True,
        )
        .select_related("provider")
        .order_by("provider_id", "-end_time", "weekday")
    )
    return blocks.first()


def _pilates_type(actor: Actor, location: Location) -> AppointmentType:
    existing = AppointmentType.objects.filter(
        clinic=actor.clinic, name=CLASS_NAME
    ).first()
    if existing is not None:
        return existing
    has_gym = Room.objects.filter(
        clinic=actor.clinic, location=location, kind=RoomKind.GYM, is_active=True
    ).exists()
    return create_appointment_type(
        clinic=actor.clinic,
        name=CLASS_NAME,
        modality=Modality.PHYSIOTHERAPY,
        duration_minutes=MINUTES,
        price=Decimal("25.00"),
        service_code=CLASS_CODE,
        is_taxable=True,
        colour="#558b2f",
        room_kind=RoomKind.GYM if has_gym else "",
        capacity=CAPACITY,
        actor=actor,
    )


def _existing(
    clinic: Clinic,
    pilates: AppointmentType,
    provider: Provider,
    location: Location,
    day: dt.date,
) -> Appointment | None:
    tz = location.tz
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    found: Appointment | None = (
        Appointment.objects.filter(
            clinic=clinic,
            is_group=True,
            appointment_type=pilates,
            provider=provider,
            start_at__gte=start,
            start_at__lt=start + dt.timedelta(days=1),
        )
        .exclude(status__in=Appointment.RELEASING)
        .first()
    )
    return found


def _schedule(
    actor: Actor,
    hours: WorkingHours,
    location: Location,
    pilates: AppointmentType,
    day: dt.date,
) -> Appointment | None:
    """The class in the first free hour after the block ends, or None."""
    tz = location.tz
    for extra_hours in range(EVENING_TRIES):
        start = dt.datetime.combine(day, hours.end_time, tzinfo=tz) + dt.timedelta(
            hours=extra_hours
        )
        try:
            return schedule_class(
                actor=actor,
                provider=hours.provider,
                location=location,
                appointment_type=pilates,
                start_at=start,
                allow_outside_hours=True,
            )
        except SchedulingError:
            continue
    return None
