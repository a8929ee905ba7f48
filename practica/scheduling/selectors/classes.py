"""Group classes: the upcoming list, one class with its roster, the choices.

A roster names patients, so showing a class records one view entry per patient
on it (the class itself has no single patient).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from practica.audit.services import record_view
from practica.scheduling.models import (
    Appointment,
    AppointmentType,
    Attendance,
    AttendanceStatus,
    Room,
    StatusChange,
)
from practica.tenancy.access import scoped_get_or_404
from practica.tenancy.actor import Actor

SEAT_RELEASING = (AttendanceStatus.CANCELLED, AttendanceStatus.LATE_CANCELLED)
UPCOMING_LIMIT = 200


def _classes(actor: Actor) -> QuerySet[Appointment]:
    return Appointment.objects.filter(
        clinic=actor.clinic, is_group=True
    ).select_related("provider", "location", "appointment_type", "room")


def list_upcoming_classes(*, actor: Actor, since: dt.datetime) -> QuerySet[Appointment]:
    """Classes starting from `since`, soonest first, each with `seats_taken`."""
    return (
        _classes(actor)
        .filter(start_at__gte=since)
        .annotate(
            seats_taken=Count(
                "attendances", filter=~Q(attendances__status__in=SEAT_RELEASING)
            )
        )
        .order_by("start_at", "pk")[:UPCOMING_LIMIT]
    )


@dataclass(frozen=True)
class ClassRoster:
    group: Appointment
    attendances: list[Attendance]
    seats_taken: int
    history: list[StatusChange]

    @property
    def is_full(self) -> bool:
        return self.seats_taken >= self.group.capacity


def _roster(actor: Actor, group: Appointment) -> ClassRoster:
    attendances = list(
        Attendance.objects.filter(clinic=actor.clinic, appointment=group)
        .select_related("patient")
        .order_by("created_at", "pk")
    )
    history = list(
        StatusChange.objects.filter(
            clinic=actor.clinic, appointment=group, attendance__isnull=True
        )
        .select_related("changed_by__user")
        .order_by("changed_at", "pk")
    )
    taken = sum(1 for a in attendances if a.status not in SEAT_RELEASING)
    return ClassRoster(group, attendances, taken, history)


def get_class_for(*, actor: Actor, class_id: uuid.UUID) -> ClassRoster:
    """One class of the actor's clinic with its roster; each patient shown is
    recorded as viewed."""
    group = scoped_get_or_404(actor, _classes(actor), pk=class_id)
    roster = _roster(actor, group)
    for attendance in roster.attendances:
        record_view(
            actor=actor,
            obj=group,
            patient_id=attendance.patient_id,
            detail="class roster",
        )
    return roster


def get_class_for_change(*, actor: Actor, class_id: uuid.UUID) -> Appointment:
    """One class of the actor's clinic, to hand to a service (which audits)."""
    return scoped_get_or_404(actor, _classes(actor), pk=class_id)


def get_attendance_for_change(*, actor: Actor, attendance_id: uuid.UUID) -> Attendance:
    """One roster row of the actor's clinic, to hand to a service."""
    return scoped_get_or_404(
        actor,
        Attendance.objects.select_related("appointment", "patient"),
        pk=attendance_id,
    )


def list_class_types(*, actor: Actor) -> QuerySet[AppointmentType]:
    """Active appointment types that are classes (capacity above one)."""
    return AppointmentType.objects.filter(
        clinic=actor.clinic, is_active=True, capacity__gt=1
    ).order_by("name")


def list_rooms(*, actor: Actor) -> QuerySet[Room]:
    return Room.objects.filter(clinic=actor.clinic, is_active=True).select_related(
        "location"
    )
