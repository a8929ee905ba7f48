from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.http import Http404
from django.urls import reverse

from practica.audit.models import AuditEntry
from practica.audit.services import record_view
from practica.patients.tests.factories import PatientFactory
from practica.scheduling.models import Appointment
from practica.scheduling.selectors import (
    WeekEntry,
    calendar_week,
    get_appointment_for,
    list_patient_appointments,
)
from practica.scheduling.tests.factories import (
    MONDAY,
    fill_day,
    local,
    main_location,
    make_appointment,
    make_provider,
)
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic
from practica.tenancy.permissions import FRONT_DESK
from practica.tenancy.tests.factories import actor_for, make_member

# Appending to an existing audit chain: savepoint, lock the chain, insert the
# entry, move the chain head, release the savepoint.
AUDIT_ENTRY_QUERIES = 5


@pytest.fixture
def desk(clinic: Clinic) -> Actor:
    return actor_for(make_member(clinic, [FRONT_DESK]))


def test_get_appointment_for_records_one_view(desk: Actor, clinic: Clinic) -> None:
    # given
    appointment = make_appointment(clinic)

    # when
    found = get_appointment_for(actor=desk, appointment_id=appointment.pk)

    # then
    assert found == appointment
    entries = AuditEntry.objects.filter(action="view")
    assert [(e.object_id, e.patient_id) for e in entries] == [
        (str(appointment.pk), appointment.patient_id)
    ]


def test_get_appointment_for_other_clinic_is_404_and_denied(
    desk: Actor, other_clinic: Clinic
) -> None:
    # given
    foreign = make_appointment(other_clinic)

    # when
    with pytest.raises(Http404):
        get_appointment_for(actor=desk, appointment_id=foreign.pk)

    # then
    denied = AuditEntry.objects.get(outcome=AuditEntry.Outcome.DENIED)
    assert denied.object_id == str(foreign.pk)


@pytest.mark.parametrize(("providers", "per_provider"), [(1, 2), (4, 5)])
def test_calendar_week_query_count_is_constant(
    desk: Actor,
    clinic: Clinic,
    django_assert_num_queries: Callable[..., Any],
    providers: int,
    per_provider: int,
) -> None:
    # given
    fill_day(clinic, providers=providers, per_provider=per_provider)
    location = main_location(clinic)
    record_view(actor=desk, obj=location, patient_id=None)

    # when / then: appointments + the view audit entry
    with django_assert_num_queries(1 + AUDIT_ENTRY_QUERIES):
        week = calendar_week(
            actor=desk, location=location, week_start=MONDAY + dt.timedelta(days=2)
        )
        names = [
            (e.patient_name, g.provider_name)
            for d in week.days
            for g in d.groups
            for e in g.entries
        ]
    assert week.week_start == MONDAY
    assert len(names) == providers * per_provider
    assert len(week.days[0].groups) == providers


def test_calendar_week_lines_hold_what_the_page_prints(
    desk: Actor, clinic: Clinic
) -> None:
    # given: a booked visit at 09:00 and a no-show at 10:00 (Toronto time) on the
    # Tuesday, for the same provider
    provider = make_provider(clinic, display_name="Dr Lee", colour="#aa3300")
    tuesday = MONDAY + dt.timedelta(days=1)
    booked = make_appointment(clinic, provider=provider, start_at=local(tuesday, 9))
    missed = make_appointment(
        clinic,
        provider=provider,
        start_at=local(tuesday, 10),
        status=Appointment.Status.NO_SHOW,
    )

    # when
    week = calendar_week(actor=desk, location=main_location(clinic), week_start=MONDAY)

    # then
    assert [len(d.groups) for d in week.days] == [0, 1, 0, 0, 0, 0, 0]
    group = week.days[1].groups[0]
    assert (group.provider_name, group.colour) == ("Dr Lee", "#aa3300")
    assert group.entries == [
        WeekEntry(
            status="booked",
            url=reverse("scheduling:appointment-detail", args=[booked.pk]),
            time_label="09:00",
            patient_name=booked.patient.full_name,
            detail=booked.appointment_type.name,
        ),
        WeekEntry(
            status="no_show",
            url=reverse("scheduling:appointment-detail", args=[missed.pk]),
            time_label="10:00",
            patient_name=missed.patient.full_name,
            detail=f"{missed.appointment_type.name} \u00b7 No-show",
        ),
    ]


def test_calendar_records_one_view_entry_when_it_shows_patients(
    desk: Actor, clinic: Clinic
) -> None:
    # given
    make_appointment(clinic)
    location = main_location(clinic)

    # when
    calendar_week(actor=desk, location=location, week_start=MONDAY)
    calendar_week(
        actor=desk, location=location, week_start=MONDAY + dt.timedelta(days=7)
    )

    # then: the empty week shows no patient and records nothing
    entries = AuditEntry.objects.filter(action="view")
    assert [(e.object_id, e.detail) for e in entries] == [
        (str(location.pk), "schedule week 2031-03-03 appointments=1")
    ]


def test_list_patient_appointments_newest_first(desk: Actor, clinic: Clinic) -> None:
    # given
    patient = PatientFactory(clinic=clinic)
    provider = make_provider(clinic)
    older = make_appointment(clinic, provider=provider, patient=patient)
    newer = make_appointment(
        clinic,
        provider=provider,
        patient=patient,
        start_at=local(MONDAY + dt.timedelta(days=1), 10),
    )
    make_appointment(clinic, provider=provider, start_at=local(MONDAY, 14))

    # when
    found = list(list_patient_appointments(actor=desk, patient=patient))

    # then
    assert found == [newer, older]
