"""A small interface over Stripe's API: the few calls billing makes.

Configured from settings (`STRIPE_SECRET_KEY`, `STRIPE_WEBHOOK_SECRET`,
`STRIPE_API_BASE`); `get_stripe_gateway()` answers None when no secret key is
set, and online card payments are then off. Every call that creates something
at Stripe (a customer, a Checkout Session, a charge, a refund) takes an
idempotency key derived from our own row's id, so a retried request (ours or
the library's) never creates a second one.

Amounts cross this boundary in the currency's smallest unit (cents), as
Stripe counts them; `to_minor` and `from_minor` convert.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import stripe
from django.conf import settings

from practica.core.money import CURRENCY_PLACES

# Our retries reuse the idempotency key, so Stripe answers the first result.
MAX_NETWORK_RETRIES = 2


class GatewayError(Exception):
    """Stripe could not be reached or refused the request (not the card)."""


class CardDeclinedError(GatewayError):
    """The card was declined; `message` is Stripe's text for staff."""

    def __init__(self, message: str, *, payment_intent_id: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.payment_intent_id = payment_intent_id


class SignatureError(Exception):
    """A webhook body whose signature (or JSON) does not check out."""


def to_minor(amount: Decimal, currency: str) -> int:
    places = CURRENCY_PLACES.get(currency.upper(), 2)
    return int(amount.scaleb(places))


def from_minor(amount: int, currency: str) -> Decimal:
    places = CURRENCY_PLACES.get(currency.upper(), 2)
    return Decimal(amount).scaleb(-places).quantize(Decimal(1).scaleb(-places))


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str


@dataclass(frozen=True)
class Charge:
    payment_intent_id: str
    status: str
    amount_received: int


@dataclass(frozen=True)
class CardDetails:
    payment_method_id: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int


@dataclass(frozen=True)
class WebhookEvent:
    """A verified event: its id, type and the object it is about (as JSON)."""

    id: str
    type: str
    data: Mapping[str, Any]


class StripeGateway:
    def __init__(self, *, secret_key: str, webhook_secret: str, api_base: str) -> None:
        self._client = stripe.StripeClient(
            secret_key,
            base_addresses={"api": api_base},
            max_network_retries=MAX_NETWORK_RETRIES,
        )
        self._webhook_secret = webhook_secret

    def create_customer(
        self, *, idempotency_key: str, metadata: Mapping[str, str]
    ) -> str:
        """A customer holding no personal details, only our ids."""
        try:
            customer = self._client.v1.customers.create(
                {"metadata": dict(metadata)},
                {"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as error:
            raise GatewayError(_safe_message(error)) from error
        return str(customer.id)

    def create_payment_session(
        self,
        *,
        idempotency_key: str,
        customer_id: str,
        amount: int,
        currency: str,
        description: str,
        metadata: Mapping[str, str],
        save_card: bool,
        success_url: str,
        cancel_url: str,
    ) -> CheckoutSession:
        intent_data: dict[str, Any] = {"metadata": dict(metadata)}
        if save_card:
            intent_data["setup_future_usage"] = "off_session"
        params: dict[str, Any] = {
            "mode": "payment",
            "customer": customer_id,
            "client_reference_id": metadata.get("practica_attempt_id", ""),
            "line_items": [
                {
                    "price_data": {
                        "currency": currency.lower(),
                        "unit_amount": amount,
                        "product_data": {"name": description},
                    },
                    "quantity": 1,
                }
            ],
            "payment_intent_data": intent_data,
            "metadata": dict(metadata),
            "success_url": success_url,
            "cancel_url": cancel_url,
        }
        return self._create_session(params, idempotency_key)

    def create_setup_session(
        self,
        *,
        idempotency_key: str,
        customer_id: str,
        currency: str,
        metadata: Mapping[str, str],
        success_url: str,
        cancel_url: str,
    ) -> CheckoutSession:
        params: dict[str, Any] = {
            "mode": "setup",
            "customer": customer_id,
            "currency": currency.lower(),
            "payment_method_types": ["card"],
            "client_reference_id": metadata.get("practica_attempt_id", ""),
            "setup_intent_data": {"metadata": dict(metadata)},
            "metadata": dict(metadata),
            "success_url": success_url,
            "cancel_url": cancel_url,
        }
        return self._create_session(params, idempotency_key)

    def _create_session(
        self, params: dict[str, Any], idempotency_key: str
    ) -> CheckoutSession:
        try:
            session = self._client.v1.checkout.sessions.create(
                params,  # type: ignore[arg-type]  # built above from the documented fields
                {"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as error:
            raise GatewayError(_safe_message(error)) from error
        return CheckoutSession(id=str(session.id), url=str(session.url or ""))

    def charge_saved_card(
        self,
        *,
        idempotency_key: str,
        customer_id: str,
        payment_method_id: str,
        amount: int,
        currency: str,
        metadata: Mapping[str, str],
    ) -> Charge:
        """Charge a saved card with the patient away (off session)."""
        try:
            intent = self._client.v1.payment_intents.create(
                {
                    "amount": amount,
                    "currency": currency.lower(),
                    "customer": customer_id,
                    "payment_method": payment_method_id,
                    "off_session": True,
                    "confirm": True,
                    "metadata": dict(metadata),
                },
                {"idempotency_key": idempotency_key},
            )
        except stripe.CardError as error:
            raise CardDeclinedError(
                _safe_message(error), payment_intent_id=_error_intent_id(error)
            ) from error
        except stripe.StripeError as error:
            raise GatewayError(_safe_message(error)) from error
        return Charge(
            payment_intent_id=str(intent.id),
            status=str(intent.status),
            amount_received=int(intent.amount_received or 0),
        )

    def refund(
        self,
        *,
        idempotency_key: str,
        payment_intent_id: str,
        amount: int,
        metadata: Mapping[str, str],
    ) -> str:
        """Refund part or all of a payment to its card; Stripe's refund id."""
        try:
            refund = self._client.v1.refunds.create(
                {
                    "payment_intent": payment_intent_id,
                    "amount": amount,
                    "metadata": dict(metadata),
                },
                {"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as error:
            raise GatewayError(_safe_message(error)) from error
        return str(refund.id)

    def payment_method_of_intent(self, payment_intent_id: str) -> str:
        try:
            intent = self._client.v1.payment_intents.retrieve(payment_intent_id)
        except stripe.StripeError as error:
            raise GatewayError(_safe_message(error)) from error
        return _id_of(intent.payment_method)

    def payment_method_of_setup(self, setup_intent_id: str) -> str:
        try:
            intent = self._client.v1.setup_intents.retrieve(setup_intent_id)
        except stripe.StripeError as error:
            raise GatewayError(_safe_message(error)) from error
        return _id_of(intent.payment_method)

    def card_details(self, payment_method_id: str) -> CardDetails:
        try:
            method = self._client.v1.payment_methods.retrieve(payment_method_id)
        except stripe.StripeError as error:
            raise GatewayError(_safe_message(error)) from error
        card = method.card
        if card is None:
            raise GatewayError("The payment method is not a card.")
        return CardDetails(
            payment_method_id=str(method.id),
            brand=str(card.brand),
            last4=str(card.last4),
            exp_month=int(card.exp_month),
            exp_year=int(card.exp_year),
        )

    def verify_event(self, payload: bytes, signature: str) -> WebhookEvent:
        """The event in a webhook body, once its signature checks out."""
        try:
            stripe.WebhookSignature.verify_header(
                payload.decode("utf-8"), signature, self._webhook_secret
            )
            body = json.loads(payload)
        except (stripe.SignatureVerificationError, ValueError) as error:
            raise SignatureError(str(error)) from error
        if not isinstance(body, dict):
            raise SignatureError("The event is not a JSON object.")
        data = body.get("data")
        obj = data.get("object") if isinstance(data, dict) else None
        if not isinstance(obj, dict) or not isinstance(body.get("id"), str):
            raise SignatureError("The event has no id or object.")
        return WebhookEvent(id=body["id"], type=str(body.get("type", "")), data=obj)


def _id_of(value: object) -> str:
    """An expandable field's id (Stripe sends an id or the object)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return str(getattr(value, "id", ""))


def _error_intent_id(error: stripe.StripeError) -> str:
    body = error.json_body if isinstance(error.json_body, dict) else {}
    details = body.get("error", {})
    intent = details.get("payment_intent") if isinstance(details, dict) else None
    if isinstance(intent, dict):
        return str(intent.get("id", ""))
    return ""


def _safe_message(error: stripe.StripeError) -> str:
    """Stripe's user-facing message; it names the card problem, never the
    patient (we never send Stripe a name)."""
    return str(error.user_message or "The card processor refused the request.")


def get_stripe_gateway() -> StripeGateway | None:
    """The configured gateway, or None when online card payments are off."""
    secret_key = getattr(settings, "STRIPE_SECRET_KEY", "")
    if not secret_key:
        return None
    return StripeGateway(
        secret_key=secret_key,
        webhook_secret=getattr(settings, "STRIPE_WEBHOOK_SECRET", ""),
        api_base=getattr(settings, "STRIPE_API_BASE", "https://api.stripe.com"),
    )
