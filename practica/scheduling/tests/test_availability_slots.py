"""find_slots and working_intervals against the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from practica.patients.tests.factories import PatientFactory
from practica.scheduling.models import Appointment, AppointmentType, Provider, RoomKind
from practica.scheduling.selectors.availability import (
    Slot,
    find_slots,
    working_intervals,
)
from practica.scheduling.tests.factories import (
    MONDAY,
    AppointmentFactory,
    AppointmentTypeFactory,
    AvailabilityExceptionFactory,
    ClinicHolidayFactory,
    RoomFactory,
    local,
    main_location,
    make_provider,
)
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic
from practica.tenancy.permissions import FRONT_DESK
from practica.tenancy.tests.factories import LocationFactory, actor_for, make_member

Status = Appointment.Status
EARLY = local(MONDAY - dt.timedelta(days=30), 0)


@pytest.fixture
def desk(clinic: Clinic) -> Actor:
    return actor_for(make_member(clinic, [FRONT_DESK]))


def _slots(actor: Actor, kind: AppointmentType, **options: object) -> list[Slot]:
    """find_slots at the clinic's "Main" location from MONDAY, ignoring the
    real "now"; pass `location` to keep its look-up out of a query count."""
    args: dict[str, object] = {
        "actor": actor,
        "appointment_type": kind,
        "start_on": MONDAY,
        "not_before": EARLY,
        "limit": 4,
    }
    args.update(options)
    if "location" not in args:
        args["location"] = main_location(actor.clinic)
    return find_slots(**args)  # type: ignore[arg-type]


def _times(slots: list[Slot]) -> list[str]:
    return [f"{s.start_at:%a %H:%M} {s.provider.display_name}" for s in slots]


def test_first_slots_are_in_time_order_then_provider_name(
    desk: Actor, clinic: Clinic
) -> None:
    # given
    make_provider(clinic, display_name="Dr B", start=dt.time(9, 30))
    make_provider(clinic, display_name="Dr A", start=dt.time(9, 30))
    kind = AppointmentTypeFactory(clinic=clinic, duration_minutes=30)

    # when
    slots = _slots(desk, kind)

    # then
    assert _times(slots) == [
        "Mon 09:30 Dr A",
        "Mon 09:30 Dr B",
        "Mon 09:45 Dr A",
        "Mon 09:45 Dr B",
    ]
    assert slots[0].end_at == local(MONDAY, 10)
    assert slots[0].room is None


def test_an_existing_booking_and_both_buffers_keep_slots_clear(
    desk: Actor, clinic: Clinic
) -> None:
    # given: a booking 10:00-10:45, and a 45-minute type with 15-minute buffers
    provider = make_provider(clinic, display_name="Dr A", start=dt.time(9))
    AppointmentFactory(provider=provider, start_at=local(MONDAY, 10))
    kind = AppointmentTypeFactory(
        clinic=clinic,
        duration_minutes=45,
        buffer_before_minutes=15,
        buffer_after_minutes=15,
    )

    # when
    slots = _slots(desk, kind)

    # then: 09:00 ends its buffer at 10:00; 11:00 starts its buffer at 10:45
    assert _times(slots) == [
        "Mon 09:00 Dr A",
        "Mon 11:00 Dr A",
        "Mon 11:15 Dr A",
        "Mon 11:30 Dr A",
    ]


def test_cancelled_bookings_free_their_time(desk: Actor, clinic: Clinic) -> None:
    # given
    provider = make_provider(clinic, display_name="Dr A", end=dt.time(10))
    AppointmentFactory(
        provider=provider, start_at=local(MONDAY, 9), status=Status.CANCELLED
    )
    kind = AppointmentTypeFactory(clinic=clinic, duration_minutes=60)

    # then
    assert _times(_slots(desk, kind, limit=1)) == ["Mon 09:00 Dr A"]


def test_a_booking_at_another_location_also_holds_the_provider(
    desk: Actor, clinic: Clinic
) -> None:
    # given
    provider = make_provider(clinic, display_name="Dr A", end=dt.time(11))
    kind = AppointmentTypeFactory(clinic=clinic, duration_minutes=60)
    uptown = LocationFactory(clinic=clinic, name="Uptown")
    AppointmentFactory(provider=provider, location=uptown, start_at=local(MONDAY, 9))

    # then: the 45-minute booking there ends at 09:45
    assert _times(_slots(desk, kind, limit=2)) == ["Mon 09:45 Dr A", "Mon 10:00 Dr A"]


def test_rooms_are_reported_and_a_full_house_gives_no_slot(
    desk: Actor, clinic: Clinic
) -> None:
    # given: two treatment rooms; Room A busy 9:00-9:45, Room B busy 9-11
    make_provider(clinic, display_name="Dr A", end=dt.time(11))
    other = make_provider(clinic, display_name="Dr Z", end=dt.time(11))
    room_a = RoomFactory(clinic=clinic, name="Room A", kind=RoomKind.TREATMENT)
    room_b = RoomFactory(clinic=clinic, name="Room B", kind=RoomKind.TREATMENT)
    RoomFactory(clinic=clinic, name="Gym", kind=RoomKind.GYM)
    AppointmentFactory(provider=other, room=room_a, start_at=local(MONDAY, 9))
    AppointmentFactory(
        provider=make_provider(clinic, display_name="Dr Y", end=dt.time(11)),
        room=room_b,
        start_at=local(MONDAY, 9),
        end_at=local(MONDAY, 11),
        busy_until=local(MONDAY, 11),
    )
    kind = AppointmentTypeFactory(
        clinic=clinic, duration_minutes=60, room_kind=RoomKind.TREATMENT
    )

    # when
    slots = _slots(
        desk, kind, provider=Provider.objects.get(display_name="Dr A"), days=1
    )

    # then: from 09:45 a visit fits before 11:00, in the room free then
    assert [(f"{s.start_at:%H:%M}", s.room) for s in slots] == [
        ("09:45", room_a),
        ("10:00", room_a),
    ]


def test_a_type_needing_a_kind_of_room_the_location_lacks_has_no_slot(
    desk: Actor, clinic: Clinic
) -> None:
    # given
    make_provider(clinic)
    kind = AppointmentTypeFactory(clinic=clinic, room_kind=RoomKind.STUDIO)

    # then
    assert _slots(desk, kind) == []


def test_only_providers_offering_the_type_are_offered(
    desk: Actor, clinic: Clinic
) -> None:
    # given
    kind = AppointmentTypeFactory(clinic=clinic, duration_minutes=30)
    massage = AppointmentTypeFactory(clinic=clinic)
    make_provider(clinic, display_name="Dr A").offered_types.add(massage)
    make_provider(clinic, display_name="Dr B").offered_types.add(kind, massage)
    make_provider(clinic, display_name="Dr C")

    # when
    slots = _slots(desk, kind, limit=2)

    # then
    assert _times(slots) == ["Mon 09:00 Dr B", "Mon 09:00 Dr C"]


def test_time_off_and_holidays_move_the_first_slot(desk: Actor, clinic: Clinic) -> None:
    # given: Monday a holiday, Tuesday a vacation, Wednesday sick until 13:00
    provider = make_provider(clinic, display_name="Dr A")
    ClinicHolidayFactory(clinic=clinic, on=MONDAY)
    tuesday = MONDAY + dt.timedelta(days=1)
    AvailabilityExceptionFactory(provider=provider, starts_on=tuesday, ends_on=tuesday)
    AvailabilityExceptionFactory(
        provider=provider,
        kind="sick",
        starts_on=MONDAY + dt.timedelta(2),
        ends_on=MONDAY + dt.timedelta(2),
        start_time=dt.time(9),
        end_time=dt.time(13),
    )
    kind = AppointmentTypeFactory(clinic=clinic, duration_minutes=60)

    # then
    assert _times(_slots(desk, kind, limit=1)) == ["Wed 13:00 Dr A"]


@pytest.mark.parametrize(
    ("patient_kind", "seen", "offered"),
    [
        ("new", False, True),
        ("new", True, False),
        ("returning", False, False),
        ("returning", True, True),
        ("any", False, True),
    ],
)
def test_new_and_returning_types_follow_the_patient(
    desk: Actor, clinic: Clinic, patient_kind: str, seen: bool, offered: bool
) -> None:
    # given
    provider = make_provider(clinic)
    patient = PatientFactory(clinic=clinic)
    AppointmentFactory(
        provider=provider,
        patient=patient,
        start_at=local(MONDAY - dt.timedelta(days=60), 10),
        status=Status.COMPLETED if seen else Status.CANCELLED,
    )
    kind = AppointmentTypeFactory(clinic=clinic, patient_kind=patient_kind)

    # when
    slots = _slots(desk, kind, patient=patient, limit=1)

    # then
    assert bool(slots) is offered


def test_the_past_is_never_offered(desk: Actor, clinic: Clinic) -> None:
    # given
    make_provider(clinic, display_name="Dr A")
    kind = AppointmentTypeFactory(clinic=clinic, duration_minutes=30)

    # when
    slots = _slots(desk, kind, not_before=local(MONDAY, 15, 50), limit=2)

    # then
    assert _times(slots) == ["Mon 16:00 Dr A", "Mon 16:15 Dr A"]


def test_group_types_have_no_slots(desk: Actor, clinic: Clinic) -> None:
    # given
    make_provider(clinic)
    kind = AppointmentTypeFactory(clinic=clinic, capacity=8)

    # then
    assert _slots(desk, kind) == []


def test_a_type_of_another_clinic_has_no_slots(
    desk: Actor, clinic: Clinic, other_clinic: Clinic
) -> None:
    # given
    make_provider(clinic)
    kind = AppointmentTypeFactory(clinic=other_clinic)

    # then
    assert _slots(desk, kind) == []


def test_the_limit_may_reach_over_several_days(desk: Actor, clinic: Clinic) -> None:
    # given: two hours on Mondays only
    make_provider(clinic, display_name="Dr A", weekdays=(0,), end=dt.time(11))
    kind = AppointmentTypeFactory(clinic=clinic, duration_minutes=60)

    # when
    slots = _slots(desk, kind, limit=6, step_minutes=60)

    # then
    assert [f"{s.start_at:%m-%d %H:%M}" for s in slots] == [
        "03-03 09:00",
        "03-03 10:00",
        "03-10 09:00",
        "03-10 10:00",
        "03-17 09:00",
        "03-17 10:00",
    ]


# --- query counts --------------------------------------------------------------


def _history(clinic: Clinic, provider: Provider, weeks: int) -> None:
    """One booking a week for `weeks` weeks before MONDAY, in a room."""
    patient = PatientFactory(clinic=clinic)
    kind = AppointmentTypeFactory(clinic=clinic, name="History")
    room = RoomFactory(clinic=clinic, name="Room H")
    for week in range(1, weeks + 1):
        AppointmentFactory(
            provider=provider,
            patient=patient,
            appointment_type=kind,
            room=room,
            start_at=local(MONDAY - dt.timedelta(weeks=week), 10),
            status=Status.COMPLETED,
        )


def test_find_slots_reads_seven_queries_with_or_without_three_years_of_history(
    desk: Actor,
    clinic: Clinic,
    django_assert_num_queries: Callable[..., Any],
) -> None:
    # given
    providers = [make_provider(clinic, display_name=f"Dr {n}") for n in range(3)]
    RoomFactory(clinic=clinic, name="Room 1")
    patient = PatientFactory(clinic=clinic)
    kind = AppointmentTypeFactory(
        clinic=clinic, room_kind=RoomKind.TREATMENT, patient_kind="new"
    )
    location = main_location(clinic)

    # when / then: providers, patient's newness, rooms, hours, exceptions,
    # holidays, busy spans
    with django_assert_num_queries(7):
        before = _slots(desk, kind, patient=patient, limit=20, location=location)
    _history(clinic, providers[0], weeks=156)
    with django_assert_num_queries(7):
        after = _slots(desk, kind, patient=patient, limit=20, location=location)
    assert len(before) == 20
    assert after == before


def test_working_intervals_reads_three_queries(
    clinic: Clinic, django_assert_num_queries: Callable[..., Any]
) -> None:
    # given
    providers = [make_provider(clinic) for _ in range(4)]
    _history(clinic, providers[0], weeks=20)

    location = main_location(clinic)

    # when
    with django_assert_num_queries(3):
        found = working_intervals(
            clinic_id=clinic.pk,
            location=location,
            providers=providers,
            start_on=MONDAY,
            end_on=MONDAY + dt.timedelta(days=6),
        )

    # then
    assert sorted(found) == sorted(p.pk for p in providers)
    assert all(len(days) == 5 for days in found.values())


def test_find_slots_reads_the_first_week_in_one_query(
    desk: Actor,
    clinic: Clinic,
    django_assert_num_queries: Callable[..., Any],
) -> None:
    # given: a provider who works on Wednesdays only, with history
    provider = make_provider(clinic, display_name="Dr A", weekdays=(2,))
    kind = AppointmentTypeFactory(clinic=clinic)
    location = main_location(clinic)
    _history(clinic, provider, weeks=100)

    # when: providers, hours, exceptions, holidays, then the week's bookings
    with django_assert_num_queries(5):
        slots = _slots(desk, kind, limit=1, location=location)

    # then
    assert _times(slots) == ["Wed 09:00 Dr A"]
