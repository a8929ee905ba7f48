"""Corrections of issued invoices: a credit note lowers what an invoice asks
for (taxes included, line by line); a void cancels it. Neither deletes or
rewrites anything: both are kept, and both post ledger entries. Money already
paid on what is no longer owed becomes the patient's account credit, to be
applied elsewhere or refunded.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from practica.audit.services import record_change
from practica.billing import benefits
from practica.billing.errors import BillingError, CreditNoteError, InvoiceVoidError
from practica.billing.locks import lock_invoice
from practica.billing.models import (
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceLine,
    LedgerEntry,
)
from practica.billing.services.ledger import (
    invoice_sums,
    next_credit_note_number,
    post_entry,
    refresh_status,
)
from practica.billing.services.payments import move_to_credit, parse_amount
from practica.core.money import ZERO, quantize
from practica.tenancy.actor import Actor

logger = logging.getLogger(__name__)

REASON_MAX = 200


def _reason(reason: str, error: type[BillingError]) -> str:
    reason = reason.strip()
    if not reason:
        raise error("Give a reason.", field="reason")
    if len(reason) > REASON_MAX:
        raise error(
            f"The reason can have at most {REASON_MAX} characters.", field="reason"
        )
    return reason


def _check_clinic(actor: Actor, invoice: Invoice) -> None:
    if invoice.clinic_id != actor.clinic.pk:
        raise InvoiceVoidError("This record belongs to another clinic.")


def void_invoice(*, actor: Actor, invoice: Invoice, reason: str) -> Invoice:
    """Cancel an issued invoice. It is kept (numbers never disappear); money
    paid on it goes to the patient's account credit and a void ledger entry
    takes what is left of its balance to zero."""
    _check_clinic(actor, invoice)
    reason = _reason(reason, InvoiceVoidError)
    with transaction.atomic():
        locked = lock_invoice(invoice)
        if locked.status == Invoice.Status.VOID:
            raise InvoiceVoidError("This invoice is already void.")
        if locked.status == Invoice.Status.DRAFT:
            raise InvoiceVoidError("A draft is deleted, not voided.")
        _, applied = invoice_sums(locked)
        moved = ZERO
        if applied > ZERO:
            moved = move_to_credit(actor=actor, invoice=locked, amount=applied)
        balance, _ = invoice_sums(locked)
        now = timezone.now()
        if balance > ZERO:
            post_entry(
                actor=actor,
                patient_id=locked.patient_id,
                kind=LedgerEntry.Kind.VOID,
                amount=-balance,
                invoice=locked,
                memo=f"Void of invoice {locked.number}",
                posted_at=now,
            )
        locked.status = Invoice.Status.VOID
        locked.void_reason = reason
        locked.voided_at = now
        locked.save(update_fields=["status", "void_reason", "voided_at", "updated_at"])
        benefits.release_benefit_uses(actor=actor, invoice=locked)
        record_change(
            actor=actor,
            action="void",
            obj=locked,
            patient_id=locked.patient_id,
            detail=f"paid {moved} moved to account credit" if moved else "",
        )
    logger.info("billing.invoice_voided", extra={"invoice_id": str(locked.pk)})
    invoice.status = locked.status
    return locked


def _credited(lines: list[InvoiceLine]) -> dict[int, tuple[Decimal, Decimal]]:
    rows = (
        CreditNoteLine.objects.filter(invoice_line__in=lines)
        .values("invoice_line")
        .annotate(amount=Sum("amount"), tax=Sum("tax_amount"))
        .order_by()
    )
    return {
        row["invoice_line"]: (quantize(row["amount"]), quantize(row["tax"]))
        for row in rows
    }


def issue_credit_note(
    *,
    actor: Actor,
    invoice: Invoice,
    reason: str,
    amounts: Mapping[int, Decimal | str] | None = None,
) -> CreditNote:
    """Credit part or all of an issued invoice. `amounts` gives the pre-tax
    amount to credit per line (by line id); None credits everything not yet
    credited. Each line's tax is credited in proportion (all of what is left
    of it when the line is credited in full)."""
    _check_clinic(actor, invoice)
    reason = _reason(reason, CreditNoteError)
    with transaction.atomic():
        locked = lock_invoice(invoice)
        if locked.status in (Invoice.Status.DRAFT, Invoice.Status.VOID):
            raise CreditNoteError("Only an issued invoice can be credited.")
        lines = list(InvoiceLine.objects.filter(invoice=locked).order_by("pk"))
        by_id = {line.pk: line for line in lines}
        done = _credited(lines)
        wanted: dict[int, Decimal] = {}
        if amounts is None:
            for line in lines:
                wanted[line.pk] = line.amount - done.get(line.pk, (ZERO, ZERO))[0]
        else:
            for key, raw in amounts.items():
                if key not in by_id:
                    raise CreditNoteError(
                        "That line is not on this invoice.", field="amounts"
                    )
                wanted[key] = parse_amount(raw, locked.currency, field="amounts")
        parts: list[tuple[InvoiceLine, Decimal, Decimal]] = []
        for position, line in enumerate(lines, start=1):
            amount = wanted.get(line.pk, ZERO)
            if amount <= ZERO:
                continue
            credited, tax_credited = done.get(line.pk, (ZERO, ZERO))
            left = line.amount - credited
            if amount > left:
                raise CreditNoteError(
                    f"Line {position}: at most {left} can still be credited.",
                    field="amounts",
                )
            if amount == left:
                tax = line.tax_amount - tax_credited
            else:
                tax = quantize(line.tax_amount * amount / line.amount, locked.currency)
            parts.append((line, amount, tax))
        if not parts:
            raise CreditNoteError("Nothing is left to credit on this invoice.")
        subtotal = sum((amount for _, amount, _ in parts), ZERO)
        tax_total = sum((tax for _, _, tax in parts), ZERO)
        total = subtotal + tax_total
        balance, applied = invoice_sums(locked)
        limit = balance + applied
        if total > limit:
            raise CreditNoteError(
                f"At most {limit} can be credited: part of this invoice was "
                "written off.",
                field="amounts",
            )
        note = CreditNote.objects.create(
            clinic=actor.clinic,
            number=next_credit_note_number(actor.clinic),
            invoice=locked,
            patient_id=locked.patient_id,
            issued_on=timezone.localdate(timezone.now(), locked.location.tz),
            reason=reason,
            subtotal=subtotal,
            tax_total=tax_total,
            total=total,
            issued_by=actor.user,
        )
        CreditNoteLine.objects.bulk_create(
            CreditNoteLine(
                clinic=actor.clinic,
                credit_note=note,
                invoice_line=line,
                amount=amount,
                tax_amount=tax,
            )
            for line, amount, tax in parts
        )
        post_entry(
            actor=actor,
            patient_id=locked.patient_id,
            kind=LedgerEntry.Kind.CREDIT_NOTE,
            amount=-total,
            invoice=locked,
            credit_note=note,
            memo=f"Credit note {note.number} on invoice {locked.number}",
        )
        after, _ = invoice_sums(locked)
        if after < ZERO:
            move_to_credit(actor=actor, invoice=locked, amount=-after)
        refresh_status(actor=actor, invoice=locked)
        fully = all(
            done.get(line.pk, (ZERO, ZERO))[0] + wanted.get(line.pk, ZERO)
            >= line.amount
            for line in lines
        )
        if fully:
            benefits.release_benefit_uses(actor=actor, invoice=locked)
        record_change(
            actor=actor,
            action="credit",
            obj=note,
            patient_id=locked.patient_id,
            detail=f"invoice={locked.pk} total={total}",
        )
    logger.info("billing.credit_note_issued", extra={"credit_note_id": str(note.pk)})
    invoice.status = locked.status
    return note
