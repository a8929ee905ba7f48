"""A class's roster under simultaneous adds, through a real server (gunicorn,
4 processes x 2 threads) on a fresh database: SQLite by default, PostgreSQL
with PRACTICA_DATABASE=postgres. More front-desk sessions than seats press
"Add to class" at the same instant: exactly the capacity gets in, the rest are
told the class is full, and nobody gets a 500. The same patient added from
several tabs at once is on the roster once.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from practica.scheduling.tests.live import LiveSite, Reply, Session, live_site

CAPACITY = 4
SESSIONS = 12
PASSWORD = "Synthetic-desk-pass-42"
DESK = "desk-classes@example.test"

SEED = f"""
import json
from practica.accounts.models import User
from practica.patients.tests.factories import PatientFactory
from practica.scheduling.tests.factories import make_class
from practica.tenancy.services import add_member, create_clinic

clinic = create_clinic(name="Class Clinic", slug="class-clinic")
desk = User.objects.create_user("{DESK}", "{PASSWORD}", full_name="Desk Person")
add_member(clinic=clinic, user=desk, role_keys=["front_desk"])
crowded = make_class(clinic, capacity={CAPACITY})
doubled = make_class(clinic, capacity={CAPACITY})
patients = [str(PatientFactory(clinic=clinic).pk) for _ in range({SESSIONS})]
print(json.dumps({{
    "crowded": str(crowded.pk),
    "doubled": str(doubled.pk),
    "patients": patients,
}}))
"""


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[LiveSite, dict[str, Any]]]:
    with live_site(SEED) as (live, seeded):
        yield live, json.loads(seeded.strip().splitlines()[-1])


def _logged_in(site: LiveSite, count: int) -> list[Session]:
    sessions = [Session(site.base_url) for _ in range(count)]
    with ThreadPoolExecutor(max_workers=count) as pool:
        list(pool.map(lambda s: s.log_in(DESK, PASSWORD), sessions))
    return sessions


def _add_together(
    sessions: list[Session], path: str, patients: list[str]
) -> list[Reply]:
    """Each session adds its patient, all released at the same instant."""
    barrier = threading.Barrier(len(sessions))

    def post(index: int) -> Reply:
        barrier.wait(timeout=30)
        return sessions[index].post(path, {"patient": patients[index]})

    with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
        return list(pool.map(post, range(len(sessions))))


def _roster(site: LiveSite, group: str) -> list[tuple[object, ...]]:
    return site.query_rows(
        "SELECT patient_id, status FROM scheduling_attendance "
        f"WHERE appointment_id = '{group.replace('-', '') if _sqlite(site) else group}'"
    )


def _sqlite(site: LiveSite) -> bool:
    return site.env.get("PRACTICA_DATABASE") != "postgres"


@pytest.mark.slow
def test_more_simultaneous_adds_than_seats_fill_the_class_exactly(
    site: tuple[LiveSite, dict[str, Any]],
) -> None:
    # given a class of four and twelve sessions, each adding another patient
    live, seeded = site
    group = seeded["crowded"]
    sessions = _logged_in(live, SESSIONS)
    path = f"/schedule/classes/{group}/attendees/add/"

    # when they all press "Add to class" at the same instant
    replies = _add_together(sessions, path, seeded["patients"])
    roster = _roster(live, group)

    # then four got in, eight were told it is full, none failed
    assert Counter(reply.status for reply in replies) == {
        302: CAPACITY,
        409: SESSIONS - CAPACITY,
    }
    full = [r.body for r in replies if r.status == 409]
    assert all(f"The class is full ({CAPACITY} of {CAPACITY})." in b for b in full)
    assert len(roster) == CAPACITY
    assert {status for _, status in roster} == {"booked"}


@pytest.mark.slow
def test_one_patient_added_from_many_tabs_is_on_the_roster_once(
    site: tuple[LiveSite, dict[str, Any]],
) -> None:
    # given one patient and eight sessions
    live, seeded = site
    group = seeded["doubled"]
    sessions = _logged_in(live, 8)
    path = f"/schedule/classes/{group}/attendees/add/"

    # when all add the same patient at the same instant
    replies = _add_together(sessions, path, [seeded["patients"][0]] * 8)
    roster = _roster(live, group)

    # then one add went through and the others were refused as duplicates
    assert Counter(reply.status for reply in replies) == {302: 1, 422: 7}
    duplicates = [r.body for r in replies if r.status == 422]
    assert all("This patient is already on the roster." in b for b in duplicates)
    assert len(roster) == 1
