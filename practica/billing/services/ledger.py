"""The one place ledger entries are written, and invoice statuses re-derived.

Callers hold the row locks (`billing.locks`) of what they change and call
these inside their transaction; an entry is never updated or deleted.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from practica.billing.locks import lock_counter
from practica.billing.models import (
    CreditNote,
    Invoice,
    LedgerEntry,
    Payment,
    Refund,
    WriteOff,
)
from practica.core.money import ZERO, quantize
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic

MONEY_IN = (LedgerEntry.Kind.PAYMENT, LedgerEntry.Kind.ALLOCATION)


def post_entry(
    *,
    actor: Actor,
    patient_id: uuid.UUID,
    kind: str,
    amount: Decimal,
    invoice: Invoice | None = None,
    payment: Payment | None = None,
    refund: Refund | None = None,
    credit_note: CreditNote | None = None,
    write_off: WriteOff | None = None,
    memo: str = "",
    posted_at: dt.datetime | None = None,
) -> LedgerEntry:
    return LedgerEntry.objects.create(
        clinic=actor.clinic,
        patient_id=patient_id,
        kind=kind,
        amount=amount,
        invoice=invoice,
        payment=payment,
        refund=refund,
        credit_note=credit_note,
        write_off=write_off,
        memo=memo[:200],
        posted_at=posted_at or timezone.now(),
    )


def _sum(**filters: object) -> Decimal:
    total = LedgerEntry.objects.filter(**filters).aggregate(total=Sum("amount"))[
        "total"
    ]
    return quantize(total) if total is not None else ZERO


def invoice_sums(invoice: Invoice) -> tuple[Decimal, Decimal]:
    """(balance, money applied) of one invoice, from its ledger entries."""
    row = LedgerEntry.objects.filter(invoice=invoice).aggregate(
        balance=Sum("amount"),
        applied=Sum("amount", filter=Q(kind__in=MONEY_IN)),
    )
    balance = quantize(row["balance"]) if row["balance"] is not None else ZERO
    applied = -quantize(row["applied"]) if row["applied"] is not None else ZERO
    return balance, applied


def refresh_status(*, actor: Actor, invoice: Invoice) -> Invoice:
    """Re-derive an issued invoice's status from its ledger: paid at a zero
    balance, partially paid once money is applied, issued otherwise. Drafts
    and void invoices keep theirs. Call on a locked invoice."""
    if invoice.status in (Invoice.Status.DRAFT, Invoice.Status.VOID):
        return invoice
    balance, applied = invoice_sums(invoice)
    if balance <= ZERO:
        status = Invoice.Status.PAID
    elif applied > ZERO:
        status = Invoice.Status.PARTIALLY_PAID
    else:
        status = Invoice.Status.ISSUED
    if status != invoice.status:
        invoice.status = status
        invoice.save(update_fields=["status", "updated_at"])
    return invoice


def unapplied_of(payment: Payment) -> Decimal:
    """What of a payment sits as account credit (named no invoice)."""
    return -_sum(payment=payment, invoice__isnull=True)


def applied_to(payment: Payment, invoice: Invoice) -> Decimal:
    return -_sum(payment=payment, invoice=invoice)


def next_invoice_number(clinic: Clinic) -> int:
    """The clinic's next invoice number. Call inside a transaction: the counter
    row stays locked until commit, so numbers never repeat or skip."""
    counter = lock_counter(clinic)
    counter.last_number += 1
    counter.save(update_fields=["last_number", "updated_at"])
    return counter.last_number


def next_credit_note_number(clinic: Clinic) -> int:
    counter = lock_counter(clinic)
    counter.last_credit_note_number += 1
    counter.save(update_fields=["last_credit_note_number", "updated_at"])
    return counter.last_credit_note_number
