"""Online card payments end to end: pages, services and webhooks against the
local Stripe fake (the real `stripe` library, real signatures)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from practica.billing.models import (
    Invoice,
    OnlinePaymentAttempt,
    Payment,
    Refund,
    SavedCard,
    StripeEvent,
)
from practica.billing.selectors import invoice_balance
from practica.billing.services.online import (
    OnlinePaymentError,
    charge_card_on_file,
    refund_to_card,
)
from practica.billing.tests.factories import make_invoice
from practica.billing.tests.factories_stripe import make_saved_card
from practica.billing.tests.stripe_fake import DECLINED_CARD, StripeFake, signed_event
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import BILLING, PROVIDER
from practica.tenancy.tests.factories import make_member, system_actor_for

WEBHOOK = "/billing/stripe/webhook/"
Post = Callable[..., int]


def _deliver(client: Client, event_type: str, obj: dict, event_id: str) -> int:
    body, header = signed_event(event_type, obj, event_id=event_id)
    response = client.post(
        WEBHOOK, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )
    return response.status_code


@pytest.fixture
def billing_client(clinic: Clinic) -> Client:
    client = Client()
    client.force_login(make_member(clinic, [BILLING]).user)
    return client


def _start_checkout(client: Client, invoice: Invoice, **data: str) -> str:
    url = reverse("billing:invoice-online-checkout", kwargs={"invoice_id": invoice.pk})
    response = client.post(url, data)
    assert response.status_code == 302
    return str(response["Location"])


def test_pay_by_card_online_opens_checkout_for_the_balance(
    stripe_api: StripeFake, clinic: Clinic, billing_client: Client
) -> None:
    # given an invoice of 100.00
    invoice = make_invoice(clinic)
    # when
    location = _start_checkout(billing_client, invoice)
    # then
    attempt = OnlinePaymentAttempt.objects.get(invoice=invoice)
    assert location == attempt.session_url
    assert attempt.status == OnlinePaymentAttempt.Status.OPEN
    assert attempt.amount == Decimal("100.00")
    (call,) = stripe_api.calls("POST", "/v1/checkout/sessions")
    assert call.idempotency_key == f"checkout-{attempt.pk}"
    assert call.form["line_items[0][price_data][unit_amount]"] == "10000"
    assert call.form["metadata[practica_attempt_id]"] == str(attempt.pk)
    assert "payment_intent_data[setup_future_usage]" not in call.form
    assert stripe_api.calls("POST", "/v1/customers")[0].idempotency_key == (
        f"customer-{invoice.patient_id}"
    )


def test_saving_the_card_during_checkout_needs_consent(
    stripe_api: StripeFake, clinic: Clinic, billing_client: Client
) -> None:
    # given
    invoice = make_invoice(clinic)
    url = reverse("billing:invoice-online-checkout", kwargs={"invoice_id": invoice.pk})
    # when asking to save the card without the patient's consent
    response = billing_client.post(url, {"save_card": "on", "consent": "ok"})
    # then
    assert response.status_code == 422
    assert "Record the patient" in response.content.decode()
    assert not OnlinePaymentAttempt.objects.exists()
    assert stripe_api.calls("POST", "/v1/checkout/sessions") == []


def test_checkout_completed_records_the_payment_once_and_replay_changes_nothing(
    stripe_api: StripeFake, clinic: Clinic, billing_client: Client
) -> None:
    # given a checkout the patient completed, saving the card with consent
    invoice = make_invoice(clinic)
    _start_checkout(
        billing_client,
        invoice,
        save_card="on",
        consent="Keep my card on file.",
        consent_given="on",
    )
    attempt = OnlinePaymentAttempt.objects.get(invoice=invoice)
    session = stripe_api.complete_checkout(attempt.session_id)
    client = Client()
    # when the event arrives twice
    first = _deliver(client, "checkout.session.completed", session, "evt_1")
    second = _deliver(client, "checkout.session.completed", session, "evt_1")
    # then
    assert (first, second) == (200, 200)
    payment = Payment.objects.get()
    assert (payment.method, payment.amount, payment.external_id) == (
        Payment.Method.CARD_ONLINE,
        Decimal("100.00"),
        session["payment_intent"],
    )
    actor = system_actor_for(clinic)
    assert invoice_balance(actor=actor, invoice=invoice) == Decimal("0.00")
    card = SavedCard.objects.get()
    assert (card.last4, card.consent_text) == ("4242", "Keep my card on file.")
    assert StripeEvent.objects.filter(event_id="evt_1").count() == 1


def test_intent_succeeded_before_session_completed_ends_the_same(
    stripe_api: StripeFake, clinic: Clinic, billing_client: Client
) -> None:
    # given
    invoice = make_invoice(clinic)
    _start_checkout(billing_client, invoice)
    attempt = OnlinePaymentAttempt.objects.get(invoice=invoice)
    session = stripe_api.complete_checkout(attempt.session_id)
    intent = stripe_api.public(stripe_api.objects[session["payment_intent"]])
    client = Client()
    # when the events arrive out of order
    _deliver(client, "payment_intent.succeeded", intent, "evt_a")
    _deliver(client, "checkout.session.completed", session, "evt_b")
    # then one payment, the invoice paid, no card kept (no consent)
    assert Payment.objects.count() == 1
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PAID
    assert not SavedCard.objects.exists()


@pytest.mark.parametrize(
    ("body", "header"),
    [
        (b'{"id": "evt_x"}', ""),
        (b'{"id": "evt_x"}', "t=1,v1=00"),
        (b"not json", None),
    ],
    ids=["missing-signature", "bad-signature", "bad-json"],
)
def test_a_bad_webhook_is_refused_and_changes_nothing(
    stripe_api: StripeFake, clinic: Clinic, body: bytes, header: str | None
) -> None:
    # given a body signed properly only for the bad-JSON case
    if header is None:
        _, header = signed_event("x", {})
        header = header.replace(header.split("v1=")[1], "0" * 64)
    # when
    response = Client().post(
        WEBHOOK, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )
    # then
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_an_event_about_nothing_of_ours_is_answered_200(
    stripe_api: StripeFake, db: None
) -> None:
    status = _deliver(
        Client(),
        "payment_intent.succeeded",
        {"id": "pi_elsewhere", "amount_received": 500, "metadata": {}},
        "evt_other",
    )
    assert status == 200
    assert StripeEvent.objects.get().outcome == StripeEvent.Outcome.IGNORED
    assert not Payment.objects.exists()


def test_charge_card_on_file_records_the_payment_at_once_excess_as_credit(
    stripe_api: StripeFake, clinic: Clinic, system_actor: Actor
) -> None:
    # given a 100.00 invoice and a card on file
    invoice = make_invoice(clinic)
    card = make_saved_card(clinic, patient=invoice.patient)
    # when charging 120.00
    payment = charge_card_on_file(
        actor=system_actor, invoice=invoice, card=card, amount=Decimal("120.00")
    )
    # then
    attempt = OnlinePaymentAttempt.objects.get()
    (call,) = stripe_api.calls("POST", "/v1/payment_intents")
    assert call.idempotency_key == f"charge-{attempt.pk}"
    assert (call.form["off_session"], call.form["confirm"]) == ("true", "true")
    assert call.form["payment_method"] == card.payment_method_id
    assert (payment.amount, payment.external_id) == (
        Decimal("120.00"),
        attempt.payment_intent_id,
    )
    assert invoice_balance(actor=system_actor, invoice=invoice) == Decimal("0.00")


def test_a_declined_card_keeps_only_the_failed_attempt(
    stripe_api: StripeFake, clinic: Clinic, system_actor: Actor
) -> None:
    # given
    invoice = make_invoice(clinic)
    card = make_saved_card(
        clinic, patient=invoice.patient, payment_method_id=DECLINED_CARD
    )
    # when / then
    with pytest.raises(OnlinePaymentError) as caught:
        charge_card_on_file(
            actor=system_actor, invoice=invoice, card=card, amount=Decimal("100.00")
        )
    assert caught.value.message == "The card was declined: Your card was declined."
    assert caught.value.field == "card"
    attempt = OnlinePaymentAttempt.objects.get()
    assert attempt.status == OnlinePaymentAttempt.Status.FAILED
    assert not Payment.objects.exists()
    assert invoice_balance(actor=system_actor, invoice=invoice) == Decimal("100.00")


def _card_payment(clinic: Clinic, actor: Actor) -> Payment:
    invoice = make_invoice(clinic)
    card = make_saved_card(clinic, patient=invoice.patient)
    return charge_card_on_file(
        actor=actor, invoice=invoice, card=card, amount=Decimal("100.00")
    )


def test_refund_to_card_sends_the_refund_with_its_key(
    stripe_api: StripeFake, clinic: Clinic, system_actor: Actor
) -> None:
    # given
    payment = _card_payment(clinic, system_actor)
    # when
    refund = refund_to_card(
        actor=system_actor, payment=payment, amount=Decimal("30.00"), reason="Goodwill"
    )
    # then
    (call,) = stripe_api.calls("POST", "/v1/refunds")
    assert call.idempotency_key == f"refund-{refund.pk}"
    assert (call.form["amount"], call.form["payment_intent"]) == (
        "3000",
        payment.external_id,
    )
    assert refund.external_id.startswith("re_")
    assert refund.method == Refund.Method.ORIGINAL


def test_a_refund_above_what_is_refundable_is_refused_before_stripe(
    stripe_api: StripeFake, clinic: Clinic, system_actor: Actor
) -> None:
    # given
    payment = _card_payment(clinic, system_actor)
    # when / then
    with pytest.raises(OnlinePaymentError) as caught:
        refund_to_card(
            actor=system_actor,
            payment=payment,
            amount=Decimal("100.01"),
            reason="Too much",
        )
    assert caught.value.field == "amount"
    assert stripe_api.calls("POST", "/v1/refunds") == []
    assert not Refund.objects.exists()


def test_a_dashboard_refund_before_its_payment_is_applied_once_paid(
    stripe_api: StripeFake, clinic: Clinic, billing_client: Client
) -> None:
    # given a completed checkout whose refund event arrives first
    invoice = make_invoice(clinic)
    _start_checkout(billing_client, invoice)
    attempt = OnlinePaymentAttempt.objects.get(invoice=invoice)
    session = stripe_api.complete_checkout(attempt.session_id)
    refund = {
        "id": "re_dash1",
        "object": "refund",
        "amount": 2500,
        "currency": "cad",
        "payment_intent": session["payment_intent"],
        "status": "succeeded",
    }
    client = Client()
    # when
    _deliver(client, "refund.created", refund, "evt_r")
    pending = StripeEvent.objects.get(event_id="evt_r").outcome
    _deliver(client, "checkout.session.completed", session, "evt_s")
    _deliver(client, "refund.created", refund, "evt_r")  # replayed
    # then
    assert pending == StripeEvent.Outcome.PENDING
    (recorded,) = Refund.objects.all()
    assert (recorded.external_id, recorded.amount) == ("re_dash1", Decimal("25.00"))
    assert StripeEvent.objects.get(event_id="evt_r").outcome == (
        StripeEvent.Outcome.PROCESSED
    )


def test_save_a_card_on_file_through_setup(
    stripe_api: StripeFake, clinic: Clinic, billing_client: Client
) -> None:
    # given
    invoice = make_invoice(clinic)
    url = reverse("billing:invoice-online-save-card", kwargs={"invoice_id": invoice.pk})
    # when
    response = billing_client.post(url, {"consent": "Keep it.", "consent_given": "on"})
    attempt = OnlinePaymentAttempt.objects.get()
    session = stripe_api.complete_checkout(
        attempt.session_id, payment_method="pm_card_mastercard"
    )
    setup = stripe_api.public(stripe_api.objects[session["setup_intent"]])
    _deliver(Client(), "setup_intent.succeeded", setup, "evt_setup")
    # then
    assert response.status_code == 302
    card = SavedCard.objects.get()
    assert (card.brand, card.last4, card.consent_text) == (
        "mastercard",
        "4444",
        "Keep it.",
    )
    assert OnlinePaymentAttempt.objects.get().status == "succeeded"


def test_the_patient_pay_page_shows_only_the_amount_and_get_creates_nothing(
    stripe_api: StripeFake, clinic: Clinic, billing_client: Client
) -> None:
    # given the staff page's pay link
    invoice = make_invoice(clinic)
    page = billing_client.get(
        reverse("billing:invoice-online", kwargs={"invoice_id": invoice.pk})
    )
    link = page.context["pay_url"]
    # when the patient opens it, then pays
    shown = Client().get(link)
    paid = Client().post(link)
    # then
    assert shown.status_code == 200
    text = shown.content.decode()
    assert "$100.00" in text
    assert invoice.patient.last_name not in text
    assert paid.status_code == 302
    assert OnlinePaymentAttempt.objects.count() == 1


def test_a_forged_pay_link_is_not_found(db: None) -> None:
    response = Client().get("/billing/pay/forged-token/")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "name",
    ["invoice-online-checkout", "invoice-online-charge", "invoice-online-save-card"],
)
def test_a_provider_may_not_take_card_payments(
    stripe_api: StripeFake, clinic: Clinic, name: str
) -> None:
    invoice = make_invoice(clinic)
    client = Client()
    client.force_login(make_member(clinic, [PROVIDER]).user)
    response = client.post(
        reverse(f"billing:{name}", kwargs={"invoice_id": invoice.pk})
    )
    assert response.status_code == 403
    assert stripe_api.requests == []


def test_another_clinics_card_is_not_found(
    stripe_api: StripeFake,
    clinic: Clinic,
    other_clinic: Clinic,
    billing_client: Client,
) -> None:
    invoice = make_invoice(clinic)
    card = make_saved_card(other_clinic)
    url = reverse("billing:invoice-online-charge", kwargs={"invoice_id": invoice.pk})
    response = billing_client.post(url, {"card": str(card.pk), "amount": "10.00"})
    assert response.status_code == 404
    assert stripe_api.requests == []


def test_without_stripe_the_page_says_it_is_not_set_up(
    clinic: Clinic, billing_client: Client, settings: object
) -> None:
    invoice = make_invoice(clinic)
    setattr(settings, "STRIPE_SECRET_KEY", "")  # noqa: B010
    page = billing_client.get(
        reverse("billing:invoice-online", kwargs={"invoice_id": invoice.pk})
    )
    refused = billing_client.post(
        reverse("billing:invoice-online-checkout", kwargs={"invoice_id": invoice.pk})
    )
    assert "Online card payments are not set up" in page.content.decode()
    assert refused.status_code == 422
    assert not OnlinePaymentAttempt.objects.exists()


def test_removing_a_card_keeps_it_with_its_consent(
    clinic: Clinic, billing_client: Client, owner_member: Membership
) -> None:
    card = make_saved_card(clinic)
    url = reverse("billing:saved-card-remove", kwargs={"card_id": card.pk})
    response = billing_client.post(url)
    assert response.status_code == 302
    assert SavedCard.objects.get(pk=card.pk).removed_at is not None
