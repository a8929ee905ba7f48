"""The demo clinic shows the whole of scheduling: breaks, rooms, time off, a
holiday, the policy, series across a clock change, a class and a waitlist, with
no provider or room double booked and nobody booked on a day away."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection

from practica.demo.generator import ClinicSpec, generate_clinic
from practica.demo.scheduling import AWAY_REASON, seed_scheduling
from practica.scheduling.models import (
    Appointment,
    AppointmentSeries,
    Attendance,
    AvailabilityException,
    ClinicHoliday,
    Provider,
    Room,
    SchedulingPolicy,
    WaitlistEntry,
    WorkingHours,
)
from practica.tenancy.models import Clinic

pytestmark = pytest.mark.django_db

# A Monday morning in Toronto, three weeks before the March 2027 clock change.
NOW = dt.datetime(2027, 2, 22, 13, 0, tzinfo=dt.UTC)
TODAY = dt.date(2027, 2, 22)
RELEASED = "('cancelled', 'late_cancelled', 'no_show')"


@pytest.fixture
def clinic(time_machine: time_machine.TimeMachineFixture) -> Clinic:
    time_machine.move_to(NOW, tick=False)
    spec = ClinicSpec(
        name="Scheduling Demo",
        slug="scheduling-demo",
        email_domain="scheduling.example",
        patients=60,
        providers=5,
        days_back=7,
        days_ahead=28,
        now=NOW,
    )
    demo = generate_clinic(spec).clinic
    seed_scheduling(demo, today=TODAY)
    return demo


def _overlaps(column: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM scheduling_appointment a "
            f"JOIN scheduling_appointment b ON a.{column} = b.{column} "
            f"AND a.id < b.id AND a.busy_from < b.busy_until "
            f"AND b.busy_from < a.busy_until "
            f"WHERE a.status NOT IN {RELEASED} AND b.status NOT IN {RELEASED}"
        )
        row = cursor.fetchone()
    return int(row[0])


def test_demo_shows_every_part_of_scheduling(clinic: Clinic) -> None:
    # then working days have breaks, and there are rooms, time off and a holiday
    blocks_per_day: dict[tuple[int, int], int] = {}
    for hours in WorkingHours.objects.filter(clinic=clinic):
        key = (hours.provider_id, hours.weekday)
        blocks_per_day[key] = blocks_per_day.get(key, 0) + 1
    assert max(blocks_per_day.values()) == 2
    assert Room.objects.filter(clinic=clinic).count() == 5
    kinds = set(
        AvailabilityException.objects.filter(clinic=clinic).values_list(
            "kind", flat=True
        )
    )
    assert kinds == {"vacation", "sick", "extra_shift"}
    assert ClinicHoliday.objects.filter(clinic=clinic, on__gt=TODAY).exists()
    assert SchedulingPolicy.objects.filter(clinic=clinic).exists()
    # and series, one crossing the clock change on 14 March
    offsets_per_series = [
        {
            a.start_at.astimezone(a.location.tz).utcoffset()
            for a in series.appointments.select_related("location")
        }
        for series in AppointmentSeries.objects.filter(clinic=clinic)
    ]
    crossing = [offsets for offsets in offsets_per_series if len(offsets) == 2]
    assert crossing
    # and a class with a roster, and a waitlist
    assert Attendance.objects.filter(clinic=clinic).count() > 0
    assert Appointment.objects.filter(clinic=clinic, is_group=True).exists()
    assert WaitlistEntry.objects.filter(clinic=clinic, state="waiting").count() >= 3


def test_demo_never_double_books_a_provider_or_a_room(clinic: Clinic) -> None:
    assert _overlaps("provider_id") == 0
    assert _overlaps("room_id") == 0
    assert Appointment.objects.filter(clinic=clinic, room__isnull=False).exists()


def test_nobody_stays_booked_on_a_day_away(clinic: Clinic) -> None:
    # given the vacation and the holiday
    vacation = AvailabilityException.objects.get(clinic=clinic, kind="vacation")
    holiday = ClinicHoliday.objects.filter(clinic=clinic).order_by("on").first()
    assert holiday is not None
    # then no active visit of the provider falls in the vacation
    away = Appointment.objects.filter(
        clinic=clinic,
        provider_id=vacation.provider_id,
        start_at__date__gte=vacation.starts_on,
        start_at__date__lte=vacation.ends_on,
        is_group=False,
    ).exclude(status__in=Appointment.RELEASING)
    assert away.count() == 0
    assert (
        Appointment.objects.filter(clinic=clinic, cancel_reason=AWAY_REASON).count() > 0
    )


def test_each_provider_offers_the_services_of_their_modality(clinic: Clinic) -> None:
    for provider in Provider.objects.filter(clinic=clinic):
        offered = list(provider.offered_types.all())
        assert offered
        assert {t.modality for t in offered} == {provider.modality}
