"""Billing documents: credit note and US superbill PDFs, and "Email to patient"
for invoices, receipts and credit notes (the PDF attached).

Every document is obtained through `selectors_documents` (scoped to the
clinic, one view entry each); emailing is one call of
`send_billing_document`, which logs the attempt whatever the mail server says.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from practica.billing import pdf
from practica.billing.models import BillingEmail, Invoice
from practica.billing.selectors_documents import (
    get_credit_note_document,
    get_invoice_document,
    get_receipt_document,
    get_superbill_document,
)
from practica.billing.services.documents import (
    DocumentEmailError,
    failure_message,
    send_billing_document,
)
from practica.core.money import format_money
from practica.patients.models import Patient
from practica.tenancy.access import clinic_view, get_actor
from practica.tenancy.permissions import BILLING_EDIT, BILLING_VIEW


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _invoice_url(invoice: Invoice) -> str:
    return reverse("billing:invoice-detail", kwargs={"invoice_id": invoice.pk})


@require_GET
@clinic_view(BILLING_VIEW)
def credit_note_pdf(request: HttpRequest, credit_note_id: uuid.UUID) -> HttpResponse:
    doc = get_credit_note_document(
        actor=get_actor(request), credit_note_id=credit_note_id
    )
    return _pdf_response(
        pdf.credit_note_pdf(doc), f"credit-note-{doc.credit_note.number}.pdf"
    )


@require_GET
@clinic_view(BILLING_VIEW)
def superbill_pdf(request: HttpRequest, us_invoice_id: uuid.UUID) -> HttpResponse:
    doc = get_superbill_document(actor=get_actor(request), invoice_id=us_invoice_id)
    return _pdf_response(pdf.superbill_pdf(doc), f"superbill-{doc.invoice.number}.pdf")


def _send(
    request: HttpRequest,
    *,
    patient: Patient,
    kind: str,
    document_id: uuid.UUID,
    subject: str,
    body: str,
    attachment: tuple[str, bytes],
    back_to: str,
) -> HttpResponse:
    try:
        email = send_billing_document(
            actor=get_actor(request),
            patient=patient,
            kind=kind,
            document_id=str(document_id),
            subject=subject,
            body=body,
            attachment=attachment,
        )
    except DocumentEmailError as error:
        return render(
            request,
            "billing/document_email_refused.html",
            {"message": error.message, "back_to": back_to},
            status=422,
        )
    if email.status == BillingEmail.Status.SENT:
        messages.success(request, f"{email.get_kind_display()} emailed to the patient.")
    else:
        messages.error(request, failure_message(email))
    return redirect(back_to)


def _body(template: str, **context: object) -> str:
    return render_to_string(f"billing/email/{template}.txt", context)


@require_POST
@clinic_view(BILLING_EDIT)
def invoice_email(request: HttpRequest, invoice_id: uuid.UUID) -> HttpResponse:
    doc = get_invoice_document(actor=get_actor(request), invoice_id=invoice_id)
    invoice = doc.invoice
    label = f"Invoice #{invoice.number}" if invoice.number else "Draft invoice"
    return _send(
        request,
        patient=invoice.patient,
        kind=BillingEmail.Kind.INVOICE,
        document_id=invoice.pk,
        subject=f"{label} from {invoice.clinic.name}",
        body=_body(
            "invoice",
            doc=doc,
            label=label,
            balance=format_money(doc.balance, invoice.currency),
        ),
        attachment=(f"invoice-{invoice.number or 'draft'}.pdf", pdf.invoice_pdf(doc)),
        back_to=_invoice_url(invoice),
    )


@require_POST
@clinic_view(BILLING_EDIT)
def receipt_email(request: HttpRequest, payment_id: uuid.UUID) -> HttpResponse:
    doc = get_receipt_document(actor=get_actor(request), payment_id=payment_id)
    payment = doc.payment
    first = doc.applications[0].invoice if doc.applications else payment.invoice
    return _send(
        request,
        patient=payment.patient,
        kind=BillingEmail.Kind.RECEIPT,
        document_id=payment.pk,
        subject=f"Receipt from {payment.clinic.name}",
        body=_body(
            "receipt",
            doc=doc,
            amount=format_money(payment.amount, payment.clinic.currency),
        ),
        attachment=(
            f"receipt-{payment.received_at:%Y-%m-%d}.pdf",
            pdf.receipt_pdf(doc),
        ),
        back_to=_invoice_url(first) if first else reverse("billing:invoice-list"),
    )


@require_POST
@clinic_view(BILLING_EDIT)
def credit_note_email(request: HttpRequest, credit_note_id: uuid.UUID) -> HttpResponse:
    doc = get_credit_note_document(
        actor=get_actor(request), credit_note_id=credit_note_id
    )
    note = doc.credit_note
    return _send(
        request,
        patient=note.patient,
        kind=BillingEmail.Kind.CREDIT_NOTE,
        document_id=note.pk,
        subject=f"Credit note #{note.number} from {note.clinic.name}",
        body=_body(
            "credit_note",
            doc=doc,
            total=format_money(note.total, doc.invoice.currency),
        ),
        attachment=(f"credit-note-{note.number}.pdf", pdf.credit_note_pdf(doc)),
        back_to=_invoice_url(doc.invoice),
    )
