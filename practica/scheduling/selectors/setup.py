"""Reads for the clinic set-up page: services, working hours, rooms, what each
provider offers, exceptions and clinic holidays."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from practica.scheduling.models import (
    AppointmentType,
    AvailabilityException,
    ClinicHoliday,
    Provider,
    Room,
    WorkingHours,
)
from practica.scheduling.selectors.appointments import list_locations, list_providers
from practica.tenancy.access import scoped_get_or_404
from practica.tenancy.actor import Actor
from practica.tenancy.models import Location

# --- clinic set-up: services and working hours -----------------------------------


@dataclass(frozen=True)
class HoursSpan:
    """One line of a day in the week table: a block of work, or the break
    between two blocks."""

    text: str
    is_break: bool


@dataclass(frozen=True)
class ProviderWeek:
    """A provider's weekly hours at each location: per weekday, its blocks with
    the breaks between them."""

    provider: Provider
    rows: list[tuple[Location, list[list[HoursSpan]]]]


def list_all_appointment_types(*, actor: Actor) -> QuerySet[AppointmentType]:
    """Every service, offered or not, for the set-up page."""
    return AppointmentType.objects.filter(clinic=actor.clinic).order_by(
        "modality", "name"
    )


def get_appointment_type_for(*, actor: Actor, type_id: int) -> AppointmentType:
    return scoped_get_or_404(actor, AppointmentType.objects.all(), pk=type_id)


def _day_spans(blocks: list[tuple[dt.time, dt.time]]) -> list[HoursSpan]:
    spans: list[HoursSpan] = []
    previous_end: dt.time | None = None
    for start, end in blocks:
        if previous_end is not None and previous_end < start:
            spans.append(
                HoursSpan(f"break {previous_end:%H:%M}\u2013{start:%H:%M}", True)
            )
        spans.append(HoursSpan(f"{start:%H:%M}\u2013{end:%H:%M}", False))
        previous_end = end
    return spans


def list_provider_weeks(*, actor: Actor) -> list[ProviderWeek]:
    """Three queries: the providers, the locations and all their hours."""
    providers = list(list_providers(actor=actor))
    locations = {loc.pk: loc for loc in list_locations(actor=actor)}
    hours = WorkingHours.objects.filter(clinic=actor.clinic).order_by(
        "weekday", "start_time"
    )
    table: dict[tuple[int, int], list[list[tuple[dt.time, dt.time]]]] = {}
    for block in hours:
        key = (block.provider_id, block.location_id)
        days = table.setdefault(key, [[] for _ in range(7)])
        days[block.weekday].append((block.start_time, block.end_time))
    weeks = []
    for provider in providers:
        rows = [
            (
                location,
                [_day_spans(day) for day in table[(provider.pk, location.pk)]],
            )
            for location in locations.values()
            if (provider.pk, location.pk) in table
        ]
        weeks.append(ProviderWeek(provider=provider, rows=rows))
    return weeks


# --- rooms, providers' offers, exceptions, holidays -------------------------------

# The set-up page lists what is coming; a clinic rarely has more than this.
UPCOMING_LIMIT = 200


def list_rooms(*, actor: Actor) -> QuerySet[Room]:
    """Every room, active or retired, grouped by location."""
    return (
        Room.objects.filter(clinic=actor.clinic)
        .select_related("location")
        .order_by("location__name", "name")
    )


def get_room_for(*, actor: Actor, room_id: int) -> Room:
    return scoped_get_or_404(actor, Room.objects.select_related("location"), pk=room_id)


def list_setup_providers(*, actor: Actor) -> QuerySet[Provider]:
    """Every provider, active or not, with the services each offers."""
    return (
        Provider.objects.filter(clinic=actor.clinic)
        .prefetch_related(
            Prefetch(
                "offered_types",
                queryset=AppointmentType.objects.order_by("name"),
            )
        )
        .order_by("display_name")
    )


def get_provider_for_setup(*, actor: Actor, provider_id: int) -> Provider:
    return scoped_get_or_404(
        actor, Provider.objects.prefetch_related("offered_types"), pk=provider_id
    )


def list_upcoming_exceptions(
    *, actor: Actor, today: dt.date
) -> QuerySet[AvailabilityException]:
    """Exceptions not yet over, soonest first."""
    return (
        AvailabilityException.objects.filter(clinic=actor.clinic, ends_on__gte=today)
        .select_related("provider", "location")
        .order_by("starts_on", "start_time", "pk")[:UPCOMING_LIMIT]
    )


def get_exception_for(*, actor: Actor, exception_id: int) -> AvailabilityException:
    return scoped_get_or_404(
        actor, AvailabilityException.objects.all(), pk=exception_id
    )


def list_upcoming_holidays(*, actor: Actor, today: dt.date) -> QuerySet[ClinicHoliday]:
    return (
        ClinicHoliday.objects.filter(clinic=actor.clinic, on__gte=today)
        .select_related("location")
        .order_by("on", "pk")[:UPCOMING_LIMIT]
    )


def get_holiday_for(*, actor: Actor, holiday_id: int) -> ClinicHoliday:
    return scoped_get_or_404(actor, ClinicHoliday.objects.all(), pk=holiday_id)
