"""Demo send log: a few invoices and receipts emailed to patients, one send
that failed (the mail server was down), so the invoice page shows the log.

Rows are recorded as sent, not sent: loading the demo talks to no mail server.
"""

from __future__ import annotations

import datetime as dt

from practica.billing.models import BillingEmail, Invoice, LedgerEntry
from practica.tenancy.models import Clinic

SHOWN = 6


def seed_documents(clinic: Clinic, *, today: dt.date) -> dict[str, int]:
    invoices = list(
        Invoice.objects.filter(clinic=clinic, number__isnull=False)
        .exclude(patient__email="")
        .select_related("patient")
        .order_by("-number")[:SHOWN]
    )
    rows: list[BillingEmail] = []
    for index, invoice in enumerate(invoices):
        issued = invoice.issued_on or today
        sent_at = dt.datetime.combine(issued, dt.time(17, 30), tzinfo=dt.UTC)
        failed = index == len(invoices) - 1 and index > 0
        rows.append(
            BillingEmail(
                clinic=clinic,
                kind=BillingEmail.Kind.INVOICE,
                document_id=str(invoice.pk),
                patient=invoice.patient,
                recipient=invoice.patient.email,
                subject=f"Invoice #{invoice.number} from {clinic.name}",
                sent_at=sent_at,
                status=BillingEmail.Status.FAILED
                if failed
                else BillingEmail.Status.SENT,
                error="SMTPServerDisconnected" if failed else "",
            )
        )
        payment_id = (
            LedgerEntry.objects.filter(
                clinic=clinic, invoice=invoice, payment__isnull=False
            )
            .values_list("payment_id", flat=True)
            .first()
        )
        if payment_id is not None:
            rows.append(
                BillingEmail(
                    clinic=clinic,
                    kind=BillingEmail.Kind.RECEIPT,
                    document_id=str(payment_id),
                    patient=invoice.patient,
                    recipient=invoice.patient.email,
                    subject=f"Receipt from {clinic.name}",
                    sent_at=sent_at + dt.timedelta(minutes=5),
                    status=BillingEmail.Status.SENT,
                )
            )
    BillingEmail.objects.bulk_create(rows)
    return {
        "billing_emails": len(rows),
        "billing_emails_failed": sum(
            r.status == BillingEmail.Status.FAILED for r in rows
        ),
    }
