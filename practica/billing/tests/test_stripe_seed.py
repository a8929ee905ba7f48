"""The demo seeder for online card payments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from practica.billing.models import Payment, Refund
from practica.billing.tests.factories import make_invoice
from practica.demo.billing_stripe import seed_stripe
from practica.tenancy.models import Clinic


def test_seed_stripe_adds_cards_a_card_payment_and_a_refund(clinic: Clinic) -> None:
    # given two open invoices of two patients
    make_invoice(clinic)
    make_invoice(clinic)
    # when seeding twice
    counts = seed_stripe(clinic, today=dt.date(2026, 3, 2))
    again = seed_stripe(clinic, today=dt.date(2026, 3, 2))
    # then
    assert counts == {
        "saved cards": 2,
        "online card payments": 1,
        "card refunds": 1,
    }
    assert again == {
        "saved cards": 0,
        "online card payments": 0,
        "card refunds": 0,
    }
    payment = Payment.objects.get(method=Payment.Method.CARD_ONLINE)
    assert payment.external_id.startswith("pi_demo_")
    refund = Refund.objects.get()
    assert (refund.method, refund.amount) == (Refund.Method.ORIGINAL, Decimal("10.00"))
