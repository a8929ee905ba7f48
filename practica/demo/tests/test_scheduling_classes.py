"""The demo clinic's weekly Pilates class and its rosters."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from practica.demo.generator import ClinicSpec, generate_clinic
from practica.demo.scheduling_availability import seed_availability
from practica.demo.scheduling_classes import seed_classes
from practica.scheduling.models import Appointment, Attendance
from practica.tenancy.models import Clinic

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 27)  # a Friday


@pytest.fixture
def demo_clinic() -> Clinic:
    spec = ClinicSpec(
        name="Classes Demo",
        slug="classes-demo",
        email_domain="classes.example",
        patients=20,
        providers=5,
        days_back=1,
        days_ahead=3,
    )
    clinic = generate_clinic(spec).clinic
    seed_availability(clinic, today=TODAY)
    return clinic


def _rosters(clinic: Clinic) -> list[tuple[int, int, str, int]]:
    classes = Appointment.objects.filter(clinic=clinic, is_group=True).order_by(
        "start_at"
    )
    return [
        (
            group.capacity,
            group.start_at.weekday(),
            group.room.name if group.room else "",
            Attendance.objects.filter(appointment=group).count(),
        )
        for group in classes
    ]


def test_seed_classes_schedules_a_weekly_pilates_class_with_rosters(
    demo_clinic: Clinic,
) -> None:
    # when
    seed_classes(demo_clinic, today=TODAY)

    # then: four weekly classes of eight in the gym, the second one full
    rosters = _rosters(demo_clinic)
    assert [(c, room, n) for c, _, room, n in rosters] == [
        (8, "Gym", 5),
        (8, "Gym", 8),
        (8, "Gym", 3),
        (8, "Gym", 2),
    ]
    assert len({weekday for _, weekday, _, _ in rosters}) == 1
    starts = list(
        Appointment.objects.filter(clinic=demo_clinic, is_group=True)
        .order_by("start_at")
        .values_list("start_at", flat=True)
    )
    assert all(
        dt.timedelta(days=6) <= b - a <= dt.timedelta(days=8)
        for a, b in itertools.pairwise(starts)
    )


def test_seed_classes_twice_adds_nothing(demo_clinic: Clinic) -> None:
    # given
    seed_classes(demo_clinic, today=TODAY)
    before = _rosters(demo_clinic)

    # when
    seed_classes(demo_clinic, today=TODAY)

    # then
    assert _rosters(demo_clinic) == before
