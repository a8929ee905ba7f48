"""Receivables pages: AR aging (and its CSV), a patient's account and
statement, write-offs, the collections worklist and its steps."""

from __future__ import annotations

import csv
import uuid

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from practica.billing.errors import BillingError
from practica.billing.forms_receivables import (
    AccountPaymentForm,
    AgingFilterForm,
    ApplyCreditForm,
    CollectionStepsForm,
    StatementPeriodForm,
    TaskAssignForm,
    TaskDoneForm,
    WriteOffDecisionForm,
    WriteOffRequestForm,
)
from practica.billing.models import WriteOff
from practica.billing.pdf_statement import statement_filename, statement_pdf
from practica.billing.selectors import get_invoice_for_update, get_patient_for_billing
from practica.billing.selectors_ar import (
    BUCKET_LABELS,
    BUCKETS,
    aging_csv_rows,
    clinic_today,
    default_statement_period,
    get_ar_aging,
    get_collection_task_for_update,
    get_patient_account,
    get_statement_for,
    get_write_off_for_update,
    list_billing_members,
    list_collection_steps,
    list_collection_tasks,
    list_open_invoices,
    list_recent_collection_records,
    list_write_offs,
)
from practica.billing.services.payments import apply_credit, take_payment
from practica.billing.services_receivables import (
    StepSpec,
    approve_write_off,
    assign_collection_task,
    email_statement,
    reject_write_off,
    request_write_off,
    save_collection_steps,
    set_collection_task_done,
    use_recommended_steps,
)
from practica.tenancy.access import clinic_view, get_actor
from practica.tenancy.permissions import BILLING_EDIT, BILLING_VIEW, CLINIC_MANAGE


def _account_url(patient_id: uuid.UUID) -> str:
    return reverse("billing:patient-account", kwargs={"patient_id": patient_id})


def _add_error(form: forms.Form, error: BillingError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


# AR aging ----------------------------------------------------------------------


@require_GET
@clinic_view(BILLING_VIEW)
def ar_aging(request: HttpRequest) -> HttpResponse:
    form = AgingFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    report = get_ar_aging(
        actor=get_actor(request),
        as_of=data.get("as_of"),
        sort=data.get("sort"),
        page=request.GET.get("page"),
    )
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("sort", None)
    context = {
        "form": form,
        "report": report,
        "buckets": [(name, BUCKET_LABELS[name]) for name in BUCKETS],
        "query": query.urlencode(),
        "as_of_query": f"as_of={report.as_of.isoformat()}",
    }
    return render(request, "billing/ar_aging.html", context)


@require_GET
@clinic_view(BILLING_VIEW)
def ar_aging_csv(request: HttpRequest) -> HttpResponse:
    form = AgingFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    day, rows = aging_csv_rows(
        actor=get_actor(request), as_of=data.get("as_of"), sort=data.get("sort")
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="ar-aging-{day.isoformat()}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(
        ["patient_id", "last_name", "first_name", *BUCKETS, "total", "credit"]
    )
    for row in rows:
        writer.writerow(
            [
                row["patient_id"],
                _csv_text(row["patient__last_name"]),
                _csv_text(row["patient__first_name"]),
                *(f"{row[name]:.2f}" for name in BUCKETS),  # type: ignore[literal-required]  # bucket keys
                f"{row['open_total']:.2f}",
                f"{row['credit']:.2f}",
            ]
        )
    return response


def _csv_text(value: str) -> str:
    """Keep a spreadsheet from running a cell as a formula."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value


# A patient's account -----------------------------------------------------------


def _render_account(
    request: HttpRequest,
    patient_id: uuid.UUID,
    *,
    payment_form: AccountPaymentForm | None = None,
    credit_form: ApplyCreditForm | None = None,
    status: int = 200,
) -> HttpResponse:
    account = get_patient_account(actor=get_actor(request), patient_id=patient_id)
    invoices = account.open_invoices
    context = {
        "account": account,
        "patient": account.patient,
        "currency": account.currency,
        "buckets": account.aging.buckets(),
        "payment_form": payment_form or AccountPaymentForm(invoices=invoices),
        "credit_form": credit_form or ApplyCreditForm(invoices=invoices),
        "can_edit": get_actor(request).can(BILLING_EDIT),
    }
    return render(request, "billing/patient_account.html", context, status=status)


@require_GET
@clinic_view(BILLING_VIEW)
def patient_account(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    return _render_account(request, patient_id)


@require_POST
@clinic_view(BILLING_EDIT)
def patient_payment(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    patient = get_patient_for_billing(actor=actor, patient_id=patient_id)
    invoices = list_open_invoices(actor=actor, patient=patient)
    form = AccountPaymentForm(request.POST, invoices=invoices)
    if form.is_valid():
        try:
            payment = take_payment(
                actor=actor,
                patient=patient,
                method=form.cleaned_data["method"],
                amount=form.cleaned_data["amount"],
                allocations=form.allocations(),
                reference=form.cleaned_data["reference"],
            )
        except BillingError as error:
            _add_error(form, error)
        else:
            messages.success(request, f"Payment of {payment.amount} recorded.")
            return redirect(_account_url(patient.pk))
    return _render_account(request, patient.pk, payment_form=form, status=422)


@require_POST
@clinic_view(BILLING_EDIT)
def patient_apply_credit(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    patient = get_patient_for_billing(actor=actor, patient_id=patient_id)
    invoices = list_open_invoices(actor=actor, patient=patient)
    form = ApplyCreditForm(request.POST, invoices=invoices)
    if form.is_valid():
        try:
            apply_credit(
                actor=actor,
                patient=patient,
                invoice=form.chosen_invoice(),
                amount=form.cleaned_data["amount"],
            )
        except BillingError as error:
            _add_error(form, error)
        else:
            messages.success(request, "Account credit applied.")
            return redirect(_account_url(patient.pk))
    return _render_account(request, patient.pk, credit_form=form, status=422)


# Statements --------------------------------------------------------------------


def _period(request: HttpRequest) -> tuple[StatementPeriodForm, dict[str, object]]:
    form = StatementPeriodForm(request.GET or None)
    return form, (form.cleaned_data if form.is_valid() else {})


@require_GET
@clinic_view(BILLING_VIEW)
def patient_statement(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    form, data = _period(request)
    statement = get_statement_for(
        actor=get_actor(request),
        patient_id=patient_id,
        start=data.get("start"),  # type: ignore[arg-type]  # cleaned DateField
        end=data.get("end"),  # type: ignore[arg-type]  # cleaned DateField
    )
    context = {
        "statement": statement,
        "patient": statement.patient,
        "currency": statement.currency,
        "form": form,
        "period_query": f"start={statement.start.isoformat()}"
        f"&end={statement.end.isoformat()}",
        "can_edit": get_actor(request).can(BILLING_EDIT),
    }
    return render(
        request,
        "billing/statement.html",
        context,
        status=422 if form.is_bound and not form.is_valid() else 200,
    )


@require_GET
@clinic_view(BILLING_VIEW)
def patient_statement_pdf(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    _, data = _period(request)
    actor = get_actor(request)
    statement = get_statement_for(
        actor=actor,
        patient_id=patient_id,
        start=data.get("start"),  # type: ignore[arg-type]  # cleaned DateField
        end=data.get("end"),  # type: ignore[arg-type]  # cleaned DateField
    )
    response = HttpResponse(
        statement_pdf(clinic=actor.clinic, statement=statement),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = (
        f'inline; filename="{statement_filename(statement)}"'
    )
    return response


@require_POST
@clinic_view(BILLING_EDIT)
def patient_statement_email(
    request: HttpRequest, patient_id: uuid.UUID
) -> HttpResponse:
    actor = get_actor(request)
    patient = get_patient_for_billing(actor=actor, patient_id=patient_id)
    form = StatementPeriodForm(request.POST)
    if form.is_valid() and form.cleaned_data.get("start"):
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    else:
        start, end = default_statement_period(clinic_today(actor))
    try:
        email_statement(actor=actor, patient=patient, start=start, end=end)
    except BillingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Statement emailed.")
    url = reverse("billing:patient-statement", kwargs={"patient_id": patient.pk})
    return redirect(f"{url}?start={start.isoformat()}&end={end.isoformat()}")


# Write-offs --------------------------------------------------------------------


@require_GET
@clinic_view(BILLING_VIEW)
def write_off_list(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    context = {
        "pending": list(list_write_offs(actor=actor, status=WriteOff.Status.PENDING)),
        "can_decide": actor.can(CLINIC_MANAGE),
        "decision_form": WriteOffDecisionForm(),
    }
    return render(request, "billing/write_off_list.html", context)


def _refused(request: HttpRequest, error: BillingError) -> HttpResponse:
    return render(
        request, "billing/invoice_refused.html", {"message": error.message}, status=422
    )


def _form_refused(request: HttpRequest, form: forms.Form) -> HttpResponse:
    problems = [
        f"{form.fields[f].label if f in form.fields else ''} {e}".strip()
        for f, errors in form.errors.items()
        for e in errors
    ]
    return _refused(request, BillingError("; ".join(problems)))


@require_POST
@clinic_view(BILLING_EDIT)
def write_off_request(request: HttpRequest, invoice_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    invoice = get_invoice_for_update(actor=actor, invoice_id=invoice_id)
    form = WriteOffRequestForm(request.POST)
    if not form.is_valid():
        return _form_refused(request, form)
    try:
        request_write_off(
            actor=actor,
            invoice=invoice,
            amount=form.cleaned_data["amount"],
            reason=form.cleaned_data["reason"],
        )
    except BillingError as error:
        return _refused(request, error)
    messages.success(request, "Write-off requested; it awaits approval.")
    return redirect(
        reverse("billing:invoice-detail", kwargs={"invoice_id": invoice.pk})
    )


@require_POST
@clinic_view(CLINIC_MANAGE)
def write_off_approve(request: HttpRequest, write_off_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    write_off = get_write_off_for_update(actor=actor, write_off_id=write_off_id)
    form = WriteOffDecisionForm(request.POST)
    if not form.is_valid():
        return _form_refused(request, form)
    try:
        approve_write_off(
            actor=actor, write_off=write_off, note=form.cleaned_data["note"]
        )
    except BillingError as error:
        return _refused(request, error)
    messages.success(request, "Write-off approved.")
    return redirect(reverse("billing:write-off-list"))


@require_POST
@clinic_view(CLINIC_MANAGE)
def write_off_reject(request: HttpRequest, write_off_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    write_off = get_write_off_for_update(actor=actor, write_off_id=write_off_id)
    form = WriteOffDecisionForm(request.POST)
    if not form.is_valid():
        return _form_refused(request, form)
    try:
        reject_write_off(
            actor=actor, write_off=write_off, note=form.cleaned_data["note"]
        )
    except BillingError as error:
        return _refused(request, error)
    messages.success(request, "Write-off rejected.")
    return redirect(reverse("billing:write-off-list"))


# Collections -------------------------------------------------------------------

WORKLIST_PAGE_SIZE = 50


@require_GET
@clinic_view(BILLING_VIEW)
def collections_worklist(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    show_done = request.GET.get("show") == "all"
    tasks = list_collection_tasks(actor=actor, show_done=show_done)
    page = Paginator(tasks, WORKLIST_PAGE_SIZE).get_page(request.GET.get("page"))
    members = list_billing_members(actor=actor)
    context = {
        "page": page,
        "show_done": show_done,
        "emails": list_recent_collection_records(actor=actor),
        "members": members,
        "can_edit": actor.can(BILLING_EDIT),
    }
    return render(request, "billing/collections_worklist.html", context)


@require_POST
@clinic_view(BILLING_EDIT)
def collection_task_assign(request: HttpRequest, task_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    task = get_collection_task_for_update(actor=actor, task_id=task_id)
    form = TaskAssignForm(request.POST, members=list_billing_members(actor=actor))
    if not form.is_valid():
        return _form_refused(request, form)
    try:
        assign_collection_task(actor=actor, record=task, assignee=form.chosen())
    except BillingError as error:
        return _refused(request, error)
    return redirect(reverse("billing:collections-worklist"))


@require_POST
@clinic_view(BILLING_EDIT)
def collection_task_done(request: HttpRequest, task_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    task = get_collection_task_for_update(actor=actor, task_id=task_id)
    form = TaskDoneForm(request.POST)
    form.is_valid()
    try:
        set_collection_task_done(
            actor=actor, record=task, is_done=form.cleaned_data.get("is_done", False)
        )
    except BillingError as error:
        return _refused(request, error)
    return redirect(reverse("billing:collections-worklist"))


def _render_steps(
    request: HttpRequest, form: CollectionStepsForm, status: int = 200
) -> HttpResponse:
    return render(
        request, "billing/collection_steps_form.html", {"form": form}, status=status
    )


@require_GET
@clinic_view(CLINIC_MANAGE)
def collection_steps(request: HttpRequest) -> HttpResponse:
    steps = list_collection_steps(actor=get_actor(request))
    return _render_steps(
        request, CollectionStepsForm(initial=CollectionStepsForm.initial_for(steps))
    )


@require_POST
@clinic_view(CLINIC_MANAGE)
def collection_steps_save(request: HttpRequest) -> HttpResponse:
    form = CollectionStepsForm(request.POST)
    if form.is_valid():
        try:
            save_collection_steps(
                actor=get_actor(request),
                steps=[StepSpec(days, action) for days, action in form.specs()],
            )
        except BillingError as error:
            _add_error(form, error)
        else:
            messages.success(request, "Collection steps saved.")
            return redirect(reverse("billing:collection-steps"))
    return _render_steps(request, form, status=422)


@require_POST
@clinic_view(CLINIC_MANAGE)
def collection_steps_recommended(request: HttpRequest) -> HttpResponse:
    use_recommended_steps(actor=get_actor(request))
    messages.success(request, "The recommended collection steps are in place.")
    return redirect(reverse("billing:collection-steps"))
