"""Factories for the daily close and revenue tests.

Invoices and payments go through the billing services. Refunds, credit notes
and write-off ledger rows are written as rows here: the close and revenue
reports only read them, and the services that make them are tested with the
ledger core.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import factory
from django.utils import timezone

from practica.billing.models import (
    CreditNote,
    CreditNoteLine,
    Deposit,
    Invoice,
    LedgerEntry,
    Payment,
    Refund,
)
from practica.billing.services import create_invoice_for_appointment, record_payment
from practica.scheduling.models import Appointment
from practica.scheduling.tests.factories import (
    AppointmentFactory,
    AppointmentTypeFactory,
)
from practica.tenancy.models import Clinic, Location
from practica.tenancy.tests.factories import system_actor_for


def make_invoice_at(
    clinic: Clinic,
    *,
    location: Location | None = None,
    price: Decimal = Decimal("100.00"),
    is_taxable: bool = False,
) -> Invoice:
    """An issued invoice (issued today, or on the frozen day) for a new
    completed visit at `location` (the clinic's main one by default)."""
    extra = {"location": location} if location is not None else {}
    appointment = AppointmentFactory(
        clinic=clinic,
        appointment_type=AppointmentTypeFactory(
            clinic=clinic, price=price, is_taxable=is_taxable
        ),
        status=Appointment.Status.COMPLETED,
        **extra,
    )
    return create_invoice_for_appointment(
        actor=system_actor_for(clinic), appointment=appointment
    )


def make_paid(
    clinic: Clinic,
    *,
    amount: Decimal,
    method: str = Payment.Method.CASH,
    received_at: dt.datetime | None = None,
    location: Location | None = None,
) -> Payment:
    """A payment of `amount` on a new invoice of that amount at `location`."""
    invoice = make_invoice_at(clinic, location=location, price=amount)
    return record_payment(
        actor=system_actor_for(clinic),
        invoice=invoice,
        method=method,
        amount=amount,
        received_at=received_at,
    )


class RefundFactory(factory.django.DjangoModelFactory):
    """A refund row of a `payment` (no ledger entry: for read-side reports)."""

    class Meta:
        model = Refund

    clinic = factory.SelfAttribute("payment.clinic")
    patient = factory.SelfAttribute("payment.patient")
    method = Refund.Method.ORIGINAL
    amount = Decimal("10.00")
    reason = "Overcharged"
    refunded_at = factory.LazyFunction(timezone.now)


class CreditNoteFactory(factory.django.DjangoModelFactory):
    """A credit note row of an `invoice` (give subtotal and tax_total)."""

    class Meta:
        model = CreditNote

    clinic = factory.SelfAttribute("invoice.clinic")
    patient = factory.SelfAttribute("invoice.patient")
    number = factory.Sequence(lambda n: n + 1)
    issued_on = factory.LazyFunction(timezone.localdate)
    reason = "Billed twice"
    subtotal = Decimal("10.00")
    tax_total = Decimal("0.00")
    total = factory.LazyAttribute(lambda o: o.subtotal + o.tax_total)


class CreditNoteLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CreditNoteLine

    clinic = factory.SelfAttribute("credit_note.clinic")
    amount = factory.SelfAttribute("credit_note.subtotal")
    tax_amount = factory.SelfAttribute("credit_note.tax_total")


class WriteOffEntryFactory(factory.django.DjangoModelFactory):
    """The ledger entry of an approved write-off on an `invoice`."""

    class Meta:
        model = LedgerEntry

    clinic = factory.SelfAttribute("invoice.clinic")
    patient = factory.SelfAttribute("invoice.patient")
    kind = LedgerEntry.Kind.WRITE_OFF
    amount = Decimal("-5.00")
    posted_at = factory.LazyFunction(timezone.now)
    memo = "Write-off"


class DepositFactory(factory.django.DjangoModelFactory):
    """A deposit row; give `location` (use `record_deposit` to test rules)."""

    class Meta:
        model = Deposit

    clinic = factory.SelfAttribute("location.clinic")
    business_on = factory.LazyFunction(timezone.localdate)
    method = Payment.Method.CASH
    amount = Decimal("50.00")


# The daily close and revenue URLs take no keyword: their day, location and
# year are query parameters, checked by the views.
URL_KWARG_BUILDERS_DAILY: dict[str, Callable[[Clinic], object]] = {}
