"""Billing history on top of the generated bench clinic (issue 5's targets).

The demo generator already writes an invoice, its ledger charge and (for
85%) a payment in full for every completed visit. This adds, with
bulk_create and ledger rows that keep every invoice's balance equal to its
ledger sum:

- the provider on every invoice line (from the visit), for revenue per provider;
- refunds of 2% of payments (part of the amount, recorded in the payment's
  method or to the original card), with their REFUND entries;
- credit notes in full on 1% of invoices (CREDIT_NOTE entries; a paid
  invoice's credited amount moves to account credit by an ALLOCATION pair);
- approved write-offs of 40% of the invoices still unpaid after 120 days;
- payments to account (no invoice) for 2% of patients with visits.

Run through `bench/generate.py --billing` (or on an existing bench database:
`bench/generate.py --billing-only`).
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import connection, transaction

from practica.billing.models import (
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    LedgerEntry,
    Payment,
    Refund,
    WriteOff,
)
from practica.demo.visits import random_uuid
from practica.tenancy.models import Clinic

REFUND_SHARE = 0.02
CREDIT_SHARE = 0.01
WRITE_OFF_SHARE = 0.40
WRITE_OFF_AFTER = datetime.timedelta(days=120)
ACCOUNT_PAYMENT_SHARE = 0.02
CENT = Decimal("0.01")


def _stamp(at: datetime.datetime) -> dict[str, datetime.datetime]:
    return {"created_at": at, "updated_at": at}


def set_line_providers(clinic: Clinic) -> int:
    """Each line's provider is its visit's (one UPDATE ... FROM)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE billing_invoiceline AS l SET provider_id = p.membership_id"
            " FROM billing_invoice i"
            " JOIN scheduling_appointment a ON a.id = i.appointment_id"
            " JOIN scheduling_provider p ON p.id = a.provider_id"
            " WHERE l.invoice_id = i.id AND l.provider_id IS NULL"
            " AND l.clinic_id = %s",
            [clinic.pk],
        )
        return cursor.rowcount


def add_billing_history(  # one linear pass per kind of money movement
    clinic: Clinic, *, now: datetime.datetime, seed: int = 2026
) -> dict[str, int]:
    rng = random.Random(seed)
    id_rng = random.Random(seed + 1)
    counts = {"line_providers": set_line_providers(clinic)}
    payments = list(
        Payment.objects.filter(clinic=clinic, invoice__isnull=False)
        .order_by("received_at", "pk")
        .values("id", "patient_id", "invoice_id", "method", "amount", "received_at")
    )
    invoices = list(
        Invoice.objects.filter(clinic=clinic)
        .exclude(status__in=[Invoice.Status.VOID, Invoice.Status.DRAFT])
        .order_by("number")
        .values("id", "patient_id", "status", "total", "tax_total", "created_at")
    )
    lines = dict(
        InvoiceLine.objects.filter(clinic=clinic).values_list("invoice_id", "id")
    )
    status: dict[object, str] = {}
    refunds: list[Refund] = []
    ledger: list[LedgerEntry] = []
    for row in payments:
        if rng.random() >= REFUND_SHARE:
            continue
        at = row["received_at"] + datetime.timedelta(days=rng.randint(1, 20))
        if at > now:
            continue
        amount = (row["amount"] * Decimal(rng.choice((25, 50, 100))) / 100).quantize(
            CENT
        )
        method = (
            Refund.Method.ORIGINAL
            if row["method"] in (Payment.Method.CARD, Payment.Method.CARD_ONLINE)
            else row["method"]
        )
        refund = Refund(
            id=random_uuid(id_rng),
            clinic=clinic,
            payment_id=row["id"],
            patient_id=row["patient_id"],
            method=method,
            amount=amount,
            reason="Overcharged",
            refunded_at=at,
            **_stamp(at),
        )
        refunds.append(refund)
        ledger.append(
            LedgerEntry(
                clinic=clinic,
                patient_id=row["patient_id"],
                invoice_id=row["invoice_id"],
                payment_id=row["id"],
                refund=refund,
                kind=LedgerEntry.Kind.REFUND,
                amount=amount,
                posted_at=at,
                memo="Refund",
                **_stamp(at),
            )
        )
        # Refunded in full, nothing is paid any more.
        status[row["invoice_id"]] = (
            Invoice.Status.ISSUED
            if amount == row["amount"]
            else Invoice.Status.PARTIALLY_PAID
        )
    counts["refunds"] = len(refunds)

    counter = InvoiceCounter.objects.get(clinic=clinic)
    number = counter.last_credit_note_number
    credit_notes: list[CreditNote] = []
    credit_lines: list[CreditNoteLine] = []
    write_offs: list[WriteOff] = []
    for row in invoices:
        if row["id"] in status:
            continue
        at = row["created_at"] + datetime.timedelta(days=rng.randint(2, 30))
        if rng.random() < CREDIT_SHARE and at <= now:
            number += 1
            total, tax = row["total"], row["tax_total"]
            note = CreditNote(
                id=random_uuid(id_rng),
                clinic=clinic,
                number=number,
                invoice_id=row["id"],
                patient_id=row["patient_id"],
                issued_on=at.date(),
                reason="Billed in error",
                subtotal=total - tax,
                tax_total=tax,
                total=total,
                **_stamp(at),
            )
            credit_notes.append(note)
            credit_lines.append(
                CreditNoteLine(
                    clinic=clinic,
                    credit_note=note,
                    invoice_line_id=lines[row["id"]],
                    amount=total - tax,
                    tax_amount=tax,
                    **_stamp(at),
                )
            )
            common = {"clinic": clinic, "patient_id": row["patient_id"], **_stamp(at)}
            ledger.append(
                LedgerEntry(
                    invoice_id=row["id"],
                    credit_note=note,
                    kind=LedgerEntry.Kind.CREDIT_NOTE,
                    amount=-total,
                    posted_at=at,
                    memo=f"Credit note {number}",
                    **common,
                )
            )
            if row["status"] == Invoice.Status.PAID:
                # What was paid and is no longer owed becomes account credit.
                ledger.extend(
                    LedgerEntry(
                        invoice_id=invoice_id,
                        kind=LedgerEntry.Kind.ALLOCATION,
                        amount=amount,
                        posted_at=at,
                        memo="Credit note refund to account",
                        **common,
                    )
                    for invoice_id, amount in ((row["id"], total), (None, -total))
                )
            status[row["id"]] = Invoice.Status.PAID
            continue
        due = row["created_at"] + WRITE_OFF_AFTER
        if (
            row["status"] == Invoice.Status.ISSUED
            and due <= now
            and rng.random() < WRITE_OFF_SHARE
        ):
            write_off = WriteOff(
                id=random_uuid(id_rng),
                clinic=clinic,
                invoice_id=row["id"],
                patient_id=row["patient_id"],
                amount=row["total"],
                reason="Uncollectable",
                status=WriteOff.Status.APPROVED,
                decided_at=due,
                **_stamp(due),
            )
            write_offs.append(write_off)
            ledger.append(
                LedgerEntry(
                    clinic=clinic,
                    patient_id=row["patient_id"],
                    invoice_id=row["id"],
                    write_off=write_off,
                    kind=LedgerEntry.Kind.WRITE_OFF,
                    amount=-row["total"],
                    posted_at=due,
                    memo="Write-off",
                    **_stamp(due),
                )
            )
            status[row["id"]] = Invoice.Status.PAID
    counts["credit_notes"] = len(credit_notes)
    counts["write_offs"] = len(write_offs)

    patients = sorted({row["patient_id"] for row in invoices}, key=str)
    account_payments: list[Payment] = []
    for patient_id in patients:
        if rng.random() >= ACCOUNT_PAYMENT_SHARE:
            continue
        at = now - datetime.timedelta(days=rng.randint(1, 3 * 365), hours=3)
        amount = Decimal(rng.choice((50, 100, 200)))
        payment = Payment(
            id=random_uuid(id_rng),
            clinic=clinic,
            patient_id=patient_id,
            method=rng.choice((Payment.Method.CASH, Payment.Method.ETRANSFER)),
            amount=amount,
            received_at=at,
            reference="On account",
            **_stamp(at),
        )
        account_payments.append(payment)
        ledger.append(
            LedgerEntry(
                clinic=clinic,
                patient_id=patient_id,
                payment=payment,
                kind=LedgerEntry.Kind.PAYMENT,
                amount=-amount,
                posted_at=at,
                memo="Payment to account",
                **_stamp(at),
            )
        )
    counts["account_payments"] = len(account_payments)

    with transaction.atomic():
        Refund.objects.bulk_create(refunds, batch_size=2000)
        CreditNote.objects.bulk_create(credit_notes, batch_size=2000)
        CreditNoteLine.objects.bulk_create(credit_lines, batch_size=2000)
        WriteOff.objects.bulk_create(write_offs, batch_size=2000)
        Payment.objects.bulk_create(account_payments, batch_size=2000)
        LedgerEntry.objects.bulk_create(ledger, batch_size=2000)
        for new_status in (
            Invoice.Status.ISSUED,
            Invoice.Status.PARTIALLY_PAID,
            Invoice.Status.PAID,
        ):
            Invoice.objects.filter(
                clinic=clinic,
                pk__in=[k for k, v in status.items() if v == new_status],
            ).update(status=new_status)
        InvoiceCounter.objects.filter(pk=counter.pk).update(
            last_credit_note_number=number
        )
    counts["ledger_entries_added"] = len(ledger)
    return counts


def ledger_mismatches(clinic: Clinic) -> int:
    """Invoices whose status disagrees with their ledger balance (a check)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM billing_invoice i JOIN ("
            " SELECT invoice_id, sum(amount) AS balance FROM billing_ledgerentry"
            " WHERE clinic_id = %s AND invoice_id IS NOT NULL GROUP BY invoice_id"
            ") b ON b.invoice_id = i.id WHERE i.clinic_id = %s AND ("
            " (i.status = 'paid' AND b.balance <> 0)"
            " OR (i.status = 'issued' AND b.balance <> i.total))",
            [clinic.pk, clinic.pk],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0
