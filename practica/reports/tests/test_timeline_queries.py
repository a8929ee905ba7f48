"""The timeline page runs a fixed, exact number of queries: the selector reads
only the columns the page shows, and the template reads nothing else."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from practica.billing.tests.factories import make_invoice, make_payment
from practica.charting.tests.factories import SignedNoteFactory
from practica.patients.models import Patient
from practica.tenancy.models import Clinic, Membership

pytestmark = pytest.mark.django_db

# Session, user, membership, roles; the patient, the clinic's first location;
# appointments, notes, invoices, payments; the view audit entry (savepoint,
# lock the chain, insert, move the chain head, release). The session is not
# saved: the warm-up page stamped its activity.
TIMELINE_PAGE_QUERIES = 15


def _journey(clinic: Clinic, visits: int) -> Patient:
    first = make_invoice(clinic, price=Decimal("90.00"))
    patient = first.patient
    for visit in range(visits):
        invoice = first if visit == 0 else make_invoice(clinic, patient=patient)
        make_payment(clinic, amount=Decimal("10.00"), invoice=invoice)
        SignedNoteFactory(
            clinic=clinic, patient=patient, appointment=invoice.appointment
        )
    return patient


def _page(client: Client, patient: Patient) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/reports/patients/{patient.pk}/timeline/")
    assert response.status_code == 200
    return response.content.decode(), len(queries)


@pytest.mark.parametrize("visits", [1, 6])
def test_timeline_page_query_count_is_exact(
    clinic: Clinic,
    member_factory: Callable[..., Membership],
    client_for: Callable[[Membership], Client],
    time_machine: time_machine.TimeMachineFixture,
    visits: int,
) -> None:
    # given: the clock stopped, and a warm-up page that stamps the session
    # and creates the audit chain
    time_machine.move_to(timezone.now(), tick=False)
    client = client_for(member_factory(clinic, ["owner"]))
    patient = _journey(clinic, visits)
    _page(client, patient)

    # when
    body, queries = _page(client, patient)

    # then: one appointment, note, invoice and payment per visit
    assert body.count('class="timeline-item') == 4 * visits
    assert queries == TIMELINE_PAGE_QUERIES
