"""The demo clinic's billing beyond its visit history: catalogue and fees,
packages, memberships and gift cards, online card payments and a refund, a
credit note, an overpayment kept as account credit, overdue accounts in every
aging bucket with collections, emailed documents, deposits and a closed day.

Order matters: the catalogue comes first (packages are sold as its items),
benefits before anything else invoices visits, the daily close last (it
counts the day's payments).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from practica.billing.models import Invoice
from practica.billing.services import (
    issue_credit_note,
    record_payment,
)
from practica.demo.billing_benefits import seed_benefits
from practica.demo.billing_daily import seed_daily
from practica.demo.billing_documents import seed_documents
from practica.demo.billing_invoicing import seed_invoicing
from practica.demo.billing_receivables import seed_receivables
from practica.demo.billing_stripe import seed_stripe
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic
from practica.tenancy.permissions import ALL_PERMISSIONS
from practica.tenancy.services import update_clinic_billing


def _corrections(clinic: Clinic) -> dict[str, int]:
    """A credit note on a paid visit (the money becomes account credit) and an
    overpayment on an open one (the rest kept as credit)."""
    actor = Actor.system(clinic, frozenset(ALL_PERMISSIONS))
    paid = (
        Invoice.objects.filter(clinic=clinic, status=Invoice.Status.PAID)
        .exclude(total=0)
        .order_by("-number")
        .first()
    )
    credit_notes = 0
    if paid is not None:
        line = paid.lines.order_by("pk").first()
        if line is not None and line.amount > Decimal("20.00"):
            issue_credit_note(
                actor=actor,
                invoice=paid,
                reason="Visit shortened: goodwill adjustment",
                amounts={line.pk: Decimal("20.00")},
            )
            credit_notes = 1
    open_invoice = (
        Invoice.objects.filter(clinic=clinic, status=Invoice.Status.ISSUED)
        .exclude(total=0)
        .order_by("-number")
        .first()
    )
    overpayments = 0
    if open_invoice is not None:
        record_payment(
            actor=actor,
            invoice=open_invoice,
            method="cash",
            amount=open_invoice.total + Decimal("25.00"),
            reference="Paid in cash, kept the change on account",
            allow_credit=True,
        )
        overpayments = 1
    return {"credit notes": credit_notes, "overpayments kept as credit": overpayments}


# A made-up GST/HST number in the Canada Revenue Agency's format.
DEMO_TAX_NUMBER = "812345678 RT0001"


def seed_billing(clinic: Clinic, *, today: dt.date) -> dict[str, int]:
    update_clinic_billing(
        actor=Actor.system(clinic, frozenset(ALL_PERMISSIONS)),
        tax_registration_number=DEMO_TAX_NUMBER,
    )
    counts: dict[str, int] = {}
    counts.update(seed_invoicing(clinic, today=today))
    counts.update(seed_benefits(clinic, today=today))
    counts.update(seed_stripe(clinic, today=today))
    counts.update(_corrections(clinic))
    counts.update(seed_receivables(clinic, today=today))
    counts.update(seed_documents(clinic, today=today))
    counts.update(seed_daily(clinic, today=today))
    return counts
