"""Invoice numbers under concurrent requests, through a real server
(gunicorn, 4 processes x 2 threads) on a fresh database: SQLite by default,
PostgreSQL with PRACTICA_DATABASE=postgres. Front-desk sessions press
"Invoice" at the same instant; numbers come out exactly 1..N with no gap or
repeat, and a double click on one appointment makes one invoice.

One server serves both tests, each in its own clinic (numbers run per clinic).
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from practica.scheduling.tests.live import LiveSite, Reply, Session, live_site

APPOINTMENTS = 10
DOUBLE_CLICKS = 8
PASSWORD = "Synthetic-desk-pass-42"
MANY_DESK = "desk-many@example.test"
ONE_DESK = "desk-one@example.test"

SEED = f"""
import json
from practica.accounts.models import User
from practica.scheduling.models import Appointment
from practica.scheduling.tests.factories import AppointmentFactory
from practica.tenancy.services import add_member, create_clinic

def clinic_with_desk(slug, email, appointments):
    clinic = create_clinic(name=slug.title(), slug=slug)
    desk = User.objects.create_user(email, "{PASSWORD}", full_name="Desk Person")
    add_member(clinic=clinic, user=desk, role_keys=["billing"])
    ids = [
        str(AppointmentFactory(
            clinic=clinic, status=Appointment.Status.COMPLETED
        ).pk)
        for _ in range(appointments)
    ]
    return {{"clinic": clinic.pk, "appointments": ids}}

print(json.dumps({{
    "many": clinic_with_desk("many-invoices", "{MANY_DESK}", {APPOINTMENTS}),
    "one": clinic_with_desk("one-invoice", "{ONE_DESK}", 1),
}}))
"""

_INVOICE_URL = re.compile(r"^/billing/invoices/([0-9a-f-]{36})/$")


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[LiveSite, dict[str, Any]]]:
    with live_site(SEED) as (live, seeded):
        yield live, json.loads(seeded.strip().splitlines()[-1])


def _logged_in(site: LiveSite, email: str, count: int) -> list[Session]:
    sessions = [Session(site.base_url) for _ in range(count)]
    with ThreadPoolExecutor(max_workers=count) as pool:
        list(pool.map(lambda s: s.log_in(email, PASSWORD), sessions))
    return sessions


def _post_together(sessions: list[Session], paths: list[str]) -> list[Reply]:
    """Each session posts its path, all released at the same instant."""
    barrier = threading.Barrier(len(sessions))

    def post(index: int) -> Reply:
        barrier.wait(timeout=30)
        return sessions[index].post(paths[index], {})

    with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
        return list(pool.map(post, range(len(sessions))))


def _invoice_id(reply: Reply) -> uuid.UUID | None:
    match = _INVOICE_URL.match(reply.location)
    return uuid.UUID(match.group(1)) if match else None


def _invoices(site: LiveSite, clinic: int) -> list[tuple[int, uuid.UUID, uuid.UUID]]:
    """(number, invoice id, appointment id) of the clinic's invoices."""
    rows = site.query_rows(
        "SELECT number, id, appointment_id FROM billing_invoice "
        f"WHERE clinic_id = {int(clinic)} ORDER BY number"
    )
    return [
        (int(str(number)), uuid.UUID(str(pk)), uuid.UUID(str(appointment)))
        for number, pk, appointment in rows
    ]


@pytest.mark.slow
def test_ten_simultaneous_invoices_are_numbered_one_to_ten(
    site: tuple[LiveSite, dict[str, Any]],
) -> None:
    # given ten completed appointments, each for a different patient
    live, seeded = site
    clinic = seeded["many"]["clinic"]
    appointments = seeded["many"]["appointments"]
    sessions = _logged_in(live, MANY_DESK, APPOINTMENTS)
    paths = [f"/billing/appointments/{pk}/invoice/" for pk in appointments]

    # when ten front-desk sessions invoice them at the same instant
    replies = _post_together(sessions, paths)
    invoices = _invoices(live, clinic)
    charges = live.count_rows(
        "SELECT count(*) FROM billing_ledgerentry "
        f"WHERE clinic_id = {int(clinic)} AND kind = 'charge'"
    )

    # then every request redirected to its own invoice, numbered 1..10
    assert [reply.status for reply in replies] == [302] * APPOINTMENTS
    assert [number for number, _, _ in invoices] == list(range(1, APPOINTMENTS + 1))
    assert {_invoice_id(reply) for reply in replies} == {pk for _, pk, _ in invoices}
    assert sorted(appointment for _, _, appointment in invoices) == sorted(
        uuid.UUID(pk) for pk in appointments
    )
    assert charges == APPOINTMENTS


@pytest.mark.slow
def test_eight_simultaneous_clicks_on_one_appointment_make_one_invoice(
    site: tuple[LiveSite, dict[str, Any]],
) -> None:
    # given one completed appointment
    live, seeded = site
    clinic = seeded["one"]["clinic"]
    (appointment,) = seeded["one"]["appointments"]
    sessions = _logged_in(live, ONE_DESK, DOUBLE_CLICKS)
    path = f"/billing/appointments/{appointment}/invoice/"

    # when eight sessions invoice it at the same instant (double clicks, tabs)
    replies = _post_together(sessions, [path] * DOUBLE_CLICKS)
    invoices = _invoices(live, clinic)
    charges = live.count_rows(
        "SELECT count(*) FROM billing_ledgerentry "
        f"WHERE clinic_id = {int(clinic)} AND kind = 'charge'"
    )

    # then there is one invoice, number 1, and every request went to it
    assert len(invoices) == 1
    number, invoice, invoiced = invoices[0]
    assert (number, invoiced) == (1, uuid.UUID(appointment))
    assert [reply.status for reply in replies] == [302] * DOUBLE_CLICKS
    assert [_invoice_id(reply) for reply in replies] == [invoice] * DOUBLE_CLICKS
    assert charges == 1
