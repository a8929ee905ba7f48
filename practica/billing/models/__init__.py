"""Billing's models, one module per sub-entity (see each module's docstring)."""

from practica.billing.models.benefits import (
    BenefitUse,
    GiftCard,
    GiftCardEntry,
    MembershipPeriod,
    MembershipPlan,
    PackagePlan,
    PatientMembership,
    PatientPackage,
)
from practica.billing.models.catalogue import CatalogItem, Discount, Price, TaxCategory
from practica.billing.models.codes import ProcedureCode, ProcedureCodeLoad
from practica.billing.models.collections import CollectionRecord, CollectionStep
from practica.billing.models.deposits import DailyClose, Deposit
from practica.billing.models.documents import BillingEmail
from practica.billing.models.invoices import (
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    InvoiceLineTax,
)
from practica.billing.models.ledger import (
    LEDGER_DELETE_MESSAGE,
    LedgerEntry,
    LedgerEntryQuerySet,
    Payment,
    Refund,
    WriteOff,
)
from practica.billing.models.online import (
    OnlinePaymentAttempt,
    SavedCard,
    StripeCustomer,
    StripeEvent,
)

__all__ = [
    "LEDGER_DELETE_MESSAGE",
    "BenefitUse",
    "BillingEmail",
    "CatalogItem",
    "CreditNote",
    "CreditNoteLine",
    "Discount",
    "GiftCard",
    "GiftCardEntry",
    "Invoice",
    "InvoiceCounter",
    "InvoiceLine",
    "InvoiceLineTax",
    "LedgerEntry",
    "LedgerEntryQuerySet",
    "MembershipPeriod",
    "MembershipPlan",
    "PackagePlan",
    "PatientMembership",
    "PatientPackage",
    "Payment",
    "Price",
    "ProcedureCode",
    "ProcedureCodeLoad",
    "Refund",
    "TaxCategory",
    "WriteOff",
]
__all__ += ["OnlinePaymentAttempt", "SavedCard", "StripeCustomer", "StripeEvent"]
__all__ += ["CollectionRecord", "CollectionStep", "DailyClose", "Deposit"]
