"""Group classes: scheduling, the roster's capacity, attendee statuses, cancelling."""

from __future__ import annotations

import datetime as dt

import pytest

from practica.audit.models import AuditEntry
from practica.patients.tests.factories import PatientFactory
from practica.scheduling.errors import (
    InvalidBookingError,
    InvalidTransitionError,
    SlotUnavailableError,
)
from practica.scheduling.models import (
    Appointment,
    AppointmentType,
    Attendance,
    AttendanceStatus,
    RoomKind,
    StatusChange,
)
from practica.scheduling.services.classes import (
    add_attendee,
    cancel_class,
    schedule_class,
    set_attendance_status,
)
from practica.scheduling.tests.factories import (
    MONDAY,
    AppointmentTypeFactory,
    AttendanceFactory,
    RoomFactory,
    local,
    main_location,
    make_appointment,
    make_class,
    make_provider,
)
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic
from practica.tenancy.permissions import FRONT_DESK
from practica.tenancy.tests.factories import actor_for, make_member

Status = AttendanceStatus


@pytest.fixture
def desk(clinic: Clinic) -> Actor:
    return actor_for(make_member(clinic, [FRONT_DESK]))


@pytest.fixture
def pilates(clinic: Clinic) -> AppointmentType:
    return AppointmentTypeFactory(
        clinic=clinic,
        name="Pilates class",
        capacity=3,
        duration_minutes=60,
        room_kind=RoomKind.STUDIO,
    )


# --- scheduling a class ------------------------------------------------------------


def test_schedule_class_takes_a_studio_and_copies_the_capacity(
    desk: Actor, clinic: Clinic, pilates: AppointmentType
) -> None:
    # given
    provider = make_provider(clinic)
    studio = RoomFactory(clinic=clinic, name="Studio", kind=RoomKind.STUDIO)

    # when
    group = schedule_class(
        actor=desk,
        provider=provider,
        location=main_location(clinic),
        appointment_type=pilates,
        start_at=local(MONDAY, 10),
    )

    # then
    group.refresh_from_db()
    assert (group.is_group, group.patient_id, group.capacity) == (True, None, 3)
    assert (group.room, group.end_at) == (studio, local(MONDAY, 11))
    assert group.status_changes.get().to_status == Status.BOOKED
    assert AuditEntry.objects.get(object_id=str(group.pk), action="create").detail == (
        f"class provider={provider.pk} capacity=3"
    )


def test_schedule_class_refuses_a_busy_provider(
    desk: Actor, clinic: Clinic, pilates: AppointmentType
) -> None:
    # given
    provider = make_provider(clinic, display_name="Dr Lee")
    RoomFactory(clinic=clinic, kind=RoomKind.STUDIO)
    make_appointment(clinic, provider=provider, start_at=local(MONDAY, 10, 30))

    # when
    with pytest.raises(SlotUnavailableError) as caught:
        schedule_class(
            actor=desk,
            provider=provider,
            location=main_location(clinic),
            appointment_type=pilates,
            start_at=local(MONDAY, 10),
        )

    # then
    assert caught.value.message == "Dr Lee is already booked from 10:30 to 11:15."
    assert not Appointment.objects.filter(is_group=True).exists()


def test_schedule_class_refuses_a_one_patient_type(desk: Actor, clinic: Clinic) -> None:
    # given
    single = AppointmentTypeFactory(clinic=clinic, name="Assessment")

    # when
    with pytest.raises(InvalidBookingError) as caught:
        schedule_class(
            actor=desk,
            provider=make_provider(clinic),
            location=main_location(clinic),
            appointment_type=single,
            start_at=local(MONDAY, 10),
        )

    # then
    assert caught.value.message == (
        "Assessment is not a class: book it as an appointment."
    )


# --- the roster --------------------------------------------------------------------


def test_add_attendee_until_the_class_is_full(desk: Actor, clinic: Clinic) -> None:
    # given a class of three
    group = make_class(clinic, capacity=3)
    patients = [PatientFactory(clinic=clinic) for _ in range(4)]

    # when
    added = [add_attendee(actor=desk, group=group, patient=p) for p in patients[:3]]
    with pytest.raises(SlotUnavailableError) as caught:
        add_attendee(actor=desk, group=group, patient=patients[3])

    # then
    assert caught.value.message == "The class is full (3 of 3)."
    assert [a.patient for a in added] == patients[:3]
    assert Attendance.objects.filter(appointment=group).count() == 3
    change = StatusChange.objects.get(attendance=added[0])
    assert (change.from_status, change.to_status) == ("", Status.BOOKED)
    assert change.changed_by == desk.membership
    audit = AuditEntry.objects.get(object_id=str(added[0].pk), action="create")
    assert audit.patient_id == patients[0].pk


def test_add_attendee_refuses_the_same_patient_twice(
    desk: Actor, clinic: Clinic
) -> None:
    # given
    group = make_class(clinic)
    patient = PatientFactory(clinic=clinic)
    add_attendee(actor=desk, group=group, patient=patient)

    # when
    with pytest.raises(InvalidBookingError) as caught:
        add_attendee(actor=desk, group=group, patient=patient)

    # then
    assert caught.value.message == "This patient is already on the roster."
    assert Attendance.objects.filter(appointment=group).count() == 1


def test_a_cancelled_attendee_frees_the_seat_and_may_rejoin(
    desk: Actor, clinic: Clinic
) -> None:
    # given a full class of two, one of whom cancels
    group = make_class(clinic, capacity=2)
    first, second, third = (PatientFactory(clinic=clinic) for _ in range(3))
    leaving = add_attendee(actor=desk, group=group, patient=first)
    add_attendee(actor=desk, group=group, patient=second)
    set_attendance_status(actor=desk, attendance=leaving, status=Status.CANCELLED)

    # when the seat is taken, then the first patient is refused, and rejoins
    # once another leaves
    add_attendee(actor=desk, group=group, patient=third)
    with pytest.raises(SlotUnavailableError):
        add_attendee(actor=desk, group=group, patient=first)
    third_row = Attendance.objects.get(appointment=group, patient=third)
    set_attendance_status(actor=desk, attendance=third_row, status=Status.CANCELLED)
    back = add_attendee(actor=desk, group=group, patient=first)

    # then the same row is booked again, with its history
    assert back.pk == leaving.pk
    assert back.status == Status.BOOKED
    assert [c.to_status for c in StatusChange.objects.filter(attendance=back)] == [
        Status.BOOKED,
        Status.CANCELLED,
        Status.BOOKED,
    ]


def test_add_attendee_refuses_a_cancelled_class(desk: Actor, clinic: Clinic) -> None:
    # given
    group = make_class(clinic, status=Status.CANCELLED)

    # when
    with pytest.raises(InvalidTransitionError) as caught:
        add_attendee(actor=desk, group=group, patient=PatientFactory(clinic=clinic))

    # then
    assert caught.value.message == "This class is cancelled: nobody can join it."


def test_add_attendee_refuses_another_clinics_patient(
    desk: Actor, clinic: Clinic, other_clinic: Clinic
) -> None:
    # given
    group = make_class(clinic)

    # when / then
    with pytest.raises(InvalidBookingError):
        add_attendee(
            actor=desk, group=group, patient=PatientFactory(clinic=other_clinic)
        )


# --- each attendee's status -----------------------------------------------------------


def test_attendee_statuses_follow_the_allowed_transitions(
    desk: Actor, clinic: Clinic
) -> None:
    # given
    attendance = AttendanceFactory(appointment=make_class(clinic))

    # when
    for status in (Status.ARRIVED, Status.IN_SESSION, Status.COMPLETED):
        set_attendance_status(actor=desk, attendance=attendance, status=status)
    with pytest.raises(InvalidTransitionError) as caught:
        set_attendance_status(actor=desk, attendance=attendance, status=Status.NO_SHOW)

    # then
    attendance.refresh_from_db()
    assert attendance.status == Status.COMPLETED
    assert caught.value.message == ("A completed attendee cannot be marked no-show.")
    changes = StatusChange.objects.filter(attendance=attendance)
    assert [(c.from_status, c.to_status) for c in changes] == [
        (Status.BOOKED, Status.ARRIVED),
        (Status.ARRIVED, Status.IN_SESSION),
        (Status.IN_SESSION, Status.COMPLETED),
    ]
    assert (
        AuditEntry.objects.filter(
            object_id=str(attendance.pk),
            action="status",
            patient_id=attendance.patient_id,
        ).count()
        == 3
    )


def test_one_attendees_status_leaves_the_class_and_others_alone(
    desk: Actor, clinic: Clinic
) -> None:
    # given
    group = make_class(clinic)
    arriving = AttendanceFactory(appointment=group)
    staying = AttendanceFactory(appointment=group)

    # when
    set_attendance_status(actor=desk, attendance=arriving, status=Status.NO_SHOW)

    # then
    group.refresh_from_db()
    staying.refresh_from_db()
    assert (group.status, staying.status) == (Status.BOOKED, Status.BOOKED)


# --- cancelling the class ------------------------------------------------------------


def test_cancel_class_cancels_everyone_still_holding_a_seat(
    desk: Actor, clinic: Clinic
) -> None:
    # given
    group = make_class(clinic)
    booked = AttendanceFactory(appointment=group)
    already = AttendanceFactory(appointment=group, status=Status.LATE_CANCELLED)

    # when
    cancel_class(actor=desk, group=group, reason="  Instructor ill ")

    # then
    group.refresh_from_db()
    booked.refresh_from_db()
    already.refresh_from_db()
    assert (group.status, group.cancel_reason) == (Status.CANCELLED, "Instructor ill")
    assert (booked.status, already.status) == (Status.CANCELLED, Status.LATE_CANCELLED)
    change = StatusChange.objects.get(attendance=booked)
    assert (change.to_status, change.reason) == (Status.CANCELLED, "Instructor ill")
    assert not StatusChange.objects.filter(attendance=already).exists()
    assert (
        AuditEntry.objects.get(object_id=str(booked.pk), action="cancel").patient_id
        == booked.patient_id
    )


def test_cancel_class_needs_a_reason_and_an_open_class(
    desk: Actor, clinic: Clinic
) -> None:
    # given
    group = make_class(clinic)

    # when
    with pytest.raises(InvalidBookingError) as no_reason:
        cancel_class(actor=desk, group=group, reason=" ")
    cancel_class(actor=desk, group=group, reason="Closed")
    with pytest.raises(InvalidTransitionError) as twice:
        cancel_class(actor=desk, group=group, reason="Again")

    # then
    assert no_reason.value.message == "Give a reason for the cancellation."
    assert twice.value.message == "A cancelled class cannot be cancelled."


def test_a_cancelled_class_frees_the_providers_time(
    desk: Actor, clinic: Clinic, pilates: AppointmentType
) -> None:
    # given
    provider = make_provider(clinic)
    RoomFactory(clinic=clinic, kind=RoomKind.STUDIO)
    location = main_location(clinic)
    group = schedule_class(
        actor=desk,
        provider=provider,
        location=location,
        appointment_type=pilates,
        start_at=local(MONDAY, 10),
    )
    cancel_class(actor=desk, group=group, reason="Moved")

    # when
    again = schedule_class(
        actor=desk,
        provider=provider,
        location=location,
        appointment_type=pilates,
        start_at=local(MONDAY, 10) + dt.timedelta(minutes=15),
    )

    # then
    assert again.start_at == local(MONDAY, 10, 15)
