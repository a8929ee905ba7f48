"""The list view (the week as plain HTML): what it lists and audits, its queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from practica.audit.models import AuditEntry
from practica.patients.tests.factories import PatientFactory
from practica.scheduling.models import Appointment
from practica.scheduling.tests.factories import (
    MONDAY,
    local,
    main_location,
    make_appointment,
    make_provider,
)
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import FRONT_DESK
from practica.tenancy.tests.factories import make_member

ClientFor = Callable[[Membership], Client]

# Session, user, membership, roles, locations, the week's appointments and the
# audit entry (savepoint, lock the chain, insert, move the chain head, release).
# The session is not saved: the first page wrote the activity stamp, and it is
# rewritten only when 30 seconds old.
WEEK_PAGE_QUERIES = 11


@pytest.fixture
def desk_client(clinic: Clinic, client_for: ClientFor) -> Client:
    return client_for(make_member(clinic, [FRONT_DESK]))


def _week(client: Client, day: dt.date) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            reverse("scheduling:calendar"),
            {"date": day.isoformat(), "view": "list"},
        )
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def _fill(clinic: Clinic, providers: int, per_provider: int) -> None:
    for _ in range(providers):
        provider = make_provider(clinic)
        for i in range(per_provider):
            make_appointment(
                clinic,
                provider=provider,
                start_at=local(MONDAY + dt.timedelta(days=i % 5), 9 + i // 5),
            )


def test_week_page_query_count_is_exact_and_constant(
    clinic: Clinic, desk_client: Client, time_machine: time_machine.TimeMachineFixture
) -> None:
    # given: the clock stopped, 2 appointments, and a first page view that
    # creates the audit chain and stamps the session's activity
    time_machine.move_to(timezone.now(), tick=False)
    _fill(clinic, providers=1, per_provider=2)
    _week(desk_client, MONDAY)
    _, few = _week(desk_client, MONDAY)
    # and then 32 more, across 4 more providers
    _fill(clinic, providers=4, per_provider=8)

    # when
    body, many = _week(desk_client, MONDAY)

    # then: every line is shown, and the template read nothing the selector
    # left out (a deferred field would cost one query per line)
    assert body.count('<span class="cal-appt-time">') == 34
    assert (few, many) == (WEEK_PAGE_QUERIES, WEEK_PAGE_QUERIES)


def test_week_lists_an_appointment_under_the_day_it_starts(
    clinic: Clinic, desk_client: Client
) -> None:
    # given: Sunday 23:30 to Monday 00:15, the Sunday before MONDAY's week
    sunday = MONDAY - dt.timedelta(days=1)
    late = make_appointment(
        clinic, start_at=local(sunday, 23, 30), end_at=local(MONDAY, 0, 15)
    )
    location = main_location(clinic)

    # when
    this_week, _ = _week(desk_client, MONDAY)
    last_week, _ = _week(desk_client, sunday)

    # then: shown (and audited) in the week it starts in only
    detail = reverse("scheduling:appointment-detail", args=[late.pk])
    assert detail not in this_week
    assert (
        f'<a href="{detail}"><span class="cal-appt-time">23:30</span> '
        f"{late.patient.full_name}"
    ) in last_week
    entries = AuditEntry.objects.filter(action="view", object_id=str(location.pk))
    assert [e.detail for e in entries] == ["schedule week 2031-02-24 appointments=1"]


def test_week_shows_status_of_released_appointments(
    clinic: Clinic, desk_client: Client
) -> None:
    # given
    cancelled = make_appointment(
        clinic, start_at=local(MONDAY, 9), status=Appointment.Status.CANCELLED
    )

    # when
    body, _ = _week(desk_client, MONDAY)

    # then
    assert (
        f'<li class="status-cancelled"><a href="'
        f'{reverse("scheduling:appointment-detail", args=[cancelled.pk])}">'
        f'<span class="cal-appt-time">09:00</span> {cancelled.patient.full_name} '
        f'<span class="muted">{cancelled.appointment_type.name} · Cancelled</span>'
    ) in body


def test_week_escapes_names(clinic: Clinic, desk_client: Client) -> None:
    # given: markup in a patient's name and a provider's display name
    patient = PatientFactory(clinic=clinic, first_name="<b>Ann</b>", last_name="O'Hara")
    provider = make_provider(clinic, display_name="Dr <i>Lee</i> & Co")
    make_appointment(clinic, patient=patient, provider=provider)

    # when
    body, _ = _week(desk_client, MONDAY)

    # then: printed as text, never as markup
    assert "&lt;b&gt;Ann&lt;/b&gt; O&#x27;Hara" in body
    assert "Dr &lt;i&gt;Lee&lt;/i&gt; &amp; Co" in body
    assert "<b>Ann" not in body
    assert "<i>Lee" not in body
