"""Demo receivables: the recommended collection steps, overdue invoices in
every aging bucket, a pending and an approved write-off, and one collections
run. Not wired into load_demo here (the lead does that).

Invoices are issued through the billing service, then their issue and due
dates are moved back with a queryset update: invoice rows are not
append-only, ledger rows are and are never touched.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from practica.billing.models import Invoice, TaxCategory
from practica.billing.services.invoices import NewLine, issue_new_invoice
from practica.billing.services_receivables import (
    approve_write_off,
    request_write_off,
    run_collections,
    use_recommended_steps,
)
from practica.patients.models import Patient
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Location, Membership
from practica.tenancy.permissions import ALL_PERMISSIONS, OWNER

# Days since the due date of each demo invoice: two per bucket.
OVERDUE_DAYS = (5, 25, 40, 55, 70, 85, 100, 150)
PRICE = Decimal("95.00")


def _owner_actor(clinic: Clinic) -> Actor | None:
    owner = (
        Membership.objects.filter(clinic=clinic, roles__key=OWNER, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if owner is None:
        return None
    return Actor(
        clinic=clinic,
        user=owner.user,
        membership=owner,
        permissions=frozenset(ALL_PERMISSIONS),
    )


def seed_receivables(clinic: Clinic, *, today: dt.date) -> dict[str, int]:
    system = Actor.system(clinic, frozenset(ALL_PERMISSIONS))
    location = Location.objects.filter(clinic=clinic).order_by("pk").first()
    patients = list(Patient.objects.filter(clinic=clinic).order_by("pk")[:8])
    if location is None or not patients:
        return {
            "steps": 0,
            "overdue invoices": 0,
            "write_offs": 0,
            "collection_records": 0,
        }
    steps = use_recommended_steps(actor=system)
    invoices: list[Invoice] = []
    for n, days in enumerate(OVERDUE_DAYS):
        invoice = issue_new_invoice(
            actor=system,
            patient=patients[n % len(patients)],
            location=location,
            lines=[
                NewLine(
                    description="Treatment (demo, overdue)",
                    unit_price=PRICE,
                    tax_category=TaxCategory.HEALTH_SERVICE,
                )
            ],
        )
        due_on = today - dt.timedelta(days=days)
        Invoice.objects.filter(pk=invoice.pk).update(
            issued_on=due_on - dt.timedelta(days=14), due_on=due_on
        )
        invoices.append(invoice)
    write_offs = 0
    pending = request_write_off(
        actor=system,
        invoice=invoices[-2],
        amount=Decimal("45.00"),
        reason="Financial hardship (demo)",
    )
    write_offs += 1 if pending else 0
    owner = _owner_actor(clinic)
    if owner is not None:
        to_approve = request_write_off(
            actor=system,
            invoice=invoices[-1],
            amount=PRICE,
            reason="Uncollectable after notices (demo)",
        )
        approve_write_off(actor=owner, write_off=to_approve, note="Approved (demo)")
        write_offs += 1
    run = run_collections(actor=system, today=today)
    return {
        "steps": len(steps),
        "overdue invoices": len(invoices),
        "write_offs": write_offs,
        "collection_records": run.emails_sent + run.emails_not_sent + run.tasks_created,
    }
