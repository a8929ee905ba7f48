"""Document views: PDFs, "Email to patient" buttons and the send log."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from practica.audit.models import AuditEntry
from practica.billing.models import BillingEmail
from practica.billing.services import record_payment
from practica.billing.tests.factories_documents import (
    BillingEmailFactory,
    make_credit_note,
    make_invoice,
    make_us_invoice,
)
from practica.patients.models import Patient
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import BILLING, OWNER, PROVIDER
from practica.tenancy.tests.factories import make_member

ClientFor = Callable[[Membership], Client]


@pytest.fixture
def billing_client(clinic: Clinic, client_for: ClientFor) -> Client:
    return client_for(make_member(clinic, [BILLING]))


def test_credit_note_pdf_is_served_and_audited(
    clinic: Clinic, billing_client: Client
) -> None:
    note = make_credit_note(make_invoice(clinic))
    response = billing_client.get(
        reverse("billing:credit-note-pdf", kwargs={"credit_note_id": note.pk})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert (
        AuditEntry.objects.filter(
            action="view", object_type="billing.creditnote", object_id=str(note.pk)
        ).count()
        == 1
    )


def test_superbill_pdf_for_a_us_invoice(clinic: Clinic, billing_client: Client) -> None:
    invoice = make_us_invoice(clinic)
    response = billing_client.get(
        reverse("billing:superbill-pdf", kwargs={"us_invoice_id": invoice.pk})
    )
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == 'inline; filename="superbill-1.pdf"'


def test_superbill_of_a_canadian_invoice_is_404(
    clinic: Clinic, billing_client: Client
) -> None:
    invoice = make_invoice(clinic)
    response = billing_client.get(
        reverse("billing:superbill-pdf", kwargs={"us_invoice_id": invoice.pk})
    )
    assert response.status_code == 404


def test_a_provider_may_not_download_a_credit_note(
    clinic: Clinic, client_for: ClientFor
) -> None:
    note = make_credit_note(make_invoice(clinic))
    client = client_for(make_member(clinic, [PROVIDER]))
    response = client.get(
        reverse("billing:credit-note-pdf", kwargs={"credit_note_id": note.pk})
    )
    assert response.status_code == 403


def test_emailing_an_invoice_attaches_its_pdf(
    clinic: Clinic, billing_client: Client
) -> None:
    # given an invoice of a patient with an address
    invoice = make_invoice(clinic)
    url = reverse("billing:invoice-email", kwargs={"invoice_id": invoice.pk})
    # when the button is pressed
    response = billing_client.post(url)
    # then the patient gets it and the invoice page shows the log
    assert response.status_code == 302
    assert response["Location"] == f"/billing/invoices/{invoice.pk}/"
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [invoice.patient.email]
    assert sent.subject == "Invoice #1 from Clinic A"
    assert sent.attachments[0][0] == "invoice-1.pdf"
    assert sent.attachments[0][1].startswith(b"%PDF")
    row = BillingEmail.objects.get()
    assert (row.kind, row.document_id, row.status) == (
        "invoice",
        str(invoice.pk),
        "sent",
    )
    page = billing_client.get(response["Location"])
    assert b"data-email-log" in page.content
    assert b"Email invoice" in page.content


def test_emailing_a_receipt_and_a_credit_note(
    clinic: Clinic, billing_client: Client, system_actor: Actor
) -> None:
    invoice = make_invoice(clinic)
    payment = record_payment(
        actor=system_actor, invoice=invoice, method="cash", amount="25.00"
    )
    note = make_credit_note(invoice)
    billing_client.post(
        reverse("billing:receipt-email", kwargs={"payment_id": payment.pk})
    )
    billing_client.post(
        reverse("billing:credit-note-email", kwargs={"credit_note_id": note.pk})
    )
    assert [m.subject for m in mail.outbox] == [
        "Receipt from Clinic A",
        f"Credit note #{note.number} from Clinic A",
    ]
    assert sorted(BillingEmail.objects.values_list("kind", flat=True)) == [
        "credit_note",
        "receipt",
    ]


def test_emailing_to_a_patient_without_an_address_is_refused(
    clinic: Clinic, billing_client: Client
) -> None:
    invoice = make_invoice(clinic)
    Patient.objects.filter(pk=invoice.patient_id).update(email="")
    response = billing_client.post(
        reverse("billing:invoice-email", kwargs={"invoice_id": invoice.pk})
    )
    assert response.status_code == 422
    assert b"The patient has no email address" in response.content
    assert mail.outbox == []
    assert BillingEmail.objects.count() == 0


def test_emailing_needs_billing_edit(clinic: Clinic, client_for: ClientFor) -> None:
    invoice = make_invoice(clinic)
    client = client_for(make_member(clinic, [PROVIDER]))
    response = client.post(
        reverse("billing:invoice-email", kwargs={"invoice_id": invoice.pk})
    )
    assert response.status_code == 403
    assert mail.outbox == []


def test_emailing_another_clinics_invoice_is_404(
    clinic: Clinic, other_clinic: Clinic, client_for: ClientFor
) -> None:
    invoice = make_invoice(other_clinic)
    client = client_for(make_member(clinic, [OWNER]))
    response = client.post(
        reverse("billing:invoice-email", kwargs={"invoice_id": invoice.pk})
    )
    assert response.status_code == 404
    assert mail.outbox == []


def test_email_get_is_not_allowed(clinic: Clinic, billing_client: Client) -> None:
    invoice = make_invoice(clinic)
    response = billing_client.get(
        reverse("billing:invoice-email", kwargs={"invoice_id": invoice.pk})
    )
    assert response.status_code == 405


def test_invoice_page_shows_the_send_log(
    clinic: Clinic, billing_client: Client
) -> None:
    invoice = make_invoice(clinic)
    BillingEmailFactory(
        clinic=clinic,
        patient=invoice.patient,
        document_id=str(invoice.pk),
        status="failed",
        error="SMTPServerDisconnected",
    )
    response = billing_client.get(
        reverse("billing:invoice-detail", kwargs={"invoice_id": invoice.pk})
    )
    assert response.status_code == 200
    assert b"Failed (SMTPServerDisconnected)" in response.content
    assert invoice.patient.email.encode() in response.content


def test_demo_seeder_records_a_send_log(clinic: Clinic, system_actor: Actor) -> None:
    import datetime as dt

    from practica.demo.billing_documents import seed_documents

    invoice = make_invoice(clinic)
    record_payment(actor=system_actor, invoice=invoice, method="cash", amount="5.00")
    make_invoice(clinic)
    counts = seed_documents(clinic, today=dt.date(2031, 3, 3))
    assert counts == {"billing_emails": 3, "billing_emails_failed": 1}
    assert sorted(BillingEmail.objects.values_list("kind", "status")) == [
        ("invoice", "failed"),
        ("invoice", "sent"),
        ("receipt", "sent"),
    ]
