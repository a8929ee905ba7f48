"""The seam between invoicing and prepaid benefits (packages, memberships,
gift cards).

Invoicing calls these hooks at fixed points; the benefits code decides what
they do. A `Benefit` turns into a line's discount (its label is the discount's
name), so covered visits need no special money path: the ledger sees a line
whose total is what the patient still owes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from practica.billing.models import Invoice, InvoiceLine
from practica.scheduling.models import Appointment
from practica.tenancy.actor import Actor


@dataclass(frozen=True)
class Benefit:
    label: str
    discount: Decimal
    source: str
    source_id: int


def benefit_for_appointment(
    *, actor: Actor, appointment: Appointment, amount: Decimal
) -> Benefit | None:
    """The benefit that covers (part of) a visit priced at `amount`, if any."""
    return None


def record_benefit_use(*, actor: Actor, benefit: Benefit, line: InvoiceLine) -> None:
    """Consume the benefit for an issued line (inside the issuing transaction)."""


def release_benefit_uses(*, actor: Actor, invoice: Invoice) -> None:
    """Give back what an invoice's lines consumed (void or full credit)."""


def on_line_issued(*, actor: Actor, line: InvoiceLine) -> None:
    """A package, membership or gift card sold on an issued line starts here."""
