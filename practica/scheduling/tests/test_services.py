from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from practica.audit.models import AuditEntry
from practica.patients.tests.factories import PatientFactory
from practica.scheduling.errors import (
    InvalidBookingError,
    InvalidTransitionError,
    OutsideWorkingHoursError,
    SlotUnavailableError,
)
from practica.scheduling.models import Appointment, Modality, WorkingHours
from practica.scheduling.services import (
    book_appointment,
    cancel_appointment,
    create_appointment_type,
    ensure_provider,
    move_appointment,
    set_status,
    set_working_hours,
)
from practica.scheduling.tests.factories import (
    MONDAY,
    AppointmentTypeFactory,
    local,
    main_location,
    make_appointment,
    make_provider,
)
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic
from practica.tenancy.permissions import FRONT_DESK, PROVIDER
from practica.tenancy.tests.factories import actor_for, make_member

Status = Appointment.Status


@pytest.fixture
def desk(clinic: Clinic) -> Actor:
    return actor_for(make_member(clinic, [FRONT_DESK]))


def _book(actor: Actor, clinic: Clinic, **overrides: object) -> Appointment:
    provider = overrides.pop("provider", None) or make_provider(
        clinic, display_name="Dr Lee"
    )
    args: dict[str, object] = {
        "actor": actor,
        "patient": PatientFactory(clinic=clinic),
        "provider": provider,
        "location": main_location(clinic),
        "appointment_type": AppointmentTypeFactory(clinic=clinic),
        "start_at": local(MONDAY, 10),
    }
    args.update(overrides)
    return book_appointment(**args)  # type: ignore[arg-type]


def test_book_appointment_sets_end_from_duration_and_audits(
    desk: Actor, clinic: Clinic
) -> None:
    # given / when
    appointment = _book(desk, clinic)

    # then
    assert appointment.end_at == local(MONDAY, 10, 45)
    assert appointment.status == Status.BOOKED
    assert appointment.status_changed_at is not None
    entry = AuditEntry.objects.get(object_id=str(appointment.pk), action="create")
    assert entry.patient_id == appointment.patient_id
    assert entry.user_id == desk.user.pk  # type: ignore[union-attr]


def test_overlapping_booking_is_refused_with_the_clash_named(
    desk: Actor, clinic: Clinic
) -> None:
    # given
    provider = make_provider(clinic, display_name="Dr Lee")
    _book(desk, clinic, provider=provider)

    # when
    with pytest.raises(SlotUnavailableError) as caught:
        _book(desk, clinic, provider=provider, start_at=local(MONDAY, 10, 30))

    # then
    assert caught.value.message == "Dr Lee is already booked from 10:00 to 10:45."
    assert Appointment.objects.filter(provider=provider).count() == 1


def test_booking_that_starts_when_another_ends_is_allowed(
    desk: Actor, clinic: Clinic
) -> None:
    # given
    provider = make_provider(clinic)
    first = _book(desk, clinic, provider=provider)

    # when
    second = _book(desk, clinic, provider=provider, start_at=first.end_at)

    # then
    assert second.start_at == local(MONDAY, 10, 45)
    assert Appointment.objects.filter(provider=provider).count() == 2


def test_other_provider_may_book_the_same_time(desk: Actor, clinic: Clinic) -> None:
    # given
    _book(desk, clinic)

    # when
    other = _book(desk, clinic, provider=make_provider(clinic))

    # then
    assert other.start_at == local(MONDAY, 10)


@pytest.mark.parametrize("released", [Status.CANCELLED, Status.NO_SHOW])
def test_released_appointment_frees_the_slot(
    desk: Actor, clinic: Clinic, released: str
) -> None:
    # given
    provider = make_provider(clinic)
    make_appointment(clinic, provider=provider, status=released)

    # when
    appointment = _book(desk, clinic, provider=provider)

    # then
    assert appointment.status == Status.BOOKED


def test_cancelling_frees_the_slot_for_a_new_booking(
    desk: Actor, clinic: Clinic
) -> None:
    # given
    provider = make_provider(clinic)
    first = _book(desk, clinic, provider=provider)
    cancel_appointment(actor=desk, appointment=first, reason="Patient ill")

    # when
    second = _book(desk, clinic, provider=provider)

    # then
    assert second.start_at == first.start_at


@pytest.mark.parametrize(
    ("start", "weekday_text"),
    [
        (local(MONDAY, 8, 30), "Monday from 08:30 to 09:15"),
        (local(MONDAY, 16, 30), "Monday from 16:30 to 17:15"),
        (local(MONDAY + dt.timedelta(days=5), 10), "Saturday from 10:00 to 10:45"),
    ],
)
def test_booking_outside_working_hours_is_refused(
    desk: Actor, clinic: Clinic, start: dt.datetime, weekday_text: str
) -> None:
    # given
    provider = make_provider(clinic, display_name="Dr Lee")

    # when
    with pytest.raises(OutsideWorkingHoursError) as caught:
        _book(desk, clinic, provider=provider, start_at=start)

    # then
    assert caught.value.message == f"Dr Lee does not work at Main on {weekday_text}."
    assert Appointment.objects.count() == 0


def test_booking_outside_hours_is_allowed_when_asked(
    desk: Actor, clinic: Clinic
) -> None:
    # given
    provider = make_provider(clinic)

    # when
    appointment = _book(
        desk,
        clinic,
        provider=provider,
        start_at=local(MONDAY, 18),
        allow_outside_hours=True,
    )

    # then
    assert appointment.start_at == local(MONDAY, 18)


def test_booking_at_the_last_minute_of_hours_fits(desk: Actor, clinic: Clinic) -> None:
    # given
    provider = make_provider(clinic)

    # when
    appointment = _book(desk, clinic, provider=provider, start_at=local(MONDAY, 16, 15))

    # then
    assert appointment.end_at == local(MONDAY, 17)


def test_booking_with_a_patient_of_another_clinic_is_refused(
    desk: Actor, clinic: Clinic, other_clinic: Clinic
) -> None:
    # when
    with pytest.raises(InvalidBookingError):
        _book(desk, clinic, patient=PatientFactory(clinic=other_clinic))

    # then
    assert Appointment.objects.count() == 0


def test_naive_start_is_refused(desk: Actor, clinic: Clinic) -> None:
    with pytest.raises(InvalidBookingError):
        _book(desk, clinic, start_at=dt.datetime(2031, 3, 3, 10, 0))  # noqa: DTZ001


def test_move_appointment_keeps_length_and_ignores_itself(
    desk: Actor, clinic: Clinic
) -> None:
    # given
    appointment = _book(desk, clinic)

    # when: a move overlapping its own old time is fine
    moved = move_appointment(
        actor=desk, appointment=appointment, start_at=local(MONDAY, 10, 30)
    )

    # then
    assert moved.start_at == local(MONDAY, 10, 30)
    assert moved.end_at == local(MONDAY, 11, 15)
    entry = AuditEntry.objects.get(object_id=str(appointment.pk), action="update")
    assert entry.patient_id == appointment.patient_id


def test_move_onto_another_booking_is_refused(desk: Actor, clinic: Clinic) -> None:
    # given
    provider = make_provider(clinic, display_name="Dr Lee")
    _book(desk, clinic, provider=provider)
    later = _book(desk, clinic, provider=provider, start_at=local(MONDAY, 14))

    # when
    with pytest.raises(SlotUnavailableError) as caught:
        move_appointment(actor=desk, appointment=later, start_at=local(MONDAY, 10, 15))

    # then
    assert caught.value.message == "Dr Lee is already booked from 10:00 to 10:45."
    later.refresh_from_db()
    assert later.start_at == local(MONDAY, 14)


def test_move_to_another_provider_checks_their_hours(
    desk: Actor, clinic: Clinic
) -> None:
    # given
    appointment = _book(desk, clinic)
    morning_only = make_provider(
        clinic, display_name="Dr Ng", start=dt.time(8), end=dt.time(12)
    )

    # when
    with pytest.raises(OutsideWorkingHoursError):
        move_appointment(
            actor=desk,
            appointment=appointment,
            start_at=local(MONDAY, 13),
            provider=morning_only,
        )
    moved = move_appointment(
        actor=desk,
        appointment=appointment,
        start_at=local(MONDAY, 11),
        provider=morning_only,
    )

    # then
    assert moved.provider == morning_only


def test_only_booked_appointments_move(desk: Actor, clinic: Clinic) -> None:
    # given
    appointment = make_appointment(clinic, status=Status.ARRIVED)

    # when / then
    with pytest.raises(InvalidTransitionError):
        move_appointment(
            actor=desk, appointment=appointment, start_at=local(MONDAY, 11)
        )


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (Status.BOOKED, Status.ARRIVED),
        (Status.BOOKED, Status.NO_SHOW),
        (Status.BOOKED, Status.CANCELLED),
        (Status.ARRIVED, Status.COMPLETED),
        (Status.ARRIVED, Status.BOOKED),
        (Status.COMPLETED, Status.ARRIVED),
    ],
)
def test_allowed_status_transitions(
    desk: Actor, clinic: Clinic, start: str, end: str
) -> None:
    # given
    appointment = make_appointment(clinic, status=start)

    # when
    changed = set_status(actor=desk, appointment=appointment, status=end)

    # then
    changed.refresh_from_db()
    assert changed.status == end
    assert changed.status_changed_at is not None
    entry = AuditEntry.objects.get(object_id=str(appointment.pk), action="status")
    assert entry.detail == f"{start}->{end}"
    assert entry.patient_id == appointment.patient_id


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (Status.BOOKED, Status.COMPLETED),
        (Status.ARRIVED, Status.NO_SHOW),
        (Status.COMPLETED, Status.BOOKED),
        (Status.CANCELLED, Status.BOOKED),
        (Status.NO_SHOW, Status.ARRIVED),
        (Status.BOOKED, "bogus"),
    ],
)
def test_refused_status_transitions(
    desk: Actor, clinic: Clinic, start: str, end: str
) -> None:
    # given
    appointment = make_appointment(clinic, status=start)

    # when
    with pytest.raises(InvalidTransitionError):
        set_status(actor=desk, appointment=appointment, status=end)

    # then
    appointment.refresh_from_db()
    assert appointment.status == start
    assert not AuditEntry.objects.filter(action="status").exists()


def test_cancel_records_reason_and_audits(desk: Actor, clinic: Clinic) -> None:
    # given
    appointment = make_appointment(clinic)

    # when
    cancel_appointment(actor=desk, appointment=appointment, reason="  Snow day ")

    # then
    appointment.refresh_from_db()
    assert appointment.status == Status.CANCELLED
    assert appointment.cancel_reason == "Snow day"
    entry = AuditEntry.objects.get(object_id=str(appointment.pk), action="cancel")
    assert entry.detail == "booked->cancelled"


def test_cancel_needs_a_reason(desk: Actor, clinic: Clinic) -> None:
    # given
    appointment = make_appointment(clinic)

    # when
    with pytest.raises(InvalidBookingError):
        cancel_appointment(actor=desk, appointment=appointment, reason="  ")

    # then
    appointment.refresh_from_db()
    assert appointment.status == Status.BOOKED


def test_completed_appointment_cannot_be_cancelled(desk: Actor, clinic: Clinic) -> None:
    appointment = make_appointment(clinic, status=Status.COMPLETED)
    with pytest.raises(InvalidTransitionError):
        cancel_appointment(actor=desk, appointment=appointment, reason="Late")


def test_ensure_provider_creates_then_updates(clinic: Clinic) -> None:
    # given
    membership = make_member(clinic, [PROVIDER])

    # when
    first = ensure_provider(
        clinic=clinic,
        membership=membership,
        display_name="Dr Lee",
        modality=Modality.PHYSIOTHERAPY,
        colour="#aa3366",
    )
    second = ensure_provider(
        clinic=clinic,
        membership=membership,
        display_name="Dr Lee-Smith",
        modality=Modality.PHYSIOTHERAPY,
        colour="#aa3366",
    )

    # then
    assert first.pk == second.pk
    second.refresh_from_db()
    assert second.display_name == "Dr Lee-Smith"
    assert (
        AuditEntry.objects.filter(
            object_type="scheduling.provider", object_id=str(first.pk)
        ).count()
        == 2
    )


def test_set_working_hours_replaces_the_day(clinic: Clinic) -> None:
    # given
    provider = make_provider(clinic, weekdays=(0,))
    location = main_location(clinic)

    # when
    rows = set_working_hours(
        clinic=clinic,
        provider=provider,
        location=location,
        weekday=0,
        blocks=[(dt.time(13), dt.time(17)), (dt.time(8), dt.time(12))],
    )

    # then
    assert [(r.start_time, r.end_time) for r in rows] == [
        (dt.time(8), dt.time(12)),
        (dt.time(13), dt.time(17)),
    ]
    assert WorkingHours.objects.filter(provider=provider).count() == 2


def test_set_working_hours_refuses_backwards_block(clinic: Clinic) -> None:
    provider = make_provider(clinic, weekdays=(0,))
    with pytest.raises(InvalidBookingError):
        set_working_hours(
            clinic=clinic,
            provider=provider,
            location=main_location(clinic),
            weekday=0,
            blocks=[(dt.time(17), dt.time(9))],
        )
    assert WorkingHours.objects.filter(provider=provider).count() == 1


def test_create_appointment_type(clinic: Clinic) -> None:
    # when
    created = create_appointment_type(
        clinic=clinic,
        name="Foot care visit",
        modality=Modality.FOOT_CARE,
        duration_minutes=30,
        price=Decimal("60.00"),
        service_code="FC-1",
    )

    # then
    assert created.price == Decimal("60.00")
    assert (
        AuditEntry.objects.filter(
            object_type="scheduling.appointmenttype", action="create"
        ).count()
        == 1
    )
