"""The demo clinic's availability set-up: rooms, service needs, a holiday,
time off, an extra shift and a provider offering only some services."""

from __future__ import annotations

import datetime as dt

import pytest

from practica.demo.generator import ClinicSpec, generate_clinic
from practica.demo.scheduling_availability import next_holiday, seed_availability
from practica.scheduling.models import (
    AppointmentType,
    AvailabilityException,
    ClinicHoliday,
    Provider,
    Room,
)
from practica.tenancy.models import Clinic

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 27)  # a Friday


@pytest.fixture
def demo_clinic() -> Clinic:
    spec = ClinicSpec(
        name="Availability Demo",
        slug="availability-demo",
        email_domain="availability.example",
        patients=5,
        providers=5,
        days_back=1,
        days_ahead=1,
    )
    return generate_clinic(spec).clinic


def _snapshot(clinic: Clinic) -> tuple[int, int, int, int]:
    return (
        Room.objects.filter(clinic=clinic).count(),
        ClinicHoliday.objects.filter(clinic=clinic).count(),
        AvailabilityException.objects.filter(clinic=clinic).count(),
        Provider.offered_types.through.objects.count(),
    )


def test_seed_availability_sets_up_the_demo(demo_clinic: Clinic) -> None:
    # when
    seed_availability(demo_clinic, today=TODAY)
    # then: five rooms over both locations
    rooms = Room.objects.filter(clinic=demo_clinic).order_by("location_id", "name")
    assert [(r.location.name, r.name, r.kind) for r in rooms] == [
        ("Downtown Toronto", "Gym", "gym"),
        ("Downtown Toronto", "Treatment room 1", "treatment"),
        ("Downtown Toronto", "Treatment room 2", "treatment"),
        ("Mississauga", "Counselling room", "counselling"),
        ("Mississauga", "Treatment room 3", "treatment"),
    ]
    # services carry rooms, buffers and colours
    massage = AppointmentType.objects.get(clinic=demo_clinic, service_code="RMT-60")
    physio = AppointmentType.objects.get(clinic=demo_clinic, service_code="PT-IA")
    assert (massage.room_kind, massage.buffer_after_minutes, massage.colour) == (
        "treatment",
        10,
        "#7b1fa2",
    )
    assert (physio.room_kind, physio.patient_kind, physio.is_online_bookable) == (
        "treatment",
        "new",
        True,
    )
    # the next statutory holiday closes every location
    holiday = ClinicHoliday.objects.get(clinic=demo_clinic)
    assert (holiday.name, holiday.on, holiday.location_id) == (
        "Christmas Day",
        dt.date(2026, 12, 25),
        None,
    )
    # a week's vacation, a sick day and an extra Saturday shift
    exceptions = AvailabilityException.objects.filter(clinic=demo_clinic).order_by(
        "starts_on"
    )
    assert [
        (e.provider.display_name, e.kind, e.starts_on, e.ends_on, e.start_time)
        for e in exceptions
    ] == [
        ("Priya Raghunathan, RMT", "sick", dt.date(2026, 12, 1), dt.date(2026, 12, 1),
         None),
        ("Grace Okafor, RN", "extra_shift", dt.date(2026, 12, 5),
         dt.date(2026, 12, 5), dt.time(9)),
        ("Marc-André Tremblay, PT", "vacation", dt.date(2026, 12, 14),
         dt.date(2026, 12, 20), None),
    ]  # fmt: skip
    # one provider offers only physiotherapy assessments and follow-ups
    emily = Provider.objects.get(clinic=demo_clinic, display_name="Emily Chen, PT")
    assert sorted(emily.offered_types.values_list("service_code", flat=True)) == [
        "PT-FU",
        "PT-IA",
    ]


def test_seed_availability_twice_adds_nothing(demo_clinic: Clinic) -> None:
    # given
    seed_availability(demo_clinic, today=TODAY)
    before = _snapshot(demo_clinic)
    # when
    seed_availability(demo_clinic, today=TODAY)
    # then
    assert _snapshot(demo_clinic) == before == (5, 1, 3, 2)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2026, 12, 25), (dt.date(2026, 12, 26), "Boxing Day")),
        (dt.date(2026, 12, 30), (dt.date(2027, 1, 1), "New Year's Day")),
        (dt.date(2027, 3, 1), (dt.date(2027, 3, 26), "Good Friday")),
        (dt.date(2027, 5, 1), (dt.date(2027, 5, 24), "Victoria Day")),
        (dt.date(2026, 2, 1), (dt.date(2026, 2, 16), "Family Day")),
        (dt.date(2026, 10, 1), (dt.date(2026, 10, 12), "Thanksgiving")),
    ],
)
def test_next_holiday(today: dt.date, expected: tuple[dt.date, str]) -> None:
    assert next_holiday(today) == expected
