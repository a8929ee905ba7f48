"""Demo waitlist: five patients waiting for an earlier slot, with preferences
that suit free time this week, so the calendar's waitlist panel has matches.

Each entry is shaped around the first free slot the availability engine finds
for its service this week (its weekday, a window around its time, sometimes
its provider), then added through the waitlist service, so it is audited like
one added on the waitlist page. Running it twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from practica.patients.models import Patient
from practica.scheduling.models import AppointmentType, WaitlistEntry
from practica.scheduling.selectors.availability import find_slots
from practica.scheduling.services.waitlist import WaitPreferences, add_to_waitlist
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Location
from practica.tenancy.permissions import ALL_PERMISSIONS


@dataclass(frozen=True)
class _EntrySeed:
    code: str  # the service, by code (see generator.TYPES)
    location: int | None  # index by creation order; None = any location
    with_provider: bool  # prefer the provider of the slot found
    with_weekday: bool  # prefer the weekday of the slot found
    window_hours: int | None  # a time window around the slot; None = any time
    note: str
    waits_weeks: int | None = None  # how long they wait; None = open-ended


ENTRIES = (
    _EntrySeed("PT-FU", 0, False, True, 3, "Would take any physio sooner"),
    _EntrySeed("RMT-60", 0, True, False, 4, "Same therapist as last time"),
    _EntrySeed("PT-IA", None, False, False, None, "Referred by GP, keen to start"),
    _EntrySeed("CNS-50", 1, True, True, 2, "After work only", waits_weeks=2),
    _EntrySeed("FCN-45", 0, False, True, None, "Mornings are hard, any day ok"),
)
# Patients are taken from this far into the alphabetical list, so the waitlist
# does not show the first patients every other demo page shows.
PATIENT_OFFSET = 20


def seed_waitlist(clinic: Clinic, *, today: dt.date) -> None:
    """Five waiting patients whose preferences match free slots this week."""
    actor = Actor.system(clinic, frozenset(ALL_PERMISSIONS))
    locations = list(Location.objects.filter(clinic=clinic).order_by("pk"))
    types = {t.service_code: t for t in AppointmentType.objects.filter(clinic=clinic)}
    patients = list(
        Patient.objects.filter(clinic=clinic, is_active=True).order_by(
            "last_name", "first_name", "pk"
        )
    )
    if not locations or not patients:
        return
    for index, seed in enumerate(ENTRIES):
        kind = types.get(seed.code)
        if kind is None or kind.is_group:
            continue
        patient = patients[(PATIENT_OFFSET + index) % len(patients)]
        if WaitlistEntry.objects.filter(
            clinic=clinic, patient=patient, appointment_type=kind
        ).exists():
            continue
        location = (
            locations[seed.location % len(locations)]
            if seed.location is not None
            else None
        )
        add_to_waitlist(
            actor=actor,
            patient=patient,
            preferences=_preferences(
                actor, seed, kind, location or locations[0], location, today
            ),
        )


def _preferences(
    actor: Actor,
    seed: _EntrySeed,
    kind: AppointmentType,
    search_at: Location,
    location: Location | None,
    today: dt.date,
) -> WaitPreferences:
    """Preferences that the first free slot of the week satisfies."""
    until = (
        today + dt.timedelta(weeks=seed.waits_weeks)
        if seed.waits_weeks is not None
        else None
    )
    slots = find_slots(
        actor=actor,
        appointment_type=kind,
        location=search_at,
        start_on=today + dt.timedelta(days=1),
        days=7,
        limit=1,
    )
    if not slots:
        return WaitPreferences(
            appointment_type=kind,
            wait_from=today,
            wait_until=until,
            location=location,
            note=seed.note,
        )
    slot = slots[0]
    tz = search_at.tz
    start = slot.start_at.astimezone(tz)
    earliest = latest = None
    if seed.window_hours is not None:
        earliest = start.replace(minute=0).time()
        ends = start.replace(minute=0) + dt.timedelta(hours=seed.window_hours)
        latest = ends.time() if ends.date() == start.date() else dt.time(23, 59)
    return WaitPreferences(
        appointment_type=kind,
        wait_from=today,
        wait_until=until,
        location=location,
        providers=[slot.provider] if seed.with_provider else [],
        weekdays=[start.weekday()] if seed.with_weekday else [],
        earliest_time=earliest,
        latest_time=latest,
        note=seed.note,
    )
