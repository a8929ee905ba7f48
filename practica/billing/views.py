"""Billing pages: thin glue between forms, selectors, services and templates."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from practica.audit.services import record_view
from practica.billing import pdf
from practica.billing.errors import BillingError
from practica.billing.forms import (
    CreditNoteForm,
    InvoiceFilterForm,
    PaymentForm,
    RefundForm,
    VoidForm,
)
from practica.billing.models import Invoice
from practica.billing.selectors import (
    account_credit,
    get_appointment_for,
    get_invoice_for,
    get_invoice_for_update,
    get_note_for,
    get_patient_for_billing,
    get_payment_for,
    get_payment_for_update,
    list_invoices,
    patient_balance,
)
from practica.billing.selectors_documents import (
    get_email_panel,
    get_invoice_document,
    get_receipt_document,
)
from practica.billing.services import (
    create_invoice_for_appointment,
    create_invoice_for_note,
    issue_credit_note,
    record_payment,
    refund_payment,
    void_invoice,
)
from practica.tenancy.access import clinic_view, get_actor
from practica.tenancy.permissions import BILLING_BALANCE, BILLING_EDIT, BILLING_VIEW

PAGE_SIZE = 25


def _detail_url(invoice: Invoice) -> str:
    return reverse("billing:invoice-detail", kwargs={"invoice_id": invoice.pk})


def _render_detail(
    request: HttpRequest,
    invoice_id: uuid.UUID,
    *,
    payment_form: PaymentForm | None = None,
    void_form: VoidForm | None = None,
    credit_form: CreditNoteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = get_actor(request)
    detail = get_invoice_for(actor=actor, invoice_id=invoice_id)
    context = {
        "credit_form": credit_form or CreditNoteForm(lines=detail.lines),
        "can_edit": actor.can(BILLING_EDIT),
        "detail": detail,
        "email_panel": get_email_panel(actor=actor, invoice=detail.invoice),
        "can_send_email": actor.can(BILLING_EDIT),
        "invoice": detail.invoice,
        "payment_form": payment_form
        or PaymentForm(initial={"method": "card", "amount": detail.balance}),
        "void_form": void_form or VoidForm(),
    }
    return render(request, "billing/invoice_detail.html", context, status=status)


def _add_error(form: forms.Form, error: BillingError) -> None:
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
    invoice = get_invoice_for_update(actor=get_actor(request), invoice_id=invoice_id)
    if invoice.is_draft:
        # A draft is edited on its own page (and has no number to show here).
        return redirect("billing:draft-detail", draft_id=invoice.pk)
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
                allow_credit=form.cleaned_data["allow_credit"],
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
    doc = get_invoice_document(actor=get_actor(request), invoice_id=invoice_id)
    return _pdf_response(
        pdf.invoice_pdf(doc), f"invoice-{doc.invoice.number or 'draft'}.pdf"
    )


@require_GET
@clinic_view(BILLING_VIEW)
def receipt_pdf(request: HttpRequest, payment_id: uuid.UUID) -> HttpResponse:
    doc = get_receipt_document(actor=get_actor(request), payment_id=payment_id)
    return _pdf_response(
        pdf.receipt_pdf(doc), f"receipt-{doc.payment.received_at:%Y-%m-%d}.pdf"
    )


@require_POST
@clinic_view(BILLING_EDIT)
def credit_note_create(request: HttpRequest, invoice_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    invoice = get_invoice_for_update(actor=actor, invoice_id=invoice_id)
    form = CreditNoteForm(request.POST, lines=list(invoice.lines.all()))
    if form.is_valid():
        line, amount = form.cleaned_data["line"], form.cleaned_data["amount"]
        try:
            note = issue_credit_note(
                actor=actor,
                invoice=invoice,
                reason=form.cleaned_data["reason"],
                amounts={line: amount} if line else None,
            )
        except BillingError as error:
            _add_error(form, error)
        else:
            messages.success(
                request,
                f"Credit note {note.number} of {note.total} issued on "
                f"#{invoice.number}.",
            )
            return redirect(_detail_url(invoice))
    return _render_detail(request, invoice.pk, credit_form=form, status=422)


def _render_payment(
    request: HttpRequest,
    payment_id: uuid.UUID,
    *,
    refund_form: RefundForm | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = get_actor(request)
    detail = get_payment_for(actor=actor, payment_id=payment_id)
    context = {
        "detail": detail,
        "payment": detail.payment,
        "currency": actor.clinic.currency,
        "can_edit": actor.can(BILLING_EDIT),
        "refund_form": refund_form
        or RefundForm(initial={"method": "cash", "amount": detail.refundable}),
    }
    return render(request, "billing/payment_detail.html", context, status=status)


@require_GET
@clinic_view(BILLING_VIEW)
def payment_detail(request: HttpRequest, payment_id: uuid.UUID) -> HttpResponse:
    return _render_payment(request, payment_id)


@require_POST
@clinic_view(BILLING_EDIT)
def payment_refund(request: HttpRequest, payment_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    payment = get_payment_for_update(actor=actor, payment_id=payment_id)
    form = RefundForm(request.POST)
    if form.is_valid():
        try:
            refund = refund_payment(
                actor=actor,
                payment=payment,
                amount=form.cleaned_data["amount"],
                method=form.cleaned_data["method"],
                reason=form.cleaned_data["reason"],
            )
        except BillingError as error:
            _add_error(form, error)
        else:
            messages.success(request, f"Refund of {refund.amount} recorded.")
            return redirect("billing:payment-detail", payment_id=payment.pk)
    return _render_payment(request, payment.pk, refund_form=form, status=422)


@require_GET
@clinic_view(BILLING_BALANCE)
def patient_balance_card(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    """What a patient owes and holds as credit (an htmx partial of the
    patient's page); the view is audited."""
    actor = get_actor(request)
    patient = get_patient_for_billing(actor=actor, patient_id=patient_id)
    record_view(actor=actor, obj=patient, patient_id=patient.pk, detail="balance")
    balance = patient_balance(actor=actor, patient=patient)
    credit = account_credit(actor=actor, patient=patient)
    context = {
        "patient": patient,
        # The ledger's balance is what is owed less the credit held.
        "owing": balance + credit,
        "credit": credit,
        "currency": actor.clinic.currency,
        "can_view_billing": actor.can(BILLING_VIEW),
    }
    return render(request, "billing/_patient_balance.html", context)
