"""Twelve front-desk sessions book one slot at the same instant against a real
server (4 processes x 2 threads): exactly one wins, the others get a clear 409,
and the database holds one active appointment. Runs on SQLite and, with
PRACTICA_DATABASE=postgres, on PostgreSQL."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from practica.scheduling.tests.live import Reply, Session, live_site

CLIENTS = 12
EMAIL = "desk@example.test"
PASSWORD = "Synthetic-desk-pass-42"
SLOT_DAY = "2031-03-03"  # a Monday
SLOT_TIME = "10:00"

SEED = f"""
import datetime as dt, json
from decimal import Decimal
from practica.accounts.models import User
from practica.patients.tests.factories import PatientFactory
from practica.scheduling.models import Modality
from practica.scheduling.services import (
    create_appointment_type, ensure_provider, set_working_hours,
)
from practica.tenancy.models import Location
from practica.tenancy.services import add_member, create_clinic

clinic = create_clinic(name="Concurrency Clinic", slug="concurrency")
location = Location.objects.create(clinic=clinic, name="Main")
desk = User.objects.create_user("{EMAIL}", "{PASSWORD}", full_name="Desk Person")
add_member(clinic=clinic, user=desk, role_keys=["front_desk"])
clinician = User.objects.create_user(
    "clinician@example.test", "{PASSWORD}", full_name="Clinician"
)
membership = add_member(clinic=clinic, user=clinician, role_keys=["provider"])
provider = ensure_provider(
    clinic=clinic, membership=membership, display_name="Dr Lee",
    modality=Modality.PHYSIOTHERAPY, colour="#1f6f8b",
)
set_working_hours(
    clinic=clinic, provider=provider, location=location, weekday=0,
    blocks=[(dt.time(9), dt.time(17))],
)
kind = create_appointment_type(
    clinic=clinic, name="Assessment", modality=Modality.PHYSIOTHERAPY,
    duration_minutes=45, price=Decimal("95.00"),
)
patients = [str(PatientFactory(clinic=clinic).pk) for _ in range({CLIENTS})]
print(json.dumps({{
    "provider": provider.pk, "location": location.pk, "type": kind.pk,
    "patients": patients,
}}))
"""

COUNT_ACTIVE = (
    "SELECT count(*) FROM scheduling_appointment "
    "WHERE status NOT IN ('cancelled', 'no_show') AND provider_id = {provider}"
)


@pytest.mark.slow
def test_only_one_of_twelve_simultaneous_bookings_wins() -> None:
    with live_site(SEED) as (site, seeded):
        ids = json.loads(seeded.strip().splitlines()[-1])
        sessions = [Session(site.base_url) for _ in range(CLIENTS)]
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            list(pool.map(lambda s: s.log_in(EMAIL, PASSWORD), sessions))
        barrier = threading.Barrier(CLIENTS)

        def book(index: int) -> Reply:
            data = {
                "patient": ids["patients"][index],
                "provider": str(ids["provider"]),
                "location": str(ids["location"]),
                "appointment_type": str(ids["type"]),
                "date": SLOT_DAY,
                "start_time": SLOT_TIME,
            }
            barrier.wait(timeout=30)
            return sessions[index].post("/schedule/appointments/create/", data)

        # when
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            replies = list(pool.map(book, range(CLIENTS)))
        active = site.count_rows(COUNT_ACTIVE.format(provider=int(ids["provider"])))

    # then
    statuses = sorted(reply.status for reply in replies)
    assert statuses == [302] + [409] * (CLIENTS - 1)
    winner = next(r for r in replies if r.status == 302)
    assert winner.location.startswith("/schedule/appointments/")
    losers = [r for r in replies if r.status == 409]
    assert all(
        "Dr Lee is already booked from 10:00 to 10:45." in r.body for r in losers
    )
    assert active == 1
