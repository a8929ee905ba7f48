"""A drag or a resize on the board: the same service and checks as the edit
form, with the refusal's reason as JSON."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from practica.audit.models import AuditEntry
from practica.scheduling.models import Appointment
from practica.scheduling.tests.factories import (
    MONDAY,
    local,
    make_appointment,
    make_provider,
)
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import BILLING, FRONT_DESK
from practica.tenancy.tests.factories import make_member

ClientFor = Callable[[Membership], Client]


@pytest.fixture
def desk_client(clinic: Clinic, client_for: ClientFor) -> Client:
    return client_for(make_member(clinic, [FRONT_DESK]))


def _move(client: Client, appointment: Appointment, **data: object) -> tuple[int, dict]:
    response = client.post(
        reverse("scheduling:appointment-move", args=[appointment.pk]), data
    )
    return response.status_code, response.json()


def _span(appointment: Appointment) -> tuple[dt.datetime, dt.datetime, int]:
    appointment.refresh_from_db()
    return appointment.start_at, appointment.end_at, appointment.provider_id


def test_drop_moves_the_appointment_keeping_its_length(
    clinic: Clinic, desk_client: Client
) -> None:
    # given: 10:00-10:45
    appointment = make_appointment(clinic)

    # when: dropped at 14:30
    status, body = _move(desk_client, appointment, start="2031-03-03T14:30")

    # then
    assert (status, body) == (200, {"moved": str(appointment.pk)})
    assert _span(appointment) == (
        local(MONDAY, 14, 30),
        local(MONDAY, 15, 15),
        appointment.provider_id,
    )
    assert AuditEntry.objects.filter(action="update", object_id=str(appointment.pk))


def test_drop_on_another_providers_column_moves_it_to_them(
    clinic: Clinic, desk_client: Client
) -> None:
    # given
    appointment = make_appointment(clinic)
    other = make_provider(clinic)

    # when
    status, _ = _move(
        desk_client, appointment, start="2031-03-03T11:00", provider=other.pk
    )

    # then
    assert status == 200
    assert _span(appointment) == (local(MONDAY, 11), local(MONDAY, 11, 45), other.pk)


def test_resize_sets_the_new_end(clinic: Clinic, desk_client: Client) -> None:
    # given
    appointment = make_appointment(clinic)

    # when: stretched to 11:15
    status, _ = _move(
        desk_client, appointment, start="2031-03-03T10:00", end="2031-03-03T11:15"
    )

    # then
    assert status == 200
    assert _span(appointment)[:2] == (local(MONDAY, 10), local(MONDAY, 11, 15))


def test_drop_onto_a_clash_is_409_and_changes_nothing(
    clinic: Clinic, desk_client: Client
) -> None:
    # given: two appointments of one provider, 10:00 and 13:00
    appointment = make_appointment(clinic)
    make_appointment(clinic, provider=appointment.provider, start_at=local(MONDAY, 13))
    before = _span(appointment)

    # when: dropped over the second
    status, body = _move(desk_client, appointment, start="2031-03-03T13:15")

    # then
    assert status == 409
    assert body["error"]
    assert _span(appointment) == before


def test_drop_outside_working_hours_is_422_with_the_reason(
    clinic: Clinic, desk_client: Client
) -> None:
    # given: hours 09:00-17:00
    appointment = make_appointment(clinic)
    before = _span(appointment)

    # when
    status, body = _move(desk_client, appointment, start="2031-03-03T18:00")

    # then
    assert status == 422
    assert body["error"] == (
        f"{appointment.provider.display_name} does not work at Main on Monday "
        "from 18:00 to 18:45."
    )
    assert _span(appointment) == before


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, "start: "),
        ({"start": "tomorrow"}, "start: Give a local time as YYYY-MM-DDTHH:MM."),
        ({"start": "2031-02-30T10:00"}, "start: Give a local time"),
        # 02:30 does not exist on 9 March 2031 in Toronto (clocks go forward).
        ({"start": "2031-03-09T02:30"}, "start: That time does not exist"),
        ({"start": "2031-03-03T11:00", "end": "11:30"}, "end: "),
        ({"start": "2031-03-03T11:00", "provider": "999999"}, "provider: "),
    ],
)
def test_invalid_input_is_422_naming_the_field(
    clinic: Clinic, desk_client: Client, data: dict[str, str], error: str
) -> None:
    # given
    appointment = make_appointment(clinic)
    before = _span(appointment)

    # when
    status, body = _move(desk_client, appointment, **data)

    # then
    assert status == 422
    assert body["error"].startswith(error)
    assert _span(appointment) == before


def test_an_arrived_appointment_cannot_be_dragged(
    clinic: Clinic, desk_client: Client
) -> None:
    # given
    appointment = make_appointment(clinic, status=Appointment.Status.ARRIVED)
    before = _span(appointment)

    # when
    status, body = _move(desk_client, appointment, start="2031-03-03T14:00")

    # then
    assert status in {409, 422}
    assert body["error"]
    assert _span(appointment) == before


def test_billing_cannot_move(clinic: Clinic, client_for: ClientFor) -> None:
    # given
    appointment = make_appointment(clinic)
    client = client_for(make_member(clinic, [BILLING]))

    # when
    response = client.post(
        reverse("scheduling:appointment-move", args=[appointment.pk]),
        {"start": "2031-03-03T14:00"},
    )

    # then
    assert response.status_code == 403
    assert _span(appointment)[0] == local(MONDAY, 10)


def test_move_is_post_only(clinic: Clinic, desk_client: Client) -> None:
    # given
    appointment = make_appointment(clinic)

    # when
    response = desk_client.get(
        reverse("scheduling:appointment-move", args=[appointment.pk]),
        {"start": "2031-03-03T14:00"},
    )

    # then
    assert response.status_code == 405
    assert _span(appointment)[0] == local(MONDAY, 10)


def test_move_needs_the_csrf_token(clinic: Clinic) -> None:
    # given: a client that enforces CSRF, logged in as the front desk
    appointment = make_appointment(clinic)
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_member(clinic, [FRONT_DESK]).user)

    # when
    response = client.post(
        reverse("scheduling:appointment-move", args=[appointment.pk]),
        {"start": "2031-03-03T14:00"},
    )

    # then
    assert response.status_code == 403
    assert _span(appointment)[0] == local(MONDAY, 10)
