"""Invoice and receipt PDFs, rendered by WeasyPrint from Django templates.

The HTML is rendered from prefetched selector data (no queries in templates),
and WeasyPrint fetches nothing: the templates hold no URLs and the stylesheet
is read from this app's static folder.
"""

from __future__ import annotations

from pathlib import Path

import weasyprint
from django.template.loader import render_to_string

from practica.billing.selectors import InvoiceDetail, ReceiptDetail

STYLESHEET = Path(__file__).resolve().parent / "static" / "billing" / "pdf.css"


def render_invoice_html(detail: InvoiceDetail) -> str:
    return render_to_string("billing/pdf/invoice.html", {"detail": detail})


def render_receipt_html(receipt: ReceiptDetail) -> str:
    return render_to_string(
        "billing/pdf/receipt.html",
        {"detail": receipt.detail, "payment": receipt.payment},
    )


def html_to_pdf(html: str) -> bytes:
    document = weasyprint.HTML(string=html, base_url=str(STYLESHEET.parent))
    pdf: bytes = document.write_pdf(
        stylesheets=[weasyprint.CSS(filename=str(STYLESHEET))]
    )
    return pdf


def invoice_pdf(detail: InvoiceDetail) -> bytes:
    return html_to_pdf(render_invoice_html(detail))


def receipt_pdf(receipt: ReceiptDetail) -> bytes:
    return html_to_pdf(render_receipt_html(receipt))
