"""The Stripe gateway against the local fake: the real `stripe` library,
idempotency keys, declines and webhook signatures."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import override_settings

from practica.billing.gateways.stripe import (
    CardDeclinedError,
    SignatureError,
    StripeGateway,
    from_minor,
    get_stripe_gateway,
    to_minor,
)
from practica.billing.tests.stripe_fake import (
    DECLINED_CARD,
    TEST_WEBHOOK_SECRET,
    StripeFake,
    signed_event,
)


def _gateway() -> StripeGateway:
    gateway = get_stripe_gateway()
    assert gateway is not None
    return gateway


@override_settings(STRIPE_SECRET_KEY="")
def test_a_blank_secret_key_turns_online_payments_off() -> None:
    assert get_stripe_gateway() is None


def test_amounts_cross_in_cents() -> None:
    assert to_minor(Decimal("40.05"), "CAD") == 4005
    assert from_minor(4005, "cad") == Decimal("40.05")


def test_the_same_idempotency_key_answers_the_same_customer(
    stripe_api: StripeFake,
) -> None:
    # given
    gateway = _gateway()
    # when
    first = gateway.create_customer(idempotency_key="customer-1", metadata={})
    second = gateway.create_customer(idempotency_key="customer-1", metadata={})
    # then
    assert first == second
    calls = stripe_api.calls("POST", "/v1/customers")
    assert [c.idempotency_key for c in calls] == ["customer-1", "customer-1"]


def test_a_payment_session_sends_amount_metadata_and_key(
    stripe_api: StripeFake,
) -> None:
    # when
    session = _gateway().create_payment_session(
        idempotency_key="checkout-a1",
        customer_id="cus_1",
        amount=4000,
        currency="CAD",
        description="Invoice 7",
        metadata={"practica_attempt_id": "a1"},
        save_card=True,
        success_url="https://clinic.test/ok",
        cancel_url="https://clinic.test/back",
    )
    # then
    assert session.url == f"https://checkout.stripe.test/c/pay/{session.id}"
    (call,) = stripe_api.calls("POST", "/v1/checkout/sessions")
    assert call.idempotency_key == "checkout-a1"
    assert call.form["mode"] == "payment"
    assert call.form["line_items[0][price_data][unit_amount]"] == "4000"
    assert call.form["line_items[0][price_data][currency]"] == "cad"
    assert call.form["payment_intent_data[setup_future_usage]"] == "off_session"
    assert call.form["payment_intent_data[metadata][practica_attempt_id]"] == "a1"


def test_a_declined_card_raises_with_stripes_message(stripe_api: StripeFake) -> None:
    # when / then
    with pytest.raises(CardDeclinedError) as caught:
        _gateway().charge_saved_card(
            idempotency_key="charge-x",
            customer_id="cus_1",
            payment_method_id=DECLINED_CARD,
            amount=1000,
            currency="CAD",
            metadata={},
        )
    assert caught.value.message == "Your card was declined."
    assert caught.value.payment_intent_id.startswith("pi_")


def test_a_signed_event_is_verified(stripe_api: StripeFake) -> None:
    # given
    body, header = signed_event("payment_intent.succeeded", {"id": "pi_1"})
    # when
    event = _gateway().verify_event(body, header)
    # then
    assert (event.id, event.type, dict(event.data)) == (
        "evt_test_1",
        "payment_intent.succeeded",
        {"id": "pi_1"},
    )


@pytest.mark.parametrize(
    "header",
    ["", "t=1,v1=deadbeef", "garbage"],
    ids=["missing", "wrong", "malformed"],
)
def test_a_bad_signature_is_refused(stripe_api: StripeFake, header: str) -> None:
    body, _ = signed_event("payment_intent.succeeded", {"id": "pi_1"})
    with pytest.raises(SignatureError):
        _gateway().verify_event(body, header)


def test_a_signature_with_another_secret_is_refused(stripe_api: StripeFake) -> None:
    body, header = signed_event("x.y", {"id": "pi_1"}, secret="whsec_other")
    assert TEST_WEBHOOK_SECRET != "whsec_other"
    with pytest.raises(SignatureError):
        _gateway().verify_event(body, header)
