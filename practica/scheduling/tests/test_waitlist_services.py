"""The waitlist: adding, editing, removing, matching free slots, booking."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from practica.audit.models import AuditEntry
from practica.patients.tests.factories import PatientFactory
from practica.scheduling.errors import (
    InvalidBookingError,
    InvalidTransitionError,
    SlotUnavailableError,
)
from practica.scheduling.models import Appointment, AppointmentType, WaitlistEntry
from practica.scheduling.selectors.waitlist import find_waitlist_matches
from practica.scheduling.services.appointments import book_appointment
from practica.scheduling.services.waitlist import (
    WaitPreferences,
    add_to_waitlist,
    book_from_waitlist,
    remove_from_waitlist,
    update_waitlist_entry,
)
from practica.scheduling.tests.factories import (
    MONDAY,
    AppointmentTypeFactory,
    WaitlistEntryFactory,
    local,
    main_location,
    make_appointment,
    make_provider,
)
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic
from practica.tenancy.permissions import FRONT_DESK
from practica.tenancy.tests.factories import LocationFactory, actor_for, make_member

State = WaitlistEntry.State
TUESDAY = MONDAY + dt.timedelta(days=1)


@pytest.fixture
def desk(clinic: Clinic) -> Actor:
    return actor_for(make_member(clinic, [FRONT_DESK]))


@pytest.fixture
def kind(clinic: Clinic) -> AppointmentType:
    return AppointmentTypeFactory(clinic=clinic, duration_minutes=60)


def _starts(matches: list[object], index: int = 0) -> list[str]:
    return [offer.label for offer in matches[index].offers]  # type: ignore[attr-defined]  # WaitlistMatch


# --- add, edit, remove -----------------------------------------------------------


def test_add_to_waitlist_stores_preferences_and_audits(
    desk: Actor, clinic: Clinic, kind: AppointmentType
) -> None:
    # given
    patient = PatientFactory(clinic=clinic)
    provider = make_provider(clinic)

    # when
    entry = add_to_waitlist(
        actor=desk,
        patient=patient,
        preferences=WaitPreferences(
            appointment_type=kind,
            wait_from=MONDAY,
            providers=[provider],
            weekdays=[3, 1, 1],
            earliest_time=dt.time(9),
            latest_time=dt.time(12),
            note="  mornings  ",
        ),
    )

    # then
    entry.refresh_from_db()
    assert entry.state == State.WAITING
    assert entry.weekdays == [1, 3]
    assert entry.note == "mornings"
    assert list(entry.providers.all()) == [provider]
    audit = AuditEntry.objects.get(object_id=str(entry.pk), action="create")
    assert audit.patient_id == patient.pk


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"earliest_time": dt.time(12), "latest_time": dt.time(9)},
            "The earliest time must be before the latest.",
        ),
        (
            {"wait_until": MONDAY - dt.timedelta(days=1)},
            "The patient must wait until after they start.",
        ),
        ({"weekdays": [7]}, "Weekdays are numbered 0 (Monday) to 6 (Sunday)."),
    ],
)
def test_add_to_waitlist_refuses_inconsistent_preferences(
    desk: Actor,
    clinic: Clinic,
    kind: AppointmentType,
    overrides: dict[str, object],
    message: str,
) -> None:
    # given
    preferences = WaitPreferences(appointment_type=kind, wait_from=MONDAY, **overrides)  # type: ignore[arg-type]  # parametrized

    # when
    with pytest.raises(InvalidBookingError) as caught:
        add_to_waitlist(
            actor=desk, patient=PatientFactory(clinic=clinic), preferences=preferences
        )

    # then
    assert caught.value.message == message
    assert WaitlistEntry.objects.count() == 0


def test_add_to_waitlist_refuses_a_class_type(desk: Actor, clinic: Clinic) -> None:
    # given
    pilates = AppointmentTypeFactory(clinic=clinic, name="Pilates", capacity=8)

    # when
    with pytest.raises(InvalidBookingError) as caught:
        add_to_waitlist(
            actor=desk,
            patient=PatientFactory(clinic=clinic),
            preferences=WaitPreferences(appointment_type=pilates, wait_from=MONDAY),
        )

    # then
    assert caught.value.message == (
        "Pilates is a class: add the patient to a class's roster instead."
    )


def test_update_then_remove_an_entry(
    desk: Actor, clinic: Clinic, kind: AppointmentType
) -> None:
    # given
    entry = WaitlistEntryFactory(clinic=clinic, appointment_type=kind)

    # when
    update_waitlist_entry(
        actor=desk,
        entry=entry,
        preferences=WaitPreferences(
            appointment_type=kind, wait_from=MONDAY, weekdays=[4], note="Fridays"
        ),
    )
    removed = remove_from_waitlist(actor=desk, entry=entry)

    # then
    entry.refresh_from_db()
    assert (entry.weekdays, entry.note, entry.state) == ([4], "Fridays", State.REMOVED)
    assert removed.state == State.REMOVED
    with pytest.raises(InvalidTransitionError):
        remove_from_waitlist(actor=desk, entry=entry)


# --- matching ------------------------------------------------------------------


def test_matches_list_free_slots_of_the_day_for_a_waiting_entry(
    desk: Actor, clinic: Clinic, kind: AppointmentType
) -> None:
    # given a provider working 9-12 with 10:00-11:00 taken
    provider = make_provider(
        clinic, display_name="Dr Lee", start=dt.time(9), end=dt.time(12)
    )
    make_appointment(
        clinic, provider=provider, appointment_type=kind, start_at=local(MONDAY, 10)
    )
    entry = WaitlistEntryFactory(clinic=clinic, appointment_type=kind)

    # when
    matches = find_waitlist_matches(
        actor=desk, location=main_location(clinic), day=MONDAY
    )

    # then
    assert [m.entry for m in matches] == [entry]
    assert _starts(matches) == ["09:00\u201310:00 Dr Lee", "11:00\u201312:00 Dr Lee"]
    assert matches[0].offers[0].start_param == "2031-03-03T09:00:00-05:00"


def test_a_cancelled_appointment_frees_its_slot_for_the_waitlist_at_once(
    desk: Actor, clinic: Clinic, kind: AppointmentType
) -> None:
    # given a morning fully booked, then one visit cancelled
    provider = make_provider(
        clinic, display_name="Dr Lee", start=dt.time(9), end=dt.time(10)
    )
    booked = make_appointment(
        clinic, provider=provider, appointment_type=kind, start_at=local(MONDAY, 9)
    )
    WaitlistEntryFactory(clinic=clinic, appointment_type=kind)
    location = main_location(clinic)
    before = find_waitlist_matches(actor=desk, location=location, day=MONDAY)
    booked.status = Appointment.Status.CANCELLED
    booked.save()

    # when
    after = find_waitlist_matches(actor=desk, location=location, day=MONDAY)

    # then
    assert before == []
    assert _starts(after) == ["09:00\u201310:00 Dr Lee"]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, ["09:00\u201310:00 Dr Lee", "09:00\u201310:00 Dr Park"]),
        ({"weekdays": [0]}, ["09:00\u201310:00 Dr Lee", "09:00\u201310:00 Dr Park"]),
        ({"weekdays": [1, 2]}, None),
        (
            {"earliest_time": dt.time(9, 30)},
            ["09:30\u201310:30 Dr Lee", "09:45\u201310:45 Dr Lee"],
        ),
        (
            {"latest_time": dt.time(10, 15)},
            ["09:00\u201310:00 Dr Lee", "09:00\u201310:00 Dr Park"],
        ),
        ({"latest_time": dt.time(9, 45)}, None),
        ({"wait_until": MONDAY - dt.timedelta(days=1)}, None),
        ({"wait_from": TUESDAY}, None),
        ({"state": State.BOOKED}, None),
        ({"state": State.REMOVED}, None),
    ],
)
def test_matching_rules(
    desk: Actor,
    clinic: Clinic,
    kind: AppointmentType,
    fields: dict[str, object],
    expected: list[str] | None,
) -> None:
    # given Dr Lee free 9-11 and Dr Park free 9-10 on MONDAY
    make_provider(clinic, display_name="Dr Lee", start=dt.time(9), end=dt.time(11))
    make_provider(clinic, display_name="Dr Park", start=dt.time(9), end=dt.time(10))
    WaitlistEntryFactory(clinic=clinic, appointment_type=kind, **fields)

    # when
    matches = find_waitlist_matches(
        actor=desk, location=main_location(clinic), day=MONDAY
    )

    # then (first two offers; None = the entry does not match)
    if expected is None:
        assert matches == []
    else:
        assert _starts(matches)[:2] == expected


def test_matches_honour_preferred_providers_and_location(
    desk: Actor, clinic: Clinic, kind: AppointmentType
) -> None:
    # given
    make_provider(clinic, display_name="Dr Lee", start=dt.time(9), end=dt.time(10))
    park = make_provider(
        clinic, display_name="Dr Park", start=dt.time(9), end=dt.time(10)
    )
    wants_park = WaitlistEntryFactory(clinic=clinic, appointment_type=kind)
    wants_park.providers.set([park])
    elsewhere = WaitlistEntryFactory(
        clinic=clinic,
        appointment_type=kind,
        location=LocationFactory(clinic=clinic, name="Elsewhere"),
    )

    # when
    matches = find_waitlist_matches(
        actor=desk, location=main_location(clinic), day=MONDAY
    )

    # then
    assert [m.entry for m in matches] == [wants_park]
    assert elsewhere not in [m.entry for m in matches]
    assert _starts(matches) == ["09:00\u201310:00 Dr Park"]


@pytest.mark.parametrize("waiting", [2, 9])
def test_matches_run_a_fixed_number_of_queries_whatever_the_entries(
    desk: Actor,
    clinic: Clinic,
    kind: AppointmentType,
    django_assert_num_queries: Callable[..., Any],
    waiting: int,
) -> None:
    # given two types and a few or many waiting patients
    make_provider(clinic, start=dt.time(9), end=dt.time(12))
    other = AppointmentTypeFactory(clinic=clinic, duration_minutes=30)
    for index in range(waiting):
        WaitlistEntryFactory(
            clinic=clinic, appointment_type=kind if index % 2 else other
        )
    location = main_location(clinic)

    # when / then: the entries and their providers (2), the engine once per
    # type (2 x 7), the audit entry (4)
    with django_assert_num_queries(20):
        matches = find_waitlist_matches(actor=desk, location=location, day=MONDAY)
    assert len(matches) == waiting


# --- booking from the waitlist --------------------------------------------------


def test_book_from_waitlist_books_and_marks_the_entry(
    desk: Actor, clinic: Clinic, kind: AppointmentType
) -> None:
    # given
    provider = make_provider(clinic)
    entry = WaitlistEntryFactory(clinic=clinic, appointment_type=kind)

    # when
    appointment = book_from_waitlist(
        actor=desk,
        entry=entry,
        provider=provider,
        location=main_location(clinic),
        start_at=local(MONDAY, 11),
    )

    # then
    entry.refresh_from_db()
    assert entry.state == State.BOOKED
    assert entry.booked_appointment == appointment
    assert appointment.patient_id == entry.patient_id
    assert appointment.appointment_type == kind
    assert appointment.end_at == local(MONDAY, 12)
    audit = AuditEntry.objects.get(object_id=str(entry.pk), action="update")
    assert audit.detail == f"waitlist booked appointment={appointment.pk}"


def test_book_from_waitlist_into_a_taken_slot_changes_nothing(
    desk: Actor, clinic: Clinic, kind: AppointmentType
) -> None:
    # given the slot was taken a moment ago
    provider = make_provider(clinic, display_name="Dr Lee")
    book_appointment(
        actor=desk,
        patient=PatientFactory(clinic=clinic),
        provider=provider,
        location=main_location(clinic),
        appointment_type=kind,
        start_at=local(MONDAY, 11),
    )
    entry = WaitlistEntryFactory(clinic=clinic, appointment_type=kind)

    # when
    with pytest.raises(SlotUnavailableError) as caught:
        book_from_waitlist(
            actor=desk,
            entry=entry,
            provider=provider,
            location=main_location(clinic),
            start_at=local(MONDAY, 11, 30),
        )

    # then
    entry.refresh_from_db()
    assert caught.value.message == "Dr Lee is already booked from 11:00 to 12:00."
    assert (entry.state, entry.booked_appointment) == (State.WAITING, None)
    assert Appointment.objects.filter(patient=entry.patient).count() == 0


def test_a_booked_entry_cannot_be_booked_again(
    desk: Actor, clinic: Clinic, kind: AppointmentType
) -> None:
    # given
    provider = make_provider(clinic)
    entry = WaitlistEntryFactory(clinic=clinic, appointment_type=kind)
    location = main_location(clinic)
    book_from_waitlist(
        actor=desk,
        entry=entry,
        provider=provider,
        location=location,
        start_at=local(MONDAY, 9),
    )

    # when
    with pytest.raises(InvalidTransitionError) as caught:
        book_from_waitlist(
            actor=desk,
            entry=entry,
            provider=provider,
            location=location,
            start_at=local(MONDAY, 14),
        )

    # then
    assert caught.value.message == "This waitlist entry is booked, no longer waiting."
    assert Appointment.objects.filter(patient=entry.patient).count() == 1
