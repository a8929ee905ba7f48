"""Factories for providers, hours, appointment types and appointments.

`URL_KWARG_BUILDERS` feeds the project-wide URL tests.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from decimal import Decimal

import factory

from practica.patients.tests.factories import PatientFactory
from practica.scheduling.models import (
    Appointment,
    AppointmentSeries,
    AppointmentType,
    Attendance,
    AvailabilityException,
    CalendarFeed,
    ClinicHoliday,
    Modality,
    Provider,
    Room,
    RoomKind,
    SchedulingPolicy,
    WaitlistEntry,
    WorkingHours,
)
from practica.tenancy.models import Clinic, Location
from practica.tenancy.permissions import PROVIDER
from practica.tenancy.tests.factories import LocationFactory, make_member

TORONTO = zoneinfo.ZoneInfo("America/Toronto")
# A Monday well in the future, so "today" never interferes.
MONDAY = dt.date(2031, 3, 3)


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """An aware Toronto wall-clock time (the factories' locations use Toronto)."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TORONTO)


def main_location(clinic: Clinic) -> Location:
    """The clinic's first location, made if it has none."""
    location = Location.objects.filter(clinic=clinic).order_by("pk").first()
    return location if location is not None else LocationFactory(clinic=clinic)


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    membership = factory.LazyAttribute(lambda o: make_member(o.clinic, [PROVIDER]))
    display_name = factory.Sequence(lambda n: f"Dr Provider{n}")
    modality = Modality.PHYSIOTHERAPY
    colour = "#1f6f8b"


class WorkingHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingHours

    clinic = factory.SelfAttribute("provider.clinic")
    weekday = 0
    start_time = dt.time(9, 0)
    end_time = dt.time(17, 0)


class AppointmentTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AppointmentType

    name = factory.Sequence(lambda n: f"Assessment {n}")
    modality = Modality.PHYSIOTHERAPY
    duration_minutes = 45
    price = Decimal("100.00")
    service_code = "PT-A"


class AppointmentFactory(factory.django.DjangoModelFactory):
    """A booked appointment on MONDAY at 10:00 Toronto time.

    Give it a `clinic` (a new provider of that clinic is made) or a `provider`
    (the clinic is the provider's).
    """

    class Meta:
        model = Appointment

    clinic = factory.SelfAttribute("provider.clinic")
    location = factory.LazyAttribute(lambda o: main_location(o.clinic))
    provider = factory.SubFactory(
        ProviderFactory, clinic=factory.SelfAttribute("..clinic")
    )
    patient = factory.SubFactory(
        PatientFactory, clinic=factory.SelfAttribute("..clinic")
    )
    appointment_type = factory.SubFactory(
        AppointmentTypeFactory, clinic=factory.SelfAttribute("..clinic")
    )
    start_at = factory.LazyFunction(lambda: local(MONDAY, 10))
    end_at = factory.LazyAttribute(
        lambda o: o.start_at + dt.timedelta(minutes=o.appointment_type.duration_minutes)
    )
    busy_from = factory.LazyAttribute(
        lambda o: (
            o.start_at - dt.timedelta(minutes=o.appointment_type.buffer_before_minutes)
        )
    )
    busy_until = factory.LazyAttribute(
        lambda o: (
            o.end_at + dt.timedelta(minutes=o.appointment_type.buffer_after_minutes)
        )
    )
    status = Appointment.Status.BOOKED


class CalendarFeedFactory(factory.django.DjangoModelFactory):
    """An active feed; give it a `provider` or a `clinic`."""

    class Meta:
        model = CalendarFeed

    clinic = factory.SelfAttribute("provider.clinic")
    provider = factory.SubFactory(
        ProviderFactory, clinic=factory.SelfAttribute("..clinic")
    )


class RoomFactory(factory.django.DjangoModelFactory):
    """A treatment room at the clinic's first location."""

    class Meta:
        model = Room

    location = factory.LazyAttribute(lambda o: main_location(o.clinic))
    name = factory.Sequence(lambda n: f"Room {n}")
    kind = RoomKind.TREATMENT


class AvailabilityExceptionFactory(factory.django.DjangoModelFactory):
    """A whole-day vacation on MONDAY; give it a `provider`."""

    class Meta:
        model = AvailabilityException

    clinic = factory.SelfAttribute("provider.clinic")
    kind = AvailabilityException.Kind.VACATION
    starts_on = MONDAY
    ends_on = MONDAY


class ClinicHolidayFactory(factory.django.DjangoModelFactory):
    """The whole clinic closed on MONDAY."""

    class Meta:
        model = ClinicHoliday

    name = "Holiday"
    on = MONDAY


class SchedulingPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchedulingPolicy

    cancellation_window_hours = 24
    late_cancel_fee = Decimal("40.00")
    no_show_fee = Decimal("60.00")


class AppointmentSeriesFactory(factory.django.DjangoModelFactory):
    """A weekly series on Mondays at 10:00 (only the rule; no occurrences)."""

    class Meta:
        model = AppointmentSeries

    clinic = factory.SelfAttribute("provider.clinic")
    location = factory.LazyAttribute(lambda o: main_location(o.clinic))
    provider = factory.SubFactory(
        ProviderFactory, clinic=factory.SelfAttribute("..clinic")
    )
    patient = factory.SubFactory(
        PatientFactory, clinic=factory.SelfAttribute("..clinic")
    )
    appointment_type = factory.SubFactory(
        AppointmentTypeFactory, clinic=factory.SelfAttribute("..clinic")
    )
    rrule = "FREQ=WEEKLY;COUNT=4"
    first_start_at = factory.LazyFunction(lambda: local(MONDAY, 10))


class WaitlistEntryFactory(factory.django.DjangoModelFactory):
    """A patient waiting for any slot of a new type from MONDAY on."""

    class Meta:
        model = WaitlistEntry

    patient = factory.SubFactory(
        PatientFactory, clinic=factory.SelfAttribute("..clinic")
    )
    appointment_type = factory.SubFactory(
        AppointmentTypeFactory, clinic=factory.SelfAttribute("..clinic")
    )
    wait_from = MONDAY


def make_class(clinic: Clinic, *, capacity: int = 6, **fields: object) -> Appointment:
    """A group class (no patient of its own) on MONDAY at 10:00."""
    kind = AppointmentTypeFactory(
        clinic=clinic,
        name=f"Class {AppointmentType.objects.count()}",
        capacity=capacity,
    )
    fields.setdefault("provider", make_provider(clinic))
    group: Appointment = AppointmentFactory(
        appointment_type=kind,
        patient=None,
        is_group=True,
        capacity=capacity,
        **fields,
    )
    return group


class AttendanceFactory(factory.django.DjangoModelFactory):
    """A patient on a class's roster; give it an `appointment` (a class)."""

    class Meta:
        model = Attendance

    clinic = factory.SelfAttribute("appointment.clinic")
    patient = factory.SubFactory(
        PatientFactory, clinic=factory.SelfAttribute("..clinic")
    )


def make_provider(
    clinic: Clinic,
    *,
    location: Location | None = None,
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4),
    start: dt.time = dt.time(9, 0),
    end: dt.time = dt.time(17, 0),
    **fields: object,
) -> Provider:
    """A provider working `start`-`end` on `weekdays` at `location`."""
    provider: Provider = ProviderFactory(clinic=clinic, **fields)
    place = location or main_location(clinic)
    for weekday in weekdays:
        WorkingHoursFactory(
            provider=provider,
            location=place,
            weekday=weekday,
            start_time=start,
            end_time=end,
        )
    return provider


def make_appointment(clinic: Clinic, **fields: object) -> Appointment:
    if "provider" not in fields:
        fields["provider"] = make_provider(clinic)
    appointment: Appointment = AppointmentFactory(**fields)
    return appointment


def fill_day(clinic: Clinic, *, providers: int, per_provider: int) -> None:
    """New providers, each with back-to-back appointments from 09:00 on MONDAY."""
    for _ in range(providers):
        provider = make_provider(clinic)
        for i in range(per_provider):
            make_appointment(
                clinic,
                provider=provider,
                start_at=local(MONDAY, 9) + dt.timedelta(minutes=45 * i),
            )


def _appointment_id(clinic: Clinic) -> object:
    return make_appointment(clinic).pk


URL_KWARG_BUILDERS: dict[str, Callable[[Clinic], object]] = {
    "appointment_id": _appointment_id,
    "type_id": lambda clinic: AppointmentTypeFactory(clinic=clinic).pk,
    "feed_id": lambda clinic: CalendarFeedFactory(provider=make_provider(clinic)).pk,
    "room_id": lambda clinic: RoomFactory(clinic=clinic).pk,
    "provider_id": lambda clinic: make_provider(clinic).pk,
    "exception_id": lambda clinic: (
        AvailabilityExceptionFactory(provider=make_provider(clinic)).pk
    ),
    "holiday_id": lambda clinic: ClinicHolidayFactory(clinic=clinic).pk,
    "series_id": lambda clinic: AppointmentSeriesFactory(clinic=clinic).pk,
    "waitlist_entry_id": lambda clinic: WaitlistEntryFactory(clinic=clinic).pk,
    "class_id": lambda clinic: make_class(clinic).pk,
    "attendance_id": lambda clinic: (
        AttendanceFactory(appointment=make_class(clinic)).pk
    ),
}
