"""Billing PDFs (invoice, receipt, credit note, US superbill), rendered by
WeasyPrint from Django templates.

The HTML is rendered from prefetched selector data (`selectors_documents`; no
queries in templates), and WeasyPrint fetches nothing: the templates hold no
URLs and the stylesheet is read from this app's static folder.
"""

from __future__ import annotations

from pathlib import Path

import weasyprint
from django.template.loader import render_to_string

from practica.billing.selectors_documents import (
    CreditNoteDocument,
    InvoiceDocument,
    ReceiptDocument,
    SuperbillDocument,
)

STYLESHEET = Path(__file__).resolve().parent / "static" / "billing" / "pdf.css"


def render_invoice_html(doc: InvoiceDocument) -> str:
    invoice = doc.invoice
    return render_to_string(
        "billing/pdf/invoice.html",
        {
            "doc": doc,
            "invoice": invoice,
            "clinic": invoice.clinic,
            "location": invoice.location,
            "patient": invoice.patient,
            "watermark": doc.watermark,
        },
    )


def render_receipt_html(doc: ReceiptDocument) -> str:
    payment = doc.payment
    return render_to_string(
        "billing/pdf/receipt.html",
        {
            "doc": doc,
            "payment": payment,
            "clinic": payment.clinic,
            "location": doc.location,
            "patient": payment.patient,
        },
    )


def render_credit_note_html(doc: CreditNoteDocument) -> str:
    note = doc.credit_note
    return render_to_string(
        "billing/pdf/credit_note.html",
        {
            "doc": doc,
            "credit_note": note,
            "invoice": doc.invoice,
            "clinic": note.clinic,
            "location": doc.location,
            "patient": note.patient,
        },
    )


def render_superbill_html(doc: SuperbillDocument) -> str:
    invoice = doc.invoice
    return render_to_string(
        "billing/pdf/superbill.html",
        {
            "doc": doc,
            "invoice": invoice,
            "clinic": invoice.clinic,
            "location": invoice.location,
            "patient": invoice.patient,
            "watermark": doc.invoice_document.watermark,
        },
    )


def html_to_pdf(html: str) -> bytes:
    document = weasyprint.HTML(string=html, base_url=str(STYLESHEET.parent))
    pdf: bytes = document.write_pdf(
        stylesheets=[weasyprint.CSS(filename=str(STYLESHEET))]
    )
    return pdf


def invoice_pdf(doc: InvoiceDocument) -> bytes:
    return html_to_pdf(render_invoice_html(doc))


def receipt_pdf(doc: ReceiptDocument) -> bytes:
    return html_to_pdf(render_receipt_html(doc))


def credit_note_pdf(doc: CreditNoteDocument) -> bytes:
    return html_to_pdf(render_credit_note_html(doc))


def superbill_pdf(doc: SuperbillDocument) -> bytes:
    return html_to_pdf(render_superbill_html(doc))
