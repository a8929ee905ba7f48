"""Money in and out: payments (spread over invoices, the rest kept as account
credit), spending account credit on an invoice, and refunds.

Every movement is ledger entries (`services/ledger.py`): a payment posts one
PAYMENT entry per invoice it pays and one, naming no invoice, for what is left
over; moving a payment's money between an invoice and the account is a pair
of ALLOCATION entries that sum to zero; a refund posts a REFUND entry against
the account, after taking back from invoices what the account did not hold.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from practica.audit.services import record_change
from practica.billing.errors import (
    InvalidPaymentError,
    InvoiceNotAllowedError,
    InvoiceVoidError,
    OverpaymentError,
    RefundError,
)
from practica.billing.locks import (
    lock_invoice,
    lock_invoices,
    lock_patient_payments,
    lock_payment,
)
from practica.billing.models import Invoice, LedgerEntry, Payment, Refund
from practica.billing.services.ledger import (
    invoice_sums,
    post_entry,
    refresh_status,
    unapplied_of,
)
from practica.core.money import ZERO, has_valid_places, quantize
from practica.patients.models import Patient
from practica.tenancy.actor import Actor

logger = logging.getLogger(__name__)

REFERENCE_MAX = 80
REASON_MAX = 200
EXTERNAL_ID_MAX = 80


def parse_amount(
    amount: Decimal | str, currency: str, *, field: str = "amount"
) -> Decimal:
    """A positive amount with no more decimals than the currency has."""
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount).strip())
    except InvalidOperation:
        raise InvalidPaymentError(
            "Enter an amount such as 40.00.", field=field
        ) from None
    if not value.is_finite():
        raise InvalidPaymentError("Enter an amount such as 40.00.", field=field)
    if value <= ZERO:
        raise InvalidPaymentError("The amount must be more than 0.", field=field)
    if not has_valid_places(value, currency):
        raise InvalidPaymentError(
            "The amount can have at most 2 decimal places.", field=field
        )
    return quantize(value, currency)


def _check_clinic(actor: Actor, clinic_id: int) -> None:
    if clinic_id != actor.clinic.pk:
        # Selectors scope every fetch; reaching here means a caller bypassed them.
        raise InvoiceNotAllowedError("This record belongs to another clinic.")


def _label(invoice: Invoice) -> str:
    return f"#{invoice.number}" if invoice.number else "the draft"


def _open_invoices(actor: Actor, patient: Patient) -> list[Invoice]:
    """The patient's invoices that still ask for money, oldest first."""
    return list(
        Invoice.objects.filter(
            clinic=actor.clinic, patient=patient, status__in=Invoice.OPEN_STATUSES
        ).order_by("issued_on", "number")
    )


def _check_reference(reference: str) -> str:
    reference = reference.strip()
    if len(reference) > REFERENCE_MAX:
        raise InvalidPaymentError(
            f"The reference can have at most {REFERENCE_MAX} characters.",
            field="reference",
        )
    return reference


def take_payment(
    *,
    actor: Actor,
    patient: Patient,
    method: str,
    amount: Decimal | str,
    allocations: Sequence[tuple[Invoice, Decimal]] | None = None,
    reference: str = "",
    received_at: dt.datetime | None = None,
    external_id: str = "",
    invoice: Invoice | None = None,
) -> Payment:
    """Receive money from a patient and apply it: to the given invoices and
    amounts, or (allocations None) to the oldest open invoices first. What is
    not applied becomes account credit. With an `external_id` (a processor's
    payment id) a second call returns the first payment and changes nothing."""
    _check_clinic(actor, patient.clinic_id)
    if method not in Payment.Method.values:
        raise InvalidPaymentError("Choose a payment method.", field="method")
    currency = actor.clinic.currency
    value = parse_amount(amount, currency)
    reference = _check_reference(reference)
    if len(external_id) > EXTERNAL_ID_MAX:
        raise InvalidPaymentError(
            "The processor's id is too long.", field="external_id"
        )
    if received_at is not None and timezone.is_naive(received_at):
        raise InvalidPaymentError(
            "The payment time needs a time zone.", field="received_at"
        )
    wanted: list[tuple[Invoice, Decimal]] = []
    for target, share in allocations or ():
        _check_clinic(actor, target.clinic_id)
        if target.patient_id != patient.pk:
            raise InvalidPaymentError(
                f"Invoice {_label(target)} is another patient's.", field="allocations"
            )
        wanted.append((target, parse_amount(share, currency, field="allocations")))
    if len({target.pk for target, _ in wanted}) != len(wanted):
        raise InvalidPaymentError(
            "Each invoice can be named once.", field="allocations"
        )
    if sum((share for _, share in wanted), ZERO) > value:
        raise InvalidPaymentError(
            "The amounts applied add up to more than the payment.",
            field="allocations",
        )
    now = timezone.now()
    with transaction.atomic():
        if external_id:
            existing = Payment.objects.filter(
                clinic=actor.clinic, external_id=external_id
            ).first()
            if existing is not None:
                return existing
        if allocations is None:
            wanted = _auto_allocation(actor, patient, value)
        locked = lock_invoices(actor.clinic.pk, (target.pk for target, _ in wanted))
        applied: list[tuple[Invoice, Decimal]] = []
        for target, share in wanted:
            row = locked[target.pk]
            if row.status == Invoice.Status.VOID:
                raise InvoiceVoidError(
                    f"Invoice {_label(row)} is void; it cannot be paid.",
                    field="allocations",
                )
            if row.status == Invoice.Status.DRAFT:
                raise InvoiceNotAllowedError(
                    "A draft cannot be paid; issue it first.", field="allocations"
                )
            balance, _ = invoice_sums(row)
            if share > balance:
                raise OverpaymentError(
                    f"{share} is more than the balance of {balance} "
                    f"on invoice {_label(row)}.",
                    field="allocations",
                )
            applied.append((row, share))
        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    clinic=actor.clinic,
                    patient=patient,
                    invoice=invoice or (applied[0][0] if applied else None),
                    method=method,
                    amount=value,
                    received_at=received_at or now,
                    reference=reference,
                    external_id=external_id,
                    received_by=actor.user,
                )
        except IntegrityError:
            # The same processor payment recorded by a concurrent request.
            return Payment.objects.get(clinic=actor.clinic, external_id=external_id)
        for row, share in applied:
            post_entry(
                actor=actor,
                patient_id=patient.pk,
                kind=LedgerEntry.Kind.PAYMENT,
                amount=-share,
                invoice=row,
                payment=payment,
                memo=f"Payment on invoice {row.number}",
                posted_at=now,
            )
            refresh_status(actor=actor, invoice=row)
        rest = value - sum((share for _, share in applied), ZERO)
        if rest > ZERO:
            post_entry(
                actor=actor,
                patient_id=patient.pk,
                kind=LedgerEntry.Kind.PAYMENT,
                amount=-rest,
                payment=payment,
                memo="Payment kept as account credit",
                posted_at=now,
            )
        record_change(
            actor=actor,
            action="create",
            obj=payment,
            patient_id=patient.pk,
            detail=f"{method} {value}; applied to {len(applied)} invoice(s)",
        )
    logger.info("billing.payment_recorded", extra={"payment_id": str(payment.pk)})
    return payment


def _auto_allocation(
    actor: Actor, patient: Patient, value: Decimal
) -> list[tuple[Invoice, Decimal]]:
    left = value
    plan: list[tuple[Invoice, Decimal]] = []
    for row in _open_invoices(actor, patient):
        if left <= ZERO:
            break
        balance, _ = invoice_sums(row)
        share = min(balance, left)
        if share > ZERO:
            plan.append((row, share))
            left -= share
    return plan


def record_payment(
    *,
    actor: Actor,
    invoice: Invoice,
    method: str,
    amount: Decimal | str,
    reference: str = "",
    received_at: dt.datetime | None = None,
    allow_credit: bool = False,
) -> Payment:
    """Take a payment against one invoice. More than its balance is refused
    unless `allow_credit`: then the excess becomes account credit."""
    _check_clinic(actor, invoice.clinic_id)
    if method not in Payment.Method.values:
        raise InvalidPaymentError("Choose a payment method.", field="method")
    value = parse_amount(amount, invoice.currency)
    with transaction.atomic():
        locked = lock_invoice(invoice)
        if locked.status == Invoice.Status.VOID:
            raise InvoiceVoidError("This invoice is void; it cannot be paid.")
        if locked.status == Invoice.Status.DRAFT:
            raise InvoiceNotAllowedError("A draft cannot be paid; issue it first.")
        balance, _ = invoice_sums(locked)
        if value > balance and not allow_credit:
            raise OverpaymentError(
                f"The amount is more than the balance of {balance}.", field="amount"
            )
        share = min(value, balance)
        payment = take_payment(
            actor=actor,
            patient=locked.patient,
            method=method,
            amount=value,
            allocations=[(locked, share)] if share > ZERO else [],
            reference=reference,
            received_at=received_at,
            invoice=locked,
        )
    invoice.status = Invoice.objects.values_list("status", flat=True).get(pk=invoice.pk)
    return payment


def _payment_money_on(invoice: Invoice) -> list[tuple[Payment, Decimal]]:
    """Payments with money on an invoice, newest first, and how much each."""
    rows = (
        LedgerEntry.objects.filter(invoice=invoice, payment__isnull=False)
        .values("payment")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    amounts = {row["payment"]: -quantize(row["total"]) for row in rows}
    payments = Payment.objects.filter(pk__in=[k for k, v in amounts.items() if v > 0])
    ordered = sorted(payments, key=lambda p: (p.received_at, str(p.pk)), reverse=True)
    return [(p, amounts[p.pk]) for p in ordered]


def _allocate(
    *, actor: Actor, payment: Payment, invoice: Invoice, amount: Decimal, memo: str
) -> None:
    """Move `amount` of a payment's money between the account and an invoice:
    positive from the account onto the invoice, negative back to the account.
    Two ALLOCATION entries that sum to zero for the patient."""
    post_entry(
        actor=actor,
        patient_id=payment.patient_id,
        kind=LedgerEntry.Kind.ALLOCATION,
        amount=amount,
        payment=payment,
        memo=memo,
    )
    post_entry(
        actor=actor,
        patient_id=payment.patient_id,
        kind=LedgerEntry.Kind.ALLOCATION,
        amount=-amount,
        invoice=invoice,
        payment=payment,
        memo=memo,
    )


def move_to_credit(*, actor: Actor, invoice: Invoice, amount: Decimal) -> Decimal:
    """Take up to `amount` of payments' money off a (locked) invoice and keep
    it as account credit, newest payment first. Returns what was moved."""
    left = amount
    for payment, on_invoice in _payment_money_on(invoice):
        if left <= ZERO:
            break
        share = min(on_invoice, left)
        _allocate(
            actor=actor,
            payment=payment,
            invoice=invoice,
            amount=-share,
            memo=f"Taken off invoice {invoice.number} to account credit",
        )
        left -= share
    refresh_status(actor=actor, invoice=invoice)
    return amount - left


def apply_credit(
    *, actor: Actor, patient: Patient, invoice: Invoice, amount: Decimal | str
) -> None:
    """Spend the patient's account credit on an open invoice, oldest payment's
    money first."""
    _check_clinic(actor, patient.clinic_id)
    _check_clinic(actor, invoice.clinic_id)
    if invoice.patient_id != patient.pk:
        raise InvalidPaymentError("That invoice is another patient's.", field="invoice")
    value = parse_amount(amount, invoice.currency)
    with transaction.atomic():
        payments = lock_patient_payments(actor.clinic.pk, patient.pk)
        locked = lock_invoice(invoice)
        if locked.status not in Invoice.OPEN_STATUSES:
            raise InvoiceNotAllowedError(
                "Credit can only be applied to an invoice that is still owed.",
                field="invoice",
            )
        balance, _ = invoice_sums(locked)
        if value > balance:
            raise OverpaymentError(
                f"The amount is more than the balance of {balance}.", field="amount"
            )
        available = [(p, unapplied_of(p)) for p in payments]
        credit = sum((left for _, left in available), ZERO)
        if value > credit:
            raise OverpaymentError(
                f"The amount is more than the account credit of {credit}.",
                field="amount",
            )
        left = value
        for payment, unapplied in available:
            if left <= ZERO:
                break
            share = min(unapplied, left)
            if share <= ZERO:
                continue
            _allocate(
                actor=actor,
                payment=payment,
                invoice=locked,
                amount=share,
                memo=f"Account credit applied to invoice {locked.number}",
            )
            left -= share
        refresh_status(actor=actor, invoice=locked)
        record_change(
            actor=actor,
            action="apply_credit",
            obj=locked,
            patient_id=patient.pk,
            detail=f"{value}",
        )
    logger.info("billing.credit_applied", extra={"invoice_id": str(invoice.pk)})


def refunded_of(payment: Payment) -> Decimal:
    total = Refund.objects.filter(payment=payment).aggregate(total=Sum("amount"))[
        "total"
    ]
    return quantize(total) if total is not None else ZERO


def refund_payment(
    *,
    actor: Actor,
    payment: Payment,
    amount: Decimal | str,
    method: str,
    reason: str,
    external_id: str = "",
    send: Callable[[Refund], str] | None = None,
) -> Refund:
    """Give back money from one payment, never more than it has left. The
    payment's account credit is used first; beyond it, its money is taken back
    off the invoices it paid (newest first), which then owe again. `send` (a
    processor refund) runs inside the transaction with the unsaved refund and
    returns the processor's id; if it raises, nothing is kept."""
    _check_clinic(actor, payment.clinic_id)
    if method not in Refund.Method.values:
        raise RefundError("Choose how the money goes back.", field="method")
    if (
        method == Refund.Method.ORIGINAL
        and payment.method != Payment.Method.CARD_ONLINE
    ):
        raise RefundError(
            "Only an online card payment can be refunded to its card.", field="method"
        )
    if method == Refund.Method.GIFT_CARD and payment.method != Payment.Method.GIFT_CARD:
        raise RefundError(
            "Only a gift card payment goes back to its gift card.", field="method"
        )
    reason = reason.strip()
    if not reason:
        raise RefundError("Say why the money is refunded.", field="reason")
    if len(reason) > REASON_MAX:
        raise RefundError(
            f"The reason can have at most {REASON_MAX} characters.", field="reason"
        )
    value = parse_amount(amount, actor.clinic.currency)
    with transaction.atomic():
        if external_id:
            existing = Refund.objects.filter(
                clinic=actor.clinic, external_id=external_id
            ).first()
            if existing is not None:
                return existing
        locked = lock_payment(payment)
        left = locked.amount - refunded_of(locked)
        if value > left:
            raise RefundError(
                f"The refund is more than the {left} left on this payment.",
                field="amount",
            )
        shortfall = value - unapplied_of(locked)
        if shortfall > ZERO:
            _take_back(actor, locked, shortfall)
        refund = Refund(
            clinic=actor.clinic,
            payment=locked,
            patient_id=locked.patient_id,
            method=method,
            amount=value,
            reason=reason,
            refunded_at=timezone.now(),
            external_id=external_id,
            refunded_by=actor.user,
        )
        if send is not None:
            refund.external_id = send(refund)[:EXTERNAL_ID_MAX]
        refund.save(force_insert=True)
        post_entry(
            actor=actor,
            patient_id=locked.patient_id,
            kind=LedgerEntry.Kind.REFUND,
            amount=value,
            payment=locked,
            refund=refund,
            memo="Refund",
        )
        record_change(
            actor=actor,
            action="refund",
            obj=refund,
            patient_id=locked.patient_id,
            detail=f"{method} {value}",
        )
    logger.info("billing.refunded", extra={"refund_id": str(refund.pk)})
    return refund


def _take_back(actor: Actor, payment: Payment, amount: Decimal) -> None:
    """Move `amount` of a payment's money off its invoices to the account."""
    rows = (
        LedgerEntry.objects.filter(payment=payment, invoice__isnull=False)
        .values("invoice")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    on_invoice = {row["invoice"]: -quantize(row["total"]) for row in rows}
    invoices = lock_invoices(
        actor.clinic.pk, [pk for pk, value in on_invoice.items() if value > ZERO]
    )
    left = amount
    for row in sorted(
        invoices.values(), key=lambda i: (i.issued_on, i.number or 0), reverse=True
    ):
        if left <= ZERO:
            break
        share = min(on_invoice[row.pk], left)
        _allocate(
            actor=actor,
            payment=payment,
            invoice=row,
            amount=-share,
            memo=f"Taken off invoice {row.number} for a refund",
        )
        refresh_status(actor=actor, invoice=row)
        left -= share
