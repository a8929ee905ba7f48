"""The demo clinic's scheduling beyond the generated history: what each provider
offers, rooms and time off, the cancellation policy, recurring series, a
group class and a waitlist.

The generator writes years of visits in bulk before any of this exists. This
module then brings the clinic into the state the set-up would have produced:
each provider offers the services of their modality; booked visits that fall on
a day the clinic or the provider is now away are cancelled (as the front desk
would when entering the time off); visits whose service needs a room are given
a free one. Then the feature seeds run, each through the services.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction

from practica.demo.scheduling_availability import seed_availability
from practica.demo.scheduling_classes import seed_classes
from practica.demo.scheduling_policy import seed_policy
from practica.demo.scheduling_series import seed_series
from practica.demo.scheduling_waitlist import seed_waitlist
from practica.scheduling.models import Appointment, AppointmentType, Provider, Room
from practica.scheduling.selectors.availability import working_intervals
from practica.scheduling.services.appointments import cancel_appointment
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Location
from practica.tenancy.permissions import ALL_PERMISSIONS

AWAY_REASON = "Clinic closed or provider away; patient to be rebooked"


def seed_scheduling(clinic: Clinic, *, today: dt.date) -> dict[str, int]:
    """Everything above, in one transaction; returns counts for the summary."""
    with transaction.atomic():
        _offer_by_modality(clinic)
        seed_availability(clinic, today=today)
        cancelled = _cancel_visits_on_days_away(clinic, today=today)
        rooms = _assign_rooms(clinic)
        seed_policy(clinic, today=today)
        seed_series(clinic, today=today)
        seed_classes(clinic, today=today)
        seed_waitlist(clinic, today=today)
    return {"visits_moved_off_days_away": cancelled, "visits_given_rooms": rooms}


def _offer_by_modality(clinic: Clinic) -> None:
    """Each provider offers the services of their own modality (the set-up
    default would be every service, which puts a massage therapist on the
    counselling list)."""
    types_by_modality: dict[str, list[AppointmentType]] = defaultdict(list)
    for kind in AppointmentType.objects.filter(clinic=clinic, capacity=1):
        types_by_modality[kind.modality].append(kind)
    for provider in Provider.objects.filter(clinic=clinic):
        provider.offered_types.set(types_by_modality[provider.modality])


def _cancel_visits_on_days_away(clinic: Clinic, *, today: dt.date) -> int:
    """Cancel booked future visits outside the providers' working time as it now
    stands (holiday, vacation, sick day)."""
    actor = Actor.system(clinic, frozenset(ALL_PERMISSIONS))
    providers = list(Provider.objects.filter(clinic=clinic))
    upcoming = list(
        Appointment.objects.filter(
            clinic=clinic,
            start_at__date__gte=today,
            status__in=(Appointment.Status.BOOKED, Appointment.Status.CONFIRMED),
            is_group=False,
        ).select_related("location")
    )
    if not upcoming:
        return 0
    last_day = max(a.start_at.date() for a in upcoming) + dt.timedelta(days=1)
    cancelled = 0
    for location in Location.objects.filter(clinic=clinic):
        working = working_intervals(
            clinic_id=clinic.pk,
            location=location,
            providers=providers,
            start_on=today,
            end_on=last_day,
        )
        for visit in upcoming:
            if visit.location_id != location.pk:
                continue
            spans = working.get(visit.provider_id, [])
            if any(s.start <= visit.start_at and visit.end_at <= s.end for s in spans):
                continue
            cancel_appointment(actor=actor, appointment=visit, reason=AWAY_REASON)
            cancelled += 1
    return cancelled


def _assign_rooms(clinic: Clinic) -> int:
    """Give every active visit whose service needs a room the first room of that
    kind free over its busy span, in time order; a visit finding none keeps no
    room (it was booked before the rooms were set up)."""
    rooms: dict[tuple[int, str], list[Room]] = defaultdict(list)
    for room in Room.objects.filter(clinic=clinic, is_active=True).order_by("name"):
        rooms[(room.location_id, room.kind)].append(room)
    free_from: dict[int, dt.datetime] = {}
    visits = (
        Appointment.objects.filter(clinic=clinic, room__isnull=True)
        .exclude(appointment_type__room_kind="")
        .exclude(status__in=Appointment.RELEASING)
        .select_related("appointment_type")
        .order_by("busy_from")
    )
    changed = []
    for visit in visits:
        key = (visit.location_id, visit.appointment_type.room_kind)
        for room in rooms.get(key, []):
            if free_from.get(room.pk, visit.busy_from) <= visit.busy_from:
                visit.room = room
                free_from[room.pk] = visit.busy_until
                changed.append(visit)
                break
    Appointment.objects.bulk_update(changed, ["room"], batch_size=500)
    return len(changed)
