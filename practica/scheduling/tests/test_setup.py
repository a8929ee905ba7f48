"""The owner sets up services and working hours from the set-up page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client

from practica.audit.models import AuditEntry
from practica.scheduling.models import AppointmentType, WorkingHours
from practica.scheduling.tests.factories import (
    AppointmentTypeFactory,
    main_location,
    make_provider,
)
from practica.tenancy.models import Clinic, Membership

pytestmark = pytest.mark.django_db

SERVICE = {
    "name": "Acupuncture",
    "modality": "physiotherapy",
    "duration_minutes": "45",
    "price": "95.00",
    "service_code": "PT-ACU",
}


@pytest.fixture
def owner_client(
    clinic: Clinic,
    member_factory: Callable[..., Membership],
    client_for: Callable[[Membership], Client],
) -> Client:
    return client_for(member_factory(clinic, ["owner"]))


def test_owner_adds_a_service(clinic: Clinic, owner_client: Client) -> None:
    response = owner_client.post("/schedule/setup/services/create/", SERVICE)
    created = AppointmentType.objects.get(clinic=clinic, name="Acupuncture")
    assert response.status_code == 302
    assert (created.duration_minutes, created.price, created.is_taxable) == (
        45,
        Decimal("95.00"),
        False,
    )
    assert AuditEntry.objects.filter(
        action="create", object_id=str(created.pk)
    ).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("price", "-5", "Price ($): Ensure this value is greater than or equal to 0."),
        (
            "price",
            "9.999",
            "Price ($): Ensure that there are no more than 2 decimal places.",
        ),
        (
            "duration_minutes",
            "0",
            "Duration (minutes): Ensure this value is greater than or equal to 5.",
        ),
        ("name", "   ", "Name: This field is required."),
    ],
)
def test_bad_service_is_refused_with_the_field_named(
    clinic: Clinic, owner_client: Client, field: str, value: str, message: str
) -> None:
    response = owner_client.post(
        "/schedule/setup/services/create/", {**SERVICE, field: value}
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not AppointmentType.objects.filter(clinic=clinic).exists()


def test_duplicate_service_name_is_refused(
    clinic: Clinic, owner_client: Client
) -> None:
    AppointmentTypeFactory(clinic=clinic, name="Acupuncture")
    response = owner_client.post("/schedule/setup/services/create/", SERVICE)
    assert response.status_code == 422
    assert "Another service already has that name." in response.content.decode()
    assert AppointmentType.objects.filter(clinic=clinic).count() == 1


def test_owner_edits_and_retires_a_service(
    clinic: Clinic, owner_client: Client
) -> None:
    service = AppointmentTypeFactory(clinic=clinic)
    page = owner_client.get(f"/schedule/setup/services/{service.pk}/edit/")
    response = owner_client.post(
        f"/schedule/setup/services/{service.pk}/edit/",
        {**SERVICE, "price": "110.00"},
    )
    service.refresh_from_db()
    assert page.status_code == 200
    assert response.status_code == 302
    assert (service.name, service.price, service.is_active) == (
        "Acupuncture",
        Decimal("110.00"),
        False,
    )


def test_owner_sets_a_day_with_a_lunch_break(
    clinic: Clinic, owner_client: Client
) -> None:
    provider = make_provider(clinic)
    location = main_location(clinic)
    response = owner_client.post(
        "/schedule/setup/hours/",
        {
            "provider": provider.pk,
            "location": location.pk,
            "weekday": "2",
            "start_time": "08:00",
            "end_time": "12:00",
            "second_start_time": "13:00",
            "second_end_time": "17:00",
        },
    )
    blocks = WorkingHours.objects.filter(provider=provider, weekday=2).order_by(
        "start_time"
    )
    page = owner_client.get("/schedule/setup/").content.decode()
    assert response.status_code == 302
    assert [(b.start_time, b.end_time) for b in blocks] == [
        (dt.time(8), dt.time(12)),
        (dt.time(13), dt.time(17)),
    ]
    assert (
        "08:00\u201312:00<br>"
        '<span class="muted">break 12:00\u201313:00</span><br>'
        "13:00\u201317:00"
    ) in page


def test_day_off_clears_the_days_hours(clinic: Clinic, owner_client: Client) -> None:
    provider = make_provider(clinic)
    location = main_location(clinic)
    before = WorkingHours.objects.filter(provider=provider, location=location).count()
    response = owner_client.post(
        "/schedule/setup/hours/",
        {
            "provider": provider.pk,
            "location": location.pk,
            "weekday": "0",
            "is_day_off": "on",
        },
    )
    assert response.status_code == 302
    assert not WorkingHours.objects.filter(provider=provider, weekday=0).exists()
    assert (
        WorkingHours.objects.filter(provider=provider, location=location).count()
        < before
    )


@pytest.mark.parametrize(
    ("times", "message"),
    [
        (
            {"start_time": "12:00", "end_time": "08:00"},
            "To: The end must be after the start.",
        ),
        ({"start_time": "08:00"}, "To: Give both times."),
        ({}, "From: Give the hours, or tick"),
        (
            {
                "start_time": "08:00",
                "end_time": "13:00",
                "second_start_time": "12:00",
                "second_end_time": "17:00",
            },
            "Then from: The second block must start after the first ends.",
        ),
    ],
)
def test_bad_hours_are_refused_and_change_nothing(
    clinic: Clinic, owner_client: Client, times: dict[str, str], message: str
) -> None:
    provider = make_provider(clinic)
    location = main_location(clinic)
    before = list(
        WorkingHours.objects.filter(provider=provider).values_list("pk", flat=True)
    )
    response = owner_client.post(
        "/schedule/setup/hours/",
        {"provider": provider.pk, "location": location.pk, "weekday": "0", **times},
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert (
        list(
            WorkingHours.objects.filter(provider=provider).values_list("pk", flat=True)
        )
        == before
    )


def test_front_desk_cannot_change_services(
    clinic: Clinic,
    member_factory: Callable[..., Membership],
    client_for: Callable[[Membership], Client],
) -> None:
    client = client_for(member_factory(clinic, ["front_desk"]))
    response = client.post("/schedule/setup/services/create/", SERVICE)
    assert response.status_code == 403
    assert not AppointmentType.objects.filter(clinic=clinic).exists()
