"""Reads for the clinic set-up page: services and working hours."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from practica.scheduling.models import (
    AppointmentType,
    Provider,
    WorkingHours,
)
from practica.scheduling.selectors.appointments import list_locations, list_providers
from practica.tenancy.access import scoped_get_or_404
from practica.tenancy.actor import Actor
from practica.tenancy.models import Location

# --- clinic set-up: services and working hours -----------------------------------


@dataclass(frozen=True)
class ProviderWeek:
    """A provider's weekly hours at each location, one text per weekday."""

    provider: Provider
    rows: list[tuple[Location, list[str]]]


def list_all_appointment_types(*, actor: Actor) -> QuerySet[AppointmentType]:
    """Every service, offered or not, for the set-up page."""
    return AppointmentType.objects.filter(clinic=actor.clinic).order_by(
        "modality", "name"
    )


def get_appointment_type_for(*, actor: Actor, type_id: int) -> AppointmentType:
    return scoped_get_or_404(actor, AppointmentType.objects.all(), pk=type_id)


def list_provider_weeks(*, actor: Actor) -> list[ProviderWeek]:
    """Two queries: the providers and all their hours."""
    providers = list(list_providers(actor=actor))
    locations = {loc.pk: loc for loc in list_locations(actor=actor)}
    hours = WorkingHours.objects.filter(clinic=actor.clinic).order_by(
        "weekday", "start_time"
    )
    table: dict[tuple[int, int], list[list[str]]] = {}
    for block in hours:
        key = (block.provider_id, block.location_id)
        days = table.setdefault(key, [[] for _ in range(7)])
        days[block.weekday].append(
            f"{block.start_time:%H:%M}\u2013{block.end_time:%H:%M}"
        )
    weeks = []
    for provider in providers:
        rows = [
            (location, [", ".join(day) for day in table[(provider.pk, location.pk)]])
            for location in locations.values()
            if (provider.pk, location.pk) in table
        ]
        weeks.append(ProviderWeek(provider=provider, rows=rows))
    return weeks
