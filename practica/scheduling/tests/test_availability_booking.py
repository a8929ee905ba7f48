"""Booking and moving go through the availability engine's checks."""

from __future__ import annotations

import datetime as dt

import pytest

from practica.patients.tests.factories import PatientFactory
from practica.scheduling.errors import (
    OutsideWorkingHoursError,
    SlotUnavailableError,
    TypeNotOfferedError,
)
from practica.scheduling.models import Appointment, AvailabilityException, RoomKind
from practica.scheduling.services.appointments import (
    book_appointment,
    move_appointment,
)
from practica.scheduling.tests.factories import (
    MONDAY,
    AppointmentTypeFactory,
    AvailabilityExceptionFactory,
    ClinicHolidayFactory,
    RoomFactory,
    local,
    main_location,
    make_provider,
)
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic
from practica.tenancy.permissions import FRONT_DESK
from practica.tenancy.tests.factories import LocationFactory, actor_for, make_member

Kind = AvailabilityException.Kind
TUESDAY = MONDAY + dt.timedelta(days=1)
SATURDAY = MONDAY + dt.timedelta(days=5)


@pytest.fixture
def desk(clinic: Clinic) -> Actor:
    return actor_for(make_member(clinic, [FRONT_DESK]))


def _book(actor: Actor, clinic: Clinic, **overrides: object) -> Appointment:
    args: dict[str, object] = {
        "actor": actor,
        "patient": PatientFactory(clinic=clinic),
        "location": main_location(clinic),
        "start_at": local(MONDAY, 10),
    }
    args.update(overrides)
    if "provider" not in args:
        args["provider"] = make_provider(clinic, display_name="Dr Lee")
    if "appointment_type" not in args:
        args["appointment_type"] = AppointmentTypeFactory(clinic=clinic)
    return book_appointment(**args)  # type: ignore[arg-type]


def test_booking_on_a_clinic_holiday_is_refused_with_its_name(
    desk: Actor, clinic: Clinic
) -> None:
    # given
    ClinicHolidayFactory(clinic=clinic, name="Family Day", on=MONDAY)

    # when
    with pytest.raises(OutsideWorkingHoursError) as caught:
        _book(desk, clinic)

    # then
    assert (
        caught.value.message == "The clinic is closed on Monday 3 March (Family Day)."
    )
    assert Appointment.objects.count() == 0


def test_booking_on_a_location_holiday_names_the_location(
    desk: Actor, clinic: Clinic
) -> None:
    # given
    ClinicHolidayFactory(
        clinic=clinic, name="Renovation", on=MONDAY, location=main_location(clinic)
    )

    # when
    with pytest.raises(OutsideWorkingHoursError) as caught:
        _book(desk, clinic)

    # then
    assert caught.value.message == "Main is closed on Monday 3 March (Renovation)."


def test_a_holiday_at_another_location_does_not_close_this_one(
    desk: Actor, clinic: Clinic
) -> None:
    # given
    uptown = LocationFactory(clinic=clinic, name="Uptown")
    ClinicHolidayFactory(clinic=clinic, on=MONDAY, location=uptown)

    # when
    appointment = _book(desk, clinic)

    # then
    assert appointment.start_at == local(MONDAY, 10)


@pytest.mark.parametrize(
    ("kind", "times", "message"),
    [
        (Kind.VACATION, None, "Dr Lee is on vacation on Tuesday 4 March."),
        (Kind.SICK, None, "Dr Lee is off sick on Tuesday 4 March."),
        (
            Kind.UNAVAILABLE,
            (dt.time(9, 30), dt.time(10, 30)),
            "Dr Lee is unavailable on Tuesday 4 March from 09:30 to 10:30.",
        ),
    ],
)
def test_booking_on_time_off_is_refused_with_the_reason(
    desk: Actor,
    clinic: Clinic,
    kind: str,
    times: tuple[dt.time, dt.time] | None,
    message: str,
) -> None:
    # given
    provider = make_provider(clinic, display_name="Dr Lee")
    AvailabilityExceptionFactory(
        provider=provider,
        kind=kind,
        starts_on=TUESDAY,
        ends_on=TUESDAY,
        start_time=times[0] if times else None,
        end_time=times[1] if times else None,
    )

    # when
    with pytest.raises(OutsideWorkingHoursError) as caught:
        _book(desk, clinic, provider=provider, start_at=local(TUESDAY, 10))

    # then
    assert caught.value.message == message
    assert Appointment.objects.count() == 0


def test_part_day_time_off_leaves_the_rest_of_the_day_bookable(
    desk: Actor, clinic: Clinic
) -> None:
    # given
    provider = make_provider(clinic, display_name="Dr Lee")
    AvailabilityExceptionFactory(
        provider=provider,
        kind=Kind.UNAVAILABLE,
        start_time=dt.time(9),
        end_time=dt.time(10),
    )

    # when
    appointment = _book(desk, clinic, provider=provider)

    # then
    assert appointment.start_at == local(MONDAY, 10)


def test_the_front_desk_may_book_on_time_off_deliberately(
    desk: Actor, clinic: Clinic
) -> None:
    # given
    provider = make_provider(clinic, display_name="Dr Lee")
    AvailabilityExceptionFactory(provider=provider)

    # when
    appointment = _book(desk, clinic, provider=provider, allow_outside_hours=True)

    # then
    assert appointment.start_at == local(MONDAY, 10)


def test_an_extra_shift_makes_a_saturday_bookable(desk: Actor, clinic: Clinic) -> None:
    # given
    provider = make_provider(clinic, display_name="Dr Lee")
    AvailabilityExceptionFactory(
        provider=provider,
        kind=Kind.EXTRA_SHIFT,
        location=main_location(clinic),
        starts_on=SATURDAY,
        ends_on=SATURDAY,
        start_time=dt.time(9),
        end_time=dt.time(12),
    )

    # when
    appointment = _book(desk, clinic, provider=provider, start_at=local(SATURDAY, 11))

    # then
    assert appointment.end_at == local(SATURDAY, 11, 45)


def test_a_type_the_provider_does_not_offer_is_refused_even_outside_hours(
    desk: Actor, clinic: Clinic
) -> None:
    # given
    provider = make_provider(clinic, display_name="Dr Lee")
    provider.offered_types.add(AppointmentTypeFactory(clinic=clinic))
    massage = AppointmentTypeFactory(clinic=clinic, name="Massage 60")

    # when
    with pytest.raises(TypeNotOfferedError) as caught:
        _book(
            desk,
            clinic,
            provider=provider,
            appointment_type=massage,
            allow_outside_hours=True,
        )

    # then
    assert caught.value.message == "Dr Lee does not offer Massage 60."
    assert Appointment.objects.count() == 0


def test_booking_picks_a_free_room_of_the_kind_then_refuses_when_all_are_taken(
    desk: Actor, clinic: Clinic
) -> None:
    # given
    room_a = RoomFactory(clinic=clinic, name="Room A", kind=RoomKind.TREATMENT)
    room_b = RoomFactory(clinic=clinic, name="Room B", kind=RoomKind.TREATMENT)
    kind = AppointmentTypeFactory(clinic=clinic, room_kind=RoomKind.TREATMENT)

    # when
    first = _book(desk, clinic, appointment_type=kind)
    second = _book(desk, clinic, appointment_type=kind)
    with pytest.raises(SlotUnavailableError) as caught:
        _book(desk, clinic, appointment_type=kind)

    # then
    assert (first.room, second.room) == (room_a, room_b)
    assert caught.value.message == "No treatment room is free at Main at that time."
    assert Appointment.objects.count() == 2


def test_moving_onto_a_vacation_day_is_refused_with_the_reason(
    desk: Actor, clinic: Clinic
) -> None:
    # given
    provider = make_provider(clinic, display_name="Dr Lee")
    appointment = _book(desk, clinic, provider=provider)
    AvailabilityExceptionFactory(provider=provider, starts_on=TUESDAY, ends_on=TUESDAY)

    # when
    with pytest.raises(OutsideWorkingHoursError) as caught:
        move_appointment(
            actor=desk, appointment=appointment, start_at=local(TUESDAY, 10)
        )

    # then
    assert caught.value.message == "Dr Lee is on vacation on Tuesday 4 March."
    appointment.refresh_from_db()
    assert appointment.start_at == local(MONDAY, 10)


def test_moving_to_a_provider_who_does_not_offer_the_type_is_refused(
    desk: Actor, clinic: Clinic
) -> None:
    # given
    appointment = _book(desk, clinic)
    other = make_provider(clinic, display_name="Dr Ng")
    other.offered_types.add(AppointmentTypeFactory(clinic=clinic, name="Other"))

    # when
    with pytest.raises(TypeNotOfferedError):
        move_appointment(
            actor=desk,
            appointment=appointment,
            start_at=local(MONDAY, 11),
            provider=other,
            allow_outside_hours=True,
        )

    # then
    appointment.refresh_from_db()
    assert appointment.provider.display_name == "Dr Lee"
