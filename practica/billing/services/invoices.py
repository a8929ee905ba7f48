"""Issuing invoices: from priced lines, from a visit, from a note, and the
policy fees of missed visits.

Each writes inside one transaction: the invoice and its lines, the CHARGE
ledger entry that carries the money, and the audit record. Drafts (editable
lines, no number yet) are in `services/drafts.py`; they are issued through
`post_issued` here, so every issued invoice is numbered and posted alike.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from practica.audit.services import record_change
from practica.billing import benefits
from practica.billing.errors import InvoiceNotAllowedError
from practica.billing.lines import NewLine
from practica.billing.locks import lock_appointment
from practica.billing.models import (
    Invoice,
    InvoiceLine,
    InvoiceLineTax,
    LedgerEntry,
    TaxCategory,
)
from practica.billing.pricing import line_for_appointment
from practica.billing.services.ledger import next_invoice_number, post_entry
from practica.billing.taxes import TaxAmount, tax_label, taxes_for_line, total_tax
from practica.charting.models import ClinicalNote
from practica.core.money import ZERO, quantize
from practica.patients.models import Patient
from practica.scheduling.models import Appointment
from practica.tenancy.actor import Actor
from practica.tenancy.models import Location

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PricedLine:
    line: NewLine
    amount: Decimal
    taxes: tuple[TaxAmount, ...]

    @property
    def tax(self) -> Decimal:
        return total_tax(self.taxes)


def line_taxes(
    *, location: Location, amount: Decimal, tax_category: str
) -> tuple[TaxAmount, ...]:
    return taxes_for_line(
        tax_region=location.tax_region,
        amount=amount,
        tax_category=tax_category,
        currency=location.currency,
    )


def price_line(*, location: Location, line: NewLine) -> PricedLine:
    currency = location.currency
    gross = quantize(line.unit_price * line.quantity, currency)
    discount = min(quantize(line.discount_amount, currency), gross)
    amount = gross - discount
    taxes = line_taxes(location=location, amount=amount, tax_category=line.tax_category)
    return PricedLine(line=line, amount=amount, taxes=taxes)


def write_lines(
    *, actor: Actor, invoice: Invoice, lines: Sequence[NewLine]
) -> list[InvoiceLine]:
    """Write priced lines and their tax components; set the invoice's totals
    (the caller saves it)."""
    priced = [price_line(location=invoice.location, line=line) for line in lines]
    written: list[InvoiceLine] = []
    taxes: list[InvoiceLineTax] = []
    for p in priced:
        line = p.line
        gross = quantize(line.unit_price * line.quantity, invoice.currency)
        row = InvoiceLine.objects.create(
            clinic=actor.clinic,
            invoice=invoice,
            item=line.item,
            appointment=line.appointment,
            note=line.note,
            provider=line.provider,
            description=line.description[:200],
            service_code=line.service_code,
            quantity=line.quantity,
            unit_price=quantize(line.unit_price, invoice.currency),
            discount_name=line.discount_name[:80],
            discount_amount=gross - p.amount,
            tax_category=line.tax_category,
            tax_name=tax_label(p.taxes),
            tax_rate=sum((t.rate for t in p.taxes), Decimal("0")),
            tax_amount=p.tax,
            line_total=p.amount + p.tax,
        )
        written.append(row)
        taxes.extend(
            InvoiceLineTax(
                clinic=actor.clinic, line=row, name=t.name, rate=t.rate, amount=t.amount
            )
            for t in p.taxes
        )
    InvoiceLineTax.objects.bulk_create(taxes)
    invoice.subtotal = sum((p.amount for p in priced), ZERO)
    invoice.discount_total = sum((row.discount_amount for row in written), ZERO)
    invoice.tax_total = sum((p.tax for p in priced), ZERO)
    invoice.total = invoice.subtotal + invoice.tax_total
    return written


def post_issued(
    *, actor: Actor, invoice: Invoice, lines: Sequence[InvoiceLine], detail: str = ""
) -> Invoice:
    """Number an invoice, post its charge, start what its lines sold and
    consume what covered them. Inside the caller's transaction."""
    now = timezone.now()
    invoice.number = next_invoice_number(actor.clinic)
    invoice.status = Invoice.Status.ISSUED
    invoice.issued_on = invoice.issued_on or timezone.localdate(
        now, invoice.location.tz
    )
    invoice.issued_by = actor.user
    invoice.save()
    if invoice.total > ZERO:
        post_entry(
            actor=actor,
            patient_id=invoice.patient_id,
            kind=LedgerEntry.Kind.CHARGE,
            amount=invoice.total,
            invoice=invoice,
            memo=f"Invoice {invoice.number}",
            posted_at=now,
        )
    else:
        # Nothing is owed (e.g. a visit a package covered): paid as issued.
        invoice.status = Invoice.Status.PAID
        invoice.save(update_fields=["status", "updated_at"])
    for line in lines:
        benefits.on_line_issued(actor=actor, line=line)
    record_change(
        actor=actor,
        action="create",
        obj=invoice,
        patient_id=invoice.patient_id,
        detail=detail,
    )
    return invoice


def issue_new_invoice(
    *,
    actor: Actor,
    patient: Patient,
    location: Location,
    lines: Sequence[NewLine],
    appointment: Appointment | None = None,
    note: ClinicalNote | None = None,
    memo: str = "",
    due_on: dt.date | None = None,
) -> Invoice:
    """An issued invoice of priced lines: numbered, posted, audited."""
    if patient.clinic_id != actor.clinic.pk or location.clinic_id != actor.clinic.pk:
        raise InvoiceNotAllowedError("This record belongs to another clinic.")
    if not lines:
        raise InvoiceNotAllowedError("An invoice needs at least one line.")
    with transaction.atomic():
        invoice = Invoice(
            clinic=actor.clinic,
            patient=patient,
            location=location,
            appointment=appointment,
            note=note,
            status=Invoice.Status.DRAFT,
            currency=location.currency,
            subtotal=ZERO,
            tax_total=ZERO,
            total=ZERO,
            memo=memo[:300],
            due_on=due_on,
        )
        invoice.save()
        written = write_lines(actor=actor, invoice=invoice, lines=lines)
        for new, row in zip(lines, written, strict=True):
            if new.benefit is not None:
                benefits.record_benefit_use(actor=actor, benefit=new.benefit, line=row)
        post_issued(actor=actor, invoice=invoice, lines=written)
    logger.info(
        "billing.invoice_created",
        extra={"invoice_id": str(invoice.pk), "clinic_id": actor.clinic.pk},
    )
    return invoice


def visit_line(*, actor: Actor, appointment: Appointment) -> NewLine:
    """The line that bills one visit: the clinic's fee for its type and
    provider, with any benefit (package visit, membership) as its discount."""
    return line_for_appointment(actor=actor, appointment=appointment)


def live_invoice_of(appointment: Appointment) -> Invoice | None:
    """The live (not void) service invoice that bills this visit, if any:
    one that names it (a single-visit invoice) or has a line for it. Two
    indexed lookups: an OR across the line join would scan every invoice."""
    live = Invoice.objects.filter(
        clinic_id=appointment.clinic_id, kind=Invoice.Kind.SERVICE
    ).exclude(status=Invoice.Status.VOID)
    named = live.filter(appointment=appointment).order_by("created_at").first()
    if named is not None:
        return named
    line = (
        InvoiceLine.objects.filter(
            clinic_id=appointment.clinic_id,
            appointment=appointment,
            invoice__kind=Invoice.Kind.SERVICE,
        )
        .exclude(invoice__status=Invoice.Status.VOID)
        .select_related("invoice")
        .order_by("created_at")
        .first()
    )
    return line.invoice if line is not None else None


def check_billable(appointment: Appointment) -> None:
    if appointment.status in Appointment.RELEASING:
        raise InvoiceNotAllowedError(
            "A cancelled or no-show appointment cannot be invoiced."
        )
    if appointment.patient_id is None:
        raise InvoiceNotAllowedError(
            "A class is invoiced per attendee, not as a whole."
        )


def _issue(
    *, actor: Actor, appointment: Appointment, note: ClinicalNote | None
) -> Invoice:
    """Create the invoice of an appointment, or return its live one."""
    if appointment.clinic_id != actor.clinic.pk:
        raise InvoiceNotAllowedError("This record belongs to another clinic.")
    with transaction.atomic():
        locked = lock_appointment(appointment)
        check_billable(locked)
        existing = live_invoice_of(locked)
        if existing is not None:
            return existing
        line = visit_line(actor=actor, appointment=appointment)
        patient = appointment.patient
        assert patient is not None  # check_billable refused a class
        if note is not None:
            line = replace(line, note=note)
        return issue_new_invoice(
            actor=actor,
            patient=patient,
            location=appointment.location,
            lines=[line],
            appointment=locked,
            note=note,
        )


def create_invoice_for_appointment(
    *, actor: Actor, appointment: Appointment
) -> Invoice:
    """Invoice an appointment's service (idempotent: one live invoice each)."""
    return _issue(actor=actor, appointment=appointment, note=None)


def create_invoice_for_note(*, actor: Actor, note: ClinicalNote) -> Invoice:
    """One-click invoice from a treatment note: bills the note's appointment.

    The note must be signed, or its appointment completed, so that only care
    that was given is billed.
    """
    if note.clinic_id != actor.clinic.pk:
        raise InvoiceNotAllowedError("This record belongs to another clinic.")
    appointment = note.appointment
    if appointment is None:
        raise InvoiceNotAllowedError("This note has no appointment to invoice.")
    is_completed = appointment.status == Appointment.Status.COMPLETED
    if not (note.is_signed or is_completed):
        raise InvoiceNotAllowedError(
            "Sign the note or complete the appointment before invoicing."
        )
    return _issue(actor=actor, appointment=appointment, note=note)


# The status an appointment must hold for each kind of fee, and the line's text.
FEE_STATUS = {
    Invoice.Kind.LATE_CANCEL_FEE: Appointment.Status.LATE_CANCELLED,
    Invoice.Kind.NO_SHOW_FEE: Appointment.Status.NO_SHOW,
}


def charge_policy_fee(
    *, actor: Actor, appointment: Appointment, kind: str, amount: Decimal
) -> Invoice | None:
    """Charge a late-cancellation or no-show fee to the patient's account: an
    issued invoice linked to the appointment, with one line and a ledger
    charge, numbered from the same gap-free counter as every invoice.

    Idempotent: a live fee of that kind for the appointment is returned as is.
    A fee of 0 charges nothing (returns None).

    Tax: the fee is treated as exempt, like the health service it stands in
    for (a charge for a missed exempt health service follows the service's
    treatment). That is an assumption a clinic's accountant should confirm.
    """
    if appointment.clinic_id != actor.clinic.pk:
        raise InvoiceNotAllowedError("This record belongs to another clinic.")
    if kind not in FEE_STATUS:
        raise InvoiceNotAllowedError("That is not a policy fee.")
    fee_kind = Invoice.Kind(kind)
    with transaction.atomic():
        locked = lock_appointment(appointment)
        if locked.status != FEE_STATUS[fee_kind]:
            raise InvoiceNotAllowedError(
                f"A {fee_kind.label.lower()} needs a "
                f"{FEE_STATUS[fee_kind].label.lower()} appointment."
            )
        if locked.patient_id is None:
            raise InvoiceNotAllowedError(
                "A class is invoiced per attendee, not as a whole."
            )
        location = locked.location
        fee = quantize(amount, location.currency)
        if fee < ZERO:
            raise InvoiceNotAllowedError("A fee cannot be negative.")
        existing = (
            Invoice.objects.filter(clinic=actor.clinic, appointment=locked, kind=kind)
            .exclude(status=Invoice.Status.VOID)
            .first()
        )
        if existing is not None:
            return existing
        if fee == ZERO:
            return None
        invoice = Invoice(
            clinic=actor.clinic,
            patient_id=locked.patient_id,
            location=location,
            appointment=locked,
            kind=kind,
            status=Invoice.Status.DRAFT,
            currency=location.currency,
            subtotal=ZERO,
            tax_total=ZERO,
            total=ZERO,
        )
        invoice.save()
        written = write_lines(
            actor=actor,
            invoice=invoice,
            lines=[
                NewLine(
                    description=fee_kind.label,
                    unit_price=fee,
                    tax_category=TaxCategory.HEALTH_SERVICE,
                    provider=locked.provider,
                )
            ],
        )
        post_issued(
            actor=actor,
            invoice=invoice,
            lines=written,
            detail=f"{kind} appointment={locked.pk}",
        )
    logger.info(
        "billing.fee_charged",
        extra={"invoice_id": str(invoice.pk), "appointment_id": str(locked.pk)},
    )
    return invoice
