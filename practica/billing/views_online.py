"""Online card payment pages: thin glue between forms, selectors and the
online payment services. The Stripe webhook and the patient's pay page are
public; the pay page's signed token is its only credential."""

from __future__ import annotations

import logging
import uuid

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from practica.billing.errors import BillingError
from practica.billing.forms_online import (
    DEFAULT_CONSENT,
    ChargeCardForm,
    CheckoutForm,
    RefundToCardForm,
    SaveCardForm,
)
from practica.billing.gateways.stripe import SignatureError, get_stripe_gateway
from practica.billing.selectors import get_invoice_for_update
from practica.billing.selectors_online import (
    get_card_payment_for_update,
    get_online_page,
    get_pay_link,
    get_saved_card_for,
)
from practica.billing.services.online import (
    NOT_SET_UP,
    charge_card_on_file,
    online_payments_enabled,
    record_stripe_event,
    refund_to_card,
    remove_saved_card,
    start_card_setup,
    start_invoice_checkout,
)
from practica.tenancy.access import clinic_view, get_actor, public_view
from practica.tenancy.actor import Actor
from practica.tenancy.permissions import BILLING_EDIT, BILLING_VIEW

logger = logging.getLogger(__name__)


def _online_url(invoice_id: uuid.UUID) -> str:
    return reverse("billing:invoice-online", kwargs={"invoice_id": invoice_id})


def _render_page(
    request: HttpRequest,
    invoice_id: uuid.UUID,
    *,
    error: BillingError | None = None,
    form: Form | None = None,
    status: int = 200,
) -> HttpResponse:
    page = get_online_page(actor=get_actor(request), invoice_id=invoice_id)
    pay_url = request.build_absolute_uri(
        reverse("billing:online-pay", kwargs={"pay_token": page.pay_token})
    )
    context = {
        "page": page,
        "invoice": page.detail.invoice,
        "enabled": online_payments_enabled(),
        "not_set_up": NOT_SET_UP,
        "pay_url": pay_url,
        "checkout_form": CheckoutForm(initial={"consent": DEFAULT_CONSENT}),
        "save_card_form": SaveCardForm(initial={"consent": DEFAULT_CONSENT}),
        "charge_amount": page.detail.balance,
        "error": error.message if error is not None else "",
        "form_errors": form.errors if form is not None else {},
        "returned": request.GET.get("checkout", ""),
    }
    return render(request, "billing/online_invoice.html", context, status=status)


@require_GET
@clinic_view(BILLING_EDIT)
def invoice_online(request: HttpRequest, invoice_id: uuid.UUID) -> HttpResponse:
    return _render_page(request, invoice_id)


def _invalid(request: HttpRequest, invoice_id: uuid.UUID, form: Form) -> HttpResponse:
    return _render_page(request, invoice_id, form=form, status=422)


def _refused(
    request: HttpRequest, invoice_id: uuid.UUID, error: BillingError
) -> HttpResponse:
    return _render_page(request, invoice_id, error=error, status=422)


@require_POST
@clinic_view(BILLING_EDIT)
def invoice_checkout(request: HttpRequest, invoice_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    invoice = get_invoice_for_update(actor=actor, invoice_id=invoice_id)
    form = CheckoutForm(request.POST)
    if not form.is_valid():
        return _invalid(request, invoice_id, form)
    back = request.build_absolute_uri(_online_url(invoice_id))
    try:
        attempt = start_invoice_checkout(
            actor=actor,
            invoice=invoice,
            save_card=bool(form.cleaned_data["save_card"]),
            consent_text=form.consent_text(),
            success_url=f"{back}?checkout=done",
            cancel_url=f"{back}?checkout=cancelled",
        )
    except BillingError as error:
        return _refused(request, invoice_id, error)
    return redirect(attempt.session_url)


@require_POST
@clinic_view(BILLING_EDIT)
def invoice_save_card(request: HttpRequest, invoice_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    invoice = get_invoice_for_update(actor=actor, invoice_id=invoice_id)
    form = SaveCardForm(request.POST)
    if not form.is_valid():
        return _invalid(request, invoice_id, form)
    back = request.build_absolute_uri(_online_url(invoice_id))
    try:
        attempt = start_card_setup(
            actor=actor,
            patient=invoice.patient,
            consent_text=str(form.cleaned_data["consent"]),
            currency=invoice.currency,
            success_url=f"{back}?checkout=card-saved",
            cancel_url=f"{back}?checkout=cancelled",
        )
    except BillingError as error:
        return _refused(request, invoice_id, error)
    return redirect(attempt.session_url)


@require_POST
@clinic_view(BILLING_EDIT)
def invoice_charge_card(request: HttpRequest, invoice_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    invoice = get_invoice_for_update(actor=actor, invoice_id=invoice_id)
    form = ChargeCardForm(request.POST)
    if not form.is_valid():
        return _invalid(request, invoice_id, form)
    card = get_saved_card_for(actor=actor, card_id=form.cleaned_data["card"])
    try:
        charge_card_on_file(
            actor=actor, invoice=invoice, card=card, amount=form.cleaned_data["amount"]
        )
    except BillingError as error:
        return _refused(request, invoice_id, error)
    messages.success(request, "The card was charged and the payment recorded.")
    return redirect(_online_url(invoice_id))


@require_POST
@clinic_view(BILLING_EDIT)
def payment_refund_to_card(request: HttpRequest, payment_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    payment = get_card_payment_for_update(actor=actor, payment_id=payment_id)
    form = RefundToCardForm(request.POST)
    if payment.invoice_id is None:
        return HttpResponse(
            "Refund this payment from the patient's account.", status=422
        )
    if not form.is_valid():
        return _invalid(request, payment.invoice_id, form)
    try:
        refund_to_card(
            actor=actor,
            payment=payment,
            amount=form.cleaned_data["amount"],
            reason=form.cleaned_data["reason"],
        )
    except BillingError as error:
        return _refused(request, payment.invoice_id, error)
    messages.success(request, "The refund was sent to the card.")
    return redirect(_online_url(payment.invoice_id))


@require_POST
@clinic_view(BILLING_EDIT)
def saved_card_remove(request: HttpRequest, card_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    card = get_saved_card_for(actor=actor, card_id=card_id)
    remove_saved_card(actor=actor, card=card)
    messages.success(request, "The card is no longer kept on file.")
    back = request.POST.get("invoice", "")
    try:
        return redirect(_online_url(uuid.UUID(back)))
    except ValueError:
        return redirect("billing:invoice-list")


@public_view
@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    """Stripe's events. A bad signature or body is 400 and changes nothing;
    anything verified is 200, even an event about nothing of ours (Stripe
    retries any other answer for days)."""
    gateway = get_stripe_gateway()
    if gateway is None:
        return HttpResponse(NOT_SET_UP, status=400, content_type="text/plain")
    try:
        event = gateway.verify_event(
            request.body, request.headers.get("Stripe-Signature", "")
        )
    except SignatureError:
        logger.info("billing.stripe_webhook_refused")
        return HttpResponse("Bad signature or payload.", status=400)
    outcome = record_stripe_event(event=event, gateway=gateway)
    return HttpResponse(outcome, status=200, content_type="text/plain")


@public_view
@never_cache
@require_http_methods(["GET", "POST"])
def online_pay(request: HttpRequest, pay_token: str) -> HttpResponse:
    """The patient's pay page: the clinic's name, the invoice number and the
    amount due, and a button that opens Stripe Checkout. GET creates nothing."""
    link = get_pay_link(pay_token)
    if link is None:
        return render(request, "billing/online_pay_invalid.html", status=404)
    context = {
        "link": link,
        "enabled": online_payments_enabled(),
        "not_set_up": NOT_SET_UP,
        "done": request.GET.get("done") == "1",
        "error": "",
    }
    if request.method == "GET":
        return render(request, "billing/online_pay.html", context)
    back = request.build_absolute_uri(request.path)
    actor = Actor.system(link.clinic, frozenset({BILLING_VIEW, BILLING_EDIT}))
    try:
        attempt = start_invoice_checkout(
            actor=actor,
            invoice=link.invoice,
            success_url=f"{back}?done=1",
            cancel_url=back,
        )
    except BillingError as error:
        context["error"] = error.message
        return render(request, "billing/online_pay.html", context, status=422)
    return redirect(attempt.session_url)
