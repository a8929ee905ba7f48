"""The board's events JSON: what it sends, what it refuses, what it audits,
and how many queries it costs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from practica.audit.models import AuditEntry
from practica.scheduling.models import Appointment, AttendanceStatus
from practica.scheduling.tests.factories import (
    MONDAY,
    AttendanceFactory,
    AvailabilityExceptionFactory,
    ClinicHolidayFactory,
    WorkingHoursFactory,
    fill_day,
    local,
    main_location,
    make_appointment,
    make_class,
    make_provider,
)
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import BILLING, FRONT_DESK
from practica.tenancy.tests.factories import make_clinic, make_member

ClientFor = Callable[[Membership], Client]
URL = "scheduling:calendar-events"
TUESDAY = MONDAY + dt.timedelta(days=1)


@pytest.fixture
def desk_client(clinic: Clinic, client_for: ClientFor) -> Client:
    return client_for(make_member(clinic, [FRONT_DESK]))


def _events(client: Client, **params: Any) -> Any:
    response = client.get(reverse(URL), params)
    assert response.status_code == 200, response.content
    return response.json()


def _window(clinic: Clinic, *providers: int) -> dict[str, Any]:
    return {
        "location": main_location(clinic).pk,
        "start": MONDAY.isoformat(),
        "end": TUESDAY.isoformat(),
        "provider": list(providers),
    }


def test_events_send_each_appointment_in_local_time_with_its_offset(
    clinic: Clinic, desk_client: Client
) -> None:
    # given
    appointment = make_appointment(clinic)

    # when
    data = _events(desk_client, **_window(clinic))

    # then
    assert data["events"] == [
        {
            "id": str(appointment.pk),
            "resourceId": str(appointment.provider_id),
            "start": "2031-03-03T10:00-05:00",
            "end": "2031-03-03T10:45-05:00",
            "title": appointment.patient.full_name,
            "typeName": appointment.appointment_type.name,
            "colour": appointment.appointment_type.colour,
            "status": "booked",
            "statusLabel": "Booked",
            "url": reverse("scheduling:appointment-detail", args=[appointment.pk]),
            "editable": True,
            "released": False,
        }
    ]


def test_a_class_is_titled_with_its_head_count(
    clinic: Clinic, desk_client: Client
) -> None:
    # given: a class of 6 with two attendees and one who cancelled
    group = make_class(clinic, capacity=6)
    AttendanceFactory(appointment=group)
    AttendanceFactory(appointment=group)
    AttendanceFactory(appointment=group, status=AttendanceStatus.CANCELLED)

    # when
    data = _events(desk_client, **_window(clinic))

    # then
    assert [e["title"] for e in data["events"]] == [
        f"{group.appointment_type.name} 2/6"
    ]


@pytest.mark.parametrize(
    ("status", "editable", "released"),
    [
        (Appointment.Status.BOOKED, True, False),
        (Appointment.Status.CONFIRMED, True, False),
        (Appointment.Status.ARRIVED, False, False),
        (Appointment.Status.COMPLETED, False, False),
        (Appointment.Status.CANCELLED, False, True),
        (Appointment.Status.NO_SHOW, False, True),
    ],
)
def test_only_booked_and_confirmed_can_be_dragged(
    clinic: Clinic,
    desk_client: Client,
    status: str,
    editable: bool,
    released: bool,
) -> None:
    # given
    make_appointment(clinic, status=status)

    # when
    [event] = _events(desk_client, **_window(clinic))["events"]

    # then
    assert (event["editable"], event["released"]) == (editable, released)


def test_nothing_is_editable_without_schedule_edit(
    clinic: Clinic, client_for: ClientFor
) -> None:
    # given: the billing role sees the schedule but does not change it
    make_appointment(clinic)
    client = client_for(make_member(clinic, [BILLING]))

    # when
    [event] = _events(client, **_window(clinic))["events"]

    # then
    assert event["editable"] is False


def test_the_window_bounds_the_events_and_providers_filter_them(
    clinic: Clinic, desk_client: Client
) -> None:
    # given: one the Sunday before, one crossing midnight into Monday, one on
    # Monday with another provider, one on Tuesday
    ann = make_provider(clinic)
    bob = make_provider(clinic)
    sunday = MONDAY - dt.timedelta(days=1)
    make_appointment(clinic, provider=ann, start_at=local(sunday, 9))
    crossing = make_appointment(
        clinic,
        provider=ann,
        start_at=local(sunday, 23, 30),
        end_at=local(MONDAY, 0, 15),
    )
    make_appointment(clinic, provider=bob, start_at=local(MONDAY, 9))
    make_appointment(clinic, provider=ann, start_at=local(TUESDAY, 9))

    # when
    data = _events(desk_client, **_window(clinic, ann.pk))

    # then
    assert [e["id"] for e in data["events"]] == [str(crossing.pk)]


def test_another_clinics_appointments_are_never_sent(
    clinic: Clinic, desk_client: Client
) -> None:
    # given: an appointment of another clinic at the same time
    make_appointment(make_clinic("Elsewhere"))

    # when
    data = _events(desk_client, **_window(clinic))

    # then
    assert data["events"] == []


def test_unavailable_time_and_holidays_are_background(
    clinic: Clinic, desk_client: Client
) -> None:
    # given: a provider working 09:00-12:00 and 13:00-17:00 on Monday (a lunch
    # break), another on vacation, and a clinic holiday on Tuesday
    location = main_location(clinic)
    ann = make_provider(clinic, weekdays=(0,), end=dt.time(12, 0))
    WorkingHoursFactory(
        provider=ann,
        location=location,
        weekday=0,
        start_time=dt.time(13, 0),
        end_time=dt.time(17, 0),
    )
    bob = make_provider(clinic, weekdays=(0,))
    AvailabilityExceptionFactory(provider=bob)
    ClinicHolidayFactory(clinic=clinic, on=TUESDAY, name="Civic Holiday")

    # when
    data = _events(
        desk_client,
        location=location.pk,
        start=MONDAY.isoformat(),
        end=(TUESDAY + dt.timedelta(days=1)).isoformat(),
        provider=[ann.pk, bob.pk],
    )

    # then
    spans = [
        (e["kind"], e["resourceId"], e["start"], e["end"]) for e in data["background"]
    ]
    a, b = str(ann.pk), str(bob.pk)
    assert spans == [
        ("holiday", "", "2031-03-04T00:00-05:00", "2031-03-05T00:00-05:00"),
        ("unavailable", a, "2031-03-03T00:00-05:00", "2031-03-03T09:00-05:00"),
        ("unavailable", a, "2031-03-03T12:00-05:00", "2031-03-03T13:00-05:00"),
        ("unavailable", a, "2031-03-03T17:00-05:00", "2031-03-04T00:00-05:00"),
        ("unavailable", a, "2031-03-04T00:00-05:00", "2031-03-05T00:00-05:00"),
        ("unavailable", b, "2031-03-03T00:00-05:00", "2031-03-04T00:00-05:00"),
        ("unavailable", b, "2031-03-04T00:00-05:00", "2031-03-05T00:00-05:00"),
    ]
    assert data["background"][0]["title"] == "Civic Holiday"


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"start": "2031-03-03", "end": "2031-03-04"}, "location: "),
        ({"location": "LOC", "end": "2031-03-04"}, "start: "),
        ({"location": "LOC", "start": "03/03/2031", "end": "2031-03-04"}, "start: "),
        ({"location": "LOC", "start": "2031-03-03", "end": "2031-03-03"}, "end: "),
        ({"location": "LOC", "start": "2031-03-03", "end": "2031-06-03"}, "end: "),
        (
            {"location": "999999", "start": "2031-03-03", "end": "2031-03-04"},
            "location: ",
        ),
        (
            {
                "location": "LOC",
                "start": "2031-03-03",
                "end": "2031-03-04",
                "provider": "x",
            },
            "provider: ",
        ),
        (
            {
                "location": "LOC",
                "start": "2031-03-03",
                "end": "2031-03-04",
                "sort": "x",
            },
            "request: Unknown parameter: sort.",
        ),
    ],
)
def test_a_bad_parameter_is_422_naming_it(
    clinic: Clinic, desk_client: Client, params: dict[str, str], error: str
) -> None:
    # given
    location = main_location(clinic)
    query = {k: v.replace("LOC", str(location.pk)) for k, v in params.items()}

    # when
    response = desk_client.get(reverse(URL), query)

    # then
    assert response.status_code == 422
    assert response.json()["error"].startswith(error)
    assert not AuditEntry.objects.filter(action="view").exists()


def test_each_read_of_appointments_is_audited_once(
    clinic: Clinic, desk_client: Client
) -> None:
    # given
    make_appointment(clinic)
    make_appointment(clinic, start_at=local(MONDAY, 11))
    location = main_location(clinic)

    # when: a read with appointments, then a read of an empty day
    _events(desk_client, **_window(clinic))
    _events(
        desk_client,
        location=location.pk,
        start=TUESDAY.isoformat(),
        end=(TUESDAY + dt.timedelta(days=1)).isoformat(),
    )

    # then: one view entry, naming the window and the count, no patient
    entries = AuditEntry.objects.filter(action="view")
    assert [(e.object_id, e.patient_id, e.detail) for e in entries] == [
        (
            str(location.pk),
            None,
            "schedule board 2031-03-03..2031-03-04 appointments=2",
        )
    ]


def _queries(client: Client, params: dict[str, Any]) -> int:
    with CaptureQueriesContext(connection) as queries:
        _events(client, **params)
    return len(queries)


def test_query_count_does_not_grow_with_appointments(
    clinic: Clinic, desk_client: Client
) -> None:
    # given: one provider with two appointments and a class with an attendee
    provider = make_provider(clinic)
    for hour in (9, 10):
        make_appointment(clinic, provider=provider, start_at=local(MONDAY, hour))
    AttendanceFactory(appointment=make_class(clinic, start_at=local(MONDAY, 14)))
    _queries(desk_client, _window(clinic))  # the first audit entry makes the chain

    def window() -> dict[str, Any]:
        ids = list(
            Appointment.objects.filter(clinic=clinic)
            .values_list("provider_id", flat=True)
            .distinct()
        )
        return _window(clinic, *ids)

    few = _queries(desk_client, window())
    # and then 20 more, across 4 more providers, and another class
    fill_day(clinic, providers=4, per_provider=5)
    AttendanceFactory(appointment=make_class(clinic, start_at=local(MONDAY, 15)))

    # when
    many = _queries(desk_client, window())

    # then
    assert many == few
