"""The class pages: list, scheduling, the roster page and its actions."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from practica.audit.models import AuditEntry
from practica.patients.tests.factories import PatientFactory
from practica.scheduling.models import (
    Appointment,
    AppointmentType,
    Attendance,
    AttendanceStatus,
    RoomKind,
)
from practica.scheduling.tests.factories import (
    MONDAY,
    AppointmentTypeFactory,
    AttendanceFactory,
    RoomFactory,
    local,
    main_location,
    make_class,
    make_provider,
)
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import BILLING, FRONT_DESK
from practica.tenancy.tests.factories import make_member

ClientFor = Callable[[Membership], Client]
Status = AttendanceStatus
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def desk(clinic: Clinic) -> Membership:
    return make_member(clinic, [FRONT_DESK])


@pytest.fixture
def desk_client(desk: Membership, client_for: ClientFor) -> Client:
    return client_for(desk)


@pytest.fixture
def pilates(clinic: Clinic) -> AppointmentType:
    return AppointmentTypeFactory(
        clinic=clinic,
        name="Pilates class",
        capacity=8,
        duration_minutes=60,
        room_kind=RoomKind.STUDIO,
    )


def _detail(group: Appointment) -> str:
    return reverse("scheduling:class-detail", args=[group.pk])


# --- list and scheduling -----------------------------------------------------------


def test_class_list_shows_places_taken(clinic: Clinic, desk_client: Client) -> None:
    # given a class of 8 with two on the roster and one who cancelled
    group = make_class(clinic, capacity=8)
    AttendanceFactory(appointment=group)
    AttendanceFactory(appointment=group)
    AttendanceFactory(appointment=group, status=Status.CANCELLED)

    # when
    response = desk_client.get(reverse("scheduling:class-list"))

    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "2 of 8" in body
    assert _detail(group) in body


def test_schedule_a_class_from_the_form(
    clinic: Clinic, desk_client: Client, pilates: AppointmentType
) -> None:
    # given
    provider = make_provider(clinic)
    studio = RoomFactory(clinic=clinic, kind=RoomKind.STUDIO)

    # when
    response = desk_client.post(
        reverse("scheduling:class-create"),
        {
            "appointment_type": pilates.pk,
            "provider": provider.pk,
            "location": main_location(clinic).pk,
            "date": "2031-03-03",
            "start_time": "10:00",
        },
    )

    # then
    group = Appointment.objects.get(is_group=True)
    assert response.status_code == 302
    assert response["Location"] == _detail(group)
    assert (group.capacity, group.room, group.start_at) == (
        8,
        studio,
        local(MONDAY, 10),
    )


def test_schedule_a_class_offers_only_class_types(
    clinic: Clinic, desk_client: Client, pilates: AppointmentType
) -> None:
    # given
    single = AppointmentTypeFactory(clinic=clinic, name="Assessment")

    # when
    page = desk_client.get(reverse("scheduling:class-create")).content.decode()
    response = desk_client.post(
        reverse("scheduling:class-create"),
        {
            "appointment_type": single.pk,
            "provider": make_provider(clinic).pk,
            "location": main_location(clinic).pk,
            "date": "2031-03-03",
            "start_time": "10:00",
        },
        **HTMX,
    )

    # then
    assert "Pilates class" in page
    assert "Assessment" not in page
    assert response.status_code == 422
    assert not Appointment.objects.filter(is_group=True).exists()


def test_schedule_a_class_with_no_free_studio_is_409(
    clinic: Clinic, desk_client: Client, pilates: AppointmentType
) -> None:
    # given no studio at all
    provider = make_provider(clinic)

    # when
    response = desk_client.post(
        reverse("scheduling:class-create"),
        {
            "appointment_type": pilates.pk,
            "provider": provider.pk,
            "location": main_location(clinic).pk,
            "date": "2031-03-03",
            "start_time": "10:00",
        },
    )

    # then
    assert response.status_code == 409
    assert "No group studio is free at" in response.content.decode()


def test_billing_may_not_schedule_a_class(
    clinic: Clinic, client_for: ClientFor
) -> None:
    # given
    client = client_for(make_member(clinic, [BILLING]))

    # when
    response = client.get(reverse("scheduling:class-create"))

    # then
    assert response.status_code == 403


# --- the class page ------------------------------------------------------------------


def test_class_page_shows_the_roster_and_audits_each_patient(
    clinic: Clinic, desk: Membership, desk_client: Client
) -> None:
    # given
    group = make_class(clinic, capacity=5)
    first = AttendanceFactory(appointment=group)
    second = AttendanceFactory(appointment=group, status=Status.ARRIVED)

    # when
    response = desk_client.get(_detail(group))

    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "2 of 5" in body
    assert first.patient.full_name in body
    assert second.patient.full_name in body
    assert reverse("scheduling:attendance-status", args=[first.pk]) in body
    views = AuditEntry.objects.filter(action="view", user_id=desk.user_id)
    assert sorted(str(v.patient_id) for v in views) == sorted(
        [str(first.patient_id), str(second.patient_id)]
    )
    assert {v.detail for v in views} == {"class roster"}


def test_an_appointment_page_of_a_class_leads_to_its_roster(
    clinic: Clinic, desk_client: Client
) -> None:
    # given
    group = make_class(clinic)

    # when
    response = desk_client.get(
        reverse("scheduling:appointment-detail", args=[group.pk])
    )

    # then
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "scheduling:class-detail", kwargs={"class_id": group.pk}
    )


def test_add_a_patient_to_the_roster_with_htmx(
    clinic: Clinic, desk_client: Client
) -> None:
    # given
    group = make_class(clinic, capacity=2)
    patient = PatientFactory(clinic=clinic)

    # when
    response = desk_client.post(
        reverse("scheduling:class-attendee-add", args=[group.pk]),
        {"patient": patient.pk},
        **HTMX,
    )

    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Trigger"] == "appointment-changed"
    assert body.lstrip().startswith('<section id="class-roster"')
    assert patient.full_name in body
    assert "1 of 2" in body
    assert Attendance.objects.get(appointment=group).patient == patient


def test_add_to_a_full_class_is_409(clinic: Clinic, desk_client: Client) -> None:
    # given
    group = make_class(clinic, capacity=2)
    AttendanceFactory(appointment=group)
    AttendanceFactory(appointment=group)

    # when
    response = desk_client.post(
        reverse("scheduling:class-attendee-add", args=[group.pk]),
        {"patient": PatientFactory(clinic=clinic).pk},
        **HTMX,
    )

    # then
    assert response.status_code == 409
    assert "The class is full (2 of 2)." in response.content.decode()
    assert Attendance.objects.filter(appointment=group).count() == 2


@pytest.mark.parametrize("patient", ["", "not-a-uuid"])
def test_add_without_a_patient_is_422(
    clinic: Clinic, desk_client: Client, patient: str
) -> None:
    # given
    group = make_class(clinic)

    # when
    response = desk_client.post(
        reverse("scheduling:class-attendee-add", args=[group.pk]),
        {"patient": patient},
        **HTMX,
    )

    # then
    assert response.status_code == 422
    assert "Patient: Choose a patient" in response.content.decode()


def test_add_another_clinics_patient_is_422(
    clinic: Clinic, other_clinic: Clinic, desk_client: Client
) -> None:
    # given
    group = make_class(clinic)

    # when
    response = desk_client.post(
        reverse("scheduling:class-attendee-add", args=[group.pk]),
        {"patient": PatientFactory(clinic=other_clinic).pk},
    )

    # then
    assert response.status_code == 422
    assert not Attendance.objects.exists()


def test_check_in_one_attendee(clinic: Clinic, desk_client: Client) -> None:
    # given
    attendance = AttendanceFactory(appointment=make_class(clinic))

    # when
    response = desk_client.post(
        reverse("scheduling:attendance-status", args=[attendance.pk]),
        {"status": Status.ARRIVED},
    )

    # then
    attendance.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == _detail(attendance.appointment)
    assert attendance.status == Status.ARRIVED


def test_a_refused_status_change_is_422(clinic: Clinic, desk_client: Client) -> None:
    # given
    attendance = AttendanceFactory(
        appointment=make_class(clinic), status=Status.CANCELLED
    )

    # when
    response = desk_client.post(
        reverse("scheduling:attendance-status", args=[attendance.pk]),
        {"status": Status.ARRIVED},
        **HTMX,
    )

    # then
    attendance.refresh_from_db()
    assert response.status_code == 422
    assert "A cancelled attendee cannot be marked arrived." in (
        response.content.decode()
    )
    assert attendance.status == Status.CANCELLED


def test_cancel_the_class(clinic: Clinic, desk_client: Client) -> None:
    # given
    group = make_class(clinic)
    attendance = AttendanceFactory(appointment=group)

    # when
    missing = desk_client.post(
        reverse("scheduling:class-cancel", args=[group.pk]), {"reason": ""}
    )
    response = desk_client.post(
        reverse("scheduling:class-cancel", args=[group.pk]), {"reason": "Snow day"}
    )

    # then
    group.refresh_from_db()
    attendance.refresh_from_db()
    assert missing.status_code == 422
    assert response.status_code == 302
    assert (group.status, attendance.status) == (Status.CANCELLED, Status.CANCELLED)


def test_roster_actions_are_forbidden_to_billing(
    clinic: Clinic, client_for: ClientFor
) -> None:
    # given
    attendance = AttendanceFactory(appointment=make_class(clinic))
    client = client_for(make_member(clinic, [BILLING]))

    # when
    page = client.get(_detail(attendance.appointment))
    response = client.post(
        reverse("scheduling:attendance-status", args=[attendance.pk]),
        {"status": Status.ARRIVED},
    )

    # then
    attendance.refresh_from_db()
    assert page.status_code == 200
    assert "Add to class" not in page.content.decode()
    assert response.status_code == 403
    assert attendance.status == Status.BOOKED
