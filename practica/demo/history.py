"""The clinical and money trail of completed visits, inserted in bulk.

For each completed appointment, in chronological order: a signed note on the
clinic's shipped template for the provider's modality (the initial assessment
for the patient's first note of it, the follow-up template after), an invoice numbered
1..N with its line (and line taxes when the service is taxable), the charge in
the ledger, and for most invoices a payment with its (negative) ledger entry.
Unpaid invoices stay issued: they are the clinic's receivables.

Amounts follow `practica.billing.services._issue` exactly: the line total and
the invoice total are price + tax, the tax rounded per component.
"""

from __future__ import annotations

import datetime
import random
import zoneinfo
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from practica.accounts.models import User
from practica.billing.models import (
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    InvoiceLineTax,
    LedgerEntry,
    Payment,
    TaxCategory,
)
from practica.billing.taxes import tax_label, taxes_for_line, total_tax
from practica.charting.models import ClinicalNote, NoteTemplate
from practica.charting.services import ensure_shipped_templates
from practica.core.money import quantize
from practica.demo.notes import NoteTemplatePicker
from practica.demo.timestamps import explicit_timestamps
from practica.demo.visits import Visit, random_uuid
from practica.patients.models import Patient
from practica.scheduling.models import Appointment, AppointmentType, Provider
from practica.tenancy.models import Clinic, Location

ContentFactory = Callable[..., Mapping[str, object]]  # demo.notes.note_content
# Share of invoices paid, by the invoice's age in days: most patients pay at
# the visit; a few old balances stay open (the AR aging and collections demo).
PAID_SHARE_BY_AGE = ((30, 0.85), (120, 0.95), (None, 0.99))
# (method, weight, shortest and longest delay after the invoice, in minutes)
PAYMENT_METHODS = (
    (Payment.Method.CARD, 60, 1, 10),
    (Payment.Method.CASH, 12, 1, 10),
    (Payment.Method.ETRANSFER, 22, 120, 3 * 24 * 60),
    (Payment.Method.CHEQUE, 6, 24 * 60, 10 * 24 * 60),
)
_STAMPED = (ClinicalNote, Invoice, InvoiceLine, InvoiceLineTax, LedgerEntry, Payment)


@dataclass
class _Batch:
    notes: list[ClinicalNote] = field(default_factory=list)
    invoices: list[Invoice] = field(default_factory=list)
    lines: list[InvoiceLine] = field(default_factory=list)
    line_taxes: list[InvoiceLineTax] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    ledger: list[LedgerEntry] = field(default_factory=list)


def _template_picker(clinic: Clinic) -> NoteTemplatePicker:
    return NoteTemplatePicker(ensure_shipped_templates(clinic=clinic))


def _reference(method: str, rng: random.Random) -> str:
    if method == Payment.Method.CARD:
        brand = rng.choice(("VISA", "MC", "AMEX", "DEBIT"))
        return f"{brand} auth {rng.randint(100000, 999999)}"
    if method == Payment.Method.ETRANSFER:
        return f"CA{rng.getrandbits(40):010X}"
    if method == Payment.Method.CHEQUE:
        return f"Cheque {rng.randint(100, 999)}"
    return ""


def insert_billing(
    *,
    clinic: Clinic,
    visits: Sequence[Visit],
    patients: Sequence[Patient],
    providers: Sequence[Provider],
    locations: Sequence[Location],
    types: Sequence[AppointmentType],
    desk_user: User,
    rng: random.Random,
    id_rng: random.Random,
    now: datetime.datetime,
    batch_size: int,
    note_content: ContentFactory,
) -> dict[str, int]:
    """Insert notes, invoices, payments and ledger entries for `visits` (sorted
    by start) and set the invoice counter; return the row counts."""
    templates = _template_picker(clinic)
    completed = [v for v in visits if v.status == Appointment.Status.COMPLETED]
    counts = dict.fromkeys(
        ("notes", "invoices", "payments", "ledger_entries", "unpaid_invoices"), 0
    )
    with explicit_timestamps(*_STAMPED):
        for start in range(0, len(completed), batch_size):
            chunk = completed[start : start + batch_size]
            batch = _Batch()
            for number, visit in enumerate(chunk, start=start + 1):
                _add_visit(
                    batch,
                    number=number,
                    visit=visit,
                    clinic=clinic,
                    patient=patients[visit.patient],
                    provider=providers[visit.provider],
                    location=locations[visit.location],
                    service=types[visit.kind],
                    template=templates.pick(
                        visit.patient, providers[visit.provider].modality
                    ),
                    desk_user=desk_user,
                    rng=rng,
                    id_rng=id_rng,
                    now=now,
                    note_content=note_content,
                )
            _write(batch, batch_size)
            counts["notes"] += len(batch.notes)
            counts["invoices"] += len(batch.invoices)
            counts["payments"] += len(batch.payments)
            counts["ledger_entries"] += len(batch.ledger)
        counts["unpaid_invoices"] = counts["invoices"] - counts["payments"]
        InvoiceCounter.objects.create(
            clinic=clinic,
            last_number=len(completed),
            created_at=now,
            updated_at=now,
        )
    return counts


def _add_visit(
    batch: _Batch,
    *,
    number: int,
    visit: Visit,
    clinic: Clinic,
    patient: Patient,
    provider: Provider,
    location: Location,
    service: AppointmentType,
    template: NoteTemplate | None,
    desk_user: User,
    rng: random.Random,
    id_rng: random.Random,
    now: datetime.datetime,
    note_content: ContentFactory,
) -> None:
    signed_at = min(visit.end_at + datetime.timedelta(minutes=rng.randint(2, 20)), now)
    note = None
    if template is not None:
        note = ClinicalNote(
            id=random_uuid(id_rng),
            clinic=clinic,
            patient_id=patient.pk,
            appointment_id=visit.id,
            provider=provider,
            template=template,
            content=dict(
                note_content(
                    template.fields,
                    rng,
                    case_seed=f"{patient.pk}:{template.modality}",
                )
            ),
            status=ClinicalNote.Status.SIGNED,
            signed_at=signed_at,
            signed_by_id=provider.membership.user_id,
            created_at=visit.end_at - datetime.timedelta(minutes=5),
            updated_at=signed_at,
        )
        batch.notes.append(note)
    invoiced_at = min(signed_at + datetime.timedelta(minutes=1), now)
    currency = location.currency
    price = quantize(service.price, currency)
    taxes = taxes_for_line(
        tax_region=location.tax_region,
        amount=price,
        is_taxable=service.is_taxable,
        currency=currency,
    )
    tax = total_tax(taxes)
    total = price + tax
    payment = _maybe_payment(rng, id_rng, clinic, patient, invoiced_at, now, total)
    invoice = Invoice(
        id=random_uuid(id_rng),
        clinic=clinic,
        number=number,
        patient_id=patient.pk,
        location=location,
        appointment_id=visit.id,
        note=note,
        status=Invoice.Status.PAID if payment else Invoice.Status.ISSUED,
        issued_on=invoiced_at.astimezone(zoneinfo.ZoneInfo(location.timezone)).date(),
        currency=currency,
        subtotal=price,
        tax_total=tax,
        total=total,
        created_at=invoiced_at,
        updated_at=payment.received_at if payment else invoiced_at,
    )
    batch.invoices.append(invoice)
    line = InvoiceLine(
        clinic=clinic,
        invoice=invoice,
        appointment_id=visit.id,
        provider=provider,
        tax_category=(
            TaxCategory.TAXABLE_SERVICE
            if service.is_taxable
            else TaxCategory.HEALTH_SERVICE
        ),
        description=f"{service.name} - {invoice.issued_on:%Y-%m-%d}"[:200],
        service_code=service.service_code,
        quantity=Decimal("1"),
        unit_price=price,
        tax_name=tax_label(taxes),
        tax_rate=sum((t.rate for t in taxes), Decimal("0")),
        tax_amount=tax,
        line_total=total,
        created_at=invoiced_at,
        updated_at=invoiced_at,
    )
    # The line has no id yet: bulk_create takes it from the line once saved.
    batch.line_taxes.extend(
        InvoiceLineTax(
            clinic=clinic,
            line=line,
            name=t.name,
            rate=t.rate,
            amount=t.amount,
            created_at=invoiced_at,
            updated_at=invoiced_at,
        )
        for t in taxes
    )
    batch.lines.append(line)
    batch.ledger.append(
        LedgerEntry(
            clinic=clinic,
            patient_id=patient.pk,
            invoice=invoice,
            kind=LedgerEntry.Kind.CHARGE,
            amount=total,
            posted_at=invoiced_at,
            memo=f"Invoice {number}",
            created_at=invoiced_at,
            updated_at=invoiced_at,
        )
    )
    if payment is not None:
        payment.invoice = invoice
        payment.received_by = desk_user
        batch.payments.append(payment)
        batch.ledger.append(
            LedgerEntry(
                clinic=clinic,
                patient_id=patient.pk,
                invoice=invoice,
                payment=payment,
                kind=LedgerEntry.Kind.PAYMENT,
                amount=-total,
                posted_at=payment.received_at,
                memo=f"Payment on invoice {number}",
                created_at=payment.received_at,
                updated_at=payment.received_at,
            )
        )


def _maybe_payment(
    rng: random.Random,
    id_rng: random.Random,
    clinic: Clinic,
    patient: Patient,
    invoiced_at: datetime.datetime,
    now: datetime.datetime,
    total: Decimal,
) -> Payment | None:
    """A payment in full for most invoices; none when the patient has not paid
    yet (or the payment would arrive after `now`)."""
    age = (now - invoiced_at).days
    share = next(p for limit, p in PAID_SHARE_BY_AGE if limit is None or age < limit)
    is_paid = rng.random() < share
    method, _, shortest, longest = rng.choices(
        PAYMENT_METHODS, weights=[m[1] for m in PAYMENT_METHODS]
    )[0]
    received_at = invoiced_at + datetime.timedelta(
        minutes=rng.randint(shortest, longest)
    )
    reference = _reference(method, rng)
    if not is_paid or received_at > now:
        return None
    return Payment(
        id=random_uuid(id_rng),
        clinic=clinic,
        patient_id=patient.pk,
        method=method,
        amount=total,
        received_at=received_at,
        reference=reference,
        created_at=received_at,
        updated_at=received_at,
    )


def _write(batch: _Batch, batch_size: int) -> None:
    ClinicalNote.objects.bulk_create(batch.notes, batch_size=batch_size)
    Invoice.objects.bulk_create(batch.invoices, batch_size=batch_size)
    InvoiceLine.objects.bulk_create(batch.lines, batch_size=batch_size)
    InvoiceLineTax.objects.bulk_create(batch.line_taxes, batch_size=batch_size)
    Payment.objects.bulk_create(batch.payments, batch_size=batch_size)
    LedgerEntry.objects.bulk_create(batch.ledger, batch_size=batch_size)
