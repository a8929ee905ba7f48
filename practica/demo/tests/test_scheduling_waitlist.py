"""The demo clinic's waitlist: a few patients whose preferences match free
slots this week."""

from __future__ import annotations

import datetime as dt

import pytest

from practica.demo.generator import ClinicSpec, generate_clinic
from practica.demo.scheduling_availability import seed_availability
from practica.demo.scheduling_waitlist import seed_waitlist
from practica.scheduling.models import WaitlistEntry
from practica.scheduling.selectors.waitlist import find_waitlist_matches
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Location
from practica.tenancy.permissions import ALL_PERMISSIONS

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 27)  # a Friday


@pytest.fixture
def demo_clinic() -> Clinic:
    spec = ClinicSpec(
        name="Waitlist Demo",
        slug="waitlist-demo",
        email_domain="waitlist.example",
        patients=30,
        providers=5,
        days_back=1,
        days_ahead=3,
    )
    clinic = generate_clinic(spec).clinic
    seed_availability(clinic, today=TODAY)
    return clinic


def test_seed_waitlist_adds_five_entries_that_match_this_week(
    demo_clinic: Clinic,
) -> None:
    # when
    seed_waitlist(demo_clinic, today=TODAY)

    # then: five different patients wait, and every one of them has a
    # matching free slot on some day of the coming week
    entries = WaitlistEntry.objects.filter(clinic=demo_clinic)
    assert entries.count() == 5
    assert len({e.patient_id for e in entries}) == 5
    assert {e.state for e in entries} == {WaitlistEntry.State.WAITING}
    actor = Actor.system(demo_clinic, frozenset(ALL_PERMISSIONS))
    matched: set[object] = set()
    for location in Location.objects.filter(clinic=demo_clinic):
        for offset in range(1, 8):
            day = TODAY + dt.timedelta(days=offset)
            for match in find_waitlist_matches(actor=actor, location=location, day=day):
                matched.add(match.entry.pk)
    assert matched == {e.pk for e in entries}


def test_seed_waitlist_twice_adds_nothing(demo_clinic: Clinic) -> None:
    # given
    seed_waitlist(demo_clinic, today=TODAY)

    # when
    seed_waitlist(demo_clinic, today=TODAY)

    # then
    assert WaitlistEntry.objects.filter(clinic=demo_clinic).count() == 5
