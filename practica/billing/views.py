"""Billing pages: thin glue between forms, selectors, services and templates."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from practica.billing import pdf
from practica.billing.errors import BillingError
from practica.billing.forms import InvoiceFilterForm, PaymentForm, VoidForm
from practica.billing.models import Invoice
from practica.billing.selectors import (
    get_appointment_for,
    get_invoice_for,
    get_invoice_for_update,
    get_note_for,
    get_payment_for,
    list_invoices,
)
from practica.billing.services import (
    create_invoice_for_appointment,
    create_invoice_for_note,
    record_payment,
    void_invoice,
)
from practica.tenancy.access import clinic_view, get_actor
from practica.tenancy.permissions import BILLING_EDIT, BILLING_VIEW

PAGE_SIZE = 25


def _detail_url(invoice: Invoice) -> str:
    return reverse("billing:invoice-detail", kwargs={"invoice_id": invoice.pk})


def _render_detail(
    request: HttpRequest,
    invoice_id: uuid.UUID,
    *,
    payment_form: PaymentForm | None = None,
    void_form: VoidForm | None = None,
    status: int = 200,
) -> HttpResponse:
    detail = get_invoice_for(actor=get_actor(request), invoice_id=invoice_id)
    context = {
        "detail": detail,
        "invoice": detail.invoice,
        "payment_form": payment_form
        or PaymentForm(initial={"method": "card", "amount": detail.balance}),
        "void_form": void_form or VoidForm(),
    }
    return render(request, "billing/invoice_detail.html", context, status=status)


def _add_error(form: PaymentForm | VoidForm, error: BillingError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


@require_GET
@clinic_view(BILLING_VIEW)
def invoice_list(request: HttpRequest) -> HttpResponse:
    form = InvoiceFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    invoices = list_invoices(
        actor=get_actor(request), status=data.get("status"), query=data.get("q")
    )
    page = Paginator(invoices, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "billing/invoice_list.html", context)


@require_GET
@clinic_view(BILLING_VIEW)
def invoice_detail(request: HttpRequest, invoice_id: uuid.UUID) -> HttpResponse:
    return _render_detail(request, invoice_id)


def _refused(request: HttpRequest, error: BillingError) -> HttpResponse:
    return render(
        request, "billing/invoice_refused.html", {"message": error.message}, status=422
    )


@require_POST
@clinic_view(BILLING_EDIT)
def invoice_from_appointment(
    request: HttpRequest, appointment_id: uuid.UUID
) -> HttpResponse:
    actor = get_actor(request)
    appointment = get_appointment_for(actor=actor, appointment_id=appointment_id)
    try:
        invoice = create_invoice_for_appointment(actor=actor, appointment=appointment)
    except BillingError as error:
        return _refused(request, error)
    return redirect(_detail_url(invoice))


@require_POST
@clinic_view(BILLING_EDIT)
def invoice_from_note(request: HttpRequest, note_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    note = get_note_for(actor=actor, note_id=note_id)
    try:
        invoice = create_invoice_for_note(actor=actor, note=note)
    except BillingError as error:
        return _refused(request, error)
    return redirect(_detail_url(invoice))


@require_POST
@clinic_view(BILLING_EDIT)
def payment_create(request: HttpRequest, invoice_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    invoice = get_invoice_for_update(actor=actor, invoice_id=invoice_id)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            payment = record_payment(
                actor=actor,
                invoice=invoice,
                method=form.cleaned_data["method"],
                amount=form.cleaned_data["amount"],
                reference=form.cleaned_data["reference"],
            )
        except BillingError as error:
            _add_error(form, error)
        else:
            messages.success(
                request, f"Payment of {payment.amount} recorded on #{invoice.number}."
            )
            return redirect(_detail_url(invoice))
    return _render_detail(request, invoice.pk, payment_form=form, status=422)


@require_POST
@clinic_view(BILLING_EDIT)
def invoice_void(request: HttpRequest, invoice_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    invoice = get_invoice_for_update(actor=actor, invoice_id=invoice_id)
    form = VoidForm(request.POST)
    if form.is_valid():
        try:
            void_invoice(
                actor=actor, invoice=invoice, reason=form.cleaned_data["reason"]
            )
        except BillingError as error:
            _add_error(form, error)
        else:
            messages.success(request, f"Invoice #{invoice.number} is void.")
            return redirect(_detail_url(invoice))
    return _render_detail(request, invoice.pk, void_form=form, status=422)


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
@clinic_view(BILLING_VIEW)
def invoice_pdf(request: HttpRequest, invoice_id: uuid.UUID) -> HttpResponse:
    detail = get_invoice_for(actor=get_actor(request), invoice_id=invoice_id)
    return _pdf_response(
        pdf.invoice_pdf(detail), f"invoice-{detail.invoice.number}.pdf"
    )


@require_GET
@clinic_view(BILLING_VIEW)
def receipt_pdf(request: HttpRequest, payment_id: uuid.UUID) -> HttpResponse:
    receipt = get_payment_for(actor=get_actor(request), payment_id=payment_id)
    return _pdf_response(
        pdf.receipt_pdf(receipt), f"receipt-{str(receipt.payment.pk)[:8]}.pdf"
    )
