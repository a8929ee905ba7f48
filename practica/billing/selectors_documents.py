"""Reads behind the billing documents (invoice, receipt, credit note and US
superbill PDFs, and the send log), always scoped to the actor's clinic.

Each `get_*_document` is the one way a view obtains a document: it fetches
with `scoped_get_or_404` (another clinic's id is a 404 and a denied entry),
loads everything the template prints in a fixed number of queries whatever
the number of lines, and records one view entry (the documents carry health
information). What was paid is read from the ledger, never from a stored
figure: a payment's part on an invoice is minus the sum of its entries there.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.http import Http404

from practica.audit.services import record_view
from practica.billing.models import (
    BillingEmail,
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceLine,
    LedgerEntry,
    Payment,
    Refund,
)
from practica.billing.selectors import TaxSummary, summarise_taxes
from practica.charting.codes import CodeSystem, lookup
from practica.charting.selectors import list_patient_notes
from practica.core.money import ZERO, quantize
from practica.tenancy.access import scoped_get_or_404
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Location

# Lines shown in the invoice page's send log.
EMAIL_LOG_SHOWN = 20


def _money(total: Decimal | None) -> Decimal:
    return quantize(total) if total is not None else ZERO


def is_us_location(location: Location) -> bool:
    return location.country == "US" or location.tax_region == "US"


@dataclass(frozen=True)
class AppliedPayment:
    """The part of one payment applied to one invoice."""

    payment: Payment
    amount: Decimal


@dataclass(frozen=True)
class InvoiceDocument:
    invoice: Invoice
    lines: list[InvoiceLine]
    taxes: list[TaxSummary]
    applied_payments: list[AppliedPayment]
    credit_notes: list[CreditNote]
    balance: Decimal

    @property
    def clinic(self) -> Clinic:
        return self.invoice.clinic

    @property
    def location(self) -> Location:
        return self.invoice.location

    @property
    def paid(self) -> Decimal:
        return sum((a.amount for a in self.applied_payments), ZERO)

    @property
    def credited(self) -> Decimal:
        return sum((c.total for c in self.credit_notes), ZERO)

    @property
    def watermark(self) -> str:
        if self.invoice.status == Invoice.Status.VOID:
            return "VOID"
        if self.invoice.status == Invoice.Status.DRAFT:
            return "DRAFT"
        return ""


def _invoices(actor: Actor) -> QuerySet[Invoice]:
    return Invoice.objects.filter(clinic=actor.clinic).select_related(
        "clinic", "patient", "location", "appointment__provider"
    )


def _lines(actor: Actor, invoice: Invoice) -> list[InvoiceLine]:
    return list(
        InvoiceLine.objects.filter(clinic=actor.clinic, invoice=invoice)
        .select_related("appointment__provider", "provider")
        .prefetch_related("taxes")
    )


def _applied_payments(actor: Actor, invoice: Invoice) -> list[AppliedPayment]:
    """Each payment's net part on the invoice (payment and allocation entries,
    and their reversals); a payment taken back to credit in full is left out."""
    sums = (
        LedgerEntry.objects.filter(
            clinic=actor.clinic, invoice=invoice, payment__isnull=False
        )
        .order_by()
        .values("payment")
        .annotate(total=Sum("amount"))
    )
    applied = {
        row["payment"]: -_money(row["total"])
        for row in sums
        if _money(row["total"]) != ZERO
    }
    if not applied:
        return []
    payments = Payment.objects.filter(clinic=actor.clinic, pk__in=applied).order_by(
        "received_at"
    )
    return [AppliedPayment(payment=p, amount=applied[p.pk]) for p in payments]


def _invoice_balance(actor: Actor, invoice: Invoice) -> Decimal:
    total = LedgerEntry.objects.filter(clinic=actor.clinic, invoice=invoice).aggregate(
        total=Sum("amount")
    )["total"]
    return _money(total)


def _load_invoice_document(actor: Actor, invoice: Invoice) -> InvoiceDocument:
    lines = _lines(actor, invoice)
    return InvoiceDocument(
        invoice=invoice,
        lines=lines,
        taxes=summarise_taxes(lines),
        applied_payments=_applied_payments(actor, invoice),
        credit_notes=list(
            CreditNote.objects.filter(clinic=actor.clinic, invoice=invoice).order_by(
                "number"
            )
        ),
        balance=_invoice_balance(actor, invoice),
    )


def get_invoice_document(*, actor: Actor, invoice_id: uuid.UUID) -> InvoiceDocument:
    """An invoice as printed: lines, taxes by name, payments and credit notes
    applied, balance. Records one view entry."""
    invoice = scoped_get_or_404(actor, _invoices(actor), pk=invoice_id)
    document = _load_invoice_document(actor, invoice)
    record_view(actor=actor, obj=invoice, patient_id=invoice.patient_id)
    return document


# --- Receipts ------------------------------------------------------------------


@dataclass(frozen=True)
class Application:
    """Where part of a payment went: an invoice, and what it still owes."""

    invoice: Invoice
    amount: Decimal
    balance: Decimal


@dataclass(frozen=True)
class ReceiptDocument:
    payment: Payment
    location: Location
    applications: list[Application]
    # What of the payment sits as account credit (not applied to any invoice).
    unapplied: Decimal
    refunded: Decimal

    @property
    def clinic(self) -> Clinic:
        return self.payment.clinic

    @property
    def applied(self) -> Decimal:
        return sum((a.amount for a in self.applications), ZERO)


def _payment_location(actor: Actor, payment: Payment) -> Location:
    """The location of the invoice the payment was taken against, else the
    clinic's first location (a payment to account names none)."""
    if payment.invoice is not None:
        return payment.invoice.location
    location = Location.objects.filter(clinic=actor.clinic).order_by("name").first()
    if location is None:
        raise Http404("Not found.")
    return location


def get_receipt_document(*, actor: Actor, payment_id: uuid.UUID) -> ReceiptDocument:
    """A payment as printed: the invoices it paid, what each still owes, and
    what was left as account credit. Records one view entry."""
    payment = scoped_get_or_404(
        actor,
        Payment.objects.select_related(
            "clinic", "patient", "received_by", "invoice__location"
        ),
        pk=payment_id,
    )
    sums = {
        row["invoice"]: _money(row["total"])
        for row in LedgerEntry.objects.filter(clinic=actor.clinic, payment=payment)
        .exclude(kind=LedgerEntry.Kind.REFUND)
        .order_by()
        .values("invoice")
        .annotate(total=Sum("amount"))
    }
    unapplied = -sums.pop(None, ZERO)
    on_invoices = {pk: -total for pk, total in sums.items() if total != ZERO}
    invoices = list(
        Invoice.objects.filter(clinic=actor.clinic, pk__in=on_invoices).order_by(
            "number"
        )
        if on_invoices
        else []
    )
    balances = (
        {
            row["invoice"]: _money(row["total"])
            for row in LedgerEntry.objects.filter(
                clinic=actor.clinic, invoice__in=invoices
            )
            .order_by()
            .values("invoice")
            .annotate(total=Sum("amount"))
        }
        if invoices
        else {}
    )
    refunded = Refund.objects.filter(clinic=actor.clinic, payment=payment).aggregate(
        total=Sum("amount")
    )["total"]
    document = ReceiptDocument(
        payment=payment,
        location=_payment_location(actor, payment),
        applications=[
            Application(
                invoice=invoice,
                amount=on_invoices[invoice.pk],
                balance=balances.get(invoice.pk, ZERO),
            )
            for invoice in invoices
        ],
        unapplied=unapplied,
        refunded=_money(refunded),
    )
    record_view(actor=actor, obj=payment, patient_id=payment.patient_id)
    return document


# --- Credit notes ----------------------------------------------------------------


@dataclass(frozen=True)
class CreditRow:
    line: CreditNoteLine
    total: Decimal


@dataclass(frozen=True)
class CreditNoteDocument:
    credit_note: CreditNote
    lines: list[CreditRow]

    @property
    def invoice(self) -> Invoice:
        return self.credit_note.invoice

    @property
    def clinic(self) -> Clinic:
        return self.credit_note.clinic

    @property
    def location(self) -> Location:
        return self.credit_note.invoice.location


def get_credit_note_document(
    *, actor: Actor, credit_note_id: uuid.UUID
) -> CreditNoteDocument:
    """A credit note with its lines (each naming the invoice line it
    corrects). Records one view entry."""
    credit_note = scoped_get_or_404(
        actor,
        CreditNote.objects.select_related(
            "clinic", "patient", "invoice__location", "issued_by"
        ),
        pk=credit_note_id,
    )
    lines = list(
        CreditNoteLine.objects.filter(
            clinic=actor.clinic, credit_note=credit_note
        ).select_related("invoice_line")
    )
    record_view(actor=actor, obj=credit_note, patient_id=credit_note.patient_id)
    return CreditNoteDocument(
        credit_note=credit_note,
        lines=[
            CreditRow(line=line, total=line.amount + line.tax_amount) for line in lines
        ],
    )


# --- US superbill ------------------------------------------------------------------

# An ICD-10-CM code as clinicians type it: "M54.50", "m545", "S83.241A".
_ICD10 = re.compile(r"\b([A-TV-Z][0-9][0-9AB](?:\.?[0-9A-TV-Z]{1,4})?)\b", re.I)


@dataclass(frozen=True)
class Diagnosis:
    code: str
    display: str


@dataclass(frozen=True)
class SuperbillLine:
    line: InvoiceLine
    service_on: date | None
    provider_name: str
    provider_credentials: str


@dataclass(frozen=True)
class SuperbillDocument:
    """An itemised statement a US patient files with an insurer: diagnosis
    codes (ICD-10-CM) from the visits' signed notes, procedure codes
    (CPT/HCPCS) from the lines, dates of service, charges and payments.

    The NPI is not printed: providers carry no NPI field yet.
    """

    invoice_document: InvoiceDocument
    lines: list[SuperbillLine]
    diagnoses: list[Diagnosis]
    providers: list[str] = field(default_factory=list)

    @property
    def invoice(self) -> Invoice:
        return self.invoice_document.invoice


def _strings(value: object) -> Iterable[str]:
    """Every text in a note's stored content (tables and lists included)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def diagnoses_in(contents: Iterable[object]) -> list[Diagnosis]:
    """The ICD-10-CM codes written in notes, in order of first mention, each
    checked against the shipped code list (anything else is not a code)."""
    found: dict[str, Diagnosis] = {}
    for content in contents:
        for text in _strings(content):
            for match in _ICD10.finditer(text):
                code = lookup(CodeSystem.ICD10, match.group(1))
                if code is not None and code.code not in found:
                    found[code.code] = Diagnosis(code=code.code, display=code.display)
    return list(found.values())


def _service_on(line: InvoiceLine, invoice: Invoice) -> date | None:
    appointment = line.appointment or invoice.appointment
    if appointment is None:
        return invoice.issued_on
    return appointment.start_at.astimezone(invoice.location.tz).date()


def _provider(line: InvoiceLine, invoice: Invoice) -> tuple[str, str]:
    provider = line.provider
    if provider is None:
        appointment = line.appointment or invoice.appointment
        provider = appointment.provider if appointment is not None else None
    if provider is None:
        return "", ""
    return provider.display_name, provider.credentials


def get_superbill_document(*, actor: Actor, invoice_id: uuid.UUID) -> SuperbillDocument:
    """The superbill of an invoice at a US location (404 elsewhere: other
    countries' patients do not file superbills). Records one view entry."""
    invoice = scoped_get_or_404(
        actor,
        _invoices(actor).filter(
            Q(location__country="US") | Q(location__tax_region="US")
        ),
        pk=invoice_id,
    )
    document = _load_invoice_document(actor, invoice)
    note_ids = {line.note_id for line in document.lines if line.note_id}
    if invoice.note_id:
        note_ids.add(invoice.note_id)
    appointment_ids = {
        line.appointment_id for line in document.lines if line.appointment_id
    }
    if invoice.appointment_id:
        appointment_ids.add(invoice.appointment_id)
    notes = (
        list_patient_notes(actor=actor, patient=invoice.patient)
        .filter(Q(pk__in=note_ids) | Q(appointment_id__in=appointment_ids))
        # Only signed notes: a draft's diagnosis may still change.
        .filter(status="signed")
        .order_by("signed_at")
        .values_list("content", flat=True)
    )
    lines = []
    providers: list[str] = []
    for line in document.lines:
        name, credentials = _provider(line, invoice)
        label = f"{name}, {credentials}" if credentials else name
        if label and label not in providers:
            providers.append(label)
        lines.append(
            SuperbillLine(
                line=line,
                service_on=_service_on(line, invoice),
                provider_name=name,
                provider_credentials=credentials,
            )
        )
    record_view(actor=actor, obj=invoice, patient_id=invoice.patient_id)
    return SuperbillDocument(
        invoice_document=document,
        lines=lines,
        diagnoses=diagnoses_in(notes),
        providers=providers,
    )


# --- Send log ----------------------------------------------------------------------


@dataclass(frozen=True)
class EmailPanel:
    """The invoice page's "Email to patient" panel: what can be sent (the
    invoice, the receipts of the payments applied to it, its credit notes)
    and the send log of those documents."""

    invoice: Invoice
    payments: list[Payment]
    credit_notes: list[CreditNote]
    emails: list[BillingEmail]

    @property
    def has_address(self) -> bool:
        return bool(self.invoice.patient.email)

    @property
    def has_superbill(self) -> bool:
        return is_us_location(self.invoice.location)


def get_email_panel(*, actor: Actor, invoice: Invoice) -> EmailPanel:
    """Four queries whatever the number of payments, notes and emails; the
    invoice page's own view entry covers it. `invoice` comes with its patient
    and location."""
    payment_ids = set(
        LedgerEntry.objects.filter(
            clinic=actor.clinic, invoice=invoice, payment__isnull=False
        ).values_list("payment_id", flat=True)
    )
    payments = list(
        Payment.objects.filter(clinic=actor.clinic, pk__in=payment_ids).order_by(
            "received_at"
        )
        if payment_ids
        else []
    )
    credit_notes = list(
        CreditNote.objects.filter(clinic=actor.clinic, invoice=invoice).order_by(
            "number"
        )
    )
    documents = (
        Q(
            kind__in=[BillingEmail.Kind.INVOICE, BillingEmail.Kind.SUPERBILL],
            document_id=str(invoice.pk),
        )
        | Q(
            kind=BillingEmail.Kind.RECEIPT,
            document_id__in=[str(p.pk) for p in payments],
        )
        | Q(
            kind=BillingEmail.Kind.CREDIT_NOTE,
            document_id__in=[str(c.pk) for c in credit_notes],
        )
    )
    emails = list(
        BillingEmail.objects.filter(clinic=actor.clinic, patient_id=invoice.patient_id)
        .filter(documents)
        .select_related("sent_by")
        .order_by("-sent_at")[:EMAIL_LOG_SHOWN]
    )
    return EmailPanel(
        invoice=invoice, payments=payments, credit_notes=credit_notes, emails=emails
    )
