"""Set-up services refuse what does not fit, write nothing then, and audit
every change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from practica.audit.models import AuditEntry
from practica.scheduling.errors import InvalidBookingError
from practica.scheduling.models import (
    AppointmentType,
    AvailabilityException,
    ClinicHoliday,
    Room,
)
from practica.scheduling.services.availability_setup import (
    add_exception,
    add_holiday,
    create_room,
    delete_exception,
    delete_holiday,
    update_provider,
    update_room,
)
from practica.scheduling.services.setup import (
    create_appointment_type,
    update_appointment_type,
)
from practica.scheduling.tests.factories import (
    MONDAY,
    AppointmentTypeFactory,
    AvailabilityExceptionFactory,
    ClinicHolidayFactory,
    RoomFactory,
    main_location,
    make_provider,
)
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic
from practica.tenancy.tests.factories import LocationFactory

pytestmark = pytest.mark.django_db

Kind = AvailabilityException.Kind


def test_create_room_records_the_change(system_actor: Actor, clinic: Clinic) -> None:
    # when
    room = create_room(
        actor=system_actor, location=main_location(clinic), name="Gym", kind="gym"
    )
    # then
    entry = AuditEntry.objects.get(object_id=str(room.pk))
    assert (entry.action, entry.object_type, entry.patient_id) == (
        "create",
        "scheduling.room",
        None,
    )


def test_room_at_another_clinics_location_is_refused(
    system_actor: Actor, other_clinic: Clinic
) -> None:
    # when / then
    with pytest.raises(InvalidBookingError, match="does not belong to this clinic"):
        create_room(
            actor=system_actor,
            location=main_location(other_clinic),
            name="Gym",
            kind="gym",
        )
    assert not Room.objects.exists()


def test_room_of_unknown_kind_is_refused(system_actor: Actor, clinic: Clinic) -> None:
    with pytest.raises(InvalidBookingError, match="kind of room"):
        create_room(
            actor=system_actor, location=main_location(clinic), name="X", kind="spa"
        )
    assert not Room.objects.exists()


def test_update_room_retires_it(system_actor: Actor, clinic: Clinic) -> None:
    # given
    room = RoomFactory(clinic=clinic)
    # when
    update_room(
        actor=system_actor,
        room=room,
        location=room.location,
        name=room.name,
        kind=room.kind,
        is_active=False,
    )
    # then
    room.refresh_from_db()
    assert room.is_active is False
    assert AuditEntry.objects.get(object_id=str(room.pk)).detail == "active=False"


def test_update_another_clinics_room_is_refused(
    system_actor: Actor, other_clinic: Clinic
) -> None:
    # given
    room = RoomFactory(clinic=other_clinic, name="Theirs")
    # when / then
    with pytest.raises(InvalidBookingError):
        update_room(
            actor=system_actor,
            room=room,
            location=room.location,
            name="Mine",
            kind=room.kind,
            is_active=True,
        )
    room.refresh_from_db()
    assert room.name == "Theirs"


def test_update_provider_sets_and_clears_offered_types(
    system_actor: Actor, clinic: Clinic
) -> None:
    # given
    provider = make_provider(clinic)
    kinds = [AppointmentTypeFactory(clinic=clinic) for _ in range(2)]
    # when
    update_provider(
        actor=system_actor,
        provider=provider,
        display_name="Dr A",
        credentials="PT",
        colour="#ABCDEF",
        is_active=False,
        offered_types=kinds,
    )
    offered = sorted(provider.offered_types.values_list("pk", flat=True))
    update_provider(
        actor=system_actor,
        provider=provider,
        display_name="Dr A",
        credentials="PT",
        colour="#abcdef",
        is_active=True,
        offered_types=[],
    )
    # then
    provider.refresh_from_db()
    assert offered == sorted(k.pk for k in kinds)
    assert not provider.offered_types.exists()
    assert (provider.colour, provider.is_active) == ("#abcdef", True)
    assert AuditEntry.objects.filter(object_id=str(provider.pk)).count() == 2


def test_update_provider_refuses_another_clinics_type(
    system_actor: Actor, clinic: Clinic, other_clinic: Clinic
) -> None:
    # given
    provider = make_provider(clinic)
    foreign = AppointmentTypeFactory(clinic=other_clinic)
    # when / then
    with pytest.raises(InvalidBookingError):
        update_provider(
            actor=system_actor,
            provider=provider,
            display_name="Dr A",
            credentials="",
            colour="#1f6f8b",
            is_active=True,
            offered_types=[foreign],
        )
    assert not provider.offered_types.exists()


def test_update_provider_refuses_a_bad_colour(
    system_actor: Actor, clinic: Clinic
) -> None:
    provider = make_provider(clinic)
    with pytest.raises(InvalidBookingError, match="colour"):
        update_provider(
            actor=system_actor,
            provider=provider,
            display_name="Dr A",
            credentials="",
            colour="orange",
            is_active=True,
            offered_types=[],
        )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"ends_on": MONDAY - dt.timedelta(days=1)}, "last day cannot be before"),
        ({"start_time": dt.time(9)}, "Give both times"),
        (
            {"start_time": dt.time(12), "end_time": dt.time(9)},
            "end time must be after",
        ),
        ({"kind": Kind.EXTRA_SHIFT}, "needs a location and its times"),
        (
            {
                "kind": Kind.EXTRA_SHIFT,
                "start_time": dt.time(9),
                "end_time": dt.time(12),
            },
            "needs a location and its times",
        ),
        ({"kind": "holiday"}, "what kind of exception"),
    ],
)
def test_add_exception_refuses_what_does_not_fit(
    system_actor: Actor, clinic: Clinic, fields: dict[str, object], message: str
) -> None:
    # given
    provider = make_provider(clinic)
    values: dict[str, object] = {
        "kind": Kind.VACATION,
        "starts_on": MONDAY,
        "ends_on": MONDAY,
        **fields,
    }
    # when / then
    with pytest.raises(InvalidBookingError, match=message):
        add_exception(actor=system_actor, provider=provider, **values)  # type: ignore[arg-type]
    assert not AvailabilityException.objects.exists()


def test_add_exception_at_another_clinics_location_is_refused(
    system_actor: Actor, clinic: Clinic, other_clinic: Clinic
) -> None:
    with pytest.raises(InvalidBookingError):
        add_exception(
            actor=system_actor,
            provider=make_provider(clinic),
            kind=Kind.EXTRA_SHIFT,
            starts_on=MONDAY,
            ends_on=MONDAY,
            start_time=dt.time(9),
            end_time=dt.time(12),
            location=main_location(other_clinic),
        )
    assert not AvailabilityException.objects.exists()


def test_delete_exception_records_then_deletes(
    system_actor: Actor, clinic: Clinic
) -> None:
    # given
    exception = AvailabilityExceptionFactory(provider=make_provider(clinic))
    pk = exception.pk
    # when
    delete_exception(actor=system_actor, exception=exception)
    # then
    assert not AvailabilityException.objects.filter(pk=pk).exists()
    assert AuditEntry.objects.get(object_id=str(pk)).action == "delete"


def test_holiday_clashes(system_actor: Actor, clinic: Clinic) -> None:
    # given a clinic-wide holiday on MONDAY and a local one on Tuesday
    west = LocationFactory(clinic=clinic, name="West")
    tuesday = MONDAY + dt.timedelta(days=1)
    ClinicHolidayFactory(clinic=clinic, on=MONDAY)
    add_holiday(actor=system_actor, name="Fair", on=tuesday, location=west)
    # when / then: nothing more on MONDAY; Tuesday's other location is free
    with pytest.raises(InvalidBookingError, match="already a holiday"):
        add_holiday(actor=system_actor, name="Again", on=MONDAY, location=west)
    with pytest.raises(InvalidBookingError, match="already has a holiday"):
        add_holiday(actor=system_actor, name="Fair 2", on=tuesday, location=west)
    add_holiday(
        actor=system_actor, name="Other", on=tuesday, location=main_location(clinic)
    )
    assert ClinicHoliday.objects.filter(clinic=clinic).count() == 3


def test_delete_holiday_of_another_clinic_is_refused(
    system_actor: Actor, other_clinic: Clinic
) -> None:
    holiday = ClinicHolidayFactory(clinic=other_clinic)
    with pytest.raises(InvalidBookingError):
        delete_holiday(actor=system_actor, holiday=holiday)
    assert ClinicHoliday.objects.filter(pk=holiday.pk).exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"buffer_before_minutes": 121}, "buffer must be 0 to 120"),
        ({"buffer_after_minutes": -5}, "buffer must be 0 to 120"),
        ({"colour": "#fff"}, "colour must look like"),
        ({"capacity": 0}, "capacity must be 1 to 100"),
        ({"room_kind": "spa"}, "kind of room"),
        ({"patient_kind": "vip"}, "which patients"),
    ],
)
def test_create_appointment_type_checks_the_new_fields(
    clinic: Clinic, fields: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidBookingError, match=message):
        create_appointment_type(
            clinic=clinic,
            name="Massage",
            modality="massage",
            duration_minutes=60,
            price=Decimal("100"),
            **fields,  # type: ignore[arg-type]
        )
    assert not AppointmentType.objects.exists()


def test_update_appointment_type_sets_the_new_fields(
    system_actor: Actor, clinic: Clinic
) -> None:
    # given
    kind = AppointmentTypeFactory(clinic=clinic)
    # when
    update_appointment_type(
        actor=system_actor,
        appointment_type=kind,
        name=kind.name,
        modality=kind.modality,
        duration_minutes=50,
        price=Decimal("80.00"),
        service_code="",
        is_taxable=False,
        is_active=True,
        buffer_before_minutes=5,
        buffer_after_minutes=10,
        colour="#00FF00",
        room_kind="gym",
        patient_kind="new",
        is_online_bookable=True,
        capacity=6,
    )
    # then
    kind.refresh_from_db()
    assert (
        kind.buffer_before_minutes,
        kind.buffer_after_minutes,
        kind.colour,
        kind.room_kind,
        kind.patient_kind,
        kind.is_online_bookable,
        kind.capacity,
    ) == (5, 10, "#00ff00", "gym", "new", True, 6)
