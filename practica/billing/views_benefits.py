"""Package, membership and gift card pages: thin glue between forms, selectors
and `services.benefits`."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from practica.billing.errors import BillingError
from practica.billing.forms_benefits import (
    CancelMembershipForm,
    GiftCardSaleForm,
    MembershipPlanForm,
    PackagePlanForm,
    RedeemForm,
    SellForm,
)
from practica.billing.models import PatientMembership
from practica.billing.selectors import (
    get_invoice_for,
    get_invoice_for_update,
    get_patient_for_billing,
)
from practica.billing.selectors_benefits import (
    get_gift_card_for,
    list_membership_plans,
    list_package_plans,
    patient_benefits,
)
from practica.billing.services.benefits import (
    cancel_membership,
    define_membership_plan,
    define_package_plan,
    redeem_gift_card,
    reissue_gift_card_code,
    sell_benefit,
    sell_gift_card,
)
from practica.tenancy.access import clinic_view, get_actor
from practica.tenancy.permissions import BILLING_EDIT, BILLING_VIEW, CLINIC_MANAGE

AnyForm = (
    PackagePlanForm
    | MembershipPlanForm
    | SellForm
    | GiftCardSaleForm
    | CancelMembershipForm
    | RedeemForm
)


def _add_error(form: AnyForm, error: BillingError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def _invoice_url(invoice_id: uuid.UUID) -> str:
    return reverse("billing:invoice-detail", kwargs={"invoice_id": invoice_id})


def _patient_url(patient_id: uuid.UUID) -> str:
    return reverse("billing:benefits-patient", kwargs={"patient_id": patient_id})


# Plans -------------------------------------------------------------------


def _render_plans(
    request: HttpRequest,
    *,
    package_form: PackagePlanForm | None = None,
    membership_form: MembershipPlanForm | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = get_actor(request)
    context = {
        "package_plans": list(list_package_plans(actor=actor)),
        "membership_plans": list(list_membership_plans(actor=actor)),
        "can_manage": actor.can(CLINIC_MANAGE),
        "package_form": package_form or PackagePlanForm(actor=actor),
        "membership_form": membership_form or MembershipPlanForm(actor=actor),
    }
    return render(request, "billing/benefits_plans.html", context, status=status)


@require_GET
@clinic_view(BILLING_VIEW)
def benefit_plans(request: HttpRequest) -> HttpResponse:
    return _render_plans(request)


@require_POST
@clinic_view(CLINIC_MANAGE)
def package_plan_create(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    form = PackagePlanForm(request.POST, actor=actor)
    if form.is_valid():
        try:
            define_package_plan(
                actor=actor,
                item=form.cleaned_data["item"],
                visits=form.cleaned_data["visits"],
                validity_days=form.cleaned_data["validity_days"],
                appointment_types=list(form.cleaned_data["appointment_types"]),
            )
        except BillingError as error:
            _add_error(form, error)
        else:
            messages.success(request, "Package plan saved.")
            return redirect("billing:benefits-plans")
    return _render_plans(request, package_form=form, status=422)


@require_POST
@clinic_view(CLINIC_MANAGE)
def membership_plan_create(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    form = MembershipPlanForm(request.POST, actor=actor)
    if form.is_valid():
        try:
            define_membership_plan(
                actor=actor,
                item=form.cleaned_data["item"],
                monthly_fee=form.cleaned_data["monthly_fee"],
                discount_percent=form.cleaned_data["discount_percent"],
                visits_per_month=form.cleaned_data["visits_per_month"],
                appointment_types=list(form.cleaned_data["appointment_types"]),
            )
        except BillingError as error:
            _add_error(form, error)
        else:
            messages.success(request, "Membership plan saved.")
            return redirect("billing:benefits-plans")
    return _render_plans(request, membership_form=form, status=422)


# A patient's benefits ------------------------------------------------------


def _render_patient(
    request: HttpRequest,
    patient_id: uuid.UUID,
    *,
    sell_form: SellForm | None = None,
    gift_card_form: GiftCardSaleForm | None = None,
    cancel_form: CancelMembershipForm | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = get_actor(request)
    patient = get_patient_for_billing(actor=actor, patient_id=patient_id)
    benefits = patient_benefits(actor=actor, patient=patient)
    context = {
        "benefits": benefits,
        "has_active_membership": any(
            m.status == PatientMembership.Status.ACTIVE for m in benefits.memberships
        ),
        "patient": patient,
        "can_edit": actor.can(BILLING_EDIT),
        "sell_form": sell_form or SellForm(actor=actor),
        "gift_card_form": gift_card_form or GiftCardSaleForm(actor=actor),
        "cancel_form": cancel_form
        or CancelMembershipForm(actor=actor, patient_id=patient.pk),
    }
    return render(request, "billing/benefits_patient.html", context, status=status)


@require_GET
@clinic_view(BILLING_VIEW)
def patient_benefit_list(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    return _render_patient(request, patient_id)


@require_POST
@clinic_view(BILLING_EDIT)
def benefit_sell(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    patient = get_patient_for_billing(actor=actor, patient_id=patient_id)
    form = SellForm(request.POST, actor=actor)
    if form.is_valid():
        try:
            invoice = sell_benefit(
                actor=actor,
                patient=patient,
                location=form.cleaned_data["location"],
                item=form.cleaned_data["item"],
            )
        except BillingError as error:
            _add_error(form, error)
        else:
            messages.success(request, f"Sold on invoice #{invoice.number}.")
            return redirect(_invoice_url(invoice.pk))
    return _render_patient(request, patient.pk, sell_form=form, status=422)


@require_POST
@clinic_view(BILLING_EDIT)
def gift_card_sell(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    patient = get_patient_for_billing(actor=actor, patient_id=patient_id)
    form = GiftCardSaleForm(request.POST, actor=actor)
    if form.is_valid():
        try:
            sale = sell_gift_card(
                actor=actor,
                patient=patient,
                location=form.cleaned_data["location"],
                item=form.cleaned_data["item"],
                amount=form.cleaned_data["amount"],
                expires_on=form.cleaned_data["expires_on"],
            )
        except BillingError as error:
            _add_error(form, error)
        else:
            # Shown this once: only the last four characters are kept.
            messages.success(
                request,
                f"Gift card code: {sale.code}. Give it to the buyer now; "
                "it is not shown again.",
            )
            return redirect(_invoice_url(sale.invoice.pk))
    return _render_patient(request, patient.pk, gift_card_form=form, status=422)


@require_POST
@clinic_view(BILLING_EDIT)
def membership_cancel(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    patient = get_patient_for_billing(actor=actor, patient_id=patient_id)
    form = CancelMembershipForm(request.POST, actor=actor, patient_id=patient.pk)
    if form.is_valid():
        try:
            cancel_membership(
                actor=actor,
                membership=form.cleaned_data["membership"],
                ends_on=form.cleaned_data["ends_on"],
                reason=form.cleaned_data["reason"],
            )
        except BillingError as error:
            _add_error(form, error)
        else:
            messages.success(request, "Membership cancelled.")
            return redirect(_patient_url(patient.pk))
    return _render_patient(request, patient.pk, cancel_form=form, status=422)


@require_POST
@clinic_view(BILLING_EDIT)
def gift_card_code_reissue(
    request: HttpRequest, gift_card_id: uuid.UUID
) -> HttpResponse:
    actor = get_actor(request)
    card = get_gift_card_for(actor=actor, card_id=gift_card_id)
    try:
        code = reissue_gift_card_code(actor=actor, card=card)
    except BillingError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"New gift card code: {code}. The old code no longer works; "
            "this one is not shown again.",
        )
    return redirect(_patient_url(card.purchaser_id))


# Redeeming -----------------------------------------------------------------


def _render_redeem(
    request: HttpRequest,
    invoice_id: uuid.UUID,
    *,
    form: RedeemForm | None = None,
    status: int = 200,
) -> HttpResponse:
    detail = get_invoice_for(actor=get_actor(request), invoice_id=invoice_id)
    context = {
        "detail": detail,
        "invoice": detail.invoice,
        "form": form or RedeemForm(initial={"amount": detail.balance}),
    }
    return render(request, "billing/benefits_redeem.html", context, status=status)


@require_GET
@clinic_view(BILLING_EDIT)
def gift_card_redeem_form(request: HttpRequest, invoice_id: uuid.UUID) -> HttpResponse:
    return _render_redeem(request, invoice_id)


@require_POST
@clinic_view(BILLING_EDIT)
def gift_card_redeem(request: HttpRequest, invoice_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    invoice = get_invoice_for_update(actor=actor, invoice_id=invoice_id)
    form = RedeemForm(request.POST)
    if form.is_valid():
        try:
            payment = redeem_gift_card(
                actor=actor,
                invoice=invoice,
                code=form.cleaned_data["code"],
                amount=form.cleaned_data["amount"],
            )
        except BillingError as error:
            _add_error(form, error)
        else:
            messages.success(
                request,
                f"Gift card payment of {payment.amount} on #{invoice.number}.",
            )
            return redirect(_invoice_url(invoice.pk))
    return _render_redeem(request, invoice.pk, form=form, status=422)
