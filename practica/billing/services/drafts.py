"""Draft invoices: built line by line, then issued; and invoicing several
visits at once (one patient's, or a whole day's).

A draft has no number and no ledger entry; its lines can be added, changed
and removed, and its totals are re-derived after every change. Issuing takes
the next number from the clinic's gap-free counter and posts the CHARGE entry,
after which nothing on the invoice changes (a correction is a credit note, a
cancellation a void). A draft can be deleted; an issued invoice never is.

A visit is billed once: a visit already on a live (not void) invoice cannot
be added. Adding visits locks them, in pk order, as the core does when it
invoices an appointment, so two clerks (or a double click) cannot bill one
visit twice.

Line arithmetic: gross = quantize(quantity x unit_price); the line's amount =
gross - discount (never below 0); taxes are on that amount, each component
rounded half up (`billing.taxes`); line_total = amount + taxes. As for every
invoice (`services.invoices.write_lines`): subtotal = the sum of the lines'
amounts (after discounts), discount_total = the sum of the discounts, total =
subtotal + tax_total.

Issuing goes through the core's `post_issued`, so a draft is numbered, posted
and audited like every other invoice. A visit's benefit (a package visit, a
membership discount) is priced into its line when the visit is added and
consumed when the draft is issued.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from practica.audit.services import record_change
from practica.billing import benefits
from practica.billing.errors import BillingError
from practica.billing.locks import lock_appointment, lock_invoice
from practica.billing.models import (
    CatalogItem,
    Discount,
    Invoice,
    InvoiceLine,
    InvoiceLineTax,
    TaxCategory,
)
from practica.billing.pricing import line_for_appointment, price_for
from practica.billing.services.invoices import NewLine, issue_new_invoice, post_issued
from practica.billing.taxes import tax_label, taxes_for_line
from practica.core.money import ZERO, has_valid_places, quantize
from practica.patients.models import Patient
from practica.scheduling.models import Appointment, Provider
from practica.tenancy.actor import Actor
from practica.tenancy.models import Location
from practica.tenancy.permissions import BILLING_EDIT

logger = logging.getLogger(__name__)

DRAFT_PERMISSION = BILLING_EDIT
MEMO_MAX = 300
DESCRIPTION_MAX = 200
MAX_QUANTITY = Decimal("999999.99")
MAX_PRICE = Decimal("99999999.99")
# Visits that can be billed: care was (or is being) given.
BILLABLE_STATUSES = (
    Appointment.Status.COMPLETED,
    Appointment.Status.ARRIVED,
    Appointment.Status.IN_SESSION,
)
NOT_A_DRAFT = (
    "Only a draft can be changed; correct an issued invoice with a credit note "
    "or void it."
)


class DraftError(BillingError):
    """A draft change was refused; nothing was changed."""


def _check(actor: Actor, clinic_id: int) -> None:
    if not actor.can(DRAFT_PERMISSION):
        raise DraftError("You may not change invoices.")
    if clinic_id != actor.clinic.pk:
        # Selectors scope every fetch; reaching here means a caller bypassed them.
        raise DraftError("This record belongs to another clinic.")


def _lock_draft(actor: Actor, invoice: Invoice) -> Invoice:
    _check(actor, invoice.clinic_id)
    locked = lock_invoice(invoice)
    if locked.status != Invoice.Status.DRAFT:
        raise DraftError(NOT_A_DRAFT)
    return locked


def _quantity(value: Decimal) -> Decimal:
    if not value.is_finite() or value <= 0:
        raise DraftError("The quantity must be more than 0.", field="quantity")
    if not has_valid_places(value, "CAD") or value > MAX_QUANTITY:
        raise DraftError(
            "The quantity can have at most 2 decimal places.", field="quantity"
        )
    return value


def _price(value: Decimal, currency: str, *, field: str = "unit_price") -> Decimal:
    if not value.is_finite() or value < 0:
        raise DraftError("The price must be 0 or more.", field=field)
    if not has_valid_places(value, currency):
        raise DraftError("The amount can have at most 2 decimal places.", field=field)
    if value > MAX_PRICE:
        raise DraftError("The amount is too large.", field=field)
    return quantize(value, currency)


def _gross(line: NewLine | InvoiceLine, currency: str) -> Decimal:
    return quantize(line.quantity * line.unit_price, currency)


def _write_taxes(*, actor: Actor, invoice: Invoice, line: InvoiceLine) -> None:
    """(Re)compute a line's amount and taxes from its price, quantity and
    discount, and save them."""
    currency = invoice.currency
    amount = _gross(line, currency) - line.discount_amount
    taxes = taxes_for_line(
        tax_region=invoice.location.tax_region,
        amount=amount,
        tax_category=line.tax_category or TaxCategory.HEALTH_SERVICE,
        currency=currency,
    )
    tax = sum((t.amount for t in taxes), ZERO)
    line.tax_name = tax_label(taxes)
    line.tax_rate = sum((t.rate for t in taxes), Decimal("0"))
    line.tax_amount = tax
    line.line_total = amount + tax
    if line._state.adding:
        line.save()
    else:
        line.save(
            update_fields=[
                "discount_name",
                "discount_amount",
                "tax_name",
                "tax_rate",
                "tax_amount",
                "line_total",
                "updated_at",
            ]
        )
        InvoiceLineTax.objects.filter(clinic=actor.clinic, line=line).delete()
    InvoiceLineTax.objects.bulk_create(
        InvoiceLineTax(
            clinic=actor.clinic, line=line, name=t.name, rate=t.rate, amount=t.amount
        )
        for t in taxes
    )


def _retotal(invoice: Invoice) -> None:
    lines = list(
        InvoiceLine.objects.filter(clinic_id=invoice.clinic_id, invoice=invoice)
    )
    currency = invoice.currency
    invoice.subtotal = sum(
        (_gross(line, currency) - line.discount_amount for line in lines), ZERO
    )
    invoice.discount_total = sum((line.discount_amount for line in lines), ZERO)
    invoice.tax_total = sum((line.tax_amount for line in lines), ZERO)
    invoice.total = invoice.subtotal + invoice.tax_total
    invoice.save(
        update_fields=["subtotal", "discount_total", "tax_total", "total", "updated_at"]
    )


def _add_line(*, actor: Actor, invoice: Invoice, new: NewLine) -> InvoiceLine:
    currency = invoice.currency
    quantity = _quantity(Decimal(new.quantity))
    unit_price = _price(new.unit_price, currency)
    description = new.description.strip()
    if not description:
        raise DraftError("Describe the line.", field="description")
    if len(description) > DESCRIPTION_MAX:
        raise DraftError(
            f"Use at most {DESCRIPTION_MAX} characters.", field="description"
        )
    if new.tax_category not in TaxCategory.values:
        raise DraftError("Choose a tax category.", field="tax_category")
    discount = _price(Decimal(new.discount_amount), currency, field="discount")
    if discount > quantize(quantity * unit_price, currency):
        raise DraftError("The discount is more than the line.", field="discount")
    line = InvoiceLine(
        clinic=actor.clinic,
        invoice=invoice,
        item=new.item,
        appointment=new.appointment,
        note=new.note,
        provider=new.provider,
        description=description,
        service_code=new.service_code[:20],
        quantity=quantity,
        unit_price=unit_price,
        discount_name=new.discount_name[:80] if discount else "",
        discount_amount=discount,
        tax_category=new.tax_category,
    )
    _write_taxes(actor=actor, invoice=invoice, line=line)
    return line


def _local_today(location: Location) -> dt.date:
    return timezone.localdate(timezone.now(), location.tz)


def create_draft(
    *,
    actor: Actor,
    patient: Patient,
    location: Location,
    memo: str = "",
    due_on: dt.date | None = None,
) -> Invoice:
    """An empty draft invoice for a patient, at a location (its taxes)."""
    _check(actor, patient.clinic_id)
    _check(actor, location.clinic_id)
    memo = memo.strip()
    if len(memo) > MEMO_MAX:
        raise DraftError(f"Use at most {MEMO_MAX} characters.", field="memo")
    with transaction.atomic():
        invoice = Invoice.objects.create(
            clinic=actor.clinic,
            patient=patient,
            location=location,
            status=Invoice.Status.DRAFT,
            kind=Invoice.Kind.SERVICE,
            currency=location.currency,
            subtotal=ZERO,
            tax_total=ZERO,
            total=ZERO,
            memo=memo,
            due_on=due_on,
        )
        record_change(
            actor=actor,
            action="create",
            obj=invoice,
            patient_id=patient.pk,
            detail="draft",
        )
    logger.info("billing.draft_created", extra={"invoice_id": str(invoice.pk)})
    return invoice


def update_draft(
    *, actor: Actor, invoice: Invoice, memo: str, due_on: dt.date | None
) -> Invoice:
    """Change a draft's memo and due date."""
    memo = memo.strip()
    if len(memo) > MEMO_MAX:
        raise DraftError(f"Use at most {MEMO_MAX} characters.", field="memo")
    with transaction.atomic():
        locked = _lock_draft(actor, invoice)
        if due_on is not None and due_on < _local_today(locked.location):
            raise DraftError("The due date is in the past.", field="due_on")
        locked.memo = memo
        locked.due_on = due_on
        locked.save(update_fields=["memo", "due_on", "updated_at"])
        record_change(
            actor=actor, action="update", obj=locked, patient_id=locked.patient_id
        )
    return locked


def add_item_line(
    *,
    actor: Actor,
    invoice: Invoice,
    item: CatalogItem,
    quantity: Decimal = Decimal("1"),
    provider: Provider | None = None,
) -> InvoiceLine:
    """A line selling a catalogue item, at its price today (for the provider,
    when given)."""
    _check(actor, item.clinic_id)
    if provider is not None:
        _check(actor, provider.clinic_id)
    if not item.is_active:
        raise DraftError("This item is no longer sold.", field="item")
    with transaction.atomic():
        locked = _lock_draft(actor, invoice)
        price = price_for(
            item=item, provider=provider, on=_local_today(locked.location)
        )
        line = _add_line(
            actor=actor,
            invoice=locked,
            new=NewLine(
                description=item.name,
                unit_price=price,
                quantity=quantity,
                tax_category=item.tax_category,
                item=item,
                provider=provider,
                service_code=item.code,
            ),
        )
        _retotal(locked)
        record_change(
            actor=actor,
            action="add_line",
            obj=locked,
            patient_id=locked.patient_id,
            detail=f"item={item.pk}",
        )
    return line


def add_custom_line(
    *,
    actor: Actor,
    invoice: Invoice,
    description: str,
    unit_price: Decimal,
    quantity: Decimal = Decimal("1"),
    tax_category: str = TaxCategory.HEALTH_SERVICE,
) -> InvoiceLine:
    """A free-text line (e.g. a report written for an insurer)."""
    with transaction.atomic():
        locked = _lock_draft(actor, invoice)
        line = _add_line(
            actor=actor,
            invoice=locked,
            new=NewLine(
                description=description,
                unit_price=unit_price,
                quantity=quantity,
                tax_category=tax_category,
            ),
        )
        _retotal(locked)
        record_change(
            actor=actor,
            action="add_line",
            obj=locked,
            patient_id=locked.patient_id,
            detail="custom",
        )
    return line


def _is_billed(actor: Actor, appointment: Appointment) -> bool:
    """On a live invoice: as a line, or as the invoice's own visit."""
    live_line = (
        InvoiceLine.objects.filter(clinic=actor.clinic, appointment=appointment)
        .exclude(invoice__status=Invoice.Status.VOID)
        .exists()
    )
    return (
        live_line
        or Invoice.objects.filter(
            clinic=actor.clinic, appointment=appointment, kind=Invoice.Kind.SERVICE
        )
        .exclude(status=Invoice.Status.VOID)
        .exists()
    )


def _lock_billable(
    actor: Actor, patient_id: object, appointments: Sequence[Appointment]
) -> tuple[list[Appointment], list[Appointment]]:
    """Lock the visits (pk order) and split them into (billable, billed)."""
    billable: list[Appointment] = []
    billed: list[Appointment] = []
    for appointment in sorted(appointments, key=lambda a: str(a.pk)):
        if appointment.clinic_id != actor.clinic.pk:
            raise DraftError("This record belongs to another clinic.")
        locked = lock_appointment(appointment)
        if locked.patient_id != patient_id:
            raise DraftError(
                "A visit belongs to another patient.", field="appointments"
            )
        if locked.status not in BILLABLE_STATUSES:
            raise DraftError(
                "Only arrived or completed visits can be billed.",
                field="appointments",
            )
        (billed if _is_billed(actor, locked) else billable).append(locked)
    return billable, billed


def add_appointment_lines(
    *, actor: Actor, invoice: Invoice, appointments: Sequence[Appointment]
) -> list[InvoiceLine]:
    """One line per visit of the draft's patient, priced by `pricing`.
    Refused whole when a visit is already billed."""
    if not appointments:
        raise DraftError("Choose at least one visit.", field="appointments")
    with transaction.atomic():
        locked = _lock_draft(actor, invoice)
        billable, billed = _lock_billable(actor, locked.patient_id, appointments)
        if billed:
            raise DraftError("A visit is already on an invoice.", field="appointments")
        lines = [
            _add_line(
                actor=actor,
                invoice=locked,
                new=line_for_appointment(actor=actor, appointment=appointment),
            )
            for appointment in sorted(billable, key=lambda a: (a.start_at, str(a.pk)))
        ]
        _retotal(locked)
        record_change(
            actor=actor,
            action="add_line",
            obj=locked,
            patient_id=locked.patient_id,
            detail=f"visits={len(lines)}",
        )
    return lines


def _lock_line(actor: Actor, line: InvoiceLine) -> tuple[Invoice, InvoiceLine]:
    _check(actor, line.clinic_id)
    invoice = _lock_draft(actor, line.invoice)
    locked = InvoiceLine.objects.select_for_update().get(
        clinic=actor.clinic, pk=line.pk
    )
    return invoice, locked


def set_line_discount(
    *,
    actor: Actor,
    line: InvoiceLine,
    discount: Discount | None = None,
    amount: Decimal | None = None,
    percent: Decimal | None = None,
    name: str = "",
) -> InvoiceLine:
    """Discount a draft line: a named `Discount`, or a manual amount or
    percentage; none of them takes the discount off. Never more than the
    line."""
    given = [v for v in (discount, amount, percent) if v is not None]
    if len(given) > 1:
        raise DraftError(
            "Choose a discount, an amount or a percentage, not several.",
            field="discount",
        )
    with transaction.atomic():
        invoice, locked = _lock_line(actor, line)
        currency = invoice.currency
        gross = _gross(locked, currency)
        if discount is not None:
            _check(actor, discount.clinic_id)
            if not discount.is_active:
                raise DraftError("This discount is retired.", field="discount")
            off = quantize(discount.amount_off(gross), currency)
            label = discount.name
        elif amount is not None:
            off = _price(amount, currency, field="discount")
            label = name.strip() or "Discount"
        elif percent is not None:
            if not percent.is_finite() or percent <= 0 or percent > 100:
                raise DraftError(
                    "Enter a percentage over 0, up to 100.", field="discount"
                )
            off = quantize(gross * percent / Decimal(100), currency)
            label = name.strip() or f"{percent.normalize():f}% off"
        else:
            off = ZERO
            label = ""
        if off > gross:
            raise DraftError("The discount is more than the line.", field="discount")
        locked.discount_name = label[:80]
        locked.discount_amount = off
        _write_taxes(actor=actor, invoice=invoice, line=locked)
        _retotal(invoice)
        record_change(
            actor=actor,
            action="discount_line",
            obj=invoice,
            patient_id=invoice.patient_id,
            detail=f"line={locked.pk} off={off}",
        )
    return locked


def remove_line(*, actor: Actor, line: InvoiceLine) -> Invoice:
    """Take a line off a draft."""
    with transaction.atomic():
        invoice, locked = _lock_line(actor, line)
        InvoiceLineTax.objects.filter(clinic=actor.clinic, line=locked).delete()
        line_pk = locked.pk
        locked.delete()
        _retotal(invoice)
        record_change(
            actor=actor,
            action="remove_line",
            obj=invoice,
            patient_id=invoice.patient_id,
            detail=f"line={line_pk}",
        )
    return invoice


def issue_draft(*, actor: Actor, invoice: Invoice) -> Invoice:
    """Issue a draft: the next number, today's date, the CHARGE entry. A visit
    billed elsewhere since it was added refuses the whole draft."""
    with transaction.atomic():
        locked = _lock_draft(actor, invoice)
        lines = list(
            InvoiceLine.objects.filter(
                clinic=actor.clinic, invoice=locked
            ).select_related("appointment")
        )
        if not lines:
            raise DraftError("Add a line before issuing.", field="lines")
        visits = [line.appointment for line in lines if line.appointment is not None]
        for visit in sorted(visits, key=lambda a: str(a.pk)):
            lock_appointment(visit)
            elsewhere = (
                InvoiceLine.objects.filter(clinic=actor.clinic, appointment=visit)
                .exclude(invoice=locked)
                .exclude(invoice__status=Invoice.Status.VOID)
                .exists()
            ) or Invoice.objects.filter(
                Q(clinic=actor.clinic, appointment=visit, kind=Invoice.Kind.SERVICE),
                ~Q(status=Invoice.Status.VOID),
                ~Q(pk=locked.pk),
            ).exists()
            if elsewhere:
                raise DraftError(
                    "A visit on this draft was invoiced meanwhile; remove it.",
                    field="lines",
                )
        _retotal(locked)
        if len(visits) == 1 and locked.appointment_id is None:
            locked.appointment = visits[0]
        locked.issued_on = None  # today, in the location's zone
        _use_benefits(actor, lines)
        post_issued(actor=actor, invoice=locked, lines=lines, detail="draft issued")
    logger.info("billing.draft_issued", extra={"invoice_id": str(locked.pk)})
    return locked


def _use_benefits(actor: Actor, lines: Sequence[InvoiceLine]) -> None:
    """Consume the benefit that discounted a visit line when it was added, if
    it still applies (same label): a package visit is used once issued."""
    for line in lines:
        if line.appointment is None or not line.discount_name:
            continue
        gross = _gross(line, line.invoice.currency)
        benefit = benefits.benefit_for_appointment(
            actor=actor, appointment=line.appointment, amount=gross
        )
        if benefit is not None and benefit.label[:80] == line.discount_name:
            benefits.record_benefit_use(actor=actor, benefit=benefit, line=line)


def delete_draft(*, actor: Actor, invoice: Invoice) -> None:
    """Delete a draft and its lines. An issued invoice is never deleted."""
    with transaction.atomic():
        locked = _lock_draft(actor, invoice)
        record_change(
            actor=actor,
            action="delete",
            obj=locked,
            patient_id=locked.patient_id,
            detail="draft",
        )
        InvoiceLineTax.objects.filter(
            clinic=actor.clinic, line__invoice=locked
        ).delete()
        InvoiceLine.objects.filter(clinic=actor.clinic, invoice=locked).delete()
        locked.delete()
    logger.info("billing.draft_deleted", extra={"invoice_id": str(invoice.pk)})


def invoice_visits(
    *,
    actor: Actor,
    patient: Patient,
    appointments: Sequence[Appointment],
    issue: bool = True,
) -> Invoice:
    """One invoice for several visits of one patient (the one-click path):
    issued, or left as a draft. Refused whole when a visit is already billed."""
    _check(actor, patient.clinic_id)
    if not appointments:
        raise DraftError("Choose at least one visit.", field="appointments")
    with transaction.atomic():
        if not issue:
            first = min(appointments, key=lambda a: a.start_at)
            draft = create_draft(actor=actor, patient=patient, location=first.location)
            add_appointment_lines(actor=actor, invoice=draft, appointments=appointments)
            return draft
        billable, billed = _lock_billable(actor, patient.pk, appointments)
        if billed:
            raise DraftError("A visit is already on an invoice.", field="appointments")
        return _issue_visits(actor=actor, patient=patient, visits=billable)


def _issue_visits(
    *, actor: Actor, patient: Patient, visits: Sequence[Appointment]
) -> Invoice:
    """An issued invoice for locked, unbilled visits of one patient: one line
    each, through the core's `issue_new_invoice`."""
    ordered = sorted(visits, key=lambda a: (a.start_at, str(a.pk)))
    return issue_new_invoice(
        actor=actor,
        patient=patient,
        location=ordered[0].location,
        lines=[line_for_appointment(actor=actor, appointment=a) for a in ordered],
        appointment=ordered[0] if len(ordered) == 1 else None,
    )


@dataclass
class BatchResult:
    created: list[Invoice] = field(default_factory=list)
    skipped: int = 0

    @property
    def summary(self) -> str:
        count = len(self.created)
        text = f"{count} invoice{'' if count == 1 else 's'} created"
        if self.skipped:
            text += f", {self.skipped} skipped (already invoiced)"
        return f"{text}."


def invoice_batch(*, actor: Actor, appointments: Sequence[Appointment]) -> BatchResult:
    """Invoice the ticked visits of a day: one issued invoice per patient.
    A visit invoiced meanwhile (another clerk, a double click) is skipped and
    counted, so running the same batch twice creates nothing the second time.
    Each patient's invoice commits on its own: one refusal does not undo the
    others."""
    if not actor.can(DRAFT_PERMISSION):
        raise DraftError("You may not change invoices.")
    by_patient: dict[object, list[Appointment]] = {}
    for appointment in appointments:
        if appointment.clinic_id != actor.clinic.pk:
            raise DraftError("This record belongs to another clinic.")
        if appointment.patient_id is None:
            raise DraftError(
                "A class is invoiced per attendee, not as a whole.",
                field="appointments",
            )
        by_patient.setdefault(appointment.patient_id, []).append(appointment)
    result = BatchResult()
    for visits in by_patient.values():
        with transaction.atomic():
            billable, billed = _lock_billable(actor, visits[0].patient_id, visits)
            result.skipped += len(billed)
            if not billable:
                continue
            patient = billable[0].patient
            assert patient is not None  # checked above
            result.created.append(
                _issue_visits(actor=actor, patient=patient, visits=billable)
            )
    logger.info(
        "billing.batch_invoiced",
        extra={
            "invoices_created": len(result.created),
            "visits_skipped": result.skipped,
        },
    )
    return result
