"""The catalogue pages under /billing/catalogue/: the list of items and
discounts, one item with its fee schedule, and the changes to them.

Reading needs billing.view; changing needs clinic.manage (the services check
it again). Nothing here shows patient information, so reads are not audited.
Successful changes redirect (post/redirect/get); a refused one re-renders its
page with the form's errors and status 422.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from practica.billing.errors import BillingError
from practica.billing.forms_catalogue import DiscountForm, ItemForm, PriceForm
from practica.billing.models import CatalogItem
from practica.billing.selectors_catalogue import (
    get_discount,
    get_item,
    get_price,
    list_discounts,
    list_items,
)
from practica.billing.services.catalogue import (
    CATALOGUE_PERMISSION,
    add_price,
    create_discount,
    create_item,
    delete_item,
    remove_price,
    set_discount_active,
    set_item_active,
    update_item,
)
from practica.tenancy.access import clinic_view, get_actor
from practica.tenancy.permissions import BILLING_VIEW


def _refused(form: forms.Form, error: BillingError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _list_page(
    request: HttpRequest,
    *,
    item_form: ItemForm | None = None,
    discount_form: DiscountForm | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = get_actor(request)
    can_manage = actor.can(CATALOGUE_PERMISSION)
    context: dict[str, Any] = {
        "errors": errors or [],
        "items": list(list_items(actor=actor)),
        "discounts": list(list_discounts(actor=actor)),
        "can_manage": can_manage,
        "item_form": (item_form or ItemForm(actor=actor)) if can_manage else None,
        "discount_form": (discount_form or DiscountForm()) if can_manage else None,
    }
    return render(request, "billing/catalog_item_list.html", context, status=status)


def _item_page(
    request: HttpRequest,
    item: CatalogItem,
    *,
    edit_form: ItemForm | None = None,
    price_form: PriceForm | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = get_actor(request)
    can_manage = actor.can(CATALOGUE_PERMISSION)
    initial = {
        "code": item.code,
        "name": item.name,
        "description": item.description,
        "default_price": item.default_price,
        "tax_category": item.tax_category,
        "appointment_type": item.appointment_type_id,
    }
    context: dict[str, Any] = {
        "item": item,
        "prices": list(item.prices.all()),
        "can_manage": can_manage,
        "edit_form": (edit_form or ItemForm(actor=actor, editing=True, initial=initial))
        if can_manage
        else None,
        "price_form": (price_form or PriceForm(actor=actor)) if can_manage else None,
        "errors": errors or [],
    }
    return render(request, "billing/catalog_item_detail.html", context, status=status)


@require_GET
@clinic_view(BILLING_VIEW)
def catalogue(request: HttpRequest) -> HttpResponse:
    return _list_page(request)


@require_POST
@clinic_view(CATALOGUE_PERMISSION)
def item_create(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    form = ItemForm(data=request.POST, actor=actor)
    if form.is_valid():
        data = form.cleaned_data
        try:
            item = create_item(
                actor=actor,
                kind=data["kind"],
                code=data["code"],
                name=data["name"],
                description=data["description"],
                default_price=data["default_price"],
                tax_category=data["tax_category"],
                appointment_type=data["appointment_type"],
            )
        except BillingError as error:
            _refused(form, error)
        else:
            messages.success(request, f"Added {item.name}.")
            return redirect("billing:catalog-item-detail", item_id=item.pk)
    return _list_page(request, item_form=form, status=422)


@require_GET
@clinic_view(BILLING_VIEW)
def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    return _item_page(request, get_item(actor=get_actor(request), item_id=item_id))


@require_POST
@clinic_view(CATALOGUE_PERMISSION)
def item_edit(request: HttpRequest, item_id: int) -> HttpResponse:
    actor = get_actor(request)
    item = get_item(actor=actor, item_id=item_id)
    form = ItemForm(data=request.POST, actor=actor, editing=True)
    if form.is_valid():
        data = form.cleaned_data
        try:
            update_item(
                actor=actor,
                item=item,
                code=data["code"],
                name=data["name"],
                description=data["description"],
                default_price=data["default_price"],
                tax_category=data["tax_category"],
                appointment_type=data["appointment_type"],
            )
        except BillingError as error:
            _refused(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("billing:catalog-item-detail", item_id=item.pk)
    return _item_page(request, item, edit_form=form, status=422)


@require_POST
@clinic_view(CATALOGUE_PERMISSION)
def item_active(request: HttpRequest, item_id: int) -> HttpResponse:
    actor = get_actor(request)
    item = get_item(actor=actor, item_id=item_id)
    is_active = request.POST.get("is_active") == "1"
    try:
        set_item_active(actor=actor, item=item, is_active=is_active)
    except BillingError as error:
        return _item_page(request, item, errors=[error.message], status=422)
    messages.success(request, "Active again." if is_active else "Deactivated.")
    return redirect("billing:catalog-item-detail", item_id=item.pk)


@require_POST
@clinic_view(CATALOGUE_PERMISSION)
def item_delete(request: HttpRequest, item_id: int) -> HttpResponse:
    actor = get_actor(request)
    item = get_item(actor=actor, item_id=item_id)
    try:
        delete_item(actor=actor, item=item)
    except BillingError as error:
        return _item_page(request, item, errors=[error.message], status=422)
    messages.success(request, "Deleted.")
    return redirect("billing:catalogue")


@require_POST
@clinic_view(CATALOGUE_PERMISSION)
def price_create(request: HttpRequest, item_id: int) -> HttpResponse:
    actor = get_actor(request)
    item = get_item(actor=actor, item_id=item_id)
    form = PriceForm(data=request.POST, actor=actor)
    if form.is_valid():
        data = form.cleaned_data
        try:
            add_price(
                actor=actor,
                item=item,
                amount=data["amount"],
                effective_from=data["effective_from"],
                provider=data["provider"],
            )
        except BillingError as error:
            _refused(form, error)
        else:
            messages.success(request, "Price added.")
            return redirect("billing:catalog-item-detail", item_id=item.pk)
    return _item_page(request, item, price_form=form, status=422)


@require_POST
@clinic_view(CATALOGUE_PERMISSION)
def price_remove(request: HttpRequest, price_id: int) -> HttpResponse:
    actor = get_actor(request)
    price = get_price(actor=actor, price_id=price_id)
    try:
        remove_price(actor=actor, price=price)
    except BillingError as error:
        item = get_item(actor=actor, item_id=price.item_id)
        return _item_page(request, item, errors=[error.message], status=422)
    messages.success(request, "Price removed.")
    return redirect("billing:catalog-item-detail", item_id=price.item_id)


@require_POST
@clinic_view(CATALOGUE_PERMISSION)
def discount_create(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    form = DiscountForm(data=request.POST)
    if form.is_valid():
        data = form.cleaned_data
        is_percent = data["kind"] == DiscountForm.PERCENT
        try:
            create_discount(
                actor=actor,
                name=data["name"],
                percent=data["value"] if is_percent else None,
                amount=None if is_percent else data["value"],
            )
        except BillingError as error:
            _refused(form, error)
        else:
            messages.success(request, "Discount added.")
            return redirect("billing:catalogue")
    return _list_page(request, discount_form=form, status=422)


@require_POST
@clinic_view(CATALOGUE_PERMISSION)
def discount_active(request: HttpRequest, discount_id: int) -> HttpResponse:
    actor = get_actor(request)
    discount = get_discount(actor=actor, discount_id=discount_id)
    is_active = request.POST.get("is_active") == "1"
    try:
        set_discount_active(actor=actor, discount=discount, is_active=is_active)
    except BillingError as error:
        return _list_page(request, errors=[error.message], status=422)
    messages.success(request, "Discount updated.")
    return redirect("billing:catalogue")
