from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from practica.audit.models import AuditEntry
from practica.patients.tests.factories import PatientFactory
from practica.scheduling.models import Appointment
from practica.scheduling.tests.factories import (
    MONDAY,
    AppointmentTypeFactory,
    local,
    main_location,
    make_appointment,
    make_provider,
)
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import BILLING, FRONT_DESK
from practica.tenancy.tests.factories import make_member

Status = Appointment.Status
ClientFor = Callable[[Membership], Client]


@pytest.fixture
def desk_client(clinic: Clinic, client_for: ClientFor) -> Client:
    return client_for(make_member(clinic, [FRONT_DESK]))


def _detail_url(appointment: Appointment) -> str:
    return reverse("scheduling:appointment-detail", args=[appointment.pk])


def _booking_data(clinic: Clinic, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "patient": PatientFactory(clinic=clinic).pk,
        "provider": make_provider(clinic, display_name="Dr Lee").pk,
        "location": main_location(clinic).pk,
        "appointment_type": AppointmentTypeFactory(clinic=clinic).pk,
        "date": "2031-03-03",
        "start_time": "10:00",
    }
    data.update(overrides)
    return data


# --- create -------------------------------------------------------------------


def test_create_form_prefills_from_slot_and_patient(
    clinic: Clinic, desk_client: Client
) -> None:
    # given
    patient = PatientFactory(clinic=clinic)
    provider = make_provider(clinic)
    location = main_location(clinic)

    # when
    response = desk_client.get(
        reverse("scheduling:appointment-create"),
        {
            "patient": str(patient.pk),
            "provider": provider.pk,
            "location": location.pk,
            "start": "2031-03-03T10:15",
        },
    )

    # then
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial == {
        "provider": provider.pk,
        "location": location.pk,
        "date": dt.date(2031, 3, 3),
        "start_time": dt.time(10, 15),
        "patient": patient.pk,
    }
    assert patient.full_name in response.content.decode()
    views = AuditEntry.objects.filter(action="view")
    assert [e.patient_id for e in views] == [patient.pk]


def test_create_form_ignores_bad_prefill(clinic: Clinic, desk_client: Client) -> None:
    # when
    response = desk_client.get(
        reverse("scheduling:appointment-create"),
        {"provider": "x", "location": "999", "start": "2031-13-40T99:00"},
    )

    # then: the bad values are dropped; the clinic's only location is chosen
    assert response.status_code == 200
    assert response.context["form"].initial == {"location": main_location(clinic).pk}
    assert 'hx-get="/patients/picker/"' in response.content.decode()


def test_create_books_and_redirects(clinic: Clinic, desk_client: Client) -> None:
    # given
    data = _booking_data(clinic)

    # when
    response = desk_client.post(reverse("scheduling:appointment-create"), data)

    # then
    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _detail_url(appointment)
    assert appointment.start_at == local(MONDAY, 10)


def test_create_conflict_is_409_with_the_clash_named(
    clinic: Clinic, desk_client: Client
) -> None:
    # given
    data = _booking_data(clinic, start_time="10:15")
    make_appointment(clinic, provider_id=data["provider"])

    # when
    response = desk_client.post(reverse("scheduling:appointment-create"), data)

    # then
    assert response.status_code == 409
    assert "Dr Lee is already booked from 10:00 to 10:45." in response.content.decode()
    assert Appointment.objects.count() == 1


def test_create_outside_hours_is_422_and_can_be_overridden(
    clinic: Clinic, desk_client: Client
) -> None:
    # given
    data = _booking_data(clinic, start_time="18:00")

    # when
    refused = desk_client.post(reverse("scheduling:appointment-create"), data)
    allowed = desk_client.post(
        reverse("scheduling:appointment-create"), {**data, "allow_outside_hours": "on"}
    )

    # then
    assert refused.status_code == 422
    assert (
        "Dr Lee does not work at Main on Monday from 18:00 to 18:45."
        in refused.content.decode()
    )
    assert allowed.status_code == 302
    assert Appointment.objects.count() == 1


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"patient": ""}, "Patient: Choose a patient."),
        (
            {"patient": "not-a-uuid"},
            "Patient: Choose a patient from the search results.",
        ),
        ({"date": "2031-02-30"}, "Date: Enter a valid date."),
        ({"start_time": "25:00"}, "Start time: Enter a valid time."),
        ({"provider": "999999"}, "Provider: Select a valid choice."),
    ],
)
def test_create_invalid_input_is_422_naming_the_field(
    clinic: Clinic, desk_client: Client, override: dict[str, str], message: str
) -> None:
    # given
    data = _booking_data(clinic, **override)

    # when
    response = desk_client.post(reverse("scheduling:appointment-create"), data)

    # then
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Appointment.objects.count() == 0


def test_create_refuses_a_time_skipped_by_the_clock_change(
    clinic: Clinic, desk_client: Client
) -> None:
    # given: 2031-03-09 02:30 does not exist in Toronto
    data = _booking_data(clinic, date="2031-03-09", start_time="02:30")

    # when
    response = desk_client.post(reverse("scheduling:appointment-create"), data)

    # then
    assert response.status_code == 422
    assert "does not exist on this date" in response.content.decode()


def test_create_with_a_patient_of_another_clinic_is_422(
    clinic: Clinic, other_clinic: Clinic, desk_client: Client
) -> None:
    # given
    data = _booking_data(clinic, patient=PatientFactory(clinic=other_clinic).pk)

    # when
    response = desk_client.post(reverse("scheduling:appointment-create"), data)

    # then
    assert response.status_code == 422
    assert Appointment.objects.count() == 0


def test_billing_role_cannot_book(clinic: Clinic, client_for: ClientFor) -> None:
    # given
    client = client_for(make_member(clinic, [BILLING]))

    # when
    response = client.post(
        reverse("scheduling:appointment-create"), _booking_data(clinic)
    )

    # then
    assert response.status_code == 403
    assert Appointment.objects.count() == 0


# --- detail, status, cancel, move ------------------------------------------------


def test_detail_shows_appointment_and_records_one_view(
    clinic: Clinic, desk_client: Client
) -> None:
    # given
    appointment = make_appointment(clinic)

    # when
    response = desk_client.get(_detail_url(appointment))

    # then
    assert response.status_code == 200
    body = response.content.decode()
    assert f'href="/patients/{appointment.patient_id}/"' in body
    assert "Monday 3 March 2031, 10:00&ndash;10:45" in body
    assert ">Arrived</button>" in body
    views = AuditEntry.objects.filter(action="view")
    assert [(v.object_id, v.patient_id) for v in views] == [
        (str(appointment.pk), appointment.patient_id)
    ]


def test_billing_role_sees_detail_without_actions(
    clinic: Clinic, client_for: ClientFor
) -> None:
    # given
    appointment = make_appointment(clinic)
    client = client_for(make_member(clinic, [BILLING]))

    # when
    response = client.get(_detail_url(appointment))

    # then
    assert response.status_code == 200
    assert "/status/" not in response.content.decode()


def test_detail_of_other_clinic_is_404(
    other_clinic: Clinic, desk_client: Client
) -> None:
    # given
    foreign = make_appointment(other_clinic)

    # when
    response = desk_client.get(_detail_url(foreign))

    # then
    assert response.status_code == 404


def test_status_check_in_redirects(clinic: Clinic, desk_client: Client) -> None:
    # given
    appointment = make_appointment(clinic)

    # when
    response = desk_client.post(
        reverse("scheduling:appointment-status", args=[appointment.pk]),
        {"status": "arrived"},
    )

    # then
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Status.ARRIVED


def test_status_htmx_returns_the_actions_partial(
    clinic: Clinic, desk_client: Client
) -> None:
    # given
    appointment = make_appointment(clinic, status=Status.ARRIVED)

    # when
    response = desk_client.post(
        reverse("scheduling:appointment-status", args=[appointment.pk]),
        {"status": "completed"},
        HTTP_HX_REQUEST="true",
    )

    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Trigger"] == "appointment-changed"
    assert body.lstrip().startswith('<div id="appt-actions"')
    assert "Completed" in body


@pytest.mark.parametrize(
    ("start", "posted", "message"),
    [
        (
            Status.BOOKED,
            "completed",
            "A booked appointment cannot be marked completed.",
        ),
        (Status.BOOKED, "cancelled", "Status: Choose a status from the buttons."),
        (Status.CANCELLED, "arrived", "A cancelled appointment cannot be marked"),
    ],
)
def test_status_refused_is_422(
    clinic: Clinic, desk_client: Client, start: str, posted: str, message: str
) -> None:
    # given
    appointment = make_appointment(clinic, status=start)

    # when
    response = desk_client.post(
        reverse("scheduling:appointment-status", args=[appointment.pk]),
        {"status": posted},
    )

    # then
    assert response.status_code == 422
    assert message in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == start


def test_cancel_needs_reason_then_cancels(clinic: Clinic, desk_client: Client) -> None:
    # given
    appointment = make_appointment(clinic)
    url = reverse("scheduling:appointment-cancel", args=[appointment.pk])

    # when
    refused = desk_client.post(url, {"reason": ""})
    done = desk_client.post(url, {"reason": "Patient called"})

    # then
    assert refused.status_code == 422
    assert "Reason for cancelling: Give a reason" in refused.content.decode()
    assert done.status_code == 302
    appointment.refresh_from_db()
    assert (appointment.status, appointment.cancel_reason) == (
        Status.CANCELLED,
        "Patient called",
    )


def test_cancel_by_billing_role_is_forbidden(
    clinic: Clinic, client_for: ClientFor
) -> None:
    # given
    appointment = make_appointment(clinic)
    client = client_for(make_member(clinic, [BILLING]))

    # when
    response = client.post(
        reverse("scheduling:appointment-cancel", args=[appointment.pk]),
        {"reason": "x"},
    )

    # then
    assert response.status_code == 403
    appointment.refresh_from_db()
    assert appointment.status == Status.BOOKED


def test_edit_form_shows_current_local_time(
    clinic: Clinic, desk_client: Client
) -> None:
    # given
    appointment = make_appointment(clinic)

    # when
    response = desk_client.get(
        reverse("scheduling:appointment-edit", args=[appointment.pk])
    )

    # then
    assert response.status_code == 200
    assert response.context["form"].initial == {
        "provider": appointment.provider_id,
        "date": dt.date(2031, 3, 3),
        "start_time": dt.time(10, 0),
    }


def test_edit_moves_or_reports_the_clash(clinic: Clinic, desk_client: Client) -> None:
    # given
    provider = make_provider(clinic, display_name="Dr Lee")
    appointment = make_appointment(clinic, provider=provider)
    make_appointment(clinic, provider=provider, start_at=local(MONDAY, 14))
    url = reverse("scheduling:appointment-edit", args=[appointment.pk])
    data = {"provider": provider.pk, "date": "2031-03-03"}

    # when
    clash = desk_client.post(url, {**data, "start_time": "14:30"})
    moved = desk_client.post(url, {**data, "start_time": "11:00"})

    # then
    assert clash.status_code == 409
    assert "Dr Lee is already booked from 14:00 to 14:45." in clash.content.decode()
    assert moved.status_code == 302
    appointment.refresh_from_db()
    assert appointment.start_at == local(MONDAY, 11)
