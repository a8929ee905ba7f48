"""The free-slot list ("Find a time") and the booking form it fills in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from practica.patients.tests.factories import PatientFactory
from practica.scheduling.models import AppointmentType, Provider, RoomKind
from practica.scheduling.tests.factories import (
    AppointmentTypeFactory,
    RoomFactory,
    main_location,
    make_provider,
)
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import FRONT_DESK
from practica.tenancy.tests.factories import LocationFactory, make_member

ClientFor = Callable[[Membership], Client]
URL = reverse("scheduling:slot-list")


@pytest.fixture
def desk_client(clinic: Clinic, client_for: ClientFor) -> Client:
    return client_for(make_member(clinic, [FRONT_DESK]))


@pytest.fixture
def lee(clinic: Clinic) -> Provider:
    """Dr Lee works 16:00-17:00 on weekdays; the clinic has one treatment room."""
    RoomFactory(clinic=clinic, name="Room 1", kind=RoomKind.TREATMENT)
    return make_provider(
        clinic, display_name="Dr Lee", start=dt.time(16), end=dt.time(17)
    )


@pytest.fixture
def kind(clinic: Clinic) -> AppointmentType:
    kind: AppointmentType = AppointmentTypeFactory(
        clinic=clinic, duration_minutes=30, room_kind=RoomKind.TREATMENT
    )
    return kind


def test_slot_list_links_each_free_time_to_a_prefilled_booking(
    clinic: Clinic, desk_client: Client, lee: Provider, kind: AppointmentType
) -> None:
    # given
    location = main_location(clinic)
    make_provider(clinic, display_name="Dr Ng", weekdays=())

    # when
    response = desk_client.get(URL, {"type": kind.pk, "date": "2031-03-03"})

    # then: 16:00, 16:15, 16:30 each weekday, in Room 1
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("Dr Lee") == 20
    assert "Dr Ng" not in body
    assert "Mon 3 Mar 16:00\u201316:30" in body
    assert "Mon 3 Mar 16:30\u201317:00" in body
    assert "Mon 3 Mar 16:45" not in body
    assert "· Room 1" in body
    assert (
        f"/schedule/appointments/create/?provider={lee.pk}&amp;location="
        f"{location.pk}&amp;type={kind.pk}&amp;start=2031-03-03T16%3A00"
    ) in body
    assert response["Vary"] == "HX-Request, Cookie"


def test_slot_list_for_htmx_is_the_slots_partial(
    clinic: Clinic, desk_client: Client, lee: Provider, kind: AppointmentType
) -> None:
    # when: the booking form sends its own field names
    response = desk_client.get(
        URL,
        {"appointment_type": kind.pk, "provider": lee.pk, "date": "2031-03-03"},
        HTTP_HX_REQUEST="true",
    )

    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="slots"')
    assert "<html" not in body
    assert body.count("Dr Lee") == 20


def test_slot_list_carries_the_patient_into_the_booking_link(
    clinic: Clinic, desk_client: Client, lee: Provider
) -> None:
    # given
    patient = PatientFactory(clinic=clinic)
    kind = AppointmentTypeFactory(clinic=clinic, patient_kind="new")

    # when
    response = desk_client.get(
        URL, {"type": kind.pk, "date": "2031-03-03", "patient": str(patient.pk)}
    )

    # then
    assert response.status_code == 200
    assert f"&amp;patient={patient.pk}" in response.content.decode()


def test_slot_list_says_when_nothing_is_free(
    clinic: Clinic, desk_client: Client
) -> None:
    # given: nobody works
    kind = AppointmentTypeFactory(clinic=clinic)

    # when
    response = desk_client.get(URL, {"type": kind.pk})

    # then
    assert response.status_code == 200
    assert "No free time in the next 30 days" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"type": ""}, "Type: Choose an appointment type to see free times."),
        (
            {"type": "999999"},
            "Type: Choose one of the clinic&#x27;s appointment types.",
        ),
        ({"date": "03/03/2031"}, "Date: Give the date as YYYY-MM-DD."),
        ({"date": "1999-01-01"}, "Date: Choose a date between 2000 and 2100."),
        ({"provider": "abc"}, "Provider: Choose one of the clinic&#x27;s providers."),
        ({"patient": "not-a-uuid"}, "Patient: Choose a patient of the clinic."),
    ],
)
def test_slot_list_refuses_bad_parameters_with_422_naming_the_field(
    clinic: Clinic,
    desk_client: Client,
    kind: AppointmentType,
    params: dict[str, str],
    message: str,
) -> None:
    # when
    response = desk_client.get(URL, {"type": kind.pk, **params}, HTTP_HX_REQUEST="true")

    # then
    assert response.status_code == 422
    assert message in response.content.decode()


def test_slot_list_refuses_another_clinics_type_and_location(
    clinic: Clinic, other_clinic: Clinic, desk_client: Client, kind: AppointmentType
) -> None:
    # given
    LocationFactory(clinic=clinic, name="Uptown")
    foreign_type = AppointmentTypeFactory(clinic=other_clinic)
    foreign_location = main_location(other_clinic)

    # when
    wrong_type = desk_client.get(URL, {"type": foreign_type.pk})
    wrong_location = desk_client.get(
        URL, {"type": kind.pk, "location": foreign_location.pk}
    )
    no_location = desk_client.get(URL, {"type": kind.pk})

    # then
    assert wrong_type.status_code == 422
    assert wrong_location.status_code == 422
    assert "Location: Choose one of the clinic" in wrong_location.content.decode()
    assert "Location: Choose a location." in no_location.content.decode()


def test_booking_form_is_prefilled_from_a_chosen_slot(
    clinic: Clinic, desk_client: Client, lee: Provider, kind: AppointmentType
) -> None:
    # given
    location = main_location(clinic)

    # when
    response = desk_client.get(
        reverse("scheduling:appointment-create"),
        {
            "provider": lee.pk,
            "location": location.pk,
            "type": kind.pk,
            "start": "2031-03-03T16:15",
        },
    )

    # then
    form = response.context["form"]
    assert response.status_code == 200
    assert form.initial["provider"] == lee.pk
    assert form.initial["location"] == location.pk
    assert form.initial["appointment_type"] == kind.pk
    assert form.initial["date"] == dt.date(2031, 3, 3)
    assert form.initial["start_time"] == dt.time(16, 15)
    assert 'hx-get="/schedule/slots/"' in response.content.decode()
