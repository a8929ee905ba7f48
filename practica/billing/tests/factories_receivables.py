"""Factories of receivables tests: backdated invoices, write-offs, collection
steps and tasks, made through the services (invoice dates are backdated with a
queryset update: invoices are not append-only, ledger rows are)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from practica.billing.models import CollectionRecord, Invoice, WriteOff
from practica.billing.selectors_ar import clinic_today
from practica.billing.services_receivables import (
    RECOMMENDED_STEPS,
    StepSpec,
    request_write_off,
    run_collections,
    save_collection_steps,
)
from practica.billing.tests.factories import make_invoice
from practica.patients.models import Patient
from practica.tenancy.models import Clinic
from practica.tenancy.tests.factories import system_actor_for


def make_dated_invoice(
    clinic: Clinic,
    *,
    issued_on: dt.date,
    due_on: dt.date | None = None,
    price: Decimal = Decimal("100.00"),
    patient: Patient | None = None,
) -> Invoice:
    invoice = make_invoice(clinic, price=price, patient=patient)
    Invoice.objects.filter(pk=invoice.pk).update(issued_on=issued_on, due_on=due_on)
    invoice.refresh_from_db()
    return invoice


def make_steps(clinic: Clinic, steps: tuple[StepSpec, ...] = RECOMMENDED_STEPS) -> None:
    save_collection_steps(actor=system_actor_for(clinic), steps=steps)


def make_write_off(
    clinic: Clinic, *, amount: Decimal = Decimal("25.00"), reason: str = "Hardship"
) -> WriteOff:
    """A pending write-off asked for by the system (any member may decide it)."""
    return request_write_off(
        actor=system_actor_for(clinic),
        invoice=make_invoice(clinic),
        amount=amount,
        reason=reason,
    )


def make_collection_task(clinic: Clinic) -> CollectionRecord:
    """An open staff task from a collections run on an 80-day-old invoice."""
    actor = system_actor_for(clinic)
    today = clinic_today(actor)
    make_steps(clinic, (StepSpec(75, "staff_task"),))
    invoice = make_dated_invoice(clinic, issued_on=today - dt.timedelta(days=80))
    run_collections(actor=actor, today=today)
    return CollectionRecord.objects.get(clinic=clinic, invoice=invoice)


URL_KWARG_BUILDERS_RECEIVABLES: dict[str, Callable[[Clinic], object]] = {
    "write_off_id": lambda clinic: make_write_off(clinic).pk,
    "task_id": lambda clinic: make_collection_task(clinic).pk,
}
