"""Reads of invoices, payments and balances, always scoped to the actor's clinic.

A balance is never stored: it is the sum of the ledger entries, computed here
(annotated as a subquery in lists, so a page costs the same number of queries
whatever its length).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    DecimalField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Round

from practica.audit.services import record_view
from practica.billing.models import (
    CreditNote,
    Invoice,
    InvoiceLine,
    LedgerEntry,
    Payment,
    Refund,
)
from practica.charting.models import ClinicalNote
from practica.core.money import ZERO, quantize
from practica.patients.models import Patient
from practica.scheduling.models import Appointment
from practica.tenancy.access import scoped_get_or_404
from practica.tenancy.actor import Actor

# Filters offered on the invoice list; anything else is ignored.
OPEN = "open"
STATUS_FILTERS: dict[str, tuple[str, ...]] = {
    OPEN: (Invoice.Status.ISSUED, Invoice.Status.PARTIALLY_PAID),
    **{status.value: (status.value,) for status in Invoice.Status},
}

_MONEY = DecimalField(max_digits=12, decimal_places=2)


def _balance_subquery() -> Round:
    ledger_sum = (
        LedgerEntry.objects.filter(invoice=OuterRef("pk"))
        .order_by()
        .values("invoice")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    # SQLite sums decimals as floats and Django quantizes only plain columns, so
    # round in SQL: a paid invoice must read 0.00, not -2.8e-14.
    return Round(
        Coalesce(
            Subquery(ledger_sum, output_field=_MONEY), Value(ZERO), output_field=_MONEY
        ),
        2,
        output_field=_MONEY,
    )


def _with_balance(queryset: QuerySet[Invoice]) -> QuerySet[Invoice]:
    return queryset.annotate(balance=_balance_subquery())


@dataclass(frozen=True)
class TaxSummary:
    name: str
    rate: Decimal
    amount: Decimal


@dataclass(frozen=True)
class InvoiceDetail:
    invoice: Invoice
    lines: list[InvoiceLine]
    taxes: list[TaxSummary]
    # Payments with money on this invoice, each annotated `applied` (what of
    # it is on this invoice now).
    payments: Sequence[Payment]
    credit_notes: list[CreditNote]
    balance: Decimal

    @property
    def paid(self) -> Decimal:
        return sum((p.applied for p in self.payments), ZERO)  # type: ignore[attr-defined]  # annotated in _load_detail

    @property
    def credited(self) -> Decimal:
        return sum((c.total for c in self.credit_notes), ZERO)

    @property
    def written_off(self) -> Decimal:
        """What approved write-offs took off: the rest of the ledger's story
        (total = paid + credited + written off + balance), no extra query."""
        if self.invoice.status in (Invoice.Status.VOID, Invoice.Status.DRAFT):
            return ZERO
        return self.invoice.total - self.paid - self.credited - self.balance

    @property
    def is_payable(self) -> bool:
        return self.invoice.status in Invoice.OPEN_STATUSES and self.balance > ZERO

    @property
    def is_voidable(self) -> bool:
        return self.invoice.status not in (Invoice.Status.VOID, Invoice.Status.DRAFT)

    @property
    def is_creditable(self) -> bool:
        return self.is_voidable


@dataclass(frozen=True)
class Allocation:
    invoice: Invoice
    amount: Decimal


@dataclass(frozen=True)
class PaymentDetail:
    """A payment, where its money is now (invoices and account credit), and
    its refunds."""

    payment: Payment
    allocations: list[Allocation]
    unapplied: Decimal
    refunds: list[Refund]

    @property
    def refunded(self) -> Decimal:
        return sum((r.amount for r in self.refunds), ZERO)

    @property
    def refundable(self) -> Decimal:
        return self.payment.amount - self.refunded


def summarise_taxes(lines: Iterable[InvoiceLine]) -> list[TaxSummary]:
    """Tax totals by name and rate over prefetched lines, in first-seen order."""
    totals: dict[tuple[str, Decimal], Decimal] = {}
    for line in lines:
        for tax in line.taxes.all():
            key = (tax.name, tax.rate)
            totals[key] = totals.get(key, ZERO) + tax.amount
    return [TaxSummary(name, rate, amount) for (name, rate), amount in totals.items()]


def _load_detail(actor: Actor, invoice_id: uuid.UUID) -> InvoiceDetail:
    invoice = scoped_get_or_404(
        actor,
        _with_balance(
            Invoice.objects.select_related(
                "clinic",
                "patient",
                "location",
                "appointment__provider",
                "appointment__appointment_type",
            )
        ),
        pk=invoice_id,
    )
    lines = list(InvoiceLine.objects.filter(invoice=invoice).prefetch_related("taxes"))
    on_invoice = Sum(
        "ledger_entries__amount", filter=Q(ledger_entries__invoice=invoice)
    )
    payments = [
        payment
        for payment in Payment.objects.filter(ledger_entries__invoice=invoice)
        .annotate(on_invoice=on_invoice)
        .select_related("received_by")
        .order_by("received_at")
        if (payment.on_invoice or ZERO) < ZERO
    ]
    for payment in payments:
        payment.applied = quantize(-payment.on_invoice)  # type: ignore[attr-defined]  # annotated above
    credit_notes = list(CreditNote.objects.filter(invoice=invoice).order_by("number"))
    return InvoiceDetail(
        invoice=invoice,
        lines=lines,
        taxes=summarise_taxes(lines),
        payments=payments,
        credit_notes=credit_notes,
        balance=quantize(invoice.balance),  # type: ignore[attr-defined]  # annotated by _with_balance
    )


def get_invoice_for(*, actor: Actor, invoice_id: uuid.UUID) -> InvoiceDetail:
    """An invoice with its lines, taxes, payments and balance; a view is audited."""
    detail = _load_detail(actor, invoice_id)
    record_view(actor=actor, obj=detail.invoice, patient_id=detail.invoice.patient_id)
    return detail


def get_invoice_for_update(*, actor: Actor, invoice_id: uuid.UUID) -> Invoice:
    """The invoice a POST acts on; the service's change entry is its audit."""
    return scoped_get_or_404(
        actor, Invoice.objects.select_related("patient", "location"), pk=invoice_id
    )


def get_payment_for(*, actor: Actor, payment_id: uuid.UUID) -> PaymentDetail:
    """A payment with where its money went and its refunds; a view is audited.
    Four queries: the payment, its ledger sums per invoice, those invoices,
    its refunds."""
    payment = scoped_get_or_404(
        actor, Payment.objects.select_related("patient", "received_by"), pk=payment_id
    )
    sums = list(
        LedgerEntry.objects.filter(payment=payment)
        .values("invoice")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    invoices = Invoice.objects.in_bulk(
        [row["invoice"] for row in sums if row["invoice"] is not None]
    )
    allocations = [
        Allocation(invoice=invoices[row["invoice"]], amount=-quantize(row["total"]))
        for row in sums
        if row["invoice"] is not None and row["total"] < 0
    ]
    allocations.sort(key=lambda a: a.invoice.number or 0)
    unapplied = -sum(
        (quantize(row["total"]) for row in sums if row["invoice"] is None), ZERO
    )
    refunds = list(Refund.objects.filter(payment=payment).order_by("refunded_at"))
    record_view(actor=actor, obj=payment, patient_id=payment.patient_id)
    return PaymentDetail(
        payment=payment, allocations=allocations, unapplied=unapplied, refunds=refunds
    )


def get_payment_for_update(*, actor: Actor, payment_id: uuid.UUID) -> Payment:
    """The payment a POST acts on; the service's change entry is its audit."""
    return scoped_get_or_404(actor, Payment.objects.all(), pk=payment_id)


def get_patient_for_billing(*, actor: Actor, patient_id: uuid.UUID) -> Patient:
    """The patient a billing page or POST acts on, scoped to the clinic (a
    guessed id of another clinic's patient is a 404 and a denied entry); the
    page's own view entry or the service's change entry is its audit."""
    return scoped_get_or_404(actor, Patient.objects.all(), pk=patient_id)


def get_appointment_for(*, actor: Actor, appointment_id: uuid.UUID) -> Appointment:
    return scoped_get_or_404(
        actor,
        Appointment.objects.select_related("appointment_type", "location", "patient"),
        pk=appointment_id,
    )


def get_note_for(*, actor: Actor, note_id: uuid.UUID) -> ClinicalNote:
    return scoped_get_or_404(
        actor,
        ClinicalNote.objects.select_related(
            "patient",
            "appointment__appointment_type",
            "appointment__location",
            "appointment__patient",
        ),
        pk=note_id,
    )


def list_invoices(
    *, actor: Actor, status: str | None = None, query: str | None = None
) -> QuerySet[Invoice]:
    """The clinic's invoices, newest number first, each with its balance."""
    invoices = Invoice.objects.filter(clinic=actor.clinic).select_related("patient")
    if status in STATUS_FILTERS:
        invoices = invoices.filter(status__in=STATUS_FILTERS[status])
    text = (query or "").strip()
    if text:
        condition = Q(patient__last_name__icontains=text) | Q(
            patient__first_name__icontains=text
        )
        number = text.removeprefix("#")
        if number.isdigit() and len(number) < 10:
            condition |= Q(number=int(number))
        invoices = invoices.filter(condition)
    return _with_balance(invoices).order_by("-number")


def list_patient_invoices(*, actor: Actor, patient: Patient) -> QuerySet[Invoice]:
    """One patient's invoices with balances, for the timeline."""
    invoices = Invoice.objects.filter(clinic=actor.clinic, patient=patient)
    return _with_balance(invoices.select_related("location")).order_by("-number")


def list_patient_payments(*, actor: Actor, patient: Patient) -> QuerySet[Payment]:
    """One patient's payments, newest first, for the timeline."""
    return (
        Payment.objects.filter(clinic=actor.clinic, patient=patient)
        .select_related("invoice")
        .order_by("-received_at")
    )


def invoice_balance(*, actor: Actor, invoice: Invoice) -> Decimal:
    """What is still owed on one invoice: the sum of its ledger entries."""
    total = LedgerEntry.objects.filter(clinic=actor.clinic, invoice=invoice).aggregate(
        total=Sum("amount")
    )["total"]
    return quantize(total) if total is not None else ZERO


def patient_balance(*, actor: Actor, patient: Patient) -> Decimal:
    """What the patient owes the clinic over all invoices (ledger sum)."""
    total = LedgerEntry.objects.filter(clinic=actor.clinic, patient=patient).aggregate(
        total=Sum("amount")
    )["total"]
    return quantize(total) if total is not None else ZERO


def account_credit(*, actor: Actor, patient: Patient) -> Decimal:
    """Money the patient paid that is not applied to any invoice."""
    total = LedgerEntry.objects.filter(
        clinic=actor.clinic, patient=patient, invoice__isnull=True
    ).aggregate(total=Sum("amount"))["total"]
    return -quantize(total) if total is not None else ZERO


def payment_unapplied(*, actor: Actor, payment: Payment) -> Decimal:
    """What of one payment sits as account credit."""
    total = LedgerEntry.objects.filter(
        clinic=actor.clinic, payment=payment, invoice__isnull=True
    ).aggregate(total=Sum("amount"))["total"]
    return -quantize(total) if total is not None else ZERO


def payment_refundable(*, actor: Actor, payment: Payment) -> Decimal:
    """What can still be refunded from one payment."""
    total = Refund.objects.filter(clinic=actor.clinic, payment=payment).aggregate(
        total=Sum("amount")
    )["total"]
    return payment.amount - (quantize(total) if total is not None else ZERO)
