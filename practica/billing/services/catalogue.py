"""The clinic's catalogue: items (services, products, packages, memberships,
gift cards), fee schedule rows and named discounts. Changing any of them is a
clinic setting (clinic.manage); every change is audited.

An item that was billed is never deleted, only deactivated, so every invoice
line keeps pointing at what it sold. A fee schedule row takes effect from a
date; rows already in force are superseded by a newer row, never removed, so
the schedule keeps its history. Invoice lines copy their prices, so nothing
here can change what was already billed.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from practica.audit.services import record_change
from practica.billing.errors import BillingError
from practica.billing.models import (
    CatalogItem,
    Discount,
    InvoiceLine,
    Price,
    TaxCategory,
)
from practica.core.money import has_valid_places, quantize
from practica.scheduling.models import AppointmentType, Provider
from practica.tenancy.actor import Actor
from practica.tenancy.permissions import CLINIC_MANAGE

logger = logging.getLogger(__name__)

CATALOGUE_PERMISSION = CLINIC_MANAGE
MAX_PRICE = Decimal("99999999.99")


class CatalogueError(BillingError):
    """A catalogue change was refused; nothing was changed."""


def _check(actor: Actor) -> None:
    if not actor.can(CATALOGUE_PERMISSION):
        raise CatalogueError("Only a clinic manager can change the catalogue.")


def _check_row(actor: Actor, clinic_id: int) -> None:
    if clinic_id != actor.clinic.pk:
        # Selectors scope every fetch; reaching here means a caller bypassed them.
        raise CatalogueError("This record belongs to another clinic.")


def _money(value: Decimal, *, currency: str, field: str) -> Decimal:
    if not value.is_finite() or value < 0:
        raise CatalogueError("Enter an amount of 0 or more.", field=field)
    if not has_valid_places(value, currency):
        raise CatalogueError(
            "The amount can have at most 2 decimal places.", field=field
        )
    if value > MAX_PRICE:
        raise CatalogueError("The amount is too large.", field=field)
    return quantize(value, currency)


def _text(value: str, *, field: str, max_length: int, required: bool) -> str:
    value = value.strip()
    if required and not value:
        raise CatalogueError("This field is required.", field=field)
    if len(value) > max_length:
        raise CatalogueError(f"Use at most {max_length} characters.", field=field)
    return value


def _clean_item(
    *,
    actor: Actor,
    kind: str,
    code: str,
    name: str,
    description: str,
    default_price: Decimal,
    tax_category: str,
    appointment_type: AppointmentType | None,
) -> dict[str, object]:
    if kind not in CatalogItem.Kind.values:
        raise CatalogueError("Choose a kind of item.", field="kind")
    if tax_category not in TaxCategory.values:
        raise CatalogueError("Choose a tax category.", field="tax_category")
    if appointment_type is not None:
        _check_row(actor, appointment_type.clinic_id)
        if kind != CatalogItem.Kind.SERVICE:
            raise CatalogueError(
                "Only a service bills a visit type.", field="appointment_type"
            )
    return {
        "kind": kind,
        "code": _text(code, field="code", max_length=20, required=True),
        "name": _text(name, field="name", max_length=120, required=True),
        "description": _text(
            description, field="description", max_length=300, required=False
        ),
        "default_price": _money(
            default_price, currency=actor.clinic.currency, field="default_price"
        ),
        "tax_category": tax_category,
        "appointment_type": appointment_type,
    }


def _check_unique(
    *, actor: Actor, fields: dict[str, object], exclude_pk: int | None
) -> None:
    others = CatalogItem.objects.filter(clinic=actor.clinic)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.filter(code__iexact=str(fields["code"])).exists():
        raise CatalogueError("Another item has this code.", field="code")
    kind_type = fields["appointment_type"]
    if (
        isinstance(kind_type, AppointmentType)
        and others.filter(appointment_type=kind_type, is_active=True).exists()
    ):
        raise CatalogueError(
            "Another active item already bills this visit type.",
            field="appointment_type",
        )


def create_item(
    *,
    actor: Actor,
    kind: str,
    code: str,
    name: str,
    default_price: Decimal,
    tax_category: str,
    appointment_type: AppointmentType | None = None,
    description: str = "",
) -> CatalogItem:
    """Add an item to the catalogue."""
    _check(actor)
    fields = _clean_item(
        actor=actor,
        kind=kind,
        code=code,
        name=name,
        description=description,
        default_price=default_price,
        tax_category=tax_category,
        appointment_type=appointment_type,
    )
    with transaction.atomic():
        _check_unique(actor=actor, fields=fields, exclude_pk=None)
        item = CatalogItem.objects.create(clinic=actor.clinic, **fields)
        record_change(actor=actor, action="create", obj=item, patient_id=None)
    logger.info("billing.catalog_item_created", extra={"item_id": item.pk})
    return item


def update_item(
    *,
    actor: Actor,
    item: CatalogItem,
    code: str,
    name: str,
    default_price: Decimal,
    tax_category: str,
    appointment_type: AppointmentType | None = None,
    description: str = "",
) -> CatalogItem:
    """Change an item. Its kind stays; lines already billed keep their own
    description, price and tax."""
    _check(actor)
    _check_row(actor, item.clinic_id)
    fields = _clean_item(
        actor=actor,
        kind=item.kind,
        code=code,
        name=name,
        description=description,
        default_price=default_price,
        tax_category=tax_category,
        appointment_type=appointment_type,
    )
    with transaction.atomic():
        locked = CatalogItem.objects.select_for_update().get(
            clinic=actor.clinic, pk=item.pk
        )
        if locked.is_active:
            _check_unique(actor=actor, fields=fields, exclude_pk=locked.pk)
        else:
            _check_unique(
                actor=actor,
                fields={**fields, "appointment_type": None},
                exclude_pk=locked.pk,
            )
        changed = sorted(k for k, v in fields.items() if getattr(locked, k) != v)
        for key, value in fields.items():
            setattr(locked, key, value)
        locked.save()
        record_change(
            actor=actor,
            action="update",
            obj=locked,
            patient_id=None,
            detail=" ".join(changed),
        )
    return locked


def set_item_active(*, actor: Actor, item: CatalogItem, is_active: bool) -> CatalogItem:
    """Deactivate an item (it can no longer be added to an invoice) or bring
    it back (refused when another active item now bills its visit type)."""
    _check(actor)
    _check_row(actor, item.clinic_id)
    with transaction.atomic():
        locked = CatalogItem.objects.select_for_update().get(
            clinic=actor.clinic, pk=item.pk
        )
        if locked.is_active == is_active:
            return locked
        if (
            is_active
            and locked.appointment_type_id is not None
            and CatalogItem.objects.filter(
                clinic=actor.clinic,
                appointment_type_id=locked.appointment_type_id,
                is_active=True,
            ).exists()
        ):
            raise CatalogueError(
                "Another active item already bills this visit type.",
                field="appointment_type",
            )
        locked.is_active = is_active
        locked.save(update_fields=["is_active", "updated_at"])
        record_change(
            actor=actor,
            action="activate" if is_active else "deactivate",
            obj=locked,
            patient_id=None,
        )
    return locked


def delete_item(*, actor: Actor, item: CatalogItem) -> None:
    """Delete an item that was never billed (a typo); a billed one is only
    deactivated."""
    _check(actor)
    _check_row(actor, item.clinic_id)
    with transaction.atomic():
        locked = CatalogItem.objects.select_for_update().get(
            clinic=actor.clinic, pk=item.pk
        )
        if InvoiceLine.objects.filter(clinic=actor.clinic, item=locked).exists():
            raise CatalogueError(
                "This item was billed; deactivate it instead of deleting it."
            )
        record_change(actor=actor, action="delete", obj=locked, patient_id=None)
        Price.objects.filter(clinic=actor.clinic, item=locked).delete()
        locked.delete()


def add_price(
    *,
    actor: Actor,
    item: CatalogItem,
    amount: Decimal,
    effective_from: dt.date,
    provider: Provider | None = None,
) -> Price:
    """A fee schedule row: the item's price from a date, clinic-wide or for
    one provider. One row per item, provider and day."""
    _check(actor)
    _check_row(actor, item.clinic_id)
    if provider is not None:
        _check_row(actor, provider.clinic_id)
    value = _money(amount, currency=actor.clinic.currency, field="amount")
    taken = CatalogueError(
        "A price for this item and provider already starts on that day.",
        field="effective_from",
    )
    try:
        with transaction.atomic():
            # Checked here too: the unique constraint treats empty providers
            # as equal only where the database supports NULLS NOT DISTINCT
            # (PostgreSQL 15+), not on SQLite.
            CatalogItem.objects.select_for_update().get(clinic=actor.clinic, pk=item.pk)
            if Price.objects.filter(
                clinic=actor.clinic,
                item=item,
                provider=provider,
                effective_from=effective_from,
            ).exists():
                raise taken
            price = Price.objects.create(
                clinic=actor.clinic,
                item=item,
                provider=provider,
                amount=value,
                effective_from=effective_from,
            )
            record_change(
                actor=actor,
                action="create",
                obj=price,
                patient_id=None,
                detail=f"item={item.pk} from {effective_from.isoformat()}",
            )
    except IntegrityError:
        raise taken from None
    return price


def remove_price(*, actor: Actor, price: Price) -> None:
    """Take back a fee schedule row not yet in force. A row in force stays
    (it is the schedule's history); add a newer row to change the price."""
    _check(actor)
    _check_row(actor, price.clinic_id)
    today = timezone.localdate()
    if price.effective_from <= today:
        raise CatalogueError(
            "This price is already in force; add a newer price instead.",
            field="effective_from",
        )
    with transaction.atomic():
        record_change(
            actor=actor,
            action="delete",
            obj=price,
            patient_id=None,
            detail=f"item={price.item_id}",
        )
        Price.objects.filter(clinic=actor.clinic, pk=price.pk).delete()


def create_discount(
    *,
    actor: Actor,
    name: str,
    percent: Decimal | None = None,
    amount: Decimal | None = None,
) -> Discount:
    """A named discount: a percentage (over 0, up to 100) or an amount."""
    _check(actor)
    name = _text(name, field="name", max_length=80, required=True)
    if (percent is None) == (amount is None):
        raise CatalogueError(
            "Give a percentage or an amount, not both.", field="percent"
        )
    if percent is not None:
        if not percent.is_finite() or percent <= 0 or percent > 100:
            raise CatalogueError(
                "Enter a percentage over 0, up to 100.", field="percent"
            )
        if percent.as_tuple().exponent < -2:  # type: ignore[operator]  # finite: an int
            raise CatalogueError(
                "The percentage can have at most 2 decimal places.", field="percent"
            )
    if amount is not None:
        amount = _money(amount, currency=actor.clinic.currency, field="amount")
        if amount <= 0:
            raise CatalogueError("Enter an amount over 0.", field="amount")
    with transaction.atomic():
        if Discount.objects.filter(
            clinic=actor.clinic, name__iexact=name, is_active=True
        ).exists():
            raise CatalogueError("An active discount has this name.", field="name")
        discount = Discount.objects.create(
            clinic=actor.clinic, name=name, percent=percent, amount=amount
        )
        record_change(actor=actor, action="create", obj=discount, patient_id=None)
    return discount


def set_discount_active(
    *, actor: Actor, discount: Discount, is_active: bool
) -> Discount:
    """Retire a discount (lines that used it keep its name and amount) or
    bring it back."""
    _check(actor)
    _check_row(actor, discount.clinic_id)
    with transaction.atomic():
        locked = Discount.objects.select_for_update().get(
            clinic=actor.clinic, pk=discount.pk
        )
        if locked.is_active == is_active:
            return locked
        if (
            is_active
            and Discount.objects.filter(
                clinic=actor.clinic, name__iexact=locked.name, is_active=True
            ).exists()
        ):
            raise CatalogueError("An active discount has this name.", field="name")
        locked.is_active = is_active
        locked.save(update_fields=["is_active", "updated_at"])
        record_change(
            actor=actor,
            action="activate" if is_active else "deactivate",
            obj=locked,
            patient_id=None,
        )
    return locked
