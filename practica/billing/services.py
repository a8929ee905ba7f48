"""Billing use cases: invoice an appointment or a note, take a payment, void.

Each writes inside one transaction: the rows, the ledger entries that carry
the money, and the audit record. Balances are never stored; they are ledger
sums, so an invoice's balance is always total - payments (0 once void).
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from practica.audit.services import record_change
from practica.billing.errors import (
    InvalidPaymentError,
    InvoiceNotAllowedError,
    InvoiceVoidError,
    OverpaymentError,
)
from practica.billing.locks import lock_appointment, lock_counter, lock_invoice
from practica.billing.models import (
    Invoice,
    InvoiceLine,
    InvoiceLineTax,
    LedgerEntry,
    Payment,
)
from practica.billing.selectors import invoice_balance
from practica.billing.taxes import tax_label, taxes_for_line, total_tax
from practica.charting.models import ClinicalNote
from practica.core.money import ZERO, has_valid_places, quantize
from practica.scheduling.models import Appointment
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic

logger = logging.getLogger(__name__)

VOID_REASON_MAX = 200
REFERENCE_MAX = 80


def _next_number(clinic: Clinic) -> int:
    """The clinic's next invoice number. Call inside a transaction: the counter
    row stays locked until commit, so numbers never repeat or skip."""
    counter = lock_counter(clinic)
    counter.last_number += 1
    counter.save(update_fields=["last_number", "updated_at"])
    return counter.last_number


def _check_same_clinic(actor: Actor, clinic_id: int) -> None:
    if clinic_id != actor.clinic.pk:
        # Selectors scope every fetch; reaching here means a caller bypassed them.
        raise InvoiceNotAllowedError("This record belongs to another clinic.")


def _issue(
    *, actor: Actor, appointment: Appointment, note: ClinicalNote | None
) -> Invoice:
    """Create the invoice of an appointment, or return its live one."""
    _check_same_clinic(actor, appointment.clinic_id)
    with transaction.atomic():
        locked = lock_appointment(appointment)
        if locked.status in Appointment.RELEASING:
            raise InvoiceNotAllowedError(
                "A cancelled or no-show appointment cannot be invoiced."
            )
        patient_id = locked.patient_id
        if patient_id is None:
            raise InvoiceNotAllowedError(
                "A class is invoiced per attendee, not as a whole."
            )
        existing = (
            Invoice.objects.filter(
                clinic=actor.clinic, appointment=locked, kind=Invoice.Kind.SERVICE
            )
            .exclude(status=Invoice.Status.VOID)
            .first()
        )
        if existing is not None:
            return existing

        service = appointment.appointment_type
        location = appointment.location
        currency = location.currency
        price = quantize(service.price, currency)
        taxes = taxes_for_line(
            tax_region=location.tax_region,
            amount=price,
            is_taxable=service.is_taxable,
            currency=currency,
        )
        tax = total_tax(taxes)
        number = _next_number(actor.clinic)
        invoice = Invoice.objects.create(
            clinic=actor.clinic,
            number=number,
            patient_id=patient_id,
            location=location,
            appointment=locked,
            note=note,
            status=Invoice.Status.ISSUED,
            issued_on=timezone.localdate(timezone.now(), location.tz),
            currency=currency,
            subtotal=price,
            tax_total=tax,
            total=price + tax,
        )
        line = InvoiceLine.objects.create(
            clinic=actor.clinic,
            invoice=invoice,
            description=service.name[:200],
            service_code=service.service_code,
            quantity=Decimal("1"),
            unit_price=price,
            tax_name=tax_label(taxes),
            tax_rate=sum((t.rate for t in taxes), Decimal("0")),
            tax_amount=tax,
            line_total=price + tax,
        )
        InvoiceLineTax.objects.bulk_create(
            InvoiceLineTax(
                clinic=actor.clinic,
                line=line,
                name=t.name,
                rate=t.rate,
                amount=t.amount,
            )
            for t in taxes
        )
        LedgerEntry.objects.create(
            clinic=actor.clinic,
            patient_id=invoice.patient_id,
            invoice=invoice,
            kind=LedgerEntry.Kind.CHARGE,
            amount=invoice.total,
            posted_at=timezone.now(),
            memo=f"Invoice {invoice.number}",
        )
        record_change(
            actor=actor, action="create", obj=invoice, patient_id=invoice.patient_id
        )
    logger.info(
        "billing.invoice_created",
        extra={"invoice_id": str(invoice.pk), "clinic_id": actor.clinic.pk},
    )
    return invoice


def create_invoice_for_appointment(
    *, actor: Actor, appointment: Appointment
) -> Invoice:
    """Invoice an appointment's service (idempotent: one live invoice each)."""
    return _issue(actor=actor, appointment=appointment, note=None)


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
    _check_same_clinic(actor, appointment.clinic_id)
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
        patient_id = locked.patient_id
        if patient_id is None:
            raise InvoiceNotAllowedError(
                "A class is invoiced per attendee, not as a whole."
            )
        location = locked.location
        currency = location.currency
        fee = quantize(amount, currency)
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
        now = timezone.now()
        invoice = Invoice.objects.create(
            clinic=actor.clinic,
            number=_next_number(actor.clinic),
            patient_id=patient_id,
            location=location,
            appointment=locked,
            kind=kind,
            status=Invoice.Status.ISSUED,
            issued_on=timezone.localdate(now, location.tz),
            currency=currency,
            subtotal=fee,
            tax_total=ZERO,
            total=fee,
        )
        InvoiceLine.objects.create(
            clinic=actor.clinic,
            invoice=invoice,
            description=fee_kind.label,
            quantity=Decimal("1"),
            unit_price=fee,
            line_total=fee,
        )
        LedgerEntry.objects.create(
            clinic=actor.clinic,
            patient_id=patient_id,
            invoice=invoice,
            kind=LedgerEntry.Kind.CHARGE,
            amount=fee,
            posted_at=now,
            memo=f"Invoice {invoice.number}",
        )
        record_change(
            actor=actor,
            action="create",
            obj=invoice,
            patient_id=patient_id,
            detail=f"{kind} appointment={locked.pk}",
        )
    logger.info(
        "billing.fee_charged",
        extra={"invoice_id": str(invoice.pk), "appointment_id": str(locked.pk)},
    )
    return invoice


def create_invoice_for_note(*, actor: Actor, note: ClinicalNote) -> Invoice:
    """One-click invoice from a treatment note: bills the note's appointment.

    The note must be signed, or its appointment completed, so that only care
    that was given is billed.
    """
    _check_same_clinic(actor, note.clinic_id)
    appointment = note.appointment
    if appointment is None:
        raise InvoiceNotAllowedError("This note has no appointment to invoice.")
    is_completed = appointment.status == Appointment.Status.COMPLETED
    if not (note.is_signed or is_completed):
        raise InvoiceNotAllowedError(
            "Sign the note or complete the appointment before invoicing."
        )
    return _issue(actor=actor, appointment=appointment, note=note)


def _parse_amount(amount: Decimal | str, currency: str) -> Decimal:
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount).strip())
    except InvalidOperation:
        raise InvalidPaymentError(
            "Enter an amount such as 40.00.", field="amount"
        ) from None
    if not value.is_finite():
        raise InvalidPaymentError("Enter an amount such as 40.00.", field="amount")
    if value <= ZERO:
        raise InvalidPaymentError("The amount must be more than 0.", field="amount")
    if not has_valid_places(value, currency):
        raise InvalidPaymentError(
            "The amount can have at most 2 decimal places.", field="amount"
        )
    return quantize(value, currency)


def record_payment(
    *,
    actor: Actor,
    invoice: Invoice,
    method: str,
    amount: Decimal | str,
    reference: str = "",
    received_at: dt.datetime | None = None,
) -> Payment:
    """Take a payment against an invoice: no more than its balance, never on
    a void invoice. The invoice becomes partially paid or paid."""
    _check_same_clinic(actor, invoice.clinic_id)
    if method not in Payment.Method.values:
        raise InvalidPaymentError("Choose a payment method.", field="method")
    value = _parse_amount(amount, invoice.currency)
    reference = reference.strip()
    if len(reference) > REFERENCE_MAX:
        raise InvalidPaymentError(
            f"The reference can have at most {REFERENCE_MAX} characters.",
            field="reference",
        )
    if received_at is not None and timezone.is_naive(received_at):
        raise InvalidPaymentError(
            "The payment time needs a time zone.", field="received_at"
        )
    now = timezone.now()
    with transaction.atomic():
        locked = lock_invoice(invoice)
        if locked.status == Invoice.Status.VOID:
            raise InvoiceVoidError("This invoice is void; it cannot be paid.")
        balance = invoice_balance(actor=actor, invoice=locked)
        if value > balance:
            raise OverpaymentError(
                f"The amount is more than the balance of {balance}.", field="amount"
            )
        payment = Payment.objects.create(
            clinic=actor.clinic,
            patient_id=locked.patient_id,
            invoice=locked,
            method=method,
            amount=value,
            received_at=received_at or now,
            reference=reference,
            received_by=actor.user,
        )
        LedgerEntry.objects.create(
            clinic=actor.clinic,
            patient_id=locked.patient_id,
            invoice=locked,
            payment=payment,
            kind=LedgerEntry.Kind.PAYMENT,
            amount=-value,
            posted_at=now,
            memo=f"Payment on invoice {locked.number}",
        )
        locked.status = (
            Invoice.Status.PAID if value == balance else Invoice.Status.PARTIALLY_PAID
        )
        locked.save(update_fields=["status", "updated_at"])
        record_change(
            actor=actor, action="create", obj=payment, patient_id=locked.patient_id
        )
    invoice.status = locked.status
    logger.info(
        "billing.payment_recorded",
        extra={"payment_id": str(payment.pk), "invoice_id": str(locked.pk)},
    )
    return payment


def void_invoice(*, actor: Actor, invoice: Invoice, reason: str) -> Invoice:
    """Cancel an unpaid invoice. It is kept (numbers never disappear) and a
    void ledger entry takes its balance to zero."""
    _check_same_clinic(actor, invoice.clinic_id)
    reason = reason.strip()
    if not reason:
        raise InvoiceVoidError("Give a reason for voiding.", field="reason")
    if len(reason) > VOID_REASON_MAX:
        raise InvoiceVoidError(
            f"The reason can have at most {VOID_REASON_MAX} characters.",
            field="reason",
        )
    with transaction.atomic():
        locked = lock_invoice(invoice)
        if locked.status == Invoice.Status.VOID:
            raise InvoiceVoidError("This invoice is already void.")
        if Payment.objects.filter(clinic=actor.clinic, invoice=locked).exists():
            raise InvoiceVoidError(
                "This invoice has payments; refund them first, then void it."
            )
        now = timezone.now()
        locked.status = Invoice.Status.VOID
        locked.void_reason = reason
        locked.voided_at = now
        locked.save(update_fields=["status", "void_reason", "voided_at", "updated_at"])
        LedgerEntry.objects.create(
            clinic=actor.clinic,
            patient_id=locked.patient_id,
            invoice=locked,
            kind=LedgerEntry.Kind.VOID,
            amount=-locked.total,
            posted_at=now,
            memo=f"Void of invoice {locked.number}",
        )
        record_change(
            actor=actor, action="void", obj=locked, patient_id=locked.patient_id
        )
    logger.info("billing.invoice_voided", extra={"invoice_id": str(locked.pk)})
    return locked
