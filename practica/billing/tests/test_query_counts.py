"""Invoicing a signed note costs the same number of queries however long the
patient's and the clinic's history."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from practica.billing.models import Invoice
from practica.billing.tests.factories import make_invoice
from practica.charting.tests.factories import SignedNoteFactory
from practica.patients.models import Patient
from practica.tenancy.models import Clinic, Membership

pytestmark = pytest.mark.django_db

# Session, access, the note and its appointment, the appointment lock, the
# live-invoice checks (named on the invoice, then on a line), pricing (the
# type's item, its fee rows, package and membership benefits), the draft row,
# its line and taxes, the counter lock, the numbered update, the ledger entry
# and the audit entry. The session is not saved: a first page stamped its
# activity, rewritten only when 30 seconds old.
INVOICE_FROM_NOTE_QUERIES = 28


def _invoice_note(client: Client, clinic: Clinic, patient: Patient | None) -> int:
    extra = {"patient": patient} if patient is not None else {}
    note = SignedNoteFactory(clinic=clinic, **extra)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"/billing/notes/{note.pk}/invoice/")
    assert response.status_code == 302
    assert Invoice.objects.filter(appointment=note.appointment).count() == 1
    return len(queries)


def test_invoice_from_note_query_count_is_constant(
    clinic: Clinic,
    member_factory: Callable[..., Membership],
    client_for: Callable[[Membership], Client],
) -> None:
    # given a patient with no history and one with six invoices already
    client = client_for(member_factory(clinic, ["owner"]))
    regular = make_invoice(clinic).patient
    for _ in range(5):
        make_invoice(clinic, patient=regular)
    client.get("/billing/")  # stamps the session's activity
    # when
    fresh_count = _invoice_note(client, clinic, None)
    regular_count = _invoice_note(client, clinic, regular)
    # then
    assert fresh_count == regular_count
    assert fresh_count == INVOICE_FROM_NOTE_QUERIES
