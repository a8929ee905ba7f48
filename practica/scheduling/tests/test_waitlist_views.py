"""The waitlist pages: list, add, edit, remove, the matches panel, booking."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from practica.audit.models import AuditEntry
from practica.patients.tests.factories import PatientFactory
from practica.scheduling.models import Appointment, AppointmentType, WaitlistEntry
from practica.scheduling.tests.factories import (
    MONDAY,
    AppointmentTypeFactory,
    WaitlistEntryFactory,
    local,
    main_location,
    make_appointment,
    make_provider,
)
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import BILLING, FRONT_DESK
from practica.tenancy.tests.factories import make_member

ClientFor = Callable[[Membership], Client]
State = WaitlistEntry.State
HTMX = {"HTTP_HX_REQUEST": "true"}
MATCHES = reverse("scheduling:waitlist-matches")


@pytest.fixture
def desk(clinic: Clinic) -> Membership:
    return make_member(clinic, [FRONT_DESK])


@pytest.fixture
def desk_client(desk: Membership, client_for: ClientFor) -> Client:
    return client_for(desk)


@pytest.fixture
def kind(clinic: Clinic) -> AppointmentType:
    return AppointmentTypeFactory(clinic=clinic, name="Assessment", duration_minutes=60)


def _entry_data(clinic: Clinic, kind: AppointmentType, **overrides: object) -> dict:
    data: dict[str, object] = {
        "patient": PatientFactory(clinic=clinic).pk,
        "appointment_type": kind.pk,
        "weekdays": ["0", "2"],
        "earliest_time": "09:00",
        "latest_time": "12:00",
        "wait_from": "2031-03-03",
        "note": "Prefers mornings",
    }
    data.update(overrides)
    return data


# --- list, add, edit, remove -------------------------------------------------------


def test_waitlist_page_lists_waiting_patients_and_audits(
    clinic: Clinic, desk: Membership, desk_client: Client, kind: AppointmentType
) -> None:
    # given
    waiting = WaitlistEntryFactory(clinic=clinic, appointment_type=kind, note="Mon")
    booked = WaitlistEntryFactory(clinic=clinic, state=State.BOOKED)

    # when
    response = desk_client.get(reverse("scheduling:waitlist-list"))

    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert waiting.patient.full_name in body
    assert booked.patient.full_name not in body
    assert reverse("scheduling:waitlist-edit", args=[waiting.pk]) in body
    view = AuditEntry.objects.get(action="view", user_id=desk.user_id)
    assert view.detail == "waitlist 1 entries"


def test_waitlist_page_htmx_returns_the_rows(
    clinic: Clinic, desk_client: Client
) -> None:
    # given
    WaitlistEntryFactory(clinic=clinic)

    # when
    response = desk_client.get(reverse("scheduling:waitlist-list"), **HTMX)

    # then
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="waitlist-rows"')
    assert "<html" not in body
    assert response["Vary"] == "HX-Request, Cookie"


def test_add_to_waitlist_from_the_patient_page_link(
    clinic: Clinic, desk_client: Client, kind: AppointmentType
) -> None:
    # given
    patient = PatientFactory(clinic=clinic)
    patient_page = desk_client.get(f"/patients/{patient.pk}/").content.decode()
    link = f"/schedule/waitlist/create/?patient={patient.pk}"

    # when
    form_page = desk_client.get(link)
    response = desk_client.post(
        reverse("scheduling:waitlist-create"),
        _entry_data(clinic, kind, patient=patient.pk),
    )

    # then
    assert link in patient_page
    assert patient.full_name in form_page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == reverse("scheduling:waitlist-list")
    entry = WaitlistEntry.objects.get(patient=patient)
    assert (entry.weekdays, entry.earliest_time) == ([0, 2], dt.time(9))


def test_add_to_waitlist_invalid_form_is_422_with_the_field_named(
    clinic: Clinic, desk_client: Client, kind: AppointmentType
) -> None:
    # given
    data = _entry_data(clinic, kind, latest_time="08:00")

    # when
    response = desk_client.post(reverse("scheduling:waitlist-create"), data, **HTMX)

    # then
    assert response.status_code == 422
    assert "Finished by: Must be after &#x27;Not before&#x27;." in (
        response.content.decode()
    )
    assert WaitlistEntry.objects.count() == 0


def test_billing_may_not_add_to_the_waitlist(
    clinic: Clinic, client_for: ClientFor, kind: AppointmentType
) -> None:
    # given
    client = client_for(make_member(clinic, [BILLING]))

    # when
    response = client.post(
        reverse("scheduling:waitlist-create"), _entry_data(clinic, kind)
    )

    # then
    assert response.status_code == 403
    assert WaitlistEntry.objects.count() == 0


def test_edit_keeps_the_patient_and_saves_preferences(
    clinic: Clinic, desk_client: Client, kind: AppointmentType
) -> None:
    # given
    entry = WaitlistEntryFactory(clinic=clinic, appointment_type=kind)
    waiting_patient = entry.patient_id
    provider = make_provider(clinic)
    url = reverse("scheduling:waitlist-edit", args=[entry.pk])

    # when
    page = desk_client.get(url)
    response = desk_client.post(
        url,
        _entry_data(
            clinic,
            kind,
            patient=PatientFactory(clinic=clinic).pk,
            providers=[provider.pk],
            weekdays=["4"],
        ),
    )

    # then
    entry.refresh_from_db()
    assert page.status_code == 200
    assert response.status_code == 302
    assert entry.patient_id == waiting_patient
    assert entry.weekdays == [4]
    assert list(entry.providers.all()) == [provider]


def test_remove_takes_the_entry_off_the_list(
    clinic: Clinic, desk_client: Client
) -> None:
    # given
    entry = WaitlistEntryFactory(clinic=clinic)

    # when
    response = desk_client.post(
        reverse("scheduling:waitlist-remove", args=[entry.pk]), **HTMX
    )

    # then
    entry.refresh_from_db()
    assert entry.state == State.REMOVED
    assert response.status_code == 200
    assert response["HX-Trigger"] == "waitlist-changed"


# --- matches and booking ---------------------------------------------------------


def test_matches_panel_offers_free_slots_with_one_click_booking(
    clinic: Clinic, desk: Membership, desk_client: Client, kind: AppointmentType
) -> None:
    # given Dr Lee free 9-11 except 10-11
    provider = make_provider(
        clinic, display_name="Dr Lee", start=dt.time(9), end=dt.time(11)
    )
    make_appointment(
        clinic, provider=provider, appointment_type=kind, start_at=local(MONDAY, 10)
    )
    entry = WaitlistEntryFactory(clinic=clinic, appointment_type=kind)
    location = main_location(clinic)

    # when
    response = desk_client.get(
        MATCHES, {"location": location.pk, "date": "2031-03-03"}, **HTMX
    )

    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="waitlist-matches"')
    assert entry.patient.full_name in body
    assert "Book 09:00\u201310:00 Dr Lee" in body
    assert 'name="start" value="2031-03-03T09:00:00-05:00"' in body
    assert reverse("scheduling:waitlist-book", args=[entry.pk]) in body
    assert AuditEntry.objects.filter(
        action="view", user_id=desk.user_id, detail="waitlist matches 1 entries"
    ).exists()


def test_matches_full_page_without_htmx(clinic: Clinic, desk_client: Client) -> None:
    # when
    response = desk_client.get(MATCHES)

    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body
    assert "No free slot that day suits anyone waiting." in body


@pytest.mark.parametrize(
    ("params", "field"),
    [({"date": "2031-02-30"}, "date"), ({"location": "999999"}, "location")],
)
def test_matches_bad_parameters_are_422_naming_the_field(
    clinic: Clinic, desk_client: Client, params: dict[str, str], field: str
) -> None:
    # when
    response = desk_client.get(MATCHES, params, **HTMX)

    # then
    assert response.status_code == 422
    assert f"Check {field}:" in response.content.decode()


def test_book_from_the_panel_books_and_tells_the_calendar(
    clinic: Clinic, desk_client: Client, kind: AppointmentType
) -> None:
    # given
    provider = make_provider(clinic)
    entry = WaitlistEntryFactory(clinic=clinic, appointment_type=kind)
    location = main_location(clinic)

    # when
    response = desk_client.post(
        reverse("scheduling:waitlist-book", args=[entry.pk]),
        {
            "provider": provider.pk,
            "location": location.pk,
            "start": "2031-03-03T09:00:00-05:00",
            "date": "2031-03-03",
        },
        **HTMX,
    )

    # then
    entry.refresh_from_db()
    appointment = Appointment.objects.get(patient=entry.patient)
    assert response.status_code == 200
    assert response["HX-Trigger"] == "appointment-changed"
    assert reverse("scheduling:appointment-detail", args=[appointment.pk]) in (
        response.content.decode()
    )
    assert (entry.state, entry.booked_appointment) == (State.BOOKED, appointment)
    assert appointment.start_at == local(MONDAY, 9)


def test_book_without_htmx_redirects_to_the_appointment(
    clinic: Clinic, desk_client: Client, kind: AppointmentType
) -> None:
    # given
    provider = make_provider(clinic)
    entry = WaitlistEntryFactory(clinic=clinic, appointment_type=kind)

    # when
    response = desk_client.post(
        reverse("scheduling:waitlist-book", args=[entry.pk]),
        {
            "provider": provider.pk,
            "location": main_location(clinic).pk,
            "start": "2031-03-03T14:00:00+00:00",
        },
    )

    # then
    appointment = Appointment.objects.get(patient=entry.patient)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "scheduling:appointment-detail", args=[appointment.pk]
    )


def test_book_a_slot_taken_meanwhile_is_409_and_changes_nothing(
    clinic: Clinic, desk_client: Client, kind: AppointmentType
) -> None:
    # given the offered slot was booked by someone else
    provider = make_provider(clinic, display_name="Dr Lee")
    make_appointment(
        clinic, provider=provider, appointment_type=kind, start_at=local(MONDAY, 9)
    )
    entry = WaitlistEntryFactory(clinic=clinic, appointment_type=kind)

    # when
    response = desk_client.post(
        reverse("scheduling:waitlist-book", args=[entry.pk]),
        {
            "provider": provider.pk,
            "location": main_location(clinic).pk,
            "start": "2031-03-03T09:00:00-05:00",
        },
        **HTMX,
    )

    # then
    entry.refresh_from_db()
    assert response.status_code == 409
    assert "Dr Lee is already booked from 09:00 to 10:00." in response.content.decode()
    assert (entry.state, entry.booked_appointment) == (State.WAITING, None)
    assert not Appointment.objects.filter(patient=entry.patient).exists()


def test_book_with_a_bad_start_is_422(
    clinic: Clinic, desk_client: Client, kind: AppointmentType
) -> None:
    # given
    entry = WaitlistEntryFactory(clinic=clinic, appointment_type=kind)

    # when
    response = desk_client.post(
        reverse("scheduling:waitlist-book", args=[entry.pk]),
        {
            "provider": make_provider(clinic).pk,
            "location": main_location(clinic).pk,
            "start": "2031-03-03T09:00",
        },
        **HTMX,
    )

    # then
    entry.refresh_from_db()
    assert response.status_code == 422
    assert "Check start: Choose one of the offered times." in (
        response.content.decode()
    )
    assert entry.state == State.WAITING


def test_viewers_see_matches_without_book_buttons(
    clinic: Clinic, client_for: ClientFor, kind: AppointmentType
) -> None:
    # given a billing clerk (schedule view only)
    make_provider(clinic, start=dt.time(9), end=dt.time(10))
    entry = WaitlistEntryFactory(clinic=clinic, appointment_type=kind)
    client = client_for(make_member(clinic, [BILLING]))

    # when
    response = client.get(MATCHES, {"date": "2031-03-03"}, **HTMX)

    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert entry.patient.full_name in body
    assert reverse("scheduling:waitlist-book", args=[entry.pk]) not in body
