"""Factories for invoices and payments, issued through the billing services.

Appointments, notes and patients come from the scheduling, charting and
patients factories. `URL_KWARG_BUILDERS` feeds the project-wide URL tests.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import factory
from django.utils import timezone

from practica.billing.models import Invoice, Payment, ProcedureCode, ProcedureCodeLoad
from practica.billing.services import create_invoice_for_appointment, record_payment
from practica.billing.services_codes import load_procedure_codes
from practica.billing.tests.factories_benefits import URL_KWARG_BUILDERS_BENEFITS
from practica.charting.tests.factories import SignedNoteFactory
from practica.patients.models import Patient
from practica.scheduling.models import Appointment
from practica.scheduling.tests.factories import (
    AppointmentFactory,
    AppointmentTypeFactory,
)
from practica.tenancy.models import Clinic
from practica.tenancy.tests.factories import system_actor_for


def make_invoice(
    clinic: Clinic,
    *,
    price: Decimal = Decimal("100.00"),
    is_taxable: bool = False,
    patient: Patient | None = None,
) -> Invoice:
    """An issued invoice for a new completed appointment, made by the service."""
    extra = {"patient": patient} if patient is not None else {}
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


def make_payment(
    clinic: Clinic,
    *,
    amount: Decimal = Decimal("40.00"),
    invoice: Invoice | None = None,
) -> Payment:
    target = invoice if invoice is not None else make_invoice(clinic)
    return record_payment(
        actor=system_actor_for(clinic),
        invoice=target,
        method=Payment.Method.CASH,
        amount=amount,
    )


class ProcedureCodeFactory(factory.django.DjangoModelFactory):
    """A loaded code, straight into the table (for lists and counts); pass
    `clinic`. Tests of loading go through `load_codes`."""

    class Meta:
        model = ProcedureCode

    system = ProcedureCode.System.LOCAL
    code = factory.Sequence(lambda n: f"LC-{n:04d}")
    short_description = factory.Sequence(lambda n: f"Local service {n}")
    loaded_at = factory.LazyFunction(timezone.now)


def load_codes(
    clinic: Clinic,
    text: str,
    *,
    system: str = ProcedureCode.System.LOCAL,
    replace: bool = False,
    file_name: str = "codes.csv",
) -> ProcedureCodeLoad:
    """Load a CSV text through the service, as the system."""
    return load_procedure_codes(
        actor=system_actor_for(clinic),
        system=system,
        data=text.encode("utf-8"),
        file_name=file_name,
        replace=replace,
    )


URL_KWARG_BUILDERS: dict[str, Callable[[Clinic], object]] = {
    "invoice_id": lambda clinic: make_invoice(clinic).pk,
    "payment_id": lambda clinic: make_payment(clinic).pk,
    # Billing's URLs act on completed visits and signed notes.
    "appointment_id": lambda clinic: (
        AppointmentFactory(clinic=clinic, status=Appointment.Status.COMPLETED).pk
    ),
    "note_id": lambda clinic: (
        SignedNoteFactory(
            clinic=clinic, appointment__status=Appointment.Status.COMPLETED
        ).pk
    ),
}

from practica.billing.tests.factories_documents import URL_KWARG_BUILDERS_DOCUMENTS  # noqa: E402

URL_KWARG_BUILDERS.update(URL_KWARG_BUILDERS_DOCUMENTS)
from practica.billing.tests.factories_stripe import URL_KWARG_BUILDERS_STRIPE  # noqa: E402

URL_KWARG_BUILDERS.update(URL_KWARG_BUILDERS_STRIPE)
from practica.billing.tests.factories_receivables import (  # noqa: E402  # needs make_invoice above
    URL_KWARG_BUILDERS_RECEIVABLES,
)

URL_KWARG_BUILDERS.update(URL_KWARG_BUILDERS_RECEIVABLES)
from practica.billing.tests.factories_daily import URL_KWARG_BUILDERS_DAILY  # noqa: E402

URL_KWARG_BUILDERS.update(URL_KWARG_BUILDERS_DAILY)
from practica.billing.tests.factories_invoicing import URL_KWARG_BUILDERS_INVOICING  # noqa: E402  # merged last: helper builders

URL_KWARG_BUILDERS.update(URL_KWARG_BUILDERS_INVOICING)
URL_KWARG_BUILDERS.update(URL_KWARG_BUILDERS_BENEFITS)
