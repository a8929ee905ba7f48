"""Gift cards: sold outside sales tax, a code shown once, a balance that is
the sum of its entries and reconciles with gift_card payments; redemption
refused for an unknown, cancelled or expired card or beyond the balance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction
from django.db.models import Sum
from time_machine import TimeMachineFixture

from practica.billing.benefits import BenefitError, gift_card_balance, hash_code
from practica.billing.models import (
    GiftCard,
    GiftCardEntry,
    Invoice,
    LedgerEntry,
    Payment,
)
from practica.billing.selectors import invoice_balance
from practica.billing.selectors_benefits import list_gift_cards_sold_on
from practica.billing.services.benefits import (
    redeem_gift_card,
    refund_to_gift_card,
    reissue_gift_card_code,
)
from practica.billing.services.corrections import void_invoice
from practica.billing.tests.factories import make_invoice
from practica.billing.tests.factories_benefits import make_gift_card_sale
from practica.tenancy.models import Clinic
from practica.tenancy.tests.factories import system_actor_for

TODAY = dt.date(2031, 3, 3)


@pytest.fixture(autouse=True)
def _frozen(time_machine: TimeMachineFixture) -> None:
    time_machine.move_to(dt.datetime(2031, 3, 3, 17, 0, tzinfo=dt.UTC), tick=False)


def test_selling_a_gift_card_loads_it_without_tax(clinic: Clinic) -> None:
    sale = make_gift_card_sale(clinic, amount=Decimal("150.00"))
    assert sale.invoice.total == Decimal("150.00")
    assert sale.invoice.tax_total == Decimal("0.00")
    assert sale.card.amount == Decimal("150.00")
    assert gift_card_balance(sale.card) == Decimal("150.00")
    assert len(sale.code) == 19  # 16 characters in groups of four
    assert sale.card.code_hash == hash_code(sale.code)
    assert sale.card.code_last4 == sale.code[-4:]
    # the code itself is stored nowhere
    assert not GiftCard.objects.filter(code_hash=sale.code).exists()


def test_codes_differ_and_ignore_case_and_dashes(clinic: Clinic) -> None:
    first = make_gift_card_sale(clinic)
    second = make_gift_card_sale(clinic)
    assert first.code != second.code
    assert hash_code(first.code.lower().replace("-", " ")) == first.card.code_hash


def test_redeeming_pays_the_invoice_and_lowers_the_balance(clinic: Clinic) -> None:
    # given a 100.00 card and a 70.00 invoice of another patient
    sale = make_gift_card_sale(clinic)
    invoice = make_invoice(clinic, price=Decimal("70.00"))
    actor = system_actor_for(clinic)
    # when 70.00 is redeemed
    payment = redeem_gift_card(
        actor=actor, invoice=invoice, code=sale.code, amount=Decimal("70.00")
    )
    # then the invoice is paid and the card keeps 30.00
    invoice.refresh_from_db()
    assert payment.method == Payment.Method.GIFT_CARD
    assert payment.reference == f"Gift card ...{sale.card.code_last4}"
    assert invoice.status == Invoice.Status.PAID
    assert invoice_balance(actor=actor, invoice=invoice) == Decimal("0.00")
    assert gift_card_balance(sale.card) == Decimal("30.00")


def test_balance_is_loaded_less_redeemed_plus_refunded(clinic: Clinic) -> None:
    # given a 100 card redeemed 40 then 25, and 10 of the 40 refunded back
    sale = make_gift_card_sale(clinic)
    actor = system_actor_for(clinic)
    first = redeem_gift_card(
        actor=actor,
        invoice=make_invoice(clinic, price=Decimal("40.00")),
        code=sale.code,
        amount=Decimal("40.00"),
    )
    redeem_gift_card(
        actor=actor,
        invoice=make_invoice(clinic, price=Decimal("60.00")),
        code=sale.code,
        amount=Decimal("25.00"),
    )
    refund_to_gift_card(
        actor=actor, payment=first, amount=Decimal("10.00"), reason="Overcharged"
    )
    # then the balance is 100 - 40 - 25 + 10
    assert gift_card_balance(sale.card) == Decimal("45.00")
    # and the card's entries reconcile with the gift card payments and refunds
    redeemed = GiftCardEntry.objects.filter(
        card=sale.card, kind=GiftCardEntry.Kind.REDEMPTION
    ).aggregate(total=Sum("amount"))["total"]
    paid = Payment.objects.filter(
        clinic=clinic, method=Payment.Method.GIFT_CARD
    ).aggregate(total=Sum("amount"))["total"]
    refunded = LedgerEntry.objects.filter(
        clinic=clinic, kind=LedgerEntry.Kind.REFUND, payment__method="gift_card"
    ).aggregate(total=Sum("amount"))["total"]
    assert (redeemed, paid, refunded) == (
        Decimal("-65.00"),
        Decimal("65.00"),
        Decimal("10.00"),
    )


def test_more_than_the_balance_is_refused_naming_it(clinic: Clinic) -> None:
    sale = make_gift_card_sale(clinic, amount=Decimal("20.00"))
    invoice = make_invoice(clinic)
    with pytest.raises(BenefitError) as refused:
        redeem_gift_card(
            actor=system_actor_for(clinic),
            invoice=invoice,
            code=sale.code,
            amount=Decimal("20.01"),
        )
    assert refused.value.message == "The gift card's balance is $20.00."
    assert refused.value.field == "amount"
    assert Payment.objects.filter(clinic=clinic).count() == 0


def test_more_than_the_invoice_owes_is_refused(clinic: Clinic) -> None:
    sale = make_gift_card_sale(clinic)
    with pytest.raises(BenefitError) as refused:
        redeem_gift_card(
            actor=system_actor_for(clinic),
            invoice=make_invoice(clinic, price=Decimal("30.00")),
            code=sale.code,
            amount=Decimal("30.50"),
        )
    assert refused.value.message == (
        "The amount is more than the invoice's balance of $30.00."
    )


@pytest.mark.parametrize("code", ["", "NOPE-NOPE-NOPE-NOPE"])
def test_an_unknown_code_is_refused(clinic: Clinic, code: str) -> None:
    make_gift_card_sale(clinic)
    with pytest.raises(BenefitError) as refused:
        redeem_gift_card(
            actor=system_actor_for(clinic),
            invoice=make_invoice(clinic),
            code=code,
            amount=Decimal("1.00"),
        )
    assert refused.value.message == "No gift card has this code."
    assert refused.value.field == "code"


def test_another_clinics_card_is_unknown(clinic: Clinic, other_clinic: Clinic) -> None:
    foreign = make_gift_card_sale(other_clinic)
    with pytest.raises(BenefitError) as refused:
        redeem_gift_card(
            actor=system_actor_for(clinic),
            invoice=make_invoice(clinic),
            code=foreign.code,
            amount=Decimal("1.00"),
        )
    assert refused.value.message == "No gift card has this code."
    assert gift_card_balance(foreign.card) == Decimal("100.00")


def test_an_expired_card_is_refused(
    clinic: Clinic, time_machine: TimeMachineFixture
) -> None:
    sale = make_gift_card_sale(clinic, expires_on=dt.date(2031, 3, 10))
    invoice = make_invoice(clinic)
    time_machine.move_to(dt.datetime(2031, 3, 11, 17, 0, tzinfo=dt.UTC), tick=False)
    with pytest.raises(BenefitError) as refused:
        redeem_gift_card(
            actor=system_actor_for(clinic),
            invoice=invoice,
            code=sale.code,
            amount=Decimal("1.00"),
        )
    assert refused.value.message == "This gift card expired on 2031-03-10."


@pytest.mark.parametrize(("amount", "field"), [("0", "amount"), ("1.005", "amount")])
def test_bad_amounts_are_refused(clinic: Clinic, amount: str, field: str) -> None:
    sale = make_gift_card_sale(clinic)
    with pytest.raises(BenefitError) as refused:
        redeem_gift_card(
            actor=system_actor_for(clinic),
            invoice=make_invoice(clinic),
            code=sale.code,
            amount=amount,
        )
    assert refused.value.field == field


def test_a_void_invoice_cannot_be_paid_by_card(clinic: Clinic) -> None:
    sale = make_gift_card_sale(clinic)
    actor = system_actor_for(clinic)
    invoice = make_invoice(clinic)
    void_invoice(actor=actor, invoice=invoice, reason="Error")
    with pytest.raises(BenefitError) as refused:
        redeem_gift_card(actor=actor, invoice=invoice, code=sale.code, amount="1.00")
    assert refused.value.message == "This invoice is void; it cannot be paid."


def test_a_new_code_replaces_the_old(clinic: Clinic) -> None:
    sale = make_gift_card_sale(clinic)
    actor = system_actor_for(clinic)
    new = reissue_gift_card_code(actor=actor, card=sale.card)
    with pytest.raises(BenefitError):
        redeem_gift_card(
            actor=actor, invoice=make_invoice(clinic), code=sale.code, amount="1.00"
        )
    payment = redeem_gift_card(
        actor=actor, invoice=make_invoice(clinic), code=new, amount="1.00"
    )
    assert payment.amount == Decimal("1.00")


def test_voiding_an_unused_cards_sale_cancels_the_card(clinic: Clinic) -> None:
    sale = make_gift_card_sale(clinic)
    actor = system_actor_for(clinic)
    void_invoice(actor=actor, invoice=sale.invoice, reason="Not wanted")
    sale.card.refresh_from_db()
    assert sale.card.status == GiftCard.Status.CANCELLED
    assert gift_card_balance(sale.card) == Decimal("0.00")
    with pytest.raises(BenefitError) as refused:
        redeem_gift_card(
            actor=actor, invoice=make_invoice(clinic), code=sale.code, amount="1.00"
        )
    assert refused.value.message == "This gift card is cancelled."


def test_voiding_a_used_cards_sale_is_refused(clinic: Clinic) -> None:
    sale = make_gift_card_sale(clinic)
    actor = system_actor_for(clinic)
    redeem_gift_card(
        actor=actor, invoice=make_invoice(clinic), code=sale.code, amount="5.00"
    )
    with pytest.raises(BenefitError):
        void_invoice(actor=actor, invoice=sale.invoice, reason="Not wanted")
    assert Invoice.objects.get(pk=sale.invoice.pk).status == Invoice.Status.ISSUED


def test_card_entries_cannot_be_rewritten(clinic: Clinic) -> None:
    sale = make_gift_card_sale(clinic)
    with pytest.raises(DatabaseError), transaction.atomic():
        GiftCardEntry.objects.filter(card=sale.card).update(amount=Decimal("999.00"))
    assert gift_card_balance(sale.card) == Decimal("100.00")


def test_an_invoices_cards_are_listed_by_last_four(clinic: Clinic) -> None:
    sale = make_gift_card_sale(clinic, amount=Decimal("40.00"))
    (card,) = list_gift_cards_sold_on(
        actor=system_actor_for(clinic), invoice=sale.invoice
    )
    assert (card.code_last4, card.balance) == (sale.code[-4:], Decimal("40.00"))
