"""Row locks taken by billing services, always in this order: appointment,
invoice counter, payments, invoices (by id), then the audit chain (locked by
`record_change`). On SQLite every atomic block is BEGIN IMMEDIATE, so writers
are already serialised and `select_for_update` is a no-op."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from practica.billing.models import Invoice, InvoiceCounter, Payment
from practica.scheduling.models import Appointment
from practica.tenancy.models import Clinic


def lock_appointment(appointment: Appointment) -> Appointment:
    """Serialise invoicing of one appointment (makes creation idempotent)."""
    return Appointment.objects.select_for_update().get(
        clinic_id=appointment.clinic_id, pk=appointment.pk
    )


def lock_counter(clinic: Clinic) -> InvoiceCounter:
    counter, _ = InvoiceCounter.objects.select_for_update().get_or_create(clinic=clinic)
    return counter


def lock_invoice(invoice: Invoice) -> Invoice:
    return Invoice.objects.select_for_update().get(
        clinic_id=invoice.clinic_id, pk=invoice.pk
    )


def lock_invoices(clinic_id: int, ids: Iterable[object]) -> dict[object, Invoice]:
    """Several invoices, locked in id order (so two payments never deadlock)."""
    rows = (
        Invoice.objects.select_for_update()
        .filter(clinic_id=clinic_id, pk__in=list(ids))
        .order_by("pk")
    )
    return {row.pk: row for row in rows}


def lock_payment(payment: Payment) -> Payment:
    return Payment.objects.select_for_update().get(
        clinic_id=payment.clinic_id, pk=payment.pk
    )


def lock_patient_payments(clinic_id: int, patient_id: uuid.UUID) -> list[Payment]:
    """A patient's payments, oldest first, locked: spending account credit
    reads and moves them."""
    return list(
        Payment.objects.select_for_update()
        .filter(clinic_id=clinic_id, patient_id=patient_id)
        .order_by("received_at", "pk")
    )
