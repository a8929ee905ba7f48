"""Reads for online card payments: the invoice's online page, saved cards,
and the patient's pay link (a signed, expiring token naming one invoice)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.core import signing

from practica.billing.models import (
    Invoice,
    OnlinePaymentAttempt,
    Payment,
    SavedCard,
)
from practica.billing.selectors import (
    InvoiceDetail,
    get_invoice_for,
    invoice_balance,
    payment_refundable,
)
from practica.tenancy.access import scoped_get_or_404
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic
from practica.tenancy.permissions import BILLING_VIEW

PAY_LINK_SALT = "practica.billing.pay-link"
PAY_LINK_MAX_AGE = 14 * 24 * 60 * 60  # seconds: two weeks


@dataclass(frozen=True)
class CardPayment:
    payment: Payment
    refundable: Decimal


@dataclass(frozen=True)
class OnlinePage:
    detail: InvoiceDetail
    cards: list[SavedCard]
    attempts: list[OnlinePaymentAttempt]
    card_payments: list[CardPayment]
    pay_token: str


def make_pay_token(invoice: Invoice) -> str:
    """A link token for one invoice; it carries ids only, signed."""
    return signing.dumps(
        {"c": invoice.clinic_id, "i": str(invoice.pk)}, salt=PAY_LINK_SALT
    )


def get_online_page(*, actor: Actor, invoice_id: uuid.UUID) -> OnlinePage:
    """The invoice (its view audited once), the patient's active cards, the
    invoice's attempts and its card-online payments with what is refundable."""
    detail = get_invoice_for(actor=actor, invoice_id=invoice_id)
    invoice = detail.invoice
    cards = list(
        SavedCard.objects.filter(
            clinic=actor.clinic, patient_id=invoice.patient_id, removed_at__isnull=True
        ).select_related("customer")
    )
    attempts = list(
        OnlinePaymentAttempt.objects.filter(clinic=actor.clinic, invoice=invoice)
        .select_related("card")
        .order_by("-created_at")[:20]
    )
    payments = Payment.objects.filter(
        clinic=actor.clinic, invoice=invoice, method=Payment.Method.CARD_ONLINE
    ).exclude(external_id="")
    card_payments = [
        CardPayment(payment=p, refundable=payment_refundable(actor=actor, payment=p))
        for p in payments
    ]
    return OnlinePage(
        detail=detail,
        cards=cards,
        attempts=attempts,
        card_payments=card_payments,
        pay_token=make_pay_token(invoice),
    )


def get_saved_card_for(*, actor: Actor, card_id: uuid.UUID) -> SavedCard:
    return scoped_get_or_404(
        actor, SavedCard.objects.select_related("customer"), pk=card_id
    )


def get_card_payment_for_update(*, actor: Actor, payment_id: uuid.UUID) -> Payment:
    """The payment a refund acts on; the refund's change entry is its audit."""
    return scoped_get_or_404(actor, Payment.objects.all(), pk=payment_id)


@dataclass(frozen=True)
class PayLink:
    """What the patient's pay page shows: nothing but these."""

    clinic: Clinic
    invoice: Invoice
    amount_due: Decimal


def get_pay_link(token: str) -> PayLink | None:
    """The invoice a pay-link token names, or None when the token is forged,
    expired or names nothing open."""
    try:
        data = signing.loads(token, salt=PAY_LINK_SALT, max_age=PAY_LINK_MAX_AGE)
        clinic_id = int(data["c"])
        invoice_id = uuid.UUID(str(data["i"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    invoice = (
        Invoice.objects.select_related("clinic", "patient")
        .filter(clinic_id=clinic_id, pk=invoice_id)
        .first()
    )
    if invoice is None:
        return None
    actor = Actor.system(invoice.clinic, frozenset({BILLING_VIEW}))
    due = (
        invoice_balance(actor=actor, invoice=invoice)
        if invoice.status in Invoice.OPEN_STATUSES
        else Decimal("0.00")
    )
    return PayLink(clinic=invoice.clinic, invoice=invoice, amount_due=due)
