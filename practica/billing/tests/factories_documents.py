"""Factories for billing documents: US invoices with signed notes (superbills),
credit notes, and rows of the email send log.

`URL_KWARG_BUILDERS_DOCUMENTS` feeds the project-wide URL tests.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import factory
from django.utils import timezone

from practica.billing.models import (
    BillingEmail,
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceLine,
)
from practica.billing.services import (
    create_invoice_for_appointment,
    create_invoice_for_note,
)
from practica.charting.tests.factories import SignedNoteFactory
from practica.patients.tests.factories import PatientFactory
from practica.scheduling.models import Appointment
from practica.scheduling.tests.factories import (
    AppointmentFactory,
    AppointmentTypeFactory,
)
from practica.tenancy.models import Clinic, Location
from practica.tenancy.tests.factories import LocationFactory, system_actor_for

US_NOTE_CONTENT = {
    "chief_complaint": "Low back pain after lifting",
    "impression": "Low back pain M54.50, tension headache r51.9; T12 tender",
    "treatment": "Manual therapy and exercise",
}


def us_location(clinic: Clinic) -> Location:
    location: Location = LocationFactory(
        clinic=clinic,
        name="Brooklyn",
        street="10 Court St",
        city="Brooklyn",
        region="NY",
        postal_code="11201",
        country="US",
        tax_region="US",
        timezone="America/New_York",
        currency="USD",
    )
    return location


def make_invoice(clinic: Clinic, *, price: Decimal = Decimal("100.00")) -> Invoice:
    """An issued invoice for a completed visit at the clinic's main location
    (as billing's factories make one; not imported, to keep them free of
    import cycles: they import this module's URL builders)."""
    appointment = AppointmentFactory(
        clinic=clinic,
        appointment_type=AppointmentTypeFactory(clinic=clinic, price=price),
        status=Appointment.Status.COMPLETED,
    )
    return create_invoice_for_appointment(
        actor=system_actor_for(clinic), appointment=appointment
    )


def make_us_invoice(
    clinic: Clinic,
    *,
    content: dict[str, str] | None = None,
    price: Decimal = Decimal("120.00"),
) -> Invoice:
    """An issued invoice from a signed note of a completed visit at a US location."""
    appointment = AppointmentFactory(
        clinic=clinic,
        location=us_location(clinic),
        appointment_type=AppointmentTypeFactory(
            clinic=clinic,
            price=price,
            service_code="97110",
            name="Therapeutic exercise",
        ),
        status=Appointment.Status.COMPLETED,
    )
    note = SignedNoteFactory(
        clinic=clinic,
        appointment=appointment,
        content=content if content is not None else dict(US_NOTE_CONTENT),
    )
    return create_invoice_for_note(actor=system_actor_for(clinic), note=note)


class CreditNoteFactory(factory.django.DjangoModelFactory):
    """A credit note row of `invoice` (no ledger entry; for documents only)."""

    class Meta:
        model = CreditNote

    invoice = factory.LazyAttribute(lambda o: make_invoice(o.clinic))
    clinic = factory.SelfAttribute("invoice.clinic")
    patient = factory.SelfAttribute("invoice.patient")
    number = factory.Sequence(lambda n: n + 1)
    issued_on = factory.LazyFunction(timezone.localdate)
    reason = "Session shortened"
    subtotal = Decimal("20.00")
    tax_total = Decimal("0.00")
    total = Decimal("20.00")


def make_credit_note(
    invoice: Invoice, *, amount: Decimal = Decimal("20.00"), tax: Decimal = Decimal("0")
) -> CreditNote:
    """A credit note of `amount` plus `tax` on the invoice's first line."""
    line = InvoiceLine.objects.filter(invoice=invoice).order_by("id").first()
    assert line is not None
    note: CreditNote = CreditNoteFactory(
        invoice=invoice,
        subtotal=amount,
        tax_total=tax,
        total=amount + tax,
    )
    CreditNoteLineFactory(
        credit_note=note, invoice_line=line, amount=amount, tax_amount=tax
    )
    return note


class CreditNoteLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CreditNoteLine

    clinic = factory.SelfAttribute("credit_note.clinic")
    amount = Decimal("20.00")
    tax_amount = Decimal("0.00")


class BillingEmailFactory(factory.django.DjangoModelFactory):
    """A send-log row for an invoice (pass `clinic` and `document_id`)."""

    class Meta:
        model = BillingEmail

    patient = factory.SubFactory(
        PatientFactory, clinic=factory.SelfAttribute("..clinic")
    )
    kind = BillingEmail.Kind.INVOICE
    recipient = factory.SelfAttribute("patient.email")
    subject = "Invoice from the clinic"
    sent_at = factory.LazyFunction(timezone.now)
    status = BillingEmail.Status.SENT


URL_KWARG_BUILDERS_DOCUMENTS: dict[str, Callable[[Clinic], object]] = {
    "credit_note_id": lambda clinic: make_credit_note(make_invoice(clinic)).pk,
    "us_invoice_id": lambda clinic: make_us_invoice(clinic).pk,
}
