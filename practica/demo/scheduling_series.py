"""Demo recurring series: a weekly physiotherapy series that crosses the next
daylight-saving change (same local time on both sides), a fortnightly massage
series until a date, and a weekly counselling series.

Deterministic for a given clinic and `today`: providers, patients and types
are taken in a fixed order, and each series is booked at the first time of
the provider's working block where every occurrence is free; occurrences that
still conflict are skipped, as the front desk would in the preview.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from practica.patients.models import Patient
from practica.scheduling.models import (
    AppointmentSeries,
    AppointmentType,
    Modality,
    Provider,
    WorkingHours,
)
from practica.scheduling.selectors.series import (
    WEEKLY,
    SeriesRule,
    check_occurrences,
    expand_rule,
)
from practica.scheduling.services.series import create_series
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Location
from practica.tenancy.permissions import ALL_PERMISSIONS

# How far ahead of the daylight-saving change the crossing series starts.
WEEKS_BEFORE_CHANGE = 3


@dataclass(frozen=True)
class _Plan:
    modality: str
    type_name: str
    starts_on: dt.date
    interval: int
    count: int | None
    weeks_until: int | None


def next_offset_change(tz: dt.tzinfo, today: dt.date) -> dt.date | None:
    """The first day after `today` whose noon UTC offset differs from the day
    before (the next daylight-saving change), within a year."""

    def offset(day: dt.date) -> dt.timedelta | None:
        return dt.datetime.combine(day, dt.time(12), tzinfo=tz).utcoffset()

    for n in range(1, 367):
        day = today + dt.timedelta(days=n)
        if offset(day) != offset(day - dt.timedelta(days=1)):
            return day
    return None


def _provider_for(clinic: Clinic, modality: str, skip: int = 0) -> Provider | None:
    found = Provider.objects.filter(
        clinic=clinic, modality=modality, is_active=True
    ).order_by("pk")
    return found[skip : skip + 1].first()


def _first_block(provider: Provider) -> WorkingHours | None:
    return (
        WorkingHours.objects.filter(clinic_id=provider.clinic_id, provider=provider)
        .select_related("location")
        .order_by("weekday", "start_time", "pk")
        .first()
    )


def _book(
    actor: Actor,
    *,
    patient: Patient,
    provider: Provider,
    appointment_type: AppointmentType,
    block: WorkingHours,
    first_day: dt.date,
    rule: SeriesRule,
) -> AppointmentSeries | None:
    location: Location = block.location
    latest = dt.datetime.combine(first_day, block.end_time) - dt.timedelta(
        minutes=appointment_type.duration_minutes
    )
    moment = dt.datetime.combine(first_day, block.start_time)
    best: list[tuple[int, dt.datetime]] = []
    while moment <= latest:
        occurrences = expand_rule(
            rule, first_day=first_day, start_time=moment.time(), tz=location.tz
        )
        checks = check_occurrences(
            occurrences,
            provider=provider,
            location=location,
            appointment_type=appointment_type,
        )
        free = [(c.index, c.start_at) for c in checks if c.is_free and c.start_at]
        if len(free) > len(best):
            best = free
        if len(free) == len(occurrences):
            break
        moment += dt.timedelta(minutes=30)
    if not best:
        return None
    return create_series(
        actor=actor,
        patient=patient,
        provider=provider,
        location=location,
        appointment_type=appointment_type,
        rrule=rule.as_text(),
        starts=best,
    )


def seed_series(clinic: Clinic, *, today: dt.date) -> None:
    """Book the demo series (see the module docstring)."""
    actor = Actor.system(clinic, frozenset(ALL_PERMISSIONS))
    patients = list(
        Patient.objects.filter(clinic=clinic).order_by("last_name", "first_name", "pk")[
            :3
        ]
    )
    location = Location.objects.filter(clinic=clinic).order_by("pk").first()
    if len(patients) < 3 or location is None:
        return
    change = next_offset_change(location.tz, today)
    tomorrow = today + dt.timedelta(days=1)
    crossing_start = tomorrow
    if change is not None:
        crossing_start = max(tomorrow, change - dt.timedelta(weeks=WEEKS_BEFORE_CHANGE))
    plans = (
        _Plan(
            modality=Modality.PHYSIOTHERAPY,
            type_name="Physiotherapy follow-up",
            starts_on=crossing_start,
            interval=1,
            count=8,
            weeks_until=None,
        ),
        _Plan(
            modality=Modality.MASSAGE,
            type_name="Massage therapy 60 min",
            starts_on=tomorrow,
            interval=2,
            count=None,
            weeks_until=12,
        ),
        _Plan(
            modality=Modality.COUNSELLING,
            type_name="Counselling session",
            starts_on=tomorrow,
            interval=1,
            count=6,
            weeks_until=None,
        ),
    )
    for patient, plan in zip(patients, plans, strict=True):
        provider = _provider_for(clinic, plan.modality)
        kind = AppointmentType.objects.filter(
            clinic=clinic, name=plan.type_name, is_active=True
        ).first()
        block = _first_block(provider) if provider is not None else None
        if provider is None or kind is None or block is None:
            continue
        week_start = plan.starts_on
        first_day = week_start + dt.timedelta(
            days=(block.weekday - week_start.weekday()) % 7
        )
        until = (
            first_day + dt.timedelta(weeks=plan.weeks_until)
            if plan.weeks_until is not None
            else None
        )
        rule = SeriesRule(
            frequency=WEEKLY,
            interval=plan.interval,
            weekdays=(block.weekday,),
            count=plan.count,
            until=until,
        )
        _book(
            actor,
            patient=patient,
            provider=provider,
            appointment_type=kind,
            block=block,
            first_day=first_day,
            rule=rule,
        )
