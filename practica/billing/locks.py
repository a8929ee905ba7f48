"""Row locks taken by billing services, always in this order: appointment,
invoice counter, invoice (the audit chain, locked by `record_change`, comes
last). On SQLite every atomic block is BEGIN IMMEDIATE, so writers are already
serialised and `select_for_update` is a no-op."""

from __future__ import annotations

from practica.billing.models import Invoice, InvoiceCounter
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
