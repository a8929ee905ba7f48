"""Demo availability set-up: rooms, what each service needs, a clinic holiday,
a vacation, a sick day, an extra Saturday shift and a provider who offers only
some services.

It runs after the generator has written the clinic (locations, providers in
`PROVIDERS` order, services from `TYPES`) and goes through the set-up services,
so every change is audited like one made on the set-up page. Dates are
relative to `today`; running it twice adds nothing the second time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from practica.scheduling.models import (
    AppointmentType,
    AvailabilityException,
    ClinicHoliday,
    Provider,
    Room,
    RoomKind,
)
from practica.scheduling.services.availability_setup import (
    add_exception,
    add_holiday,
    create_room,
    update_provider,
)
from practica.scheduling.services.setup import update_appointment_type
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Location

Kind = AvailabilityException.Kind
PatientKind = AppointmentType.PatientKind
SATURDAY = 5


@dataclass(frozen=True)
class _RoomSeed:
    location: int  # index in the clinic's locations, by creation order
    name: str
    kind: str


@dataclass(frozen=True)
class _TypeSetup:
    """What a demo service (found by its code) needs and how it shows."""

    code: str
    colour: str
    room_kind: str = ""
    buffer_before: int = 0
    buffer_after: int = 0
    patient_kind: str = PatientKind.ANY
    is_online_bookable: bool = False


ROOMS = (
    _RoomSeed(0, "Treatment room 1", RoomKind.TREATMENT),
    _RoomSeed(0, "Treatment room 2", RoomKind.TREATMENT),
    _RoomSeed(0, "Gym", RoomKind.GYM),
    _RoomSeed(1, "Treatment room 3", RoomKind.TREATMENT),
    _RoomSeed(1, "Counselling room", RoomKind.COUNSELLING),
)
# Counselling and occupational therapy need no room: their providers also work
# at the location without a counselling room or gym, and would otherwise never
# be bookable there.
TYPE_SETUP = (
    _TypeSetup("PT-IA", "#1f6f8b", RoomKind.TREATMENT, patient_kind=PatientKind.NEW,
               is_online_bookable=True),
    _TypeSetup("PT-FU", "#4f9bb5", RoomKind.TREATMENT, is_online_bookable=True),
    _TypeSetup("ORTH", "#6d4c41", RoomKind.TREATMENT),
    _TypeSetup("RMT-60", "#7b1fa2", RoomKind.TREATMENT, buffer_after=10,
               is_online_bookable=True),
    _TypeSetup("RMT-90", "#9c4dcc", RoomKind.TREATMENT, buffer_after=10,
               is_online_bookable=True),
    _TypeSetup("FCN-45", "#c62828", buffer_before=5, buffer_after=5),
    _TypeSetup("CNS-50", "#ef6c00", buffer_after=10, is_online_bookable=True),
    _TypeSetup("OT-IA", "#00838f", patient_kind=PatientKind.NEW),
    _TypeSetup("OT-45", "#26a69a"),
)  # fmt: skip
# Providers by creation order (see generator.PROVIDERS).
LIMITED_PROVIDER = 0  # Emily Chen: assessments and follow-ups only, no orthotics
VACATION_PROVIDER = 1  # Marc-André Tremblay
SICK_PROVIDER = 2  # Priya Raghunathan
EXTRA_SHIFT_PROVIDER = 3  # Grace Okafor, who does not work Saturdays
LIMITED_CODES = ("PT-IA", "PT-FU")


def seed_availability(clinic: Clinic, *, today: dt.date) -> None:
    """Rooms, service needs, a holiday, time off and an extra shift."""
    actor = Actor.system(clinic, frozenset())
    locations = list(Location.objects.filter(clinic=clinic).order_by("pk"))
    providers = list(Provider.objects.filter(clinic=clinic).order_by("pk"))
    types = {t.service_code: t for t in AppointmentType.objects.filter(clinic=clinic)}
    if not locations or not providers:
        return
    _seed_rooms(actor, locations)
    _seed_types(actor, types)
    _limit_offer(actor, providers[LIMITED_PROVIDER % len(providers)], types)
    _seed_holiday(actor, today)
    _seed_time_off(actor, providers, today)
    _seed_extra_shift(
        actor, providers[EXTRA_SHIFT_PROVIDER % len(providers)], locations[0], today
    )


def _seed_rooms(actor: Actor, locations: list[Location]) -> None:
    existing = set(
        Room.objects.filter(clinic=actor.clinic).values_list("location_id", "name")
    )
    for seed in ROOMS:
        location = locations[seed.location % len(locations)]
        if (location.pk, seed.name) in existing:
            continue
        create_room(actor=actor, location=location, name=seed.name, kind=seed.kind)


def _seed_types(actor: Actor, types: dict[str, AppointmentType]) -> None:
    for setup in TYPE_SETUP:
        kind = types.get(setup.code)
        if kind is None:
            continue
        update_appointment_type(
            actor=actor,
            appointment_type=kind,
            name=kind.name,
            modality=kind.modality,
            duration_minutes=kind.duration_minutes,
            price=kind.price,
            service_code=kind.service_code,
            is_taxable=kind.is_taxable,
            is_active=kind.is_active,
            buffer_before_minutes=setup.buffer_before,
            buffer_after_minutes=setup.buffer_after,
            colour=setup.colour,
            room_kind=setup.room_kind,
            patient_kind=setup.patient_kind,
            is_online_bookable=setup.is_online_bookable,
            capacity=kind.capacity,
        )


def _limit_offer(
    actor: Actor, provider: Provider, types: dict[str, AppointmentType]
) -> None:
    offered = [types[code] for code in LIMITED_CODES if code in types]
    update_provider(
        actor=actor,
        provider=provider,
        display_name=provider.display_name,
        credentials=provider.credentials,
        colour=provider.colour,
        is_active=provider.is_active,
        offered_types=offered,
    )


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def easter(year: int) -> dt.date:
    """Western Easter Sunday (the anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * leap) // 433
    month = (h + leap - 7 * m + 90) // 25
    day = (h + leap - 7 * m + 33 * month + 19) % 32
    return dt.date(year, month, day)


def ontario_holidays(year: int) -> list[tuple[dt.date, str]]:
    """Ontario's statutory holidays (and the Civic Holiday most clinics keep)."""
    may_24 = dt.date(year, 5, 24)
    return sorted(
        [
            (dt.date(year, 1, 1), "New Year's Day"),
            (_nth_weekday(year, 2, 0, 3), "Family Day"),
            (easter(year) - dt.timedelta(days=2), "Good Friday"),
            (may_24 - dt.timedelta(days=may_24.weekday()), "Victoria Day"),
            (dt.date(year, 7, 1), "Canada Day"),
            (_nth_weekday(year, 8, 0, 1), "Civic Holiday"),
            (_nth_weekday(year, 9, 0, 1), "Labour Day"),
            (_nth_weekday(year, 10, 0, 2), "Thanksgiving"),
            (dt.date(year, 12, 25), "Christmas Day"),
            (dt.date(year, 12, 26), "Boxing Day"),
        ]
    )


def next_holiday(today: dt.date) -> tuple[dt.date, str]:
    upcoming = [
        (day, name)
        for year in (today.year, today.year + 1)
        for day, name in ontario_holidays(year)
        if day > today
    ]
    return upcoming[0]


def _seed_holiday(actor: Actor, today: dt.date) -> None:
    on, name = next_holiday(today)
    if ClinicHoliday.objects.filter(clinic=actor.clinic, on=on).exists():
        return
    add_holiday(actor=actor, name=name, on=on)


def _next_weekday(after: dt.date, weekday: int) -> dt.date:
    return after + dt.timedelta(days=(weekday - after.weekday()) % 7 or 7)


def _seed_time_off(actor: Actor, providers: list[Provider], today: dt.date) -> None:
    # A week's vacation starting on the Monday two to three weeks ahead.
    vacation_start = _next_weekday(today + dt.timedelta(days=14), 0)
    _add_once(
        actor,
        providers[VACATION_PROVIDER % len(providers)],
        kind=Kind.VACATION,
        starts_on=vacation_start,
        ends_on=vacation_start + dt.timedelta(days=6),
        note="Family trip",
    )
    # A sick day on the coming Tuesday.
    sick_day = _next_weekday(today, 1)
    _add_once(
        actor,
        providers[SICK_PROVIDER % len(providers)],
        kind=Kind.SICK,
        starts_on=sick_day,
        ends_on=sick_day,
        note="",
    )


def _add_once(
    actor: Actor,
    provider: Provider,
    *,
    kind: str,
    starts_on: dt.date,
    ends_on: dt.date,
    note: str,
    start_time: dt.time | None = None,
    end_time: dt.time | None = None,
    location: Location | None = None,
) -> None:
    if AvailabilityException.objects.filter(
        clinic=actor.clinic, provider=provider, kind=kind, starts_on=starts_on
    ).exists():
        return
    add_exception(
        actor=actor,
        provider=provider,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        start_time=start_time,
        end_time=end_time,
        location=location,
        note=note,
    )


def _seed_extra_shift(
    actor: Actor, provider: Provider, location: Location, today: dt.date
) -> None:
    saturday = _next_weekday(today + dt.timedelta(days=7), SATURDAY)
    _add_once(
        actor,
        provider,
        kind=Kind.EXTRA_SHIFT,
        starts_on=saturday,
        ends_on=saturday,
        start_time=dt.time(9),
        end_time=dt.time(13),
        location=location,
        note="Saturday foot care clinic",
    )
