"""The owner sets up rooms, providers' services, time off, extra shifts and
holidays from the set-up page."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.test import Client

from practica.audit.models import AuditEntry
from practica.scheduling.models import (
    AppointmentType,
    AvailabilityException,
    ClinicHoliday,
    Room,
    RoomKind,
)
from practica.scheduling.tests.factories import (
    MONDAY,
    AppointmentTypeFactory,
    AvailabilityExceptionFactory,
    ClinicHolidayFactory,
    RoomFactory,
    main_location,
    make_appointment,
    make_provider,
)
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.tests.factories import LocationFactory

pytestmark = pytest.mark.django_db

SETUP = "/schedule/setup/"
PAST = dt.date(2020, 1, 6)


@pytest.fixture
def owner_client(
    clinic: Clinic,
    member_factory: Callable[..., Membership],
    client_for: Callable[[Membership], Client],
) -> Client:
    return client_for(member_factory(clinic, ["owner"]))


def _audited(action: str, obj: object) -> bool:
    return AuditEntry.objects.filter(
        action=action, object_id=str(getattr(obj, "pk", ""))
    ).exists()


# --- rooms -------------------------------------------------------------------


def test_owner_adds_a_room(clinic: Clinic, owner_client: Client) -> None:
    # given
    location = main_location(clinic)
    # when
    response = owner_client.post(
        "/schedule/setup/rooms/create/",
        {"location": location.pk, "name": " Gym ", "kind": "gym"},
    )
    # then
    room = Room.objects.get(clinic=clinic)
    assert response.status_code == 302
    assert response["Location"] == SETUP
    assert (room.location_id, room.name, room.kind, room.is_active) == (
        location.pk,
        "Gym",
        RoomKind.GYM,
        True,
    )
    assert _audited("create", room)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "Room 1"}, "Name: This location already has a room of that name."),
        ({"name": "   "}, "Name: This field is required."),
        ({"kind": "sauna"}, "Kind: Select a valid choice."),
        ({"location": "999999"}, "Location: Select a valid choice."),
    ],
)
def test_bad_room_is_refused_and_changes_nothing(
    clinic: Clinic, owner_client: Client, fields: dict[str, str], message: str
) -> None:
    # given
    RoomFactory(clinic=clinic, name="Room 1")
    location = main_location(clinic)
    # when
    response = owner_client.post(
        "/schedule/setup/rooms/create/",
        {"location": location.pk, "name": "Room 2", "kind": "treatment", **fields},
    )
    # then
    assert response.status_code == 422
    assert message in response.content.decode()
    assert list(Room.objects.filter(clinic=clinic).values_list("name", flat=True)) == [
        "Room 1"
    ]


def test_same_room_name_is_fine_at_another_location(
    clinic: Clinic, owner_client: Client
) -> None:
    # given
    RoomFactory(clinic=clinic, name="Room 1")
    other = LocationFactory(clinic=clinic, name="West")
    # when
    response = owner_client.post(
        "/schedule/setup/rooms/create/",
        {"location": other.pk, "name": "Room 1", "kind": "treatment"},
    )
    # then
    assert response.status_code == 302
    assert Room.objects.filter(clinic=clinic, name="Room 1").count() == 2


def test_owner_retires_and_reactivates_a_room(
    clinic: Clinic, owner_client: Client
) -> None:
    # given
    room = RoomFactory(clinic=clinic, name="Room 1")
    url = f"/schedule/setup/rooms/{room.pk}/edit/"
    fields = {"location": room.location_id, "name": "Room A", "kind": "exam"}
    # when
    page = owner_client.get(url)
    retired = owner_client.post(url, fields)
    room.refresh_from_db()
    after_retiring = (room.name, room.kind, room.is_active)
    reactivated = owner_client.post(url, {**fields, "is_active": "on"})
    room.refresh_from_db()
    # then
    assert page.status_code == 200
    assert 'value="Room 1"' in page.content.decode()
    assert (retired.status_code, reactivated.status_code) == (302, 302)
    assert after_retiring == ("Room A", RoomKind.EXAM, False)
    assert room.is_active is True
    assert AuditEntry.objects.filter(action="update", object_id=str(room.pk)).count()


def test_renaming_a_room_to_a_taken_name_is_refused(
    clinic: Clinic, owner_client: Client
) -> None:
    # given
    RoomFactory(clinic=clinic, name="Room 1")
    room = RoomFactory(clinic=clinic, name="Room 2")
    # when
    response = owner_client.post(
        f"/schedule/setup/rooms/{room.pk}/edit/",
        {"location": room.location_id, "name": "Room 1", "kind": "treatment"},
    )
    # then
    room.refresh_from_db()
    assert response.status_code == 422
    assert "This location already has a room of that name." in (
        response.content.decode()
    )
    assert room.name == "Room 2"


def test_front_desk_cannot_add_a_room(
    clinic: Clinic,
    member_factory: Callable[..., Membership],
    client_for: Callable[[Membership], Client],
) -> None:
    # given
    client = client_for(member_factory(clinic, ["front_desk"]))
    # when
    response = client.post(
        "/schedule/setup/rooms/create/",
        {"location": main_location(clinic).pk, "name": "Gym", "kind": "gym"},
    )
    # then
    assert response.status_code == 403
    assert not Room.objects.filter(clinic=clinic).exists()


# --- providers ---------------------------------------------------------------


def test_owner_limits_the_services_a_provider_offers(
    clinic: Clinic, owner_client: Client
) -> None:
    # given
    provider = make_provider(clinic, display_name="Dr Old")
    offered = AppointmentTypeFactory(clinic=clinic, name="Massage 60")
    AppointmentTypeFactory(clinic=clinic, name="Massage 90")
    url = f"/schedule/setup/providers/{provider.pk}/edit/"
    # when
    page = owner_client.get(url).content.decode()
    response = owner_client.post(
        url,
        {
            "display_name": "Dr New",
            "credentials": "RMT",
            "colour": "#AA00CC",
            "is_active": "on",
            "offered_types": [offered.pk],
        },
    )
    # then
    provider.refresh_from_db()
    setup_page = owner_client.get(SETUP).content.decode()
    assert "With none ticked, the provider offers every service." in page
    assert response.status_code == 302
    assert (provider.display_name, provider.credentials, provider.colour) == (
        "Dr New",
        "RMT",
        "#aa00cc",
    )
    assert list(provider.offered_types.values_list("name", flat=True)) == ["Massage 60"]
    assert "<td>Massage 60</td>" in setup_page
    assert _audited("update", provider)


def test_no_service_ticked_means_every_service(
    clinic: Clinic, owner_client: Client
) -> None:
    # given
    provider = make_provider(clinic)
    provider.offered_types.set([AppointmentTypeFactory(clinic=clinic)])
    # when
    response = owner_client.post(
        f"/schedule/setup/providers/{provider.pk}/edit/",
        {"display_name": "Dr A", "colour": "#1f6f8b", "is_active": "on"},
    )
    # then
    assert response.status_code == 302
    assert not provider.offered_types.exists()
    assert '<span class="muted">Every service</span>' in (
        owner_client.get(SETUP).content.decode()
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"colour": "red"}, "Colour on the calendar: Give a colour like #1f6f8b."),
        ({"colour": "#12345g"}, "Colour on the calendar: Give a colour like #1f6f8b."),
        ({"display_name": " "}, "Name on the calendar: This field is required."),
    ],
)
def test_bad_provider_details_are_refused(
    clinic: Clinic, owner_client: Client, fields: dict[str, str], message: str
) -> None:
    # given
    provider = make_provider(clinic, display_name="Dr Same")
    # when
    response = owner_client.post(
        f"/schedule/setup/providers/{provider.pk}/edit/",
        {"display_name": "Dr Changed", "colour": "#1f6f8b", **fields},
    )
    # then
    provider.refresh_from_db()
    assert response.status_code == 422
    assert message in response.content.decode()
    assert (provider.display_name, provider.is_active) == ("Dr Same", True)


def test_another_clinics_service_cannot_be_offered(
    clinic: Clinic, other_clinic: Clinic, owner_client: Client
) -> None:
    # given
    provider = make_provider(clinic)
    foreign = AppointmentTypeFactory(clinic=other_clinic)
    # when
    response = owner_client.post(
        f"/schedule/setup/providers/{provider.pk}/edit/",
        {"display_name": "Dr A", "colour": "#1f6f8b", "offered_types": [foreign.pk]},
    )
    # then
    assert response.status_code == 422
    assert "Services offered: Select a valid choice." in response.content.decode()
    assert not provider.offered_types.exists()


# --- exceptions --------------------------------------------------------------


def test_owner_adds_a_weeks_vacation(clinic: Clinic, owner_client: Client) -> None:
    # given
    provider = make_provider(clinic)
    # when
    response = owner_client.post(
        "/schedule/setup/exceptions/create/",
        {
            "provider": provider.pk,
            "kind": "vacation",
            "starts_on": "2031-03-03",
            "ends_on": "2031-03-09",
            "note": "Away",
        },
    )
    # then
    exception = AvailabilityException.objects.get(clinic=clinic)
    page = owner_client.get(SETUP).content.decode()
    assert response.status_code == 302
    assert (
        exception.kind,
        exception.starts_on,
        exception.ends_on,
        exception.start_time,
        exception.location_id,
    ) == ("vacation", MONDAY, dt.date(2031, 3, 9), None, None)
    assert "Mon 3 Mar 2031 \u2013 Sun 9 Mar 2031" in page
    assert _audited("create", exception)


def test_owner_adds_an_extra_saturday_shift(
    clinic: Clinic, owner_client: Client
) -> None:
    # given
    provider = make_provider(clinic)
    location = main_location(clinic)
    # when
    response = owner_client.post(
        "/schedule/setup/exceptions/create/",
        {
            "provider": provider.pk,
            "kind": "extra_shift",
            "starts_on": "2031-03-08",
            "ends_on": "2031-03-08",
            "start_time": "09:00",
            "end_time": "13:00",
            "location": location.pk,
        },
    )
    # then
    exception = AvailabilityException.objects.get(clinic=clinic)
    assert response.status_code == 302
    assert (exception.start_time, exception.end_time, exception.location_id) == (
        dt.time(9),
        dt.time(13),
        location.pk,
    )
    assert "09:00\u201313:00" in owner_client.get(SETUP).content.decode()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"starts_on": "2031-03-09", "ends_on": "2031-03-03"},
            "Last day: The last day cannot be before the first.",
        ),
        (
            {"kind": "extra_shift", "location": ""},
            "Location: Choose where the extra shift is.",
        ),
        (
            {"kind": "extra_shift", "start_time": "", "end_time": ""},
            "From (optional): Give the extra shift&#x27;s times.",
        ),
        (
            {"end_time": ""},
            "To (optional): Give both times, or neither for whole days.",
        ),
        (
            {"start_time": "14:00", "end_time": "10:00"},
            "To (optional): The end must be after the start.",
        ),
        (
            {"ends_on": "2032-03-04"},
            "Last day: Add at most a year at a time.",
        ),
        ({"starts_on": "not a date"}, "First day: Enter a valid date."),
        ({"kind": "party"}, "Kind: Select a valid choice."),
    ],
)
def test_bad_exception_is_refused_and_changes_nothing(
    clinic: Clinic, owner_client: Client, fields: dict[str, str], message: str
) -> None:
    # given
    provider = make_provider(clinic)
    valid = {
        "provider": provider.pk,
        "kind": "unavailable",
        "starts_on": "2031-03-03",
        "ends_on": "2031-03-03",
        "start_time": "09:00",
        "end_time": "12:00",
        "location": main_location(clinic).pk,
    }
    # when
    response = owner_client.post(
        "/schedule/setup/exceptions/create/", {**valid, **fields}
    )
    # then
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not AvailabilityException.objects.filter(clinic=clinic).exists()


def test_owner_deletes_an_exception(clinic: Clinic, owner_client: Client) -> None:
    # given
    exception = AvailabilityExceptionFactory(provider=make_provider(clinic))
    pk = exception.pk
    # when
    response = owner_client.post(f"/schedule/setup/exceptions/{pk}/delete/")
    # then
    assert response.status_code == 302
    assert not AvailabilityException.objects.filter(pk=pk).exists()
    assert AuditEntry.objects.filter(action="delete", object_id=str(pk)).count() == 1


def test_past_exceptions_and_holidays_are_not_listed(
    clinic: Clinic, owner_client: Client
) -> None:
    # given
    provider = make_provider(clinic)
    AvailabilityExceptionFactory(provider=provider, note="Old trip")
    AvailabilityExceptionFactory(
        provider=provider, starts_on=PAST, ends_on=PAST, note="Ancient trip"
    )
    ClinicHolidayFactory(clinic=clinic, name="Future Day")
    ClinicHolidayFactory(clinic=clinic, name="Past Day", on=PAST)
    # when
    page = owner_client.get(SETUP).content.decode()
    # then
    assert ("Old trip" in page, "Ancient trip" in page) == (True, False)
    assert ("Future Day" in page, "Past Day" in page) == (True, False)


# --- holidays ----------------------------------------------------------------


def test_owner_adds_and_deletes_a_holiday(clinic: Clinic, owner_client: Client) -> None:
    # when
    created = owner_client.post(
        "/schedule/setup/holidays/create/", {"name": "Family Day", "on": "2031-02-17"}
    )
    holiday = ClinicHoliday.objects.get(clinic=clinic)
    page = owner_client.get(SETUP).content.decode()
    deleted = owner_client.post(f"/schedule/setup/holidays/{holiday.pk}/delete/")
    # then
    assert (created.status_code, deleted.status_code) == (302, 302)
    assert (holiday.name, holiday.on, holiday.location_id) == (
        "Family Day",
        dt.date(2031, 2, 17),
        None,
    )
    assert "<td>Family Day</td>" in page
    assert "All locations" in page
    assert not ClinicHoliday.objects.filter(clinic=clinic).exists()
    assert _audited("create", holiday)
    assert _audited("delete", holiday)


def test_holiday_at_one_location(clinic: Clinic, owner_client: Client) -> None:
    # given
    other = LocationFactory(clinic=clinic, name="West")
    # when
    response = owner_client.post(
        "/schedule/setup/holidays/create/",
        {"name": "Local fair", "on": "2031-06-02", "location": other.pk},
    )
    # then
    assert response.status_code == 302
    assert ClinicHoliday.objects.get(clinic=clinic).location_id == other.pk


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"on": "2031-03-03"}, "Date: There is already a holiday on that day."),
        ({"on": "31/02/2031"}, "Date: Enter a valid date."),
        ({"name": ""}, "Name: This field is required."),
        ({"on": "1999-12-31"}, "Date: Choose a date between 2000 and 2100."),
    ],
)
def test_bad_holiday_is_refused_and_changes_nothing(
    clinic: Clinic, owner_client: Client, fields: dict[str, str], message: str
) -> None:
    # given
    ClinicHolidayFactory(clinic=clinic, name="Existing")
    # when
    response = owner_client.post(
        "/schedule/setup/holidays/create/",
        {"name": "New", "on": "2031-04-01", **fields},
    )
    # then
    assert response.status_code == 422
    assert message in response.content.decode()
    assert ClinicHoliday.objects.filter(clinic=clinic).count() == 1


# --- services: the new fields ------------------------------------------------


def test_owner_adds_a_group_class_with_buffers_and_a_room(
    clinic: Clinic, owner_client: Client
) -> None:
    # when
    response = owner_client.post(
        "/schedule/setup/services/create/",
        {
            "name": "Pilates class",
            "modality": "physiotherapy",
            "duration_minutes": "60",
            "price": "25.00",
            "buffer_before_minutes": "5",
            "buffer_after_minutes": "10",
            "colour": "#AABBCC",
            "room_kind": "studio",
            "patient_kind": "returning",
            "is_online_bookable": "on",
            "capacity": "8",
        },
    )
    # then
    created = AppointmentType.objects.get(clinic=clinic)
    assert response.status_code == 302
    assert (
        created.buffer_before_minutes,
        created.buffer_after_minutes,
        created.colour,
        created.room_kind,
        created.patient_kind,
        created.is_online_bookable,
        created.capacity,
        created.is_group,
    ) == (5, 10, "#aabbcc", "studio", "returning", True, 8, True)
    assert "Class of 8" in owner_client.get(SETUP).content.decode()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"buffer_after_minutes": "121"},
            "Buffer after (minutes): Ensure this value is less than or equal to 120.",
        ),
        (
            {"buffer_before_minutes": "-1"},
            "Buffer before (minutes): Ensure this value is greater than or equal to 0.",
        ),
        ({"colour": "blue"}, "Colour on the calendar: Give a colour like #1f6f8b."),
        (
            {"capacity": "0"},
            "Patients per appointment: Ensure this value is greater than or equal"
            " to 1.",
        ),
        ({"room_kind": "sauna"}, "Room needed: Select a valid choice."),
        ({"patient_kind": "vip"}, "Who may book it: Select a valid choice."),
    ],
)
def test_bad_service_fields_are_refused(
    clinic: Clinic, owner_client: Client, fields: dict[str, str], message: str
) -> None:
    # when
    response = owner_client.post(
        "/schedule/setup/services/create/",
        {
            "name": "Massage",
            "modality": "massage",
            "duration_minutes": "60",
            "price": "100",
            **fields,
        },
    )
    # then
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not AppointmentType.objects.filter(clinic=clinic).exists()


def test_editing_a_service_keeps_and_changes_the_new_fields(
    clinic: Clinic, owner_client: Client
) -> None:
    # given
    service = AppointmentTypeFactory(
        clinic=clinic, buffer_after_minutes=10, room_kind="treatment"
    )
    url = f"/schedule/setup/services/{service.pk}/edit/"
    # when
    page = owner_client.get(url).content.decode()
    response = owner_client.post(
        url,
        {
            "name": service.name,
            "modality": "massage",
            "duration_minutes": "60",
            "price": "110.00",
            "buffer_after_minutes": "15",
            "colour": "#123456",
            "room_kind": "",
            "patient_kind": "new",
            "capacity": "1",
            "is_active": "on",
        },
    )
    # then
    service.refresh_from_db()
    assert 'name="buffer_after_minutes" value="10"' in page
    assert response.status_code == 302
    assert (
        service.buffer_before_minutes,
        service.buffer_after_minutes,
        service.room_kind,
        service.patient_kind,
        service.colour,
    ) == (0, 15, "", "new", "#123456")


# --- the page ----------------------------------------------------------------


def _fill_setup(clinic: Clinic, n: int) -> None:
    for i in range(n):
        provider = make_provider(clinic)
        provider.offered_types.set([AppointmentTypeFactory(clinic=clinic)])
        RoomFactory(clinic=clinic)
        AvailabilityExceptionFactory(provider=provider)
        ClinicHolidayFactory(clinic=clinic, on=MONDAY + dt.timedelta(days=i))


# 4 for the request (session, user, membership, roles) + 16 for the page: each
# table one query (offered services prefetched) and each form's choice lists.
SETUP_PAGE_QUERIES = 20


@pytest.mark.parametrize("n", [2, 6])
def test_setup_page_query_count_does_not_grow(
    clinic: Clinic,
    owner_client: Client,
    n: int,
    django_assert_num_queries: Callable[..., object],
) -> None:
    # given
    _fill_setup(clinic, n)
    owner_client.get(SETUP)
    # when / then: session, user, membership, roles, then the page's own reads
    with django_assert_num_queries(SETUP_PAGE_QUERIES):  # type: ignore[operator]
        response = owner_client.get(SETUP)
    assert response.status_code == 200


def test_setup_page_ids_are_unique(clinic: Clinic, owner_client: Client) -> None:
    # given: several forms on one page share field names (name, kind, location)
    make_provider(clinic)
    # when
    page = owner_client.get(SETUP).content.decode()
    # then: every label still points at one field
    ids = re.findall(r' id="([^"]+)"', page)
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
    assert 'for="room_name"' in page
    assert 'for="holiday_name"' in page


def test_provider_with_upcoming_appointments_stays_active(
    clinic: Clinic, owner_client: Client
) -> None:
    # given an appointment on MONDAY (in 2031)
    appointment = make_appointment(clinic)
    provider = appointment.provider
    # when
    response = owner_client.post(
        f"/schedule/setup/providers/{provider.pk}/edit/",
        {"display_name": "Dr A", "colour": "#1f6f8b"},
    )
    # then
    provider.refresh_from_db()
    assert response.status_code == 422
    assert (
        "has 1 upcoming appointment(s): move or cancel them before making the "
        "provider inactive."
    ) in response.content.decode()
    assert provider.is_active is True


def test_provider_with_only_cancelled_appointments_can_leave(
    clinic: Clinic, owner_client: Client
) -> None:
    # given
    appointment = make_appointment(clinic, status="cancelled")
    provider = appointment.provider
    # when
    response = owner_client.post(
        f"/schedule/setup/providers/{provider.pk}/edit/",
        {"display_name": "Dr A", "colour": "#1f6f8b"},
    )
    # then
    provider.refresh_from_db()
    assert response.status_code == 302
    assert provider.is_active is False
