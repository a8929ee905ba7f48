"""Draft invoices, a patient's uninvoiced visits, and the day's batch.

The draft page is one template: a full request renders the page, an htmx
request (adding, removing or discounting a line) gets its `#lines` partial
with the new totals; a refused change answers the partial with its message
and status 422. Reading needs billing.view; every change billing.edit.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from practica.billing.errors import BillingError
from practica.billing.forms_drafts import (
    BatchDayForm,
    BatchInvoiceForm,
    CustomLineForm,
    DraftCreateForm,
    DraftEditForm,
    ItemLineForm,
    LineDiscountForm,
    UninvoicedForm,
    VisitsForm,
)
from practica.billing.models import Invoice
from practica.billing.selectors_drafts import (
    DraftDetail,
    get_draft_for,
    get_draft_for_update,
    get_line_for_update,
    get_visits_for_update,
    list_batch_visits,
    list_uninvoiced_visits,
    reload_draft,
)
from practica.billing.services.drafts import (
    DRAFT_PERMISSION,
    add_appointment_lines,
    add_custom_line,
    add_item_line,
    create_draft,
    delete_draft,
    invoice_batch,
    invoice_visits,
    issue_draft,
    remove_line,
    set_line_discount,
    update_draft,
)
from practica.patients.selectors import get_patient_for
from practica.tenancy.access import clinic_view, get_actor
from practica.tenancy.permissions import BILLING_VIEW

TEMPLATE = "billing/draft_detail.html"


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _refuse(form: forms.Form, error: BillingError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _draft_page(
    request: HttpRequest,
    detail: DraftDetail,
    *,
    errors: list[str] | None = None,
    status: int = 200,
    bound: forms.Form | None = None,
) -> HttpResponse:
    actor = get_actor(request)
    can_edit = actor.can(DRAFT_PERMISSION)
    invoice = detail.invoice
    forms_: dict[str, Any] = {}
    if can_edit:
        forms_ = {
            "edit_form": DraftEditForm(
                initial={"memo": invoice.memo, "due_on": invoice.due_on}
            ),
            "item_form": ItemLineForm(actor=actor),
            "custom_form": CustomLineForm(),
            "discount_form": LineDiscountForm(actor=actor),
        }
        if bound is not None:
            key = {
                DraftEditForm: "edit_form",
                ItemLineForm: "item_form",
                CustomLineForm: "custom_form",
                LineDiscountForm: "discount_form",
            }.get(type(bound))
            if key:
                forms_[key] = bound
    errors = list(errors or [])
    if bound is not None:
        errors += [
            f"{name}: {e}" if name != "__all__" else str(e)
            for name, errs in bound.errors.items()
            for e in errs
        ]
    context = {
        "invoice": invoice,
        "lines": detail.lines,
        "currency": invoice.currency,
        "can_edit": can_edit,
        "errors": errors,
        "visits": list_uninvoiced_visits(actor=actor, patient=invoice.patient)
        if can_edit
        else [],
        **forms_,
    }
    template = TEMPLATE + "#lines" if _is_htmx(request) else TEMPLATE
    response = render(request, template, context, status=status)
    response["Vary"] = "HX-Request"
    return response


def _after_change(request: HttpRequest, invoice: Invoice) -> HttpResponse:
    if _is_htmx(request):
        return _draft_page(
            request, reload_draft(actor=get_actor(request), invoice=invoice)
        )
    return redirect("billing:draft-detail", draft_id=invoice.pk)


def _refused(
    request: HttpRequest, invoice: Invoice, form: forms.Form | None, message: str
) -> HttpResponse:
    if invoice.status != Invoice.Status.DRAFT:
        # An issued invoice's line: nothing of it can change, and there is no
        # draft page to show.
        context = {"message": message, "invoice": invoice}
        return render(request, "billing/draft_refused.html", context, status=422)
    detail = reload_draft(actor=get_actor(request), invoice=invoice)
    errors = [] if form is not None and form.errors else [message]
    return _draft_page(request, detail, errors=errors, status=422, bound=form)


@require_POST
@clinic_view(DRAFT_PERMISSION)
def draft_create(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    patient = get_patient_for(actor=actor, patient_id=patient_id, record_access=False)
    form = DraftCreateForm(data=request.POST, actor=actor)
    if form.is_valid():
        try:
            draft = create_draft(
                actor=actor, patient=patient, location=form.cleaned_data["location"]
            )
        except BillingError as error:
            messages.error(request, error.message)
        else:
            return redirect("billing:draft-detail", draft_id=draft.pk)
    else:
        messages.error(request, "Choose a location for the draft.")
    response = redirect("billing:uninvoiced-visits", patient_id=patient.pk)
    response.status_code = 303
    return response


@require_GET
@clinic_view(BILLING_VIEW)
def draft_detail(request: HttpRequest, draft_id: uuid.UUID) -> HttpResponse:
    return _draft_page(
        request, get_draft_for(actor=get_actor(request), invoice_id=draft_id)
    )


def _draft_change(
    request: HttpRequest,
    draft_id: uuid.UUID,
    form: forms.Form,
    change: Callable[[Invoice, dict[str, Any]], object],
) -> HttpResponse:
    invoice = get_draft_for_update(actor=get_actor(request), invoice_id=draft_id)
    if not form.is_valid():
        return _refused(request, invoice, form, "")
    try:
        change(invoice, form.cleaned_data)
    except BillingError as error:
        _refuse(form, error)
        return _refused(request, invoice, form, error.message)
    return _after_change(request, invoice)


@require_POST
@clinic_view(DRAFT_PERMISSION)
def draft_edit(request: HttpRequest, draft_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    return _draft_change(
        request,
        draft_id,
        DraftEditForm(data=request.POST),
        lambda invoice, data: update_draft(
            actor=actor, invoice=invoice, memo=data["memo"], due_on=data["due_on"]
        ),
    )


@require_POST
@clinic_view(DRAFT_PERMISSION)
def draft_add_item(request: HttpRequest, draft_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    return _draft_change(
        request,
        draft_id,
        ItemLineForm(data=request.POST, actor=actor),
        lambda invoice, data: add_item_line(
            actor=actor,
            invoice=invoice,
            item=data["item"],
            quantity=data["quantity"],
            provider=data["provider"],
        ),
    )


@require_POST
@clinic_view(DRAFT_PERMISSION)
def draft_add_custom(request: HttpRequest, draft_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    return _draft_change(
        request,
        draft_id,
        CustomLineForm(data=request.POST),
        lambda invoice, data: add_custom_line(
            actor=actor,
            invoice=invoice,
            description=data["description"],
            unit_price=data["unit_price"],
            quantity=data["quantity"],
            tax_category=data["tax_category"],
        ),
    )


@require_POST
@clinic_view(DRAFT_PERMISSION)
def draft_add_visits(request: HttpRequest, draft_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    return _draft_change(
        request,
        draft_id,
        VisitsForm(data=request.POST),
        lambda invoice, data: add_appointment_lines(
            actor=actor,
            invoice=invoice,
            appointments=get_visits_for_update(
                actor=actor, appointment_ids=data["appointments"]
            ),
        ),
    )


@require_POST
@clinic_view(DRAFT_PERMISSION)
def line_discount(request: HttpRequest, line_id: int) -> HttpResponse:
    actor = get_actor(request)
    line = get_line_for_update(actor=actor, line_id=line_id)
    form = LineDiscountForm(data=request.POST, actor=actor)
    if not form.is_valid():
        return _refused(request, line.invoice, form, "")
    data = form.cleaned_data
    kind = data["kind"]
    try:
        set_line_discount(
            actor=actor,
            line=line,
            discount=data["discount"] if kind == form.NAMED else None,
            amount=data["value"] if kind == form.AMOUNT else None,
            percent=data["value"] if kind == form.PERCENT else None,
            name=data["name"],
        )
    except BillingError as error:
        _refuse(form, error)
        return _refused(request, line.invoice, form, error.message)
    return _after_change(request, line.invoice)


@require_POST
@clinic_view(DRAFT_PERMISSION)
def line_remove(request: HttpRequest, line_id: int) -> HttpResponse:
    actor = get_actor(request)
    line = get_line_for_update(actor=actor, line_id=line_id)
    try:
        remove_line(actor=actor, line=line)
    except BillingError as error:
        return _refused(request, line.invoice, None, error.message)
    return _after_change(request, line.invoice)


@require_POST
@clinic_view(DRAFT_PERMISSION)
def draft_issue(request: HttpRequest, draft_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    invoice = get_draft_for_update(actor=actor, invoice_id=draft_id)
    try:
        issued = issue_draft(actor=actor, invoice=invoice)
    except BillingError as error:
        return _refused(request, invoice, None, error.message)
    messages.success(request, f"Invoice #{issued.number} issued.")
    return redirect("billing:invoice-detail", invoice_id=issued.pk)


@require_POST
@clinic_view(DRAFT_PERMISSION)
def draft_delete(request: HttpRequest, draft_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    invoice = get_draft_for_update(actor=actor, invoice_id=draft_id)
    patient_id = invoice.patient_id
    try:
        delete_draft(actor=actor, invoice=invoice)
    except BillingError as error:
        return _refused(request, invoice, None, error.message)
    messages.success(request, "Draft deleted.")
    return redirect("billing:uninvoiced-visits", patient_id=patient_id)


def _uninvoiced_page(
    request: HttpRequest,
    patient_id: uuid.UUID,
    *,
    form: UninvoicedForm | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = get_actor(request)
    patient = get_patient_for(actor=actor, patient_id=patient_id)
    can_edit = actor.can(DRAFT_PERMISSION)
    context = {
        "patient": patient,
        "visits": list_uninvoiced_visits(actor=actor, patient=patient),
        "can_edit": can_edit,
        "form": form or UninvoicedForm(),
        "draft_form": DraftCreateForm(actor=actor) if can_edit else None,
        "errors": errors or [],
    }
    return render(request, "billing/uninvoiced_list.html", context, status=status)


@require_GET
@clinic_view(BILLING_VIEW)
def uninvoiced_visits(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    return _uninvoiced_page(request, patient_id)


@require_POST
@clinic_view(DRAFT_PERMISSION)
def uninvoiced_invoice(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    patient = get_patient_for(actor=actor, patient_id=patient_id, record_access=False)
    form = UninvoicedForm(data=request.POST)
    if form.is_valid():
        visits = get_visits_for_update(
            actor=actor, appointment_ids=form.cleaned_data["appointments"]
        )
        is_issue = form.cleaned_data["mode"] == UninvoicedForm.ISSUE
        try:
            invoice = invoice_visits(
                actor=actor, patient=patient, appointments=visits, issue=is_issue
            )
        except BillingError as error:
            _refuse(form, error)
        else:
            if is_issue:
                messages.success(request, f"Invoice #{invoice.number} issued.")
                return redirect("billing:invoice-detail", invoice_id=invoice.pk)
            return redirect("billing:draft-detail", draft_id=invoice.pk)
    errors = [str(e) for errs in form.errors.values() for e in errs]
    return _uninvoiced_page(request, patient_id, form=form, errors=errors, status=422)


@require_GET
@clinic_view(BILLING_VIEW)
def batch(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    form = BatchDayForm(data=request.GET)
    today = timezone.localdate()
    valid = form.is_valid()
    day = form.day(today) if valid else today
    context = {
        "form": form,
        "day": day,
        "groups": list_batch_visits(actor=actor, day=day),
        "can_edit": actor.can(DRAFT_PERMISSION),
    }
    return render(
        request, "billing/batch_list.html", context, status=200 if valid else 422
    )


@require_POST
@clinic_view(DRAFT_PERMISSION)
def batch_invoice(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    form = BatchInvoiceForm(data=request.POST)
    if not form.is_valid():
        messages.error(request, "Tick at least one visit.")
        response = redirect("billing:batch")
        response.status_code = 303
        return response
    visits = get_visits_for_update(
        actor=actor, appointment_ids=form.cleaned_data["appointments"]
    )
    try:
        result = invoice_batch(actor=actor, appointments=visits)
    except BillingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, result.summary)
    day = form.cleaned_data.get("date")
    query = f"?date={day.isoformat()}" if day else ""
    return redirect(f"{reverse('billing:batch')}{query}")
