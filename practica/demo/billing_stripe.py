"""Demo online card payments: for two patients with open invoices, a card on
file (consent recorded), one card_online payment with a made-up PaymentIntent
id, and part of it refunded to the card. No network: the payment services
are called directly, as Stripe's confirmation would."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone

from practica.billing.models import (
    Invoice,
    Payment,
    Refund,
    SavedCard,
    StripeCustomer,
)
from practica.billing.selectors import invoice_balance
from practica.billing.services.payments import refund_payment, take_payment
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic
from practica.tenancy.permissions import ALL_PERMISSIONS

CONSENT = (
    "The patient agrees that the clinic keeps this card on file and charges it "
    "for their visits and fees, and may withdraw this consent at any time."
)


def seed_stripe(clinic: Clinic, *, today: date) -> dict[str, int]:
    actor = Actor.system(clinic, frozenset(ALL_PERMISSIONS))
    invoices = list(
        Invoice.objects.filter(clinic=clinic, status__in=Invoice.OPEN_STATUSES)
        .select_related("patient")
        .order_by("number")
    )
    counts = {"saved cards": 0, "online card payments": 0, "card refunds": 0}
    seen: set[object] = set()
    for invoice in invoices:
        if invoice.patient_id in seen or len(seen) == 2:
            continue
        seen.add(invoice.patient_id)
        n = len(seen)
        customer, _ = StripeCustomer.objects.get_or_create(
            clinic=clinic,
            patient=invoice.patient,
            defaults={"customer_id": f"cus_demo_{n}"},
        )
        _, made = SavedCard.objects.get_or_create(
            clinic=clinic,
            payment_method_id=f"pm_demo_{n}",
            defaults={
                "patient": invoice.patient,
                "customer": customer,
                "brand": "visa",
                "last4": "4242",
                "exp_month": 12,
                "exp_year": today.year + 3,
                "consent_text": CONSENT,
                "consented_at": timezone.now(),
            },
        )
        counts["saved cards"] += int(made)
        if n != 1:
            continue
        due = invoice_balance(actor=actor, invoice=invoice)
        if due <= 0:
            continue
        external_id = f"pi_demo_{clinic.pk}_1"
        existed = Payment.objects.filter(
            clinic=clinic, external_id=external_id
        ).exists()
        payment = take_payment(
            actor=actor,
            patient=invoice.patient,
            method=Payment.Method.CARD_ONLINE,
            amount=due,
            allocations=[(invoice, due)],
            reference="Stripe (demo)",
            external_id=external_id,
            invoice=invoice,
        )
        counts["online card payments"] += 0 if existed else 1
        refund_id = f"re_demo_{clinic.pk}_1"
        if not Refund.objects.filter(clinic=clinic, external_id=refund_id).exists():
            refund_payment(
                actor=actor,
                payment=payment,
                amount=min(Decimal("10.00"), due),
                method=Refund.Method.ORIGINAL,
                reason="Goodwill: part refunded to the card",
                external_id=refund_id,
            )
            counts["card refunds"] += 1
    return counts
