"""Billing's use cases, one module per sub-entity. The names other apps and
older callers import are re-exported here."""

from practica.billing.services.corrections import issue_credit_note, void_invoice
from practica.billing.services.invoices import (
    NewLine,
    charge_policy_fee,
    create_invoice_for_appointment,
    create_invoice_for_note,
    issue_new_invoice,
)
from practica.billing.services.payments import (
    apply_credit,
    record_payment,
    refund_payment,
    take_payment,
)

__all__ = [
    "NewLine",
    "apply_credit",
    "charge_policy_fee",
    "create_invoice_for_appointment",
    "create_invoice_for_note",
    "issue_credit_note",
    "issue_new_invoice",
    "record_payment",
    "refund_payment",
    "take_payment",
    "void_invoice",
]
