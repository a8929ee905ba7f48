"""The calendar page: the board's settings, its fallbacks and its cost."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from practica.audit.models import AuditEntry
from practica.scheduling.tests.factories import (
    MONDAY,
    fill_day,
    local,
    main_location,
    make_appointment,
    make_provider,
)
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import BILLING, FRONT_DESK
from practica.tenancy.tests.factories import LocationFactory, make_member

ClientFor = Callable[[Membership], Client]


@pytest.fixture
def desk_client(clinic: Clinic, client_for: ClientFor) -> Client:
    return client_for(make_member(clinic, [FRONT_DESK]))


def _config(body: str) -> dict[str, object]:
    start = body.index('<script id="board-config" type="application/json">')
    text = body[start:].split(">", 1)[1].split("</script>", 1)[0]
    parsed: dict[str, object] = json.loads(text)
    return parsed


def test_day_board_hands_the_library_its_columns_and_urls(
    clinic: Clinic, desk_client: Client
) -> None:
    # given: two providers at the location, 08:00-12:00 and 09:00-17:30
    location = main_location(clinic)
    early = make_provider(clinic, display_name="Ann", start=local(MONDAY, 8).time())
    late = make_provider(
        clinic, display_name="Bob", end=local(MONDAY, 17, 30).time(), colour="#aa0000"
    )

    # when
    response = desk_client.get(
        reverse("scheduling:calendar"),
        {"date": "2031-03-03", "location": location.pk, "colour": "status"},
    )

    # then
    assert response.status_code == 200
    config = _config(response.content.decode())
    assert config == {
        "view": "day",
        "date": "2031-03-03",
        "location": str(location.pk),
        "colour": "status",
        "resources": [
            {"id": str(early.pk), "title": "Ann", "colour": "#1f6f8b"},
            {"id": str(late.pk), "title": "Bob", "colour": "#aa0000"},
        ],
        "slotMinTime": "08:00:00",
        "slotMaxTime": "18:00:00",
        "canEdit": True,
        "eventsUrl": reverse("scheduling:calendar-events"),
        "moveUrl": "/schedule/appointments/00000000-0000-0000-0000-000000000000/move/",
        "bookUrl": reverse("scheduling:appointment-create"),
        "placeholder": "00000000-0000-0000-0000-000000000000",
    }


def test_the_page_shows_no_health_information_and_audits_nothing(
    clinic: Clinic, desk_client: Client
) -> None:
    # given
    appointment = make_appointment(clinic)

    # when
    response = desk_client.get(reverse("scheduling:calendar"), {"date": "2031-03-03"})

    # then: names come only from the audited events JSON
    assert appointment.patient.full_name not in response.content.decode()
    assert not AuditEntry.objects.filter(action="view").exists()


def test_week_board_shows_one_provider_and_offers_the_others(
    clinic: Clinic, desk_client: Client
) -> None:
    # given
    ann = make_provider(clinic, display_name="Ann")
    bob = make_provider(clinic, display_name="Bob")

    # when
    response = desk_client.get(
        reverse("scheduling:calendar"),
        {"date": "2031-03-05", "view": "week", "provider": bob.pk},
    )

    # then: the week starts on Monday, with Bob's column only
    body = response.content.decode()
    config = _config(body)
    assert (config["view"], config["date"]) == ("week", "2031-03-03")
    assert config["resources"] == [
        {"id": str(bob.pk), "title": "Bob", "colour": "#1f6f8b"}
    ]
    assert f'<option value="{ann.pk}">Ann</option>' in body
    assert f'<option value="{bob.pk}" selected>Bob</option>' in body


def test_the_list_view_is_plain_html(clinic: Clinic, desk_client: Client) -> None:
    # given
    appointment = make_appointment(clinic, start_at=local(MONDAY, 11))

    # when
    response = desk_client.get(
        reverse("scheduling:calendar"), {"date": "2031-03-05", "view": "list"}
    )

    # then
    body = response.content.decode()
    assert "board-config" not in body
    assert (
        f'<span class="cal-appt-time">11:00</span> {appointment.patient.full_name}'
        in body
    )


def test_the_board_links_every_view_and_colour_mode_in_the_url(
    clinic: Clinic, desk_client: Client
) -> None:
    # given
    location = main_location(clinic)
    make_provider(clinic)

    # when
    response = desk_client.get(
        reverse("scheduling:calendar"), {"date": "2031-03-03", "colour": "status"}
    )

    # then
    body = response.content.decode()
    base = f"?location={location.pk}&amp;view="
    assert f'href="{base}day&amp;colour=status&amp;date=2031-03-02"' in body
    assert f'href="{base}day&amp;colour=type&amp;date=2031-03-03"' in body
    assert f'href="{base}list&amp;colour=status&amp;date=2031-03-03"' in body
    assert 'aria-live="polite"' in body
    assert ">Book</a>" in body
    assert '<span class="legend-status status-in_session">In session</span>' in body


def test_the_status_legend_shows_only_when_colouring_by_status(
    clinic: Clinic, desk_client: Client
) -> None:
    # given
    make_provider(clinic)

    # when
    body = desk_client.get(
        reverse("scheduling:calendar"), {"date": "2031-03-03", "colour": "type"}
    ).content.decode()

    # then
    assert "legend-status" not in body


def test_the_billing_role_gets_a_read_only_board(
    clinic: Clinic, client_for: ClientFor
) -> None:
    # given
    make_provider(clinic)
    client = client_for(make_member(clinic, [BILLING]))

    # when
    response = client.get(reverse("scheduling:calendar"), {"date": "2031-03-03"})

    # then
    body = response.content.decode()
    assert _config(body)["canEdit"] is False
    assert ">Book</a>" not in body


@pytest.mark.parametrize(
    "query",
    [
        {"date": "not-a-date", "view": "month", "location": "abc", "colour": "x"},
        {"date": "1850-01-01", "view": "", "location": "999999", "provider": "x"},
        {},
    ],
)
def test_bad_parameters_fall_back_to_defaults(
    clinic: Clinic, desk_client: Client, query: dict[str, str]
) -> None:
    # when
    response = desk_client.get(reverse("scheduling:calendar"), query)

    # then
    assert response.status_code == 200
    assert response.context["view"] == "day"
    assert response.context["colour"] == "type"
    assert response.context["location"] == main_location(clinic)
    assert response.context["day"] == response.context["today"]


def test_the_location_switch_chooses_the_columns(
    clinic: Clinic, desk_client: Client
) -> None:
    # given: one provider at each of two locations
    make_provider(clinic, display_name="Downtown")
    uptown = LocationFactory(clinic=clinic, name="Uptown")
    there = make_provider(clinic, display_name="Uptown", location=uptown)

    # when
    response = desk_client.get(
        reverse("scheduling:calendar"), {"date": "2031-03-03", "location": uptown.pk}
    )

    # then
    config = _config(response.content.decode())
    assert config["resources"] == [
        {"id": str(there.pk), "title": "Uptown", "colour": "#1f6f8b"}
    ]


def _page_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("scheduling:calendar"), {"date": "2031-03-03"})
    assert response.status_code == 200
    return len(queries)


def test_the_day_page_query_count_does_not_grow_with_appointments(
    clinic: Clinic, desk_client: Client
) -> None:
    # given: one provider with two appointments
    provider = make_provider(clinic)
    for hour in (9, 10):
        make_appointment(clinic, provider=provider, start_at=local(MONDAY, hour))
    _page_queries(desk_client)
    few = _page_queries(desk_client)
    # and then 20 more across 4 more providers
    fill_day(clinic, providers=4, per_provider=5)

    # when
    many = _page_queries(desk_client)

    # then
    assert many == few


def test_without_schedule_permission_the_page_is_forbidden(
    clinic: Clinic, client_for: ClientFor
) -> None:
    # given: a member with no role at all
    client = client_for(make_member(clinic, []))

    # when
    response = client.get(reverse("scheduling:calendar"))

    # then
    assert response.status_code == 403
