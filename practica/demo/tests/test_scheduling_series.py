"""The demo clinic shows recurring series, one across a daylight-saving change."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from practica.demo.generator import ClinicSpec, generate_clinic
from practica.demo.scheduling_series import next_offset_change, seed_series
from practica.scheduling.models import AppointmentSeries

pytestmark = pytest.mark.django_db

TORONTO = zoneinfo.ZoneInfo("America/Toronto")
# Three weeks and a bit before the March 2027 change (14 March).
NOW = dt.datetime(2027, 2, 15, 15, 0, tzinfo=dt.UTC)


def test_next_offset_change_finds_the_march_and_november_changes() -> None:
    assert next_offset_change(TORONTO, dt.date(2027, 2, 15)) == dt.date(2027, 3, 14)
    assert next_offset_change(TORONTO, dt.date(2027, 7, 1)) == dt.date(2027, 11, 7)


def test_demo_series_cross_the_daylight_saving_change() -> None:
    # given a small demo clinic
    spec = ClinicSpec(
        name="Series Demo",
        slug="series-demo",
        email_domain="series.example",
        patients=6,
        days_back=2,
        days_ahead=7,
        now=NOW,
    )
    clinic = generate_clinic(spec).clinic
    # when
    seed_series(clinic, today=NOW.date())
    # then three series, the weekly one of 8 crossing 14 March at one local time
    series = list(AppointmentSeries.objects.filter(clinic=clinic))
    assert len(series) == 3
    weekly = next(s for s in series if s.rrule.endswith("COUNT=8"))
    visits = list(weekly.appointments.order_by("start_at"))
    assert len(visits) == 8
    local_times = {v.start_at.astimezone(TORONTO).time() for v in visits}
    offsets = {v.start_at.astimezone(TORONTO).utcoffset() for v in visits}
    assert len(local_times) == 1
    assert offsets == {dt.timedelta(hours=-5), dt.timedelta(hours=-4)}
    assert visits[0].start_at.date() < dt.date(2027, 3, 14) < visits[-1].start_at.date()


def test_seeding_is_deterministic() -> None:
    # given two clinics from the same spec (but different slugs)
    starts = []
    for slug in ("series-a", "series-b"):
        spec = ClinicSpec(
            name="Series Demo",
            slug=slug,
            email_domain=f"{slug}.example",
            patients=6,
            days_back=2,
            days_ahead=7,
            now=NOW,
        )
        clinic = generate_clinic(spec).clinic
        # when
        seed_series(clinic, today=NOW.date())
        starts.append(
            sorted(
                (s.rrule, s.first_start_at)
                for s in AppointmentSeries.objects.filter(clinic=clinic)
            )
        )
    # then
    assert starts[0] == starts[1]
