"""Online card payments through Stripe: Checkout, cards on file, refunds to
the card, and the webhook that tells us what happened.

Money is recorded only through the payment services (`take_payment`,
`refund_payment`), keyed by Stripe's own ids: a payment by its PaymentIntent
id, a refund by its refund id. Whichever of Stripe's events arrives first
records it, the others find it already there, so replays and events out of
order end in the same state. A refund event that arrives before its payment
is kept (pending) and applied when the payment is recorded.

Every request that creates something at Stripe carries an idempotency key
made from our row's id ("checkout-<attempt>", "charge-<attempt>",
"refund-<refund>", "customer-<patient>").
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from practica.audit.services import record_change
from practica.billing.errors import BillingError
from practica.billing.gateways.stripe import (
    CardDeclinedError,
    GatewayError,
    StripeGateway,
    WebhookEvent,
    from_minor,
    get_stripe_gateway,
    to_minor,
)
from practica.billing.models import (
    Invoice,
    OnlinePaymentAttempt,
    Payment,
    Refund,
    SavedCard,
    StripeCustomer,
    StripeEvent,
)
from practica.billing.selectors import invoice_balance, payment_refundable
from practica.billing.services.payments import refund_payment, take_payment
from practica.core.money import ZERO, has_valid_places
from practica.patients.models import Patient
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic
from practica.tenancy.permissions import BILLING_EDIT, BILLING_VIEW

logger = logging.getLogger(__name__)

NOT_SET_UP = "Online card payments are not set up."
CONSENT_MAX = 500
REASON_MAX = 200


class OnlinePaymentError(BillingError):
    """An online card payment was refused; nothing was charged or kept
    (except the record of a failed attempt)."""


def online_payments_enabled() -> bool:
    return get_stripe_gateway() is not None


def _require_gateway() -> StripeGateway:
    gateway = get_stripe_gateway()
    if gateway is None:
        raise OnlinePaymentError(NOT_SET_UP)
    return gateway


def _check_same_clinic(actor: Actor, clinic_id: int) -> None:
    if clinic_id != actor.clinic.pk:
        raise OnlinePaymentError("This record belongs to another clinic.")


def _metadata(attempt: OnlinePaymentAttempt) -> dict[str, str]:
    """Our ids only: Stripe never receives a patient's name."""
    data = {
        "practica_clinic_id": str(attempt.clinic_id),
        "practica_attempt_id": str(attempt.pk),
    }
    if attempt.invoice_id is not None:
        data["practica_invoice_id"] = str(attempt.invoice_id)
    return data


def _clean_consent(consent_text: str) -> str:
    text = consent_text.strip()
    if not text:
        raise OnlinePaymentError(
            "Record the patient's consent before keeping the card on file.",
            field="consent",
        )
    if len(text) > CONSENT_MAX:
        raise OnlinePaymentError(
            f"The consent text is longer than {CONSENT_MAX} characters.",
            field="consent",
        )
    return text


def _amount_due(actor: Actor, invoice: Invoice) -> Decimal:
    _check_same_clinic(actor, invoice.clinic_id)
    if invoice.status not in Invoice.OPEN_STATUSES:
        raise OnlinePaymentError(
            "Only an issued, unpaid invoice can be paid online.", field="invoice"
        )
    due = invoice_balance(actor=actor, invoice=invoice)
    if due <= ZERO:
        raise OnlinePaymentError("Nothing is owed on this invoice.", field="invoice")
    return due


def _ensure_customer(
    *, actor: Actor, patient: Patient, gateway: StripeGateway
) -> StripeCustomer:
    existing = StripeCustomer.objects.filter(
        clinic=actor.clinic, patient=patient
    ).first()
    if existing is not None:
        return existing
    try:
        customer_id = gateway.create_customer(
            idempotency_key=f"customer-{patient.pk}",
            metadata={
                "practica_clinic_id": str(actor.clinic.pk),
                "practica_patient_id": str(patient.pk),
            },
        )
    except GatewayError as error:
        raise OnlinePaymentError(f"Stripe: {error}") from error
    # The key makes a concurrent request answer the same customer id.
    customer, _ = StripeCustomer.objects.get_or_create(
        clinic=actor.clinic, patient=patient, defaults={"customer_id": customer_id}
    )
    return customer


def _new_attempt(
    *,
    actor: Actor,
    patient: Patient,
    invoice: Invoice | None,
    purpose: str,
    channel: str,
    amount: Decimal | None,
    currency: str,
    consent_text: str = "",
    card: SavedCard | None = None,
) -> OnlinePaymentAttempt:
    with transaction.atomic():
        attempt = OnlinePaymentAttempt.objects.create(
            clinic=actor.clinic,
            patient=patient,
            invoice=invoice,
            purpose=purpose,
            channel=channel,
            amount=amount,
            currency=currency,
            save_card=bool(consent_text),
            consent_text=consent_text,
            consented_at=timezone.now() if consent_text else None,
            consent_recorded_by=actor.user if consent_text else None,
            card=card,
            started_by=actor.user,
        )
        record_change(actor=actor, action="create", obj=attempt, patient_id=patient.pk)
    return attempt


def _fail(attempt: OnlinePaymentAttempt, message: str, intent_id: str = "") -> None:
    attempt.status = OnlinePaymentAttempt.Status.FAILED
    attempt.failure_message = message[:200]
    fields = ["status", "failure_message", "updated_at"]
    if intent_id and not attempt.payment_intent_id:
        attempt.payment_intent_id = intent_id
        fields.append("payment_intent_id")
    attempt.save(update_fields=fields)
    logger.info("billing.online_attempt_failed", extra={"attempt_id": str(attempt.pk)})


def start_invoice_checkout(
    *,
    actor: Actor,
    invoice: Invoice,
    success_url: str,
    cancel_url: str,
    consent_text: str = "",
    save_card: bool = False,
) -> OnlinePaymentAttempt:
    """A Stripe Checkout Session for the invoice's balance; the attempt holds
    its URL. With `save_card`, the patient's consent is recorded first."""
    gateway = _require_gateway()
    due = _amount_due(actor, invoice)
    consent = _clean_consent(consent_text) if save_card else ""
    patient = invoice.patient
    customer = _ensure_customer(actor=actor, patient=patient, gateway=gateway)
    attempt = _new_attempt(
        actor=actor,
        patient=patient,
        invoice=invoice,
        purpose=OnlinePaymentAttempt.Purpose.PAY,
        channel=OnlinePaymentAttempt.Channel.CHECKOUT,
        amount=due,
        currency=invoice.currency,
        consent_text=consent,
    )
    try:
        session = gateway.create_payment_session(
            idempotency_key=f"checkout-{attempt.pk}",
            customer_id=customer.customer_id,
            amount=to_minor(due, invoice.currency),
            currency=invoice.currency,
            description=f"Invoice {invoice.number}",
            metadata=_metadata(attempt),
            save_card=bool(consent),
            success_url=success_url,
            cancel_url=cancel_url,
        )
    except GatewayError as error:
        _fail(attempt, str(error))
        raise OnlinePaymentError(f"Stripe: {error}") from error
    return _opened(attempt, session.id, session.url)


def start_card_setup(
    *,
    actor: Actor,
    patient: Patient,
    consent_text: str,
    success_url: str,
    cancel_url: str,
    currency: str = "CAD",
) -> OnlinePaymentAttempt:
    """A Stripe Checkout Session (mode setup) that saves a card on file, with
    the patient's consent recorded before Stripe is asked."""
    gateway = _require_gateway()
    _check_same_clinic(actor, patient.clinic_id)
    consent = _clean_consent(consent_text)
    customer = _ensure_customer(actor=actor, patient=patient, gateway=gateway)
    attempt = _new_attempt(
        actor=actor,
        patient=patient,
        invoice=None,
        purpose=OnlinePaymentAttempt.Purpose.SAVE_CARD,
        channel=OnlinePaymentAttempt.Channel.CHECKOUT,
        amount=None,
        currency=currency,
        consent_text=consent,
    )
    try:
        session = gateway.create_setup_session(
            idempotency_key=f"setup-{attempt.pk}",
            customer_id=customer.customer_id,
            currency=currency,
            metadata=_metadata(attempt),
            success_url=success_url,
            cancel_url=cancel_url,
        )
    except GatewayError as error:
        _fail(attempt, str(error))
        raise OnlinePaymentError(f"Stripe: {error}") from error
    return _opened(attempt, session.id, session.url)


def _opened(
    attempt: OnlinePaymentAttempt, session_id: str, url: str
) -> OnlinePaymentAttempt:
    attempt.session_id = session_id
    attempt.session_url = url[:500]
    attempt.status = OnlinePaymentAttempt.Status.OPEN
    attempt.save(update_fields=["session_id", "session_url", "status", "updated_at"])
    logger.info(
        "billing.online_checkout_started", extra={"attempt_id": str(attempt.pk)}
    )
    return attempt


def charge_card_on_file(
    *, actor: Actor, invoice: Invoice, card: SavedCard, amount: Decimal
) -> Payment:
    """Charge a saved card now (the patient away) and record the payment at
    once, applied to the invoice; any excess becomes account credit. A decline
    keeps only the failed attempt."""
    gateway = _require_gateway()
    _amount_due(actor, invoice)
    _check_same_clinic(actor, card.clinic_id)
    if card.patient_id != invoice.patient_id or not card.is_active:
        raise OnlinePaymentError(
            "Choose a card on file of this invoice's patient.", field="card"
        )
    if amount <= ZERO or not has_valid_places(amount, invoice.currency):
        raise OnlinePaymentError(
            "Enter a positive amount in dollars and cents.", field="amount"
        )
    customer = card.customer
    attempt = _new_attempt(
        actor=actor,
        patient=invoice.patient,
        invoice=invoice,
        purpose=OnlinePaymentAttempt.Purpose.PAY,
        channel=OnlinePaymentAttempt.Channel.CARD_ON_FILE,
        amount=amount,
        currency=invoice.currency,
        card=card,
    )
    try:
        charge = gateway.charge_saved_card(
            idempotency_key=f"charge-{attempt.pk}",
            customer_id=customer.customer_id,
            payment_method_id=card.payment_method_id,
            amount=to_minor(amount, invoice.currency),
            currency=invoice.currency,
            metadata=_metadata(attempt),
        )
    except CardDeclinedError as error:
        _fail(attempt, error.message, error.payment_intent_id)
        raise OnlinePaymentError(
            f"The card was declined: {error.message}", field="card"
        ) from error
    except GatewayError as error:
        _fail(attempt, str(error))
        raise OnlinePaymentError(f"Stripe: {error}") from error
    if charge.status != "succeeded":
        _fail(attempt, "The bank asks the patient to confirm this payment.")
        raise OnlinePaymentError(
            "The bank asks the patient to confirm this payment; send a payment "
            "link instead.",
            field="card",
        )
    return _settle(
        actor=actor,
        attempt=attempt,
        payment_intent_id=charge.payment_intent_id,
        amount=from_minor(charge.amount_received, invoice.currency),
    )


def refund_to_card(
    *, actor: Actor, payment: Payment, amount: Decimal, reason: str
) -> Refund:
    """Send part or all of an online card payment back to the card. Checked
    against what is still refundable before Stripe is called."""
    _check_same_clinic(actor, payment.clinic_id)
    if payment.method != Payment.Method.CARD_ONLINE or not payment.external_id:
        raise OnlinePaymentError(
            "Only a payment made by card online can go back to the card.",
            field="payment",
        )
    reason = reason.strip()
    if not reason:
        raise OnlinePaymentError("Say why the money is refunded.", field="reason")
    if amount <= ZERO or not has_valid_places(amount, "CAD"):
        raise OnlinePaymentError(
            "Enter a positive amount in dollars and cents.", field="amount"
        )
    refundable = payment_refundable(actor=actor, payment=payment)
    if amount > refundable:
        raise OnlinePaymentError(
            f"At most {refundable} can still be refunded from this payment.",
            field="amount",
        )
    gateway = _require_gateway()
    intent_id = payment.external_id

    def send(refund: Refund) -> str:
        return gateway.refund(
            idempotency_key=f"refund-{refund.pk}",
            payment_intent_id=intent_id,
            amount=to_minor(refund.amount, "CAD"),
            metadata={
                "practica_clinic_id": str(refund.clinic_id),
                "practica_refund_id": str(refund.pk),
            },
        )

    try:
        return refund_payment(
            actor=actor,
            payment=payment,
            amount=amount,
            method=Refund.Method.ORIGINAL,
            reason=reason[:REASON_MAX],
            send=send,
        )
    except GatewayError as error:
        raise OnlinePaymentError(f"Stripe: {error}") from error


def remove_saved_card(*, actor: Actor, card: SavedCard) -> SavedCard:
    """Stop offering a card on file; the row and its consent are kept."""
    _check_same_clinic(actor, card.clinic_id)
    if card.removed_at is not None:
        return card
    with transaction.atomic():
        card.removed_at = timezone.now()
        card.save(update_fields=["removed_at", "updated_at"])
        record_change(
            actor=actor, action="remove", obj=card, patient_id=card.patient_id
        )
    return card


# Recording what Stripe says happened


def _settle(
    *,
    actor: Actor,
    attempt: OnlinePaymentAttempt,
    payment_intent_id: str,
    amount: Decimal,
) -> Payment:
    """Record the payment of a PaymentIntent once, applied to the attempt's
    invoice as far as it is still owed (the rest is account credit)."""
    with transaction.atomic():
        locked = OnlinePaymentAttempt.objects.select_for_update().get(
            clinic=actor.clinic, pk=attempt.pk
        )
        payment = Payment.objects.filter(
            clinic=actor.clinic, external_id=payment_intent_id
        ).first()
        if payment is None:
            payment = _take(
                actor=actor,
                attempt=locked,
                payment_intent_id=payment_intent_id,
                amount=amount,
            )
        locked.payment_intent_id = payment_intent_id
        locked.payment = payment
        locked.status = OnlinePaymentAttempt.Status.SUCCEEDED
        locked.failure_message = ""
        locked.save(
            update_fields=[
                "payment_intent_id",
                "payment",
                "status",
                "failure_message",
                "updated_at",
            ]
        )
        _apply_pending_refunds(actor=actor, payment=payment)
    logger.info(
        "billing.online_payment_recorded", extra={"payment_id": str(payment.pk)}
    )
    return payment


def _take(
    *,
    actor: Actor,
    attempt: OnlinePaymentAttempt,
    payment_intent_id: str,
    amount: Decimal,
) -> Payment:
    invoice = attempt.invoice
    allocations: list[tuple[Invoice, Decimal]] = []
    if invoice is not None and invoice.status in Invoice.OPEN_STATUSES:
        due = invoice_balance(actor=actor, invoice=invoice)
        if due > ZERO:
            allocations = [(invoice, min(due, amount))]
    arguments: dict[str, Any] = {
        "actor": actor,
        "patient": attempt.patient,
        "method": Payment.Method.CARD_ONLINE,
        "amount": amount,
        "reference": f"Stripe {payment_intent_id}"[:80],
        "external_id": payment_intent_id,
        "invoice": invoice,
    }
    try:
        return take_payment(allocations=allocations, **arguments)
    except BillingError:
        # The invoice changed meanwhile (paid, voided): the money is received
        # all the same, so it is kept whole as account credit.
        return take_payment(allocations=[], **arguments)


def _save_card(
    *,
    actor: Actor,
    attempt: OnlinePaymentAttempt,
    payment_method_id: str,
    gateway: StripeGateway,
) -> SavedCard | None:
    """Keep the card used by the attempt, only if consent was recorded."""
    if not attempt.consent_text or not payment_method_id:
        return None
    existing = SavedCard.objects.filter(
        clinic=actor.clinic, payment_method_id=payment_method_id
    ).first()
    if existing is not None:
        return existing
    customer = StripeCustomer.objects.filter(
        clinic=actor.clinic, patient_id=attempt.patient_id
    ).first()
    if customer is None:
        return None
    details = gateway.card_details(payment_method_id)
    with transaction.atomic():
        card = SavedCard.objects.create(
            clinic=actor.clinic,
            patient_id=attempt.patient_id,
            customer=customer,
            payment_method_id=payment_method_id,
            brand=details.brand[:20],
            last4=details.last4[:4],
            exp_month=details.exp_month,
            exp_year=details.exp_year,
            consent_text=attempt.consent_text,
            consented_at=attempt.consented_at or timezone.now(),
            consent_recorded_by=attempt.consent_recorded_by,
        )
        attempt.card = card
        fields = ["card", "updated_at"]
        if attempt.purpose == OnlinePaymentAttempt.Purpose.SAVE_CARD:
            attempt.status = OnlinePaymentAttempt.Status.SUCCEEDED
            fields.append("status")
        attempt.save(update_fields=fields)
        record_change(
            actor=actor, action="create", obj=card, patient_id=attempt.patient_id
        )
    logger.info("billing.card_saved", extra={"card_id": str(card.pk)})
    return card


def _record_stripe_refund(
    *, actor: Actor, payment: Payment, refund_id: str, amount: Decimal
) -> None:
    """A refund Stripe made (from its dashboard, or ours seen again)."""
    if Refund.objects.filter(clinic=actor.clinic, external_id=refund_id).exists():
        return
    refund_payment(
        actor=actor,
        payment=payment,
        amount=amount,
        method=Refund.Method.ORIGINAL,
        reason="Refunded in Stripe",
        external_id=refund_id,
    )


def _refunds_in(event_type: str, data: Mapping[str, Any]) -> list[tuple[str, int]]:
    """(refund id, amount in cents) of the refunds an event reports."""
    if event_type.startswith("refund."):
        if data.get("status") in {"succeeded", "pending"}:
            return [(str(data["id"]), int(data["amount"]))]
        return []
    refunds = data.get("refunds")
    listed = refunds.get("data") if isinstance(refunds, dict) else None
    return [
        (str(r["id"]), int(r["amount"]))
        for r in listed or []
        if r.get("status") in {"succeeded", "pending"}
    ]


def _apply_pending_refunds(*, actor: Actor, payment: Payment) -> None:
    pending = StripeEvent.objects.select_for_update().filter(
        payment_intent_id=payment.external_id, outcome=StripeEvent.Outcome.PENDING
    )
    for event in pending:
        currency = str((event.payload or {}).get("currency", "cad"))
        for refund_id, minor in _refunds_in(event.type, event.payload or {}):
            _record_stripe_refund(
                actor=actor,
                payment=payment,
                refund_id=refund_id,
                amount=from_minor(minor, currency),
            )
        event.outcome = StripeEvent.Outcome.PROCESSED
        event.clinic = actor.clinic
        event.payload = None
        event.save(update_fields=["outcome", "clinic", "payload", "updated_at"])


def _system_actor(clinic: Clinic) -> Actor:
    return Actor.system(clinic, frozenset({BILLING_VIEW, BILLING_EDIT}))


def _attempt_for(data: Mapping[str, Any], **lookup: str) -> OnlinePaymentAttempt | None:
    """The attempt an object names in its metadata (clinic and attempt ids
    must both match), else the one holding the given Stripe id.

    The webhook has no tenant: this lookup by Stripe's ids (unique across all
    of Stripe) is how an event finds its clinic."""
    attempts = OnlinePaymentAttempt.objects.select_related(
        "clinic", "patient", "invoice"
    )
    metadata = data.get("metadata")
    if isinstance(metadata, dict):
        try:
            attempt_id = uuid.UUID(str(metadata.get("practica_attempt_id", "")))
            clinic_id = int(str(metadata.get("practica_clinic_id", "")))
        except ValueError:
            pass
        else:
            found = attempts.filter(pk=attempt_id, clinic_id=clinic_id).first()
            if found is not None:
                return found
    lookup = {k: v for k, v in lookup.items() if v}
    return attempts.filter(**lookup).first() if lookup else None


def _id(value: object) -> str:
    if isinstance(value, dict):
        return str(value.get("id") or "")
    return str(value or "")


def record_stripe_event(*, event: WebhookEvent, gateway: StripeGateway) -> str:
    """Apply one verified webhook event, once. Returns its outcome
    ("replay" when the event was seen before; nothing is changed then)."""
    try:
        with transaction.atomic():
            # Inserted first: a concurrent delivery of the same event waits on
            # this row, then fails on the unique id and changes nothing.
            row = StripeEvent.objects.create(
                event_id=event.id[:80],
                type=event.type[:60],
                outcome=StripeEvent.Outcome.IGNORED,
            )
            outcome, clinic, intent_id = _dispatch(event, gateway)
            row.outcome = outcome
            row.clinic = clinic
            row.payment_intent_id = intent_id[:80]
            row.payload = (
                dict(event.data) if outcome == StripeEvent.Outcome.PENDING else None
            )
            row.save()
    except IntegrityError:
        if StripeEvent.objects.filter(event_id=event.id[:80]).exists():
            logger.info("billing.stripe_event_replayed", extra={"event_id": event.id})
            return "replay"
        raise
    logger.info(
        "billing.stripe_event_done",
        extra={"event_id": event.id, "outcome": outcome},
    )
    return str(outcome)


Dispatched = tuple[str, Clinic | None, str]


def _dispatch(event: WebhookEvent, gateway: StripeGateway) -> Dispatched:
    data = event.data
    if event.type == "checkout.session.completed":
        return _on_session_completed(data, gateway)
    if event.type == "payment_intent.succeeded":
        return _on_intent_succeeded(data, gateway)
    if event.type == "payment_intent.payment_failed":
        return _on_intent_failed(data)
    if event.type == "setup_intent.succeeded":
        return _on_setup_succeeded(data, gateway)
    if event.type == "charge.refunded" or event.type.startswith("refund."):
        return _on_refund(event.type, data)
    return StripeEvent.Outcome.IGNORED, None, ""


def _on_session_completed(
    data: Mapping[str, Any], gateway: StripeGateway
) -> Dispatched:
    attempt = _attempt_for(data, session_id=_id(data.get("id")))
    if attempt is None:
        return StripeEvent.Outcome.IGNORED, None, ""
    actor = _system_actor(attempt.clinic)
    if attempt.purpose == OnlinePaymentAttempt.Purpose.SAVE_CARD:
        setup_id = _id(data.get("setup_intent"))
        if setup_id:
            _save_card(
                actor=actor,
                attempt=attempt,
                payment_method_id=gateway.payment_method_of_setup(setup_id),
                gateway=gateway,
            )
        return StripeEvent.Outcome.PROCESSED, attempt.clinic, ""
    intent_id = _id(data.get("payment_intent"))
    if data.get("payment_status") != "paid" or not intent_id:
        return StripeEvent.Outcome.PROCESSED, attempt.clinic, intent_id
    _settle(
        actor=actor,
        attempt=attempt,
        payment_intent_id=intent_id,
        amount=from_minor(int(data["amount_total"]), str(data.get("currency", "cad"))),
    )
    if attempt.consent_text and attempt.card_id is None:
        _save_card(
            actor=actor,
            attempt=attempt,
            payment_method_id=gateway.payment_method_of_intent(intent_id),
            gateway=gateway,
        )
    return StripeEvent.Outcome.PROCESSED, attempt.clinic, intent_id


def _on_intent_succeeded(data: Mapping[str, Any], gateway: StripeGateway) -> Dispatched:
    intent_id = _id(data.get("id"))
    attempt = _attempt_for(data, payment_intent_id=intent_id)
    if attempt is None:
        return StripeEvent.Outcome.IGNORED, None, intent_id
    actor = _system_actor(attempt.clinic)
    _settle(
        actor=actor,
        attempt=attempt,
        payment_intent_id=intent_id,
        amount=from_minor(
            int(data["amount_received"]), str(data.get("currency", "cad"))
        ),
    )
    _save_card(
        actor=actor,
        attempt=attempt,
        payment_method_id=_id(data.get("payment_method")),
        gateway=gateway,
    )
    return StripeEvent.Outcome.PROCESSED, attempt.clinic, intent_id


def _on_intent_failed(data: Mapping[str, Any]) -> Dispatched:
    intent_id = _id(data.get("id"))
    attempt = _attempt_for(data, payment_intent_id=intent_id)
    if attempt is None:
        return StripeEvent.Outcome.IGNORED, None, intent_id
    if attempt.status != OnlinePaymentAttempt.Status.SUCCEEDED:
        error = data.get("last_payment_error")
        message = error.get("message") if isinstance(error, dict) else None
        _fail(attempt, str(message or "The payment failed."))
    return StripeEvent.Outcome.PROCESSED, attempt.clinic, intent_id


def _on_setup_succeeded(data: Mapping[str, Any], gateway: StripeGateway) -> Dispatched:
    attempt = _attempt_for(data, setup_intent_id=_id(data.get("id")))
    if attempt is None:
        return StripeEvent.Outcome.IGNORED, None, ""
    _save_card(
        actor=_system_actor(attempt.clinic),
        attempt=attempt,
        payment_method_id=_id(data.get("payment_method")),
        gateway=gateway,
    )
    return StripeEvent.Outcome.PROCESSED, attempt.clinic, ""


def _on_refund(event_type: str, data: Mapping[str, Any]) -> Dispatched:
    intent_id = _id(data.get("payment_intent"))
    if not intent_id:
        return StripeEvent.Outcome.IGNORED, None, ""
    # Stripe's PaymentIntent ids are unique across all accounts.
    payment = (
        Payment.objects.select_related("clinic")
        .filter(external_id=intent_id, method=Payment.Method.CARD_ONLINE)
        .first()
    )
    if payment is None:
        # Its payment is not recorded yet: kept, and applied when it is.
        return StripeEvent.Outcome.PENDING, None, intent_id
    actor = _system_actor(payment.clinic)
    currency = str(data.get("currency", "cad"))
    for refund_id, minor in _refunds_in(event_type, data):
        _record_stripe_refund(
            actor=actor,
            payment=payment,
            refund_id=refund_id,
            amount=from_minor(minor, currency),
        )
    return StripeEvent.Outcome.PROCESSED, payment.clinic, intent_id
